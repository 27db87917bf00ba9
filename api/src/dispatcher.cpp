#include "aiopid/api/dispatcher.hpp"

#include <exception>

#include "aiopid/api/jsonrpc.hpp"

namespace aiopid::api {
namespace {

RpcError invalid_request(const char* why) {
  return RpcError{rpc_code::invalid_request, std::string("invalid request: ") + why, nullptr};
}

/// Whether the session may call the method: over this transport, with this scope. Checked before the
/// params, so a caller without the scope learns nothing about them.
std::optional<RpcError> check_access(const MethodSpec& method, const Session& session) {
  if (method.websocket_only && session.transport() != Transport::websocket) {
    return RpcError{rpc_code::method_not_found,
                    "method not found: " + method.name + " is available over the WebSocket (/api/v1/ws) only",
                    nullptr};
  }
  const Scope have = session.principal().scope;
  if (!allows(have, method.scope)) {
    Json data = Json::object();
    data["needed"] = std::string(scope_name(method.scope));
    data["scope"] = std::string(scope_name(have));
    return RpcError{rpc_code::forbidden,
                    "forbidden: " + method.name + " needs the " + std::string(scope_name(method.scope)) +
                        " scope (this token has " + std::string(scope_name(have)) + ")",
                    std::move(data)};
  }
  return std::nullopt;
}

/// Runs the handler on validated params. A handler that throws answers -32603 "internal error" and nothing
/// else: what it threw may name files, addresses or internals (the daemon logs it if it wants to).
aiopi::Task<MethodResult> run_handler(const MethodSpec& method, Json params,
                                      std::shared_ptr<Session> session) {
  CallContext context{std::move(params), std::move(session)};
  try {
    co_return co_await method.handler(context);
  } catch (...) {
  }
  co_return RpcError{rpc_code::internal_error, "internal error", nullptr};
}

aiopi::Task<MethodResult> checked_call(const MethodRegistry& methods, const MethodSpec& method,
                                       const Json* params, std::shared_ptr<Session> session) {
  if (auto denied = check_access(method, *session)) co_return std::move(*denied);
  auto validated = methods.validate(method, params);
  if (auto* error = std::get_if<RpcError>(&validated)) co_return std::move(*error);
  co_return co_await run_handler(method, std::move(std::get<Json>(validated)), std::move(session));
}

/// One element of a message: a request (answered), a notification (run, not answered) or something invalid
/// (answered with -32600; with its id when that id is itself valid, else null).
aiopi::Task<std::optional<Json>> handle_one(const MethodRegistry& methods, Json request,
                                            std::shared_ptr<Session> session) {
  if (!request.is_object()) co_return jsonrpc_error(nullptr, invalid_request("expected a request object"));
  const auto id = request.find("id");
  const bool has_id = id != request.end();
  if (has_id && !(id->is_string() || id->is_number() || id->is_null()))
    co_return jsonrpc_error(nullptr, invalid_request("\"id\" must be a string, a number or null"));
  Json answer_id = has_id ? *id : Json(nullptr);

  const auto version = request.find("jsonrpc");
  if (version == request.end() || *version != "2.0")
    co_return jsonrpc_error(std::move(answer_id), invalid_request("\"jsonrpc\" must be \"2.0\""));
  const auto name = request.find("method");
  if (name == request.end() || !name->is_string())
    co_return jsonrpc_error(std::move(answer_id), invalid_request("\"method\" must be a string"));
  const auto params = request.find("params");
  const bool has_params = params != request.end();
  if (has_params && !params->is_object() && !params->is_array())
    co_return jsonrpc_error(std::move(answer_id),
                            invalid_request("\"params\" must be an object or an array"));

  const MethodSpec* method = methods.find(name->get_ref<const std::string&>());
  MethodResult result;
  if (method == nullptr) {
    result = RpcError{rpc_code::method_not_found, "method not found: " + name->get<std::string>(), nullptr};
  } else {
    result = co_await checked_call(methods, *method, has_params ? &*params : nullptr, std::move(session));
  }
  if (!has_id) co_return std::nullopt;  // a notification: never answered, even with an error
  if (auto* error = std::get_if<RpcError>(&result)) co_return jsonrpc_error(std::move(answer_id), *error);
  co_return jsonrpc_result(std::move(answer_id), std::move(std::get<Json>(result)));
}

RpcError no_session() {
  return RpcError{rpc_code::internal_error, "internal error", nullptr};
}

}  // namespace

aiopi::Task<std::optional<Json>> Dispatcher::dispatch(Json message, std::shared_ptr<Session> session) {
  if (!session) co_return jsonrpc_error(nullptr, no_session());
  if (!message.is_array()) co_return co_await handle_one(methods_, std::move(message), std::move(session));
  if (message.empty()) co_return jsonrpc_error(nullptr, invalid_request("empty batch"));
  Json answers = Json::array();
  for (Json& element : message) {
    std::optional<Json> answer = co_await handle_one(methods_, std::move(element), session);
    if (answer) answers.push_back(std::move(*answer));
  }
  if (answers.empty()) co_return std::nullopt;
  co_return answers;
}

aiopi::Task<MethodResult> Dispatcher::call(const MethodSpec& method, Json params,
                                           std::shared_ptr<Session> session) {
  if (!session) co_return no_session();
  co_return co_await checked_call(methods_, method, &params, std::move(session));
}

}  // namespace aiopid::api
