// MethodRegistry's documents: OpenRPC 1.2.6 (every method) and OpenAPI 3.0.3 (the REST mirror), both made
// from the same MethodSpecs that validate and route the calls, so they cannot drift from what is served.
#include <algorithm>
#include <set>

#include "aiopid/api/method_registry.hpp"

namespace aiopid::api {
namespace {

struct ErrorInfo {
  int code;
  const char* name;
  const char* meaning;
};

/// The application codes (docs/design/remote-api.md).
constexpr ErrorInfo kApplicationErrors[] = {
    {rpc_code::unauthorized, "unauthorized", "no or unknown token"},
    {rpc_code::forbidden, "forbidden", "the token's scope does not allow the method"},
    {rpc_code::rate_limited, "rate_limited", "the connection's request rate or in-flight limit"},
    {rpc_code::not_found, "not_found", "no device, event, task or schedule of that name"},
    {rpc_code::conflict, "conflict", "the operation does not apply in the current state"},
    {rpc_code::unavailable, "unavailable",
     "the device failed or is being reopened, or the daemon is stopping"},
    {rpc_code::reload_failed, "reload_failed", "the new configuration has errors (data.errors lists them)"},
};

/// The application codes a method may answer with, in the table's order.
std::vector<const ErrorInfo*> errors_of(const MethodSpec& m) {
  std::vector<const ErrorInfo*> out;
  for (const ErrorInfo& e : kApplicationErrors) {
    const bool always = e.code == rpc_code::unauthorized || e.code == rpc_code::rate_limited ||
                        e.code == rpc_code::unavailable;
    const bool listed = std::find(m.errors.begin(), m.errors.end(), e.code) != m.errors.end();
    if (always || listed || (e.code == rpc_code::forbidden && m.scope != Scope::read)) out.push_back(&e);
  }
  return out;
}

Json param_schema(const ParamSpec& p) {
  Json s = Json::object();
  switch (p.type) {
    case ParamType::string:
      s["type"] = "string";
      if (!p.one_of.empty()) s["enum"] = p.one_of;
      break;
    case ParamType::integer:
      s["type"] = "integer";
      break;
    case ParamType::number:
      s["type"] = "number";
      break;
    case ParamType::boolean:
      s["type"] = "boolean";
      break;
    case ParamType::array_of_strings:
      s["type"] = "array";
      s["items"] = Json{{"type", "string"}};
      break;
    case ParamType::object:
      s["type"] = "object";
      break;
    case ParamType::any:
      break;  // {}: any JSON value
  }
  if (p.type == ParamType::integer || p.type == ParamType::number) {
    if (p.minimum) s["minimum"] = *p.minimum;
    if (p.maximum) s["maximum"] = *p.maximum;
  }
  if (!p.description.empty()) s["description"] = p.description;
  if (!p.default_value.is_null()) s["default"] = p.default_value;
  return s;
}

Json result_schema_of(const MethodSpec& m) {
  return m.result_schema.is_null() ? Json::object() : m.result_schema;
}

bool is_path_param(const MethodSpec& m, const std::string& name) {
  return m.rest && m.rest->path.find("{" + name + "}") != std::string::npos;
}

/// The JSON Schema of the REST error body.
Json error_body_schema() {
  Json error = Json::object();
  error["type"] = "object";
  error["required"] = Json::array({"code", "message"});
  error["properties"] = Json::object();
  error["properties"]["code"] = Json{{"type", "integer"}};
  error["properties"]["message"] = Json{{"type", "string"}};
  error["properties"]["data"] = Json{{"description", "more about the error: for -32602 {pointer, reason}"}};
  Json body = Json::object();
  body["type"] = "object";
  body["required"] = Json::array({"error"});
  body["properties"] = Json::object();
  body["properties"]["error"] = std::move(error);
  return body;
}

}  // namespace

Json MethodRegistry::openrpc(std::string_view title, std::string_view version) const {
  Json doc = Json::object();
  doc["openrpc"] = "1.2.6";
  doc["info"] = Json::object();
  doc["info"]["title"] = std::string(title);
  doc["info"]["version"] = std::string(version);
  doc["info"]["description"] =
      "JSON-RPC 2.0 over WebSocket at /api/v1/ws and over POST /api/v1/rpc. x-scope: the token scope a "
      "method needs (read < control < admin). x-rest: the method's REST route.";
  Json methods = Json::array();
  for (const MethodSpec* m : ordered_) {
    Json method = Json::object();
    method["name"] = m->name;
    if (!m->summary.empty()) method["summary"] = m->summary;
    if (!m->description.empty()) method["description"] = m->description;
    Json params = Json::array();
    for (const ParamSpec& p : m->params) {
      Json cd = Json::object();
      cd["name"] = p.name;
      if (!p.description.empty()) cd["description"] = p.description;
      cd["required"] = p.required && p.default_value.is_null();
      cd["schema"] = param_schema(p);
      params.push_back(std::move(cd));
    }
    method["params"] = std::move(params);
    method["paramStructure"] = "either";
    method["result"] = Json{{"name", "result"}, {"schema", result_schema_of(*m)}};
    Json errors = Json::array();
    for (const ErrorInfo* e : errors_of(*m)) {
      errors.push_back(Json{{"code", e->code}, {"message", std::string(e->name) + ": " + e->meaning}});
    }
    method["errors"] = std::move(errors);
    method["x-scope"] = std::string(scope_name(m->scope));
    if (m->rest) {
      method["x-rest"] =
          Json{{"method", m->rest->verb == HttpVerb::get ? "GET" : "POST"}, {"path", m->rest->path}};
    }
    if (m->websocket_only) method["x-websocket-only"] = true;
    methods.push_back(std::move(method));
  }
  doc["methods"] = std::move(methods);
  return doc;
}

Json MethodRegistry::openapi(std::string_view title, std::string_view version) const {
  Json doc = Json::object();
  doc["openapi"] = "3.0.3";
  doc["info"] = Json::object();
  doc["info"]["title"] = std::string(title);
  doc["info"]["version"] = std::string(version);
  doc["info"]["description"] =
      "The REST mirror of the JSON-RPC API: each operation is the JSON-RPC method named by its operationId. "
      "Errors answer with the status below and {\"error\": {code, message, data}}.";
  Json paths = Json::object();
  for (const MethodSpec* m : ordered_) {
    if (!m->rest) continue;
    const bool post = m->rest->verb == HttpVerb::post;
    Json op = Json::object();
    op["operationId"] = m->name;
    if (!m->summary.empty()) op["summary"] = m->summary;
    if (!m->description.empty()) op["description"] = m->description;
    const auto dot = m->name.find('.');
    op["tags"] = Json::array({m->name.substr(0, dot)});
    Json parameters = Json::array();
    Json body_properties = Json::object();
    Json body_required = Json::array();
    for (const ParamSpec& p : m->params) {
      const bool in_path = is_path_param(*m, p.name);
      const bool required = p.required && p.default_value.is_null();
      if (in_path || !post) {
        Json param = Json::object();
        param["name"] = p.name;
        param["in"] = in_path ? "path" : "query";
        if (!p.description.empty()) param["description"] = p.description;
        param["required"] = in_path || required;
        param["schema"] = param_schema(p);
        parameters.push_back(std::move(param));
      } else {
        body_properties[p.name] = param_schema(p);
        if (required) body_required.push_back(p.name);
      }
    }
    if (!parameters.empty()) op["parameters"] = std::move(parameters);
    if (post && !body_properties.empty()) {
      Json schema = Json::object();
      schema["type"] = "object";
      schema["properties"] = std::move(body_properties);
      if (!body_required.empty()) schema["required"] = body_required;
      schema["additionalProperties"] = false;
      Json request = Json::object();
      request["required"] = !body_required.empty();
      request["content"] = Json{{"application/json", Json{{"schema", std::move(schema)}}}};
      op["requestBody"] = std::move(request);
    }
    Json responses = Json::object();
    responses["200"] = Json{{"description", "the method's result"},
                            {"content", Json{{"application/json", Json{{"schema", result_schema_of(*m)}}}}}};
    // Every status this operation can answer with, smallest first.
    std::set<int> statuses = {400, 500};
    for (const ErrorInfo* e : errors_of(*m))
      statuses.insert(RpcError{e->code, {}, nullptr}.http_status());
    for (int status : statuses) {
      std::string what;
      if (status == 400) what = "invalid params (-32602) or request (-32600)";
      if (status == 500) what = "internal error (-32603)";
      for (const ErrorInfo* e : errors_of(*m)) {
        if (RpcError{e->code, {}, nullptr}.http_status() != status) continue;
        what += (what.empty() ? "" : "; ") + std::string(e->name) + " (" + std::to_string(e->code) + ")";
      }
      responses[std::to_string(status)] =
          Json{{"description", what},
               {"content",
                Json{{"application/json", Json{{"schema", Json{{"$ref", "#/components/schemas/Error"}}}}}}}};
    }
    op["responses"] = std::move(responses);
    op["x-scope"] = std::string(scope_name(m->scope));
    paths[m->rest->path][post ? "post" : "get"] = std::move(op);
  }
  doc["paths"] = std::move(paths);
  doc["components"] = Json::object();
  doc["components"]["schemas"] = Json{{"Error", error_body_schema()}};
  doc["components"]["securitySchemes"] = Json{
      {"bearer",
       Json{{"type", "http"},
            {"scheme", "bearer"},
            {"description", "A token from the daemon's tokens file; needed when tokens are configured"}}}};
  doc["security"] = Json::array({Json{{"bearer", Json::array()}}});
  return doc;
}

}  // namespace aiopid::api
