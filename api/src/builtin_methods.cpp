#include "aiopid/api/builtin_methods.hpp"

#include <algorithm>

#include "aiopid/api/topic_pattern.hpp"

namespace aiopid::api {
namespace {

Json string_array_schema() {
  return Json{{"type", "array"}, {"items", Json{{"type", "string"}}}};
}

/// {"topics": [the session's patterns], "level": "info"}
Json subscription_state(const Session& session) {
  Json state = Json::object();
  state["topics"] = session.patterns();
  state["level"] = std::string(log_level_name(session.log_level()));
  return state;
}

Json subscription_schema() {
  Json schema = Json::object();
  schema["type"] = "object";
  schema["properties"] = Json::object();
  schema["properties"]["topics"] = string_array_schema();
  schema["properties"]["topics"]["description"] = "every pattern the connection is now subscribed to";
  schema["properties"]["level"] =
      Json{{"type", "string"}, {"description", "the least severe log level sent"}};
  schema["required"] = Json::array({"topics", "level"});
  return schema;
}

RpcError not_a_websocket(const std::string& method) {
  return RpcError{rpc_code::method_not_found,
                  "method not found: " + method + " is available over the WebSocket (/api/v1/ws) only",
                  nullptr};
}

/// The patterns of `topics` (validated: the first bad one is -32602 at /params/topics/N).
std::variant<std::vector<std::string>, RpcError> patterns_of(const Json& topics) {
  std::vector<std::string> patterns;
  for (std::size_t i = 0; i < topics.size(); ++i) {
    const auto& pattern = topics[i].get_ref<const std::string&>();
    if (auto error = topic_pattern_error(pattern)) {
      return RpcError::invalid_params("/params/topics/" + std::to_string(i),
                                      "invalid pattern \"" + pattern + "\": " + *error);
    }
    patterns.push_back(pattern);
  }
  return patterns;
}

}  // namespace

void add_builtin_methods(MethodRegistry& registry, std::string title, std::string version) {
  MethodSpec describe;
  describe.name = "api.describe";
  describe.summary = "The OpenRPC document of this API";
  describe.description = "Every method with its params, result, errors and the scope it needs (x-scope).";
  describe.scope = Scope::read;
  describe.result_schema = Json{{"type", "object"}, {"description", "an OpenRPC 1.2.6 document"}};
  describe.rest = RestRoute{HttpVerb::get, "/api/v1/openrpc.json"};
  describe.handler = [&registry, title = std::move(title),
                      version = std::move(version)](CallContext&) -> aiopi::Task<MethodResult> {
    co_return MethodResult(registry.openrpc(title, version));
  };
  registry.add(std::move(describe));

  ParamSpec level;
  level.name = "level";
  level.type = ParamType::string;
  level.required = false;
  level.description =
      "The least severe log level sent on log.LEVEL topics; unchanged when absent (info at first)";
  level.one_of = {"trace", "debug", "info", "warn", "error", "critical"};

  MethodSpec subscribe;
  subscribe.name = "subscribe";
  subscribe.summary = "Receive notifications on the topics matching these patterns";
  subscribe.description =
      "Patterns are globs over KIND.NAME.WHAT topics: * within one segment, ** any number of segments; a "
      "pattern also matches a topic without its kind (door.* matches device.door.edge and event.door.set). "
      "Notifications arrive as JSON-RPC notifications with method \"notify\".";
  subscribe.scope = Scope::read;
  subscribe.websocket_only = true;
  ParamSpec topics;
  topics.name = "topics";
  topics.type = ParamType::array_of_strings;
  topics.description = "patterns to add, e.g. [\"door.*\", \"task.**\", \"log.*\"]";
  subscribe.params = {topics, level};
  subscribe.result_schema = subscription_schema();
  subscribe.handler = [](CallContext& context) -> aiopi::Task<MethodResult> {
    Session& session = *context.session;
    if (!session.can_subscribe()) co_return not_a_websocket("subscribe");
    auto patterns = patterns_of(context.params["topics"]);
    if (auto* error = std::get_if<RpcError>(&patterns)) co_return std::move(*error);
    const auto& added = std::get<std::vector<std::string>>(patterns);
    // Runs on the loop, the only place patterns are added, so counting first is exact.
    std::vector<std::string> total = session.patterns();
    for (const auto& p : added) {
      if (std::find(total.begin(), total.end(), p) == total.end()) total.push_back(p);
    }
    if (total.size() > kMaxSubscriptionPatterns) {
      co_return RpcError::invalid_params(
          "/params/topics",
          "a connection holds at most " + std::to_string(kMaxSubscriptionPatterns) + " patterns");
    }
    int log_level = -1;
    if (auto it = context.params.find("level"); it != context.params.end()) {
      log_level = log_level_from_name(it->get_ref<const std::string&>()).value_or(-1);
    }
    session.subscribe(added, log_level);
    co_return MethodResult(subscription_state(session));
  };
  registry.add(std::move(subscribe));

  MethodSpec unsubscribe;
  unsubscribe.name = "unsubscribe";
  unsubscribe.summary = "Stop notifications for these patterns (all of them when none are given)";
  unsubscribe.scope = Scope::read;
  unsubscribe.websocket_only = true;
  topics.required = false;
  topics.description = "patterns given to subscribe; absent or []: all";
  unsubscribe.params = {topics};
  unsubscribe.result_schema = subscription_schema();
  unsubscribe.handler = [](CallContext& context) -> aiopi::Task<MethodResult> {
    Session& session = *context.session;
    if (!session.can_subscribe()) co_return not_a_websocket("unsubscribe");
    std::vector<std::string> patterns;
    if (auto it = context.params.find("topics"); it != context.params.end()) {
      auto valid = patterns_of(*it);
      if (auto* error = std::get_if<RpcError>(&valid)) co_return std::move(*error);
      patterns = std::move(std::get<std::vector<std::string>>(valid));
    }
    session.unsubscribe(patterns);
    co_return MethodResult(subscription_state(session));
  };
  registry.add(std::move(unsubscribe));
}

}  // namespace aiopid::api
