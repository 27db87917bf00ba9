#include "aiopid/api/jsonrpc.hpp"

namespace aiopid::api {
namespace {

bool valid_id(const Json& id) noexcept {
  return id.is_string() || id.is_number() || id.is_null();
}

RpcError invalid_request() {
  return RpcError{rpc_code::invalid_request, "invalid request: not a JSON-RPC request object", nullptr};
}

/// The id one element is answered with, or nullopt for a notification (an object with a method and no id).
std::optional<Json> answered_id(const Json& element) {
  if (!element.is_object()) return Json(nullptr);
  const auto id = element.find("id");
  if (id == element.end()) {
    const auto method = element.find("method");
    const auto version = element.find("jsonrpc");
    const bool notification =
        method != element.end() && method->is_string() && version != element.end() && *version == "2.0";
    if (notification) return std::nullopt;
    return Json(nullptr);
  }
  return valid_id(*id) ? *id : Json(nullptr);
}

}  // namespace

Json jsonrpc_result(Json id, Json result) {
  Json j = Json::object();
  j["jsonrpc"] = "2.0";
  j["result"] = std::move(result);
  j["id"] = std::move(id);
  return j;
}

Json jsonrpc_error(Json id, const RpcError& error) {
  Json j = Json::object();
  j["jsonrpc"] = "2.0";
  j["error"] = error.to_json();
  j["id"] = std::move(id);
  return j;
}

AnswerShape answer_shape(const Json& message) {
  AnswerShape shape;
  if (message.is_array()) {
    shape.batch = true;
    if (message.empty()) shape.invalid = true;
    for (const Json& element : message) {
      if (auto id = answered_id(element)) shape.ids.push_back(std::move(*id));
    }
  } else if (message.is_object()) {
    if (auto id = answered_id(message)) shape.ids.push_back(std::move(*id));
  } else {
    shape.invalid = true;
  }
  return shape;
}

std::optional<Json> refuse(const AnswerShape& shape, const RpcError& error) {
  if (shape.invalid) return jsonrpc_error(nullptr, invalid_request());
  if (shape.ids.empty()) return std::nullopt;
  if (!shape.batch) return jsonrpc_error(shape.ids.front(), error);
  Json answers = Json::array();
  for (const Json& id : shape.ids)
    answers.push_back(jsonrpc_error(id, error));
  return answers;
}

}  // namespace aiopid::api
