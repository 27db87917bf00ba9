// From a command line to a JSON-RPC request, and from the answer to its result: no network here, so every
// mapping is tested on its own (tests/aiopictl/request_test.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "aiopid/api/json.hpp"

namespace aiopictl {

using aiopid::api::Json;

/// One method call: params is an object, or null for `call METHOD` without params (then none are sent).
struct RpcCall {
  std::string method;
  Json params = Json::object();
};

/// A parsed command line: the subcommand, its positional arguments and its own options.
struct Invocation {
  std::string command;  ///< "devices", "set", "run-now", "call", ...
  std::vector<std::string> args;
  std::optional<int> next;           ///< schedules --next N
  std::optional<std::string> level;  ///< watch --level LEVEL
};

/// `set`'s VALUE: on/off/true/false/1/0 (any case) → boolean; a finite number → integer or number; anything
/// else → the string as given.
[[nodiscard]] Json parse_value(std::string_view text);

/// The method and params a command calls, or a usage message (wrong argument count, params that are not a
/// JSON object or array, an unknown command). `token-hash` is not a method: it is a usage error here.
[[nodiscard]] std::variant<RpcCall, std::string> to_rpc_call(const Invocation& invocation);

/// {"jsonrpc":"2.0","id":ID,"method":…[,"params":…]}
[[nodiscard]] Json make_request(const RpcCall& call, std::int64_t id);

/// The result of an answer to request `id`; throws Failure: the error as Failure::from_rpc_error, an answer
/// that is not a JSON-RPC response to `id` as a connection failure naming `url`.
[[nodiscard]] Json result_of(const Json& answer, std::int64_t id, std::string_view method,
                             std::string_view url);

}  // namespace aiopictl
