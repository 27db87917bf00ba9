// Who is calling: the token of an HTTP request or WebSocket upgrade (`Authorization: Bearer T`, or the
// `access_token` query parameter a browser's WebSocket can send) checked against the TokenStore. Without
// tokens (loopback only) every caller is the admin "local". No I/O: the sessions pass the header and target.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "aiopid/api/rpc_error.hpp"
#include "aiopid/api/session.hpp"
#include "aiopid/api/token_store.hpp"

namespace aiopid::api::detail {

/// The token of "Bearer T" (scheme case-insensitive), or nullopt.
[[nodiscard]] std::optional<std::string> bearer_token(std::string_view authorization);
/// The percent-decoded value of query parameter `name` in `target` ("/path?a=1&b=2"), or nullopt.
[[nodiscard]] std::optional<std::string> query_parameter(std::string_view target, std::string_view name);
/// `target` without every `name=…` query parameter (so REST routing never sees access_token).
[[nodiscard]] std::string without_query_parameter(std::string_view target, std::string_view name);
/// The caller's principal, or -32001 (no token / unknown token).
[[nodiscard]] std::variant<Principal, RpcError> authenticate(const TokenStore& tokens,
                                                             std::string_view authorization,
                                                             std::string_view target);

}  // namespace aiopid::api::detail
