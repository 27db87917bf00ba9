// A method of the remote API, defined once: name, documentation, parameter schema, result schema, the scope
// it needs, its REST route and its handler. The registry turns these into JSON-RPC methods, REST routes, the
// OpenRPC document and the OpenAPI document, and validates every call's params against the schema before the
// handler runs (so a handler sees only well-typed params).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "aiopi/task.hpp"
#include "aiopid/api/json.hpp"
#include "aiopid/api/rpc_error.hpp"
#include "aiopid/api/scope.hpp"
#include "aiopid/api/session.hpp"

namespace aiopid::api {

/// The JSON types a parameter may have. `any` = any JSON value (a device's value is checked by its handler
/// against the device type's schema).
enum class ParamType { string, integer, number, boolean, array_of_strings, object, any };

// Members have `{}` initialisers so that designated initialisers may leave any of them out.
struct ParamSpec {
  std::string name{};
  ParamType type = ParamType::string;
  bool required = true;
  std::string description{};
  Json default_value{};                        ///< null: none (filled in before the handler runs when absent)
  std::optional<double> minimum{}, maximum{};  ///< integer / number
  std::vector<std::string> one_of{};           ///< string: the allowed values (empty: any)
};

enum class HttpVerb { get, post };

struct RestRoute {
  HttpVerb verb = HttpVerb::get;
  std::string path;  ///< "/api/v1/devices/{name}": `{x}` segments become the param x
};

/// What a handler gets: the validated params (an object, defaults filled in) and who is calling.
struct CallContext {
  Json params;
  std::shared_ptr<Session> session;
};

using MethodResult = std::variant<Json, RpcError>;
/// Runs on the core loop. The std::function is kept by the registry for its whole life, so a lambda's
/// captures outlive every call.
using MethodHandler = std::function<aiopi::Task<MethodResult>(CallContext&)>;

struct MethodSpec {
  std::string name{};     ///< "devices.set"
  std::string summary{};  ///< one line
  std::string description{};
  Scope scope = Scope::read;
  std::vector<ParamSpec> params{};
  Json result_schema{};             ///< a JSON Schema of the result (OpenRPC / OpenAPI)
  std::optional<RestRoute> rest{};  ///< none: WebSocket / POST /api/v1/rpc only
  bool websocket_only = false;      ///< subscribe / unsubscribe
  /// The application error codes (rpc_code::not_found, conflict, ...) the handler may answer with, for the
  /// OpenRPC `errors` and the OpenAPI responses (unauthorized, forbidden, rate_limited and unavailable are
  /// listed for every method anyway).
  std::vector<int> errors = {};
  MethodHandler handler{};
};

}  // namespace aiopid::api
