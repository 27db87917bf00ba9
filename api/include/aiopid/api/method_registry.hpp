// The methods of the API by name, and their REST routes. Filled once at start (before the server runs), then
// only read — from both threads, without locks.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiopid/api/json.hpp"
#include "aiopid/api/method.hpp"
#include "aiopid/api/rpc_error.hpp"

namespace aiopid::api {

/// A REST request resolved to a method call.
struct RoutedCall {
  const MethodSpec* method = nullptr;
  Json params;  ///< path params + query + body, merged (a key given twice is an error)
};

class MethodRegistry {
 public:
  /// Adds a method; a duplicate name or route is a programming error (panics).
  void add(MethodSpec spec);
  [[nodiscard]] const MethodSpec* find(std::string_view name) const;
  [[nodiscard]] const std::vector<const MethodSpec*>& all() const noexcept { return ordered_; }

  /// Checks `params` (an object; an array, JSON-RPC's by-position params, mapped onto the declared order;
  /// or absent) against the method's schema: unknown, missing, mistyped, out-of-range or not-one-of params
  /// give -32602 with the JSON Pointer `/params/NAME` (`/params/0` by position). On success: an object, in
  /// the declared order, with defaults filled in (an integral number given for an integer becomes one).
  [[nodiscard]] std::variant<Json, RpcError> validate(const MethodSpec& method, const Json* params) const;

  /// Resolves an HTTP request: `target` is the path with its query ("/api/v1/schedules?next=5"), `body` the
  /// parsed JSON body (null when empty). Path segments and the query are percent-decoded (`+` is a space in
  /// the query only); query and path values are typed by their param's type ("5" → 5, "true" → true). The
  /// params come back validated (see validate). Errors: -32600 (a target that is not a path, bad
  /// percent-encoding in the path), -32601 (no route: 404; a route with the other verb: 405 is reported as
  /// -32601 with data {"allow": "GET"}), -32602 (bad query / body / duplicate key / validation).
  [[nodiscard]] std::variant<RoutedCall, RpcError> route(HttpVerb verb, std::string_view target,
                                                         const Json& body) const;

  /// The OpenRPC 1.2.6 document (`api.describe`, GET /api/v1/openrpc.json).
  [[nodiscard]] Json openrpc(std::string_view title, std::string_view version) const;
  /// The OpenAPI 3.0.3 document of the REST mirror (GET /api/v1/openapi.json).
  [[nodiscard]] Json openapi(std::string_view title, std::string_view version) const;

 private:
  struct Route {
    HttpVerb verb;
    std::vector<std::string> segments;  ///< literal, or "{name}" for a path param
    const MethodSpec* method;
  };

  std::map<std::string, MethodSpec, std::less<>> methods_;
  std::vector<const MethodSpec*> ordered_;
  std::vector<Route> routes_;
};

}  // namespace aiopid::api
