// The OpenRPC and OpenAPI documents against the registry they come from: every method, every route, every
// operation pointing at a defined method, the params as JSON Schema, the errors and the security scheme.
#include <gtest/gtest.h>

#include <set>

#include "aiopid/api/builtin_methods.hpp"
#include "aiopid/api/method_registry.hpp"
#include "api_test_support.hpp"

namespace aiopid::api {
namespace {

using test::method;
using test::param;

Json echo(const Json& p) {
  return p;
}

class Documents : public ::testing::Test {
 protected:
  Documents() {
    add_builtin_methods(registry, "aiopid", "1.2.3");
    MethodSpec get = method("devices.get", {param("name", ParamType::string)}, echo);
    get.rest = RestRoute{HttpVerb::get, "/api/v1/devices/{name}"};
    get.errors = {rpc_code::not_found};
    get.result_schema = Json{{"type", "object"}};
    registry.add(std::move(get));
    ParamSpec value = param("value", ParamType::any);
    value.description = "the new value";
    MethodSpec set = method("devices.set", {param("name", ParamType::string), value}, echo);
    set.rest = RestRoute{HttpVerb::post, "/api/v1/devices/{name}"};
    set.scope = Scope::control;
    set.errors = {rpc_code::not_found, rpc_code::conflict};
    registry.add(std::move(set));
    ParamSpec next = param("next", ParamType::integer, false);
    next.default_value = 1;
    next.minimum = 1;
    next.maximum = 100;
    MethodSpec list = method("schedules.list", {next}, echo);
    list.rest = RestRoute{HttpVerb::get, "/api/v1/schedules"};
    registry.add(std::move(list));
    MethodSpec reload = method("daemon.reload", {}, echo);
    reload.rest = RestRoute{HttpVerb::post, "/api/v1/daemon/reload"};
    reload.scope = Scope::admin;
    reload.errors = {rpc_code::reload_failed};
    registry.add(std::move(reload));
  }
  MethodRegistry registry;
};

const Json* find_named(const Json& array, const std::string& name) {
  for (const Json& item : array) {
    if (item.value("name", "") == name) return &item;
  }
  return nullptr;
}

std::set<int> codes_of(const Json& errors) {
  std::set<int> codes;
  for (const Json& e : errors)
    codes.insert(e["code"].get<int>());
  return codes;
}

TEST_F(Documents, OpenRpcListsEveryMethodWithItsSchema) {
  const Json doc = registry.openrpc("aiopid", "1.2.3");
  EXPECT_EQ(doc["openrpc"], "1.2.6");
  EXPECT_EQ(doc["info"]["title"], "aiopid");
  EXPECT_EQ(doc["info"]["version"], "1.2.3");
  ASSERT_EQ(doc["methods"].size(), registry.all().size());
  for (const MethodSpec* m : registry.all()) {
    const Json* entry = find_named(doc["methods"], m->name);
    ASSERT_NE(entry, nullptr) << m->name;
    EXPECT_EQ((*entry)["x-scope"], std::string(scope_name(m->scope))) << m->name;
    ASSERT_TRUE((*entry)["params"].is_array());
    EXPECT_EQ((*entry)["params"].size(), m->params.size());
    EXPECT_TRUE((*entry)["result"]["schema"].is_object()) << m->name;
    EXPECT_EQ((*entry)["result"]["name"], "result");
    EXPECT_EQ((*entry)["paramStructure"], "either");
  }
  const Json& list = *find_named(doc["methods"], "schedules.list");
  const Json& next = list["params"][0];
  EXPECT_EQ(next["name"], "next");
  EXPECT_EQ(next["required"], false);
  EXPECT_EQ(next["schema"],
            Json({{"type", "integer"}, {"minimum", 1.0}, {"maximum", 100.0}, {"default", 1}}));
  const Json& subscribe = *find_named(doc["methods"], "subscribe");
  EXPECT_EQ(subscribe["params"][0]["schema"]["type"], "array");
  EXPECT_EQ(subscribe["params"][0]["schema"]["items"], Json({{"type", "string"}}));
  EXPECT_EQ(subscribe["params"][1]["schema"]["enum"].size(), 6u);
  EXPECT_EQ(subscribe["x-websocket-only"], true);
}

TEST_F(Documents, OpenRpcErrorsListTheApplicationCodes) {
  const Json doc = registry.openrpc("aiopid", "1.2.3");
  EXPECT_EQ(codes_of((*find_named(doc["methods"], "devices.get"))["errors"]),
            (std::set<int>{rpc_code::unauthorized, rpc_code::rate_limited, rpc_code::not_found,
                           rpc_code::unavailable}));
  EXPECT_EQ(codes_of((*find_named(doc["methods"], "devices.set"))["errors"]),
            (std::set<int>{rpc_code::unauthorized, rpc_code::forbidden, rpc_code::rate_limited,
                           rpc_code::not_found, rpc_code::conflict, rpc_code::unavailable}));
  EXPECT_TRUE(
      codes_of((*find_named(doc["methods"], "daemon.reload"))["errors"]).contains(rpc_code::reload_failed));
  for (const Json& m : doc["methods"]) {
    for (const Json& e : m["errors"])
      EXPECT_TRUE(e["message"].is_string());
  }
}

TEST_F(Documents, OpenApiHasEveryRouteAndEachOperationIsADefinedMethod) {
  const Json doc = registry.openapi("aiopid", "1.2.3");
  EXPECT_EQ(doc["openapi"], "3.0.3");
  std::size_t operations = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [verb, op] : item.items()) {
      ++operations;
      const MethodSpec* m = registry.find(op["operationId"].get<std::string>());
      ASSERT_NE(m, nullptr) << path << " " << verb;
      ASSERT_TRUE(m->rest);
      EXPECT_EQ(m->rest->path, path);
      EXPECT_EQ(verb, m->rest->verb == HttpVerb::get ? "get" : "post");
      EXPECT_TRUE(op["responses"].contains("200"));
      EXPECT_TRUE(op["responses"].contains("400"));
      EXPECT_TRUE(op["responses"].contains("401"));
      EXPECT_TRUE(op["responses"].contains("429"));
      EXPECT_TRUE(op["responses"].contains("500"));
      EXPECT_TRUE(op["responses"].contains("503"));
      for (const auto& [status, response] : op["responses"].items()) {
        EXPECT_TRUE(response["description"].is_string()) << path << " " << status;
        if (status == "200") continue;
        EXPECT_EQ(response["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error");
      }
      EXPECT_EQ(op["x-scope"], std::string(scope_name(m->scope)));
    }
  }
  std::size_t routes = 0;
  for (const MethodSpec* m : registry.all())
    routes += m->rest ? 1 : 0;
  EXPECT_EQ(operations, routes);
  EXPECT_EQ(routes, 5u);  // api.describe + the four above
  EXPECT_TRUE(doc["paths"].contains("/api/v1/openrpc.json"));
}

TEST_F(Documents, OpenApiParamsBodyAndStatuses) {
  const Json doc = registry.openapi("aiopid", "1.2.3");
  const Json& get = doc["paths"]["/api/v1/devices/{name}"]["get"];
  ASSERT_EQ(get["parameters"].size(), 1u);
  EXPECT_EQ(get["parameters"][0],
            Json({{"name", "name"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}));
  EXPECT_FALSE(get.contains("requestBody"));
  EXPECT_TRUE(get["responses"].contains("404"));
  EXPECT_FALSE(get["responses"].contains("403"));  // read scope: every token has it

  const Json& set = doc["paths"]["/api/v1/devices/{name}"]["post"];
  EXPECT_EQ(set["parameters"].size(), 1u);  // the path param; value goes in the body
  const Json& body = set["requestBody"]["content"]["application/json"]["schema"];
  EXPECT_EQ(body["type"], "object");
  EXPECT_TRUE(body["properties"].contains("value"));
  EXPECT_EQ(body["required"], Json::array({"value"}));
  EXPECT_EQ(set["requestBody"]["required"], true);
  EXPECT_TRUE(set["responses"].contains("403"));
  EXPECT_TRUE(set["responses"].contains("409"));

  const Json& list = doc["paths"]["/api/v1/schedules"]["get"];
  EXPECT_EQ(list["parameters"][0]["in"], "query");
  EXPECT_EQ(list["parameters"][0]["required"], false);
  EXPECT_TRUE(doc["paths"]["/api/v1/daemon/reload"]["post"]["responses"].contains("422"));
  EXPECT_FALSE(doc["paths"]["/api/v1/daemon/reload"]["post"].contains("requestBody"));
}

TEST_F(Documents, OpenApiComponentsAndSecurity) {
  const Json doc = registry.openapi("aiopid", "1.2.3");
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearer"]["type"], "http");
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
  EXPECT_EQ(doc["security"], Json::parse(R"([{"bearer": []}])"));
  const Json& error = doc["components"]["schemas"]["Error"];
  EXPECT_EQ(error["required"], Json::array({"error"}));
  EXPECT_EQ(error["properties"]["error"]["required"], Json::array({"code", "message"}));
  // Every $ref points at something defined.
  const std::string text = doc.dump();
  for (std::size_t at = text.find("\"$ref\":\""); at != std::string::npos;
       at = text.find("\"$ref\":\"", at + 1)) {
    const std::size_t start = at + 8, end = text.find('"', start);
    const std::string ref = text.substr(start, end - start);
    ASSERT_EQ(ref.rfind("#/", 0), 0u);
    EXPECT_TRUE(doc.contains(Json::json_pointer(ref.substr(1)))) << ref;
  }
}

TEST_F(Documents, ApiDescribeAnswersTheOpenRpcDocument) {
  test::SimLoop sim;
  const MethodSpec& describe = *registry.find("api.describe");
  EXPECT_EQ(describe.rest->path, "/api/v1/openrpc.json");
  CallContext context{Json::object(), test::make_session(Scope::read)};
  MethodResult result = sim.run(describe.handler(context));
  ASSERT_TRUE(std::holds_alternative<Json>(result));
  EXPECT_EQ(std::get<Json>(result), registry.openrpc("aiopid", "1.2.3"));
}

}  // namespace
}  // namespace aiopid::api
