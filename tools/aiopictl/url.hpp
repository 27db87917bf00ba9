// The daemon's address as given by --url / AIOPI_URL: http:// or https:// (ws:// and wss:// are accepted as
// the same), a host name or address ([::1] for IPv6), an optional port (80 / 443 by default) and an optional
// path prefix (a reverse proxy's), to which /api/v1/... is appended.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace aiopictl {

struct ServerUrl {
  bool tls = false;
  std::string host;    ///< without brackets: "::1"
  std::string port;    ///< "8765"
  std::string prefix;  ///< "" or "/aiopi" (no trailing slash)
  std::string text;    ///< as given, for messages

  /// The Host header: "host:port" ("[::1]:8765").
  [[nodiscard]] std::string host_header() const;
  /// prefix + path: target("/api/v1/rpc").
  [[nodiscard]] std::string target(std::string_view path) const { return prefix + std::string(path); }
};

/// The URL, or a message saying what is wrong with it.
[[nodiscard]] std::variant<ServerUrl, std::string> parse_url(std::string_view text);

}  // namespace aiopictl
