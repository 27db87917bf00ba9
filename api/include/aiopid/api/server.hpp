// The HTTP + WebSocket server (Boost.Beast) on its own thread. It accepts connections, authenticates them,
// routes REST requests, frames JSON-RPC, and keeps per-connection limits and queues; every call goes to the
// Endpoint, every notification comes from publish(). See docs/design/remote-api.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aiopid/api/endpoint.hpp"
#include "aiopid/api/method_registry.hpp"
#include "aiopid/api/notification.hpp"
#include "aiopid/api/server_config.hpp"

namespace aiopid::api {

struct ServerStats {
  std::uint64_t connections_open = 0, connections_total = 0, requests = 0, notifications_sent = 0,
                notifications_dropped = 0, clients_disconnected_slow = 0, rejected_auth = 0,
                rejected_limits = 0;
};

class Server final : public NotificationSink {
 public:
  /// `methods` and `endpoint` must outlive the server.
  Server(ServerConfig config, const MethodRegistry& methods, Endpoint& endpoint);
  ~Server() override;  ///< stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds every listen address and starts the API thread. Errors (address in use, a non-loopback address
  /// without tokens, unreadable TLS files) come back as messages; nothing is left running then.
  [[nodiscard]] std::vector<std::string> start();
  /// Closes the listeners and every connection (WebSocket close 1001), joins the thread. Idempotent.
  void stop();
  /// The bound port (the real one when config.port was 0).
  [[nodiscard]] std::uint16_t port() const noexcept;
  /// "http://127.0.0.1:8765" (https when TLS).
  [[nodiscard]] std::string url() const;
  [[nodiscard]] ServerStats stats() const;

  void publish(Notification n) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aiopid::api
