// What every part of the server shares on the API thread: the config, the registry and endpoint, the
// io_context, the TLS context, the statistics, the open connections (for stop() and the notification
// fan-out), and the gate through which other threads post into the io_context only while it runs.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

#include "aiopid/api/endpoint.hpp"
#include "aiopid/api/method_registry.hpp"
#include "aiopid/api/notification.hpp"
#include "aiopid/api/notification_text.hpp"
#include "aiopid/api/server.hpp"
#include "aiopid/api/server_config.hpp"
#include "server_publish_backlog.hpp"

namespace aiopid::api::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

/// Open while the API thread runs. Other threads (the Endpoint's completions, publish()) post into the
/// io_context only through run_if_open, so nothing is posted after stop() closed it and destroyed the
/// io_context.
class Gate {
 public:
  template <class F>
  bool run_if_open(F&& f) {
    std::lock_guard lock(mutex_);
    if (!open_) return false;
    std::forward<F>(f)();
    return true;
  }
  void set_open(bool open) {
    std::lock_guard lock(mutex_);
    open_ = open;
  }

 private:
  std::mutex mutex_;
  bool open_ = false;
};

/// One client connection (HTTP, then perhaps WebSocket) as the server's registry sees it.
class Connection {
 public:
  virtual ~Connection() = default;
  /// From the API thread: close (WebSocket: close 1001); the connection leaves the registry when done.
  virtual void close_for_stop() = 0;
  /// The session whose subscriptions decide which notifications it gets (nullptr: none, e.g. HTTP).
  [[nodiscard]] virtual const Session* subscriber() const noexcept { return nullptr; }
  /// From the API thread (not the connection's strand): queue a notification (serialised once for all).
  virtual void notify(std::shared_ptr<const NotificationText> /*text*/) {}
  /// From the API thread: `count` notifications were dropped before reaching this connection (the publish
  /// backlog overflowed); the client is told before its next notification, at once if none is queued.
  virtual void report_dropped(std::uint64_t /*count*/) {}
};

struct Counters {
  std::atomic<std::uint64_t> connections_open{0}, connections_total{0}, requests{0}, notifications_sent{0},
      notifications_dropped{0}, clients_disconnected_slow{0}, rejected_auth{0}, rejected_limits{0};
};

/// Counts a connection as open for as long as it lives (moved from the HTTP to the WebSocket session).
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  explicit ConnectionSlot(std::atomic<std::uint64_t>& open) : open_(&open) { open_->fetch_add(1); }
  ConnectionSlot(ConnectionSlot&& o) noexcept : open_(std::exchange(o.open_, nullptr)) {}
  ConnectionSlot& operator=(ConnectionSlot&& o) noexcept {
    if (this != &o) {
      release();
      open_ = std::exchange(o.open_, nullptr);
    }
    return *this;
  }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { release(); }

 private:
  void release() noexcept {
    if (open_ != nullptr) open_->fetch_sub(1);
    open_ = nullptr;
  }
  std::atomic<std::uint64_t>* open_ = nullptr;
};

class ServerState {
 public:
  ServerState(ServerConfig cfg, const MethodRegistry& registry, Endpoint& ep)
      : config(std::move(cfg)),
        methods(registry),
        endpoint(ep),
        gate(std::make_shared<Gate>()),
        backlog(config.limits.max_publish_backlog) {}

  const ServerConfig config;
  const MethodRegistry& methods;
  Endpoint& endpoint;
  std::unique_ptr<asio::io_context> ioc;    ///< from start() to the end of stop()
  std::unique_ptr<asio::ssl::context> tls;  ///< set when TLS is configured
  Counters counters;
  const std::shared_ptr<Gate> gate;
  std::atomic<bool> stopping{false};     ///< stop() began: no new connections
  PublishBacklog backlog;                ///< publish() → the API thread's fan-out
  std::deque<Notification> fanning_out;  ///< the API thread's batch being fanned out (storage reused)

  [[nodiscard]] std::uint64_t next_id() noexcept { return next_id_.fetch_add(1) + 1; }

  /// The registry keeps a connection alive until it removes itself (it may be waiting for the Endpoint with
  /// no I/O pending; the Endpoint's completion holds only a weak_ptr).
  void add(std::uint64_t id, std::shared_ptr<Connection> c) {
    std::lock_guard lock(mutex_);
    connections_.emplace(id, std::move(c));
  }
  void remove(std::uint64_t id) {
    std::shared_ptr<Connection> last;  // destroyed outside the lock
    std::lock_guard lock(mutex_);
    if (auto it = connections_.find(id); it != connections_.end()) {
      last = std::move(it->second);
      connections_.erase(it);
    }
  }
  template <class F>
  void for_each(F&& f) {
    std::lock_guard lock(mutex_);
    for (auto& [id, c] : connections_)
      f(*c);
  }
  [[nodiscard]] std::size_t connection_count() {
    std::lock_guard lock(mutex_);
    return connections_.size();
  }
  /// After the API thread ended: destroys the remaining connections (while the io_context still exists).
  void drop_all() {
    std::map<std::uint64_t, std::shared_ptr<Connection>> doomed;
    {
      std::lock_guard lock(mutex_);
      doomed.swap(connections_);
    }
  }

 private:
  std::atomic<std::uint64_t> next_id_{0};
  std::mutex mutex_;
  std::map<std::uint64_t, std::shared_ptr<Connection>> connections_;
};

/// The Endpoint's `done` for a connection: whatever thread calls it, `on_strand(connection, result)` runs on
/// the connection's strand if the server is still running and the connection still exists; otherwise the
/// result is dropped. Holds no strong reference while it waits.
template <class Conn, class Result, class OnStrand>
std::function<void(Result)> completion(const std::shared_ptr<Gate>& gate, std::weak_ptr<Conn> weak,
                                       OnStrand on_strand) {
  return [gate, weak = std::move(weak), on_strand = std::move(on_strand)](Result result) {
    gate->run_if_open([&] {
      std::shared_ptr<Conn> self = weak.lock();
      if (!self) return;
      auto ex = self->executor();
      // The strong reference moves into the handler, so it is never released on this thread.
      asio::post(ex, [self = std::move(self), on_strand, result = std::move(result)]() mutable {
        on_strand(*self, std::move(result));
      });
    });
  };
}

}  // namespace aiopid::api::detail
