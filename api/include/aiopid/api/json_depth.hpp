// The nesting depth of a request's JSON text, measured before the text is parsed: nlohmann/json builds the
// whole DOM first (and a deep one costs a node per level), so a message nested thousands deep is refused
// from a cheap scan instead. Depth counts open arrays and objects: `1` is 0, `{}` and `[1]` are 1,
// `{"params":{"a":[1]}}` is 3, a batch adds one level. Brackets inside strings do not count.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "aiopid/api/rpc_error.hpp"

namespace aiopid::api {

/// The default for Limits::max_json_depth: far beyond any request of the API (the deepest is a batch of
/// requests whose params hold an array: 4), far below what costs anything.
inline constexpr std::size_t default_max_json_depth = 32;

/// The deepest nesting in `text`, scanning no further than the first level beyond `max_depth` (so at most
/// max_depth + 1). Not a validator: invalid JSON gets a number too and is refused by the parser afterwards.
[[nodiscard]] std::size_t json_depth(std::string_view text, std::size_t max_depth) noexcept;

/// nullopt when `text` nests at most `max_depth` levels; otherwise -32600 "invalid request: JSON nested
/// deeper than N levels" with data {"max_depth": N} (answered with a null id: the text was never parsed).
[[nodiscard]] std::optional<RpcError> check_json_depth(std::string_view text, std::size_t max_depth);

}  // namespace aiopid::api
