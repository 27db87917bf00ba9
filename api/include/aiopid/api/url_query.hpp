// Percent-decoding of request targets (RFC 3986) and the query string's key=value pairs
// (application/x-www-form-urlencoded, where `+` is a space). Used by the registry's REST routing and by the
// server (the WebSocket `access_token` query parameter).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aiopid::api {

/// `text` with every %XX replaced by its byte (and `+` by a space when `plus_is_space`); nullopt when a `%`
/// is not followed by two hex digits or the result is not valid UTF-8.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

/// The pairs of a query string ("a=1&b=x%20y&flag", without the `?`), decoded, in order; a key without `=`
/// has the value "". Empty pieces ("a=1&&b=2") are skipped. nullopt when a key or value cannot be decoded.
[[nodiscard]] std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(
    std::string_view query);

/// Whether `text` is valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
[[nodiscard]] bool valid_utf8(std::string_view text) noexcept;

}  // namespace aiopid::api
