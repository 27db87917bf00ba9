#include "aiopid/api/rpc_error.hpp"

namespace aiopid::api {

RpcError RpcError::invalid_params(std::string pointer, std::string reason) {
  RpcError e{rpc_code::invalid_params, "invalid params: " + reason, Json::object()};
  e.data["pointer"] = std::move(pointer);
  e.data["reason"] = std::move(reason);
  return e;
}

RpcError RpcError::not_found(std::string what) {
  return RpcError{rpc_code::not_found, std::move(what), nullptr};
}

Json RpcError::to_json() const {
  Json j = Json::object();
  j["code"] = code;
  j["message"] = message;
  if (!data.is_null()) j["data"] = data;
  return j;
}

int RpcError::http_status() const noexcept {
  switch (code) {
    case rpc_code::parse_error:
    case rpc_code::invalid_request:
    case rpc_code::invalid_params:
      return 400;
    case rpc_code::method_not_found:
      // The registry's "a route with the other verb" carries data {"allow": …}: 405 Method Not Allowed.
      return data.is_object() && data.contains("allow") ? 405 : 404;
    case rpc_code::unauthorized:
      return 401;
    case rpc_code::forbidden:
      return 403;
    case rpc_code::rate_limited:
      return 429;
    case rpc_code::not_found:
      return 404;
    case rpc_code::conflict:
      return 409;
    case rpc_code::unavailable:
      return 503;
    case rpc_code::reload_failed:
      return 422;
    default:
      return 500;
  }
}

}  // namespace aiopid::api
