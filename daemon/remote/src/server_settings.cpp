#include "aiopid/remote/server_settings.hpp"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <chrono>

namespace aiopid::remote {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

std::string tokens_path(const config::ApiSettings& settings, const char* credentials_directory,
                        const std::string& etc_tokens) {
  if (!settings.tokens_file.empty()) return settings.tokens_file;
  if (credentials_directory != nullptr && *credentials_directory != '\0') {
    const std::string credential = std::string(credentials_directory) + "/aiopid-tokens";
    if (exists(credential)) return credential;
  }
  if (exists(etc_tokens)) return etc_tokens;
  return {};
}

bool is_loopback(const std::string& address) {
  if (address == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, address.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, address.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

std::variant<api::ServerConfig, std::vector<std::string>> server_config(const config::ApiSettings& settings,
                                                                        const std::string& tokens_file,
                                                                        const std::string& version) {
  std::vector<std::string> errors;
  api::ServerConfig c;
  c.listen = settings.listen;
  c.port = settings.port;
  c.allowed_origins = settings.allowed_origins;
  c.tls_certificate = settings.tls_certificate;
  c.tls_key = settings.tls_key;
  c.version = version;
  c.limits.max_connections = settings.max_connections;
  c.limits.max_message_bytes = settings.max_message_bytes;
  c.limits.requests_per_second = settings.requests_per_second;
  c.limits.request_burst = settings.requests_per_second * 2;
  c.limits.max_queued = settings.max_queued;
  c.limits.stall_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(settings.stall_timeout);
  c.limits.idle_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(settings.idle_timeout);
  if (settings.tls_certificate.empty() != settings.tls_key.empty())
    errors.push_back("[api] tls_certificate and tls_key go together: set both (TLS) or neither");
  if (!tokens_file.empty()) {
    auto loaded = api::TokenStore::load(tokens_file);
    if (auto* bad = std::get_if<std::vector<std::string>>(&loaded))
      errors.insert(errors.end(), bad->begin(), bad->end());
    else
      c.tokens = std::move(std::get<api::TokenStore>(loaded));
  }
  if (c.tokens.empty()) {
    for (const std::string& address : settings.listen) {
      if (is_loopback(address)) continue;
      errors.push_back(
          "[api] listen: '" + address +
          "' is not a loopback address, and no API tokens are configured: add tokens (a tokens "
          "file, see `aiopictl token-hash` and docs/remote-api.md) or listen on 127.0.0.1 / ::1 only");
    }
  }
  if (!errors.empty()) return errors;
  return c;
}

}  // namespace aiopid::remote
