#include "token_hash.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "aiopid/api/scope.hpp"
#include "aiopid/api/token_store.hpp"
#include "failure.hpp"

namespace aiopictl {

namespace {

bool has_space(std::string_view text) {
  return text.find_first_of(" \t\r\n\v\f") != std::string_view::npos;
}

}  // namespace

std::string generate_token() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("no random bytes from OpenSSL (RAND_bytes)");
  }
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string token;
  unsigned bits = 0;
  int count = 0;
  for (unsigned char b : bytes) {
    bits = (bits << 8) | b;
    count += 8;
    while (count >= 6) {
      count -= 6;
      token += kAlphabet[(bits >> count) & 0x3F];
    }
  }
  if (count > 0) token += kAlphabet[(bits << (6 - count)) & 0x3F];
  return token;
}

std::string token_from_text(std::string_view text) {
  text = text.substr(0, text.find('\n'));
  const auto first = text.find_first_not_of(" \t\r\v\f");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\v\f");
  return std::string(text.substr(first, last - first + 1));
}

std::string credentials_line(std::string_view name, std::string_view scope, std::string_view token) {
  if (name.empty() || has_space(name)) throw Failure::usage("token-hash: NAME must be one word");
  const auto parsed_scope = aiopid::api::parse_scope(scope);
  if (!parsed_scope) {
    throw Failure::usage("token-hash: unknown SCOPE '" + std::string(scope) + "' (read, control, admin)");
  }
  if (token.empty()) throw Failure::usage("token-hash: empty token (give one on stdin, or --generate)");
  if (has_space(token)) throw Failure::usage("token-hash: the token has white space in it");
  std::string line = aiopid::api::TokenStore::line_for(name, *parsed_scope, token);
  // The daemon's own parser decides whether the line is good (a NAME's allowed characters and length).
  auto parsed = aiopid::api::TokenStore::parse(line, "token-hash");
  if (auto* errors = std::get_if<std::vector<std::string>>(&parsed)) {
    const std::string& first = errors->front();
    const auto message = first.find(": ", first.find(':') + 1);  // drop "token-hash:1: "
    throw Failure::usage("token-hash: " + (message == std::string::npos ? first : first.substr(message + 2)));
  }
  return line;
}

}  // namespace aiopictl
