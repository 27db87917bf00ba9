// One client connection as both threads see it. The API thread creates it after the handshake (transport,
// peer, principal are fixed from then on); method handlers on the loop read the principal and, for
// `subscribe` / `unsubscribe`, change the subscription patterns, which the API thread reads when it fans a
// notification out. The patterns are therefore behind a mutex; everything else is immutable.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "aiopid/api/scope.hpp"

namespace aiopid::api {

enum class Transport { websocket, http };

struct Principal {
  std::string token_name;  ///< the credentials file's NAME, or "local" when no tokens are configured
  Scope scope = Scope::read;
};

class Session {
 public:
  Session(std::uint64_t id, Transport transport, std::string peer, Principal principal)
      : id_(id), transport_(transport), peer_(std::move(peer)), principal_(std::move(principal)) {}

  [[nodiscard]] std::uint64_t id() const noexcept { return id_; }
  [[nodiscard]] Transport transport() const noexcept { return transport_; }
  [[nodiscard]] const std::string& peer() const noexcept { return peer_; }  ///< "127.0.0.1:53122"
  [[nodiscard]] const Principal& principal() const noexcept { return principal_; }
  /// Only WebSocket sessions receive notifications.
  [[nodiscard]] bool can_subscribe() const noexcept { return transport_ == Transport::websocket; }

  /// Adds patterns (already validated by topic_pattern.hpp; one already there is not added twice) and sets
  /// the log level (a negative `log_level` keeps the current one); returns how many are now subscribed.
  std::size_t subscribe(const std::vector<std::string>& patterns, int log_level);
  /// Removes patterns (all when empty); returns how many remain.
  std::size_t unsubscribe(const std::vector<std::string>& patterns);
  /// Whether a notification on `topic` goes to this session (log topics also honour the log level: 0 trace …
  /// 5 critical, the least severe level the client asked for).
  [[nodiscard]] bool wants(std::string_view topic) const;
  [[nodiscard]] std::vector<std::string> patterns() const;
  /// The least severe log level sent (0 trace … 5 critical; 2 info until a `subscribe` says otherwise).
  [[nodiscard]] int log_level() const;

 private:
  const std::uint64_t id_;
  const Transport transport_;
  const std::string peer_;
  const Principal principal_;
  mutable std::mutex mutex_;
  std::vector<std::string> patterns_;  // guarded by mutex_
  int log_level_ = 2;                  // guarded by mutex_; info
};

}  // namespace aiopid::api
