// The API's tokens, read from a credentials file (systemd LoadCredential=), never from the main config. A
// line is `NAME SCOPE sha256:HEX` (# comments, blank lines allowed); only the SHA-256 of each token is kept,
// and a presented token is hashed and compared with CRYPTO_memcmp (constant time), against every entry.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "aiopid/api/scope.hpp"
#include "aiopid/api/session.hpp"

namespace aiopid::api {

using Sha256 = std::array<std::uint8_t, 32>;

struct TokenEntry {
  std::string name;
  Scope scope = Scope::read;
  Sha256 hash{};
};

class TokenStore {
 public:
  /// Parses the file's text; errors are "FILE:LINE: message" lines (every bad line reported).
  static std::variant<TokenStore, std::vector<std::string>> parse(std::string_view text,
                                                                  std::string_view file);
  /// Reads and parses a file (a missing or unreadable file is an error naming it).
  static std::variant<TokenStore, std::vector<std::string>> load(const std::string& path);

  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  /// The principal for a presented token, or nullopt. Compares against every entry (no early exit).
  [[nodiscard]] std::optional<Principal> authenticate(std::string_view token) const;
  /// The line to put in the file for a new token: "NAME SCOPE sha256:HEX".
  [[nodiscard]] static std::string line_for(std::string_view name, Scope scope, std::string_view token);
  [[nodiscard]] static Sha256 sha256(std::string_view data);

  void add(TokenEntry entry) { entries_.push_back(std::move(entry)); }

 private:
  std::vector<TokenEntry> entries_;
};

}  // namespace aiopid::api
