// A JSON-RPC 2.0 error as a value: the standard codes, the application's codes (docs/design/remote-api.md)
// and the HTTP status the REST mirror answers with.
#pragma once

#include <string>

#include "aiopid/api/json.hpp"

namespace aiopid::api {

namespace rpc_code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
inline constexpr int unauthorized = -32001;
inline constexpr int forbidden = -32002;
inline constexpr int rate_limited = -32003;
inline constexpr int not_found = -32004;
inline constexpr int conflict = -32005;
inline constexpr int unavailable = -32006;
inline constexpr int reload_failed = -32007;
}  // namespace rpc_code

struct RpcError {
  int code = rpc_code::internal_error;
  std::string message;
  Json data;  ///< null: no "data" member

  /// -32602 with data {"pointer": POINTER, "reason": REASON}; message "invalid params: REASON".
  static RpcError invalid_params(std::string pointer, std::string reason);
  static RpcError not_found(std::string what);  ///< -32004 "no such device: porch" style message given whole
  /// {"code":…,"message":…[,"data":…]}
  [[nodiscard]] Json to_json() const;
  /// The REST mirror's status for this code (docs/design/remote-api.md); 405 for -32601 with data.allow
  /// (the server sends `Allow: <data.allow>` with it).
  [[nodiscard]] int http_status() const noexcept;
};

}  // namespace aiopid::api
