#include "url.hpp"

#include <charconv>

namespace aiopictl {

std::string ServerUrl::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + port;
}

std::variant<ServerUrl, std::string> parse_url(std::string_view text) {
  ServerUrl url;
  url.text = std::string(text);
  std::string_view rest = text;
  const auto scheme_end = rest.find("://");
  if (scheme_end == std::string_view::npos) return "not a URL (want http://HOST[:PORT]): " + url.text;
  const std::string_view scheme = rest.substr(0, scheme_end);
  if (scheme == "http" || scheme == "ws") {
    url.tls = false;
  } else if (scheme == "https" || scheme == "wss") {
    url.tls = true;
  } else {
    return "unsupported scheme '" + std::string(scheme) + "' (http, https, ws, wss): " + url.text;
  }
  rest.remove_prefix(scheme_end + 3);
  const auto path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) {
    return "credentials in the URL are not supported (use --token-file or AIOPI_TOKEN): " + url.text;
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return "unclosed '[' in the URL: " + url.text;
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return "junk after ']' in the URL: " + url.text;
      port = after.substr(1);
      if (port.empty()) return "empty port in the URL: " + url.text;
    }
  } else {
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      authority = authority.substr(0, colon);
      if (port.empty()) return "empty port in the URL: " + url.text;
    }
    url.host = std::string(authority);
  }
  if (url.host.empty()) return "no host in the URL: " + url.text;
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      return "bad port '" + std::string(port) + "' in the URL: " + url.text;
    }
    url.port = std::string(port);
  } else {
    url.port = url.tls ? "443" : "80";
  }
  if (path.find_first_of("?#") != std::string_view::npos) {
    return "a query or fragment in the URL is not supported: " + url.text;
  }
  while (!path.empty() && path.back() == '/')
    path.remove_suffix(1);
  url.prefix = std::string(path);
  return url;
}

}  // namespace aiopictl
