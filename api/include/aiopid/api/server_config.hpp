// What the API server listens on and the limits it keeps. The daemon fills it from the [api] section of its
// config and the tokens file; defaults are the safe ones (loopback only, no browser origins).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "aiopid/api/json_depth.hpp"
#include "aiopid/api/token_store.hpp"

namespace aiopid::api {

struct Limits {
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_message_bytes = 64 * 1024;            ///< an HTTP body or a WebSocket message
  std::size_t max_json_depth = default_max_json_depth;  ///< nesting of a request's JSON (json_depth.hpp)
  std::size_t max_connections = 64;
  double requests_per_second = 50;  ///< per connection (token bucket)
  double request_burst = 100;
  std::size_t max_inflight = 16;  ///< requests of one connection in the loop at once
  std::size_t max_queued = 256;   ///< outbound notifications queued per connection (drop-oldest beyond)
  /// Notifications published by the loop and not yet fanned out by the API thread (drop-oldest beyond;
  /// every subscribed connection is told how many were dropped).
  std::size_t max_publish_backlog = 4096;
  std::chrono::milliseconds stall_timeout{10'000};  ///< full queue and no progress this long: disconnect
  std::chrono::milliseconds idle_timeout{300'000};
  std::chrono::milliseconds ping_interval{30'000};
};

struct ServerConfig {
  std::vector<std::string> listen{"127.0.0.1", "::1"};  ///< addresses; "0.0.0.0" / "::" = all
  std::uint16_t port = 8765;                            ///< 0: any free port (tests), see Server::port()
  std::vector<std::string> allowed_origins;             ///< WebSocket Origin values accepted (exact match)
  std::string tls_certificate, tls_key;                 ///< PEM paths; both empty: plain HTTP
  TokenStore tokens;                                    ///< empty: no tokens (allowed on loopback only)
  Limits limits;
  std::string server_name = "aiopid";  ///< the Server header, OpenRPC title
  std::string version;                 ///< the daemon's version (documents)
};

}  // namespace aiopid::api
