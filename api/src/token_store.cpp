#include "aiopid/api/token_store.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "aiopi/panic.hpp"

namespace aiopid::api {
namespace {

constexpr std::size_t kMaxNameLength = 64;

bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.' || c == '@';
}

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r';
}

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i]))
      ++i;
    const std::size_t start = i;
    while (i < line.size() && !is_space(line[i]))
      ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Sha256> parse_hash(std::string_view text) {
  constexpr std::string_view kPrefix = "sha256:";
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  Sha256 hash{};
  if (text.size() != hash.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < hash.size(); ++i) {
    const int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    hash[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return hash;
}

std::string hex(const Sha256& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : hash) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

}  // namespace

std::variant<TokenStore, std::vector<std::string>> TokenStore::parse(std::string_view text,
                                                                     std::string_view file) {
  TokenStore store;
  std::vector<std::string> errors;
  std::map<std::string, std::size_t, std::less<>> name_lines;
  std::map<Sha256, std::size_t> hash_lines;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    ++number;
    auto error = [&](const std::string& message) {
      errors.push_back(std::string(file) + ":" + std::to_string(number) + ": " + message);
    };
    const std::vector<std::string_view> fields = fields_of(line);
    if (fields.empty() || fields.front().front() == '#') continue;
    if (fields.size() != 3) {
      error("expected NAME SCOPE sha256:HEX, found " + std::to_string(fields.size()) +
            (fields.size() == 1 ? " field" : " fields"));
      continue;
    }
    const std::string_view name = fields[0];
    bool name_ok = name.size() <= kMaxNameLength;
    for (char c : name)
      name_ok = name_ok && is_name_char(c);
    if (!name_ok) {
      error("invalid token name \"" + std::string(name) + "\": up to " + std::to_string(kMaxNameLength) +
            " letters, digits, '_', '-', '.' and '@'");
      continue;
    }
    const std::optional<Scope> scope = parse_scope(fields[1]);
    if (!scope) {
      error("unknown scope \"" + std::string(fields[1]) + "\" (read, control or admin)");
      continue;
    }
    const std::optional<Sha256> hash = parse_hash(fields[2]);
    if (!hash) {
      error("the hash must be \"sha256:\" and 64 hex digits (aiopictl token-hash prints the line)");
      continue;
    }
    if (auto it = name_lines.find(name); it != name_lines.end()) {
      error("token \"" + std::string(name) + "\" is already defined on line " + std::to_string(it->second));
      continue;
    }
    if (auto it = hash_lines.find(*hash); it != hash_lines.end()) {
      error("the same token as on line " + std::to_string(it->second) + " (each token must be different)");
      continue;
    }
    name_lines.emplace(std::string(name), number);
    hash_lines.emplace(*hash, number);
    store.add(TokenEntry{std::string(name), *scope, *hash});
  }
  if (!errors.empty()) return errors;
  return store;
}

std::variant<TokenStore, std::vector<std::string>> TokenStore::load(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return std::vector<std::string>{path + ": cannot read the tokens file: " + std::strerror(errno)};
  }
  std::string text;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0)
    text.append(buffer, n);
  const bool failed = std::ferror(f) != 0;
  const int error = errno;
  std::fclose(f);
  if (failed)
    return std::vector<std::string>{path + ": cannot read the tokens file: " + std::strerror(error)};
  return parse(text, path);
}

std::optional<Principal> TokenStore::authenticate(std::string_view token) const {
  const Sha256 presented = sha256(token);
  const TokenEntry* found = nullptr;
  // Every entry is compared, in constant time each, so the time taken says nothing about which (or whether
  // an) entry matched.
  for (const TokenEntry& entry : entries_) {
    const bool match = CRYPTO_memcmp(presented.data(), entry.hash.data(), presented.size()) == 0;
    found = match ? &entry : found;
  }
  if (found == nullptr) return std::nullopt;
  return Principal{found->name, found->scope};
}

std::string TokenStore::line_for(std::string_view name, Scope scope, std::string_view token) {
  return std::string(name) + " " + std::string(scope_name(scope)) + " sha256:" + hex(sha256(token));
}

Sha256 TokenStore::sha256(std::string_view data) {
  Sha256 out{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != out.size()) {
    aiopi::panic("aiopid::api::TokenStore: OpenSSL's SHA-256 failed");
  }
  return out;
}

}  // namespace aiopid::api
