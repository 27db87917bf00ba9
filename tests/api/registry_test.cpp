// MethodRegistry: adding (duplicates are programming errors), params validation with its JSON Pointers, and
// the REST routing (path templates, percent-encoding, query typing, body merging, the other verb).
#include <gtest/gtest.h>

#include "aiopid/api/method_registry.hpp"
#include "api_test_support.hpp"

namespace aiopid::api {
namespace {

using test::method;
using test::param;

Json echo(const Json& p) {
  return p;
}

MethodSpec routed(std::string name, std::vector<ParamSpec> params, HttpVerb verb, std::string path,
                  Scope scope = Scope::read) {
  MethodSpec m = method(std::move(name), std::move(params), echo);
  m.rest = RestRoute{verb, std::move(path)};
  m.scope = scope;
  return m;
}

/// A registry shaped like the daemon's.
class Registry : public ::testing::Test {
 protected:
  Registry() {
    registry.add(routed("devices.list", {}, HttpVerb::get, "/api/v1/devices"));
    registry.add(
        routed("devices.get", {param("name", ParamType::string)}, HttpVerb::get, "/api/v1/devices/{name}"));
    registry.add(routed("devices.set", {param("name", ParamType::string), param("value", ParamType::any)},
                        HttpVerb::post, "/api/v1/devices/{name}", Scope::control));
    registry.add(routed("devices.read", {param("name", ParamType::string)}, HttpVerb::get,
                        "/api/v1/devices/{name}/reading"));
    registry.add(routed("devices.special", {}, HttpVerb::get, "/api/v1/devices/special"));
    ParamSpec next = param("next", ParamType::integer, false);
    next.default_value = 1;
    next.minimum = 1;
    next.maximum = 100;
    registry.add(routed("schedules.list", {next}, HttpVerb::get, "/api/v1/schedules"));
    registry.add(routed("tasks.start", {param("name", ParamType::string)}, HttpVerb::post,
                        "/api/v1/tasks/{name}/start", Scope::control));
    registry.add(routed("daemon.reload", {}, HttpVerb::post, "/api/v1/daemon/reload", Scope::admin));

    ParamSpec count = param("count", ParamType::integer, false);
    count.minimum = 0;
    count.maximum = 10;
    ParamSpec ratio = param("ratio", ParamType::number, false);
    ratio.minimum = 0.5;
    ParamSpec mode = param("mode", ParamType::string, false);
    mode.one_of = {"fast", "slow"};
    registry.add(routed("probe",
                        {count, ratio, param("flag", ParamType::boolean, false), mode,
                         param("tags", ParamType::array_of_strings, false),
                         param("extra", ParamType::object, false), param("anything", ParamType::any, false)},
                        HttpVerb::get, "/api/v1/probe"));
    registry.add(method("rpc_only", {param("x", ParamType::integer)}, echo));
  }

  /// The error of validating `params` (JSON text) against `name`, or a failure when it validates.
  RpcError invalid(const char* name, const char* params) {
    const Json p = Json::parse(params);
    auto result = registry.validate(*registry.find(name), &p);
    EXPECT_TRUE(std::holds_alternative<RpcError>(result)) << name << " " << params;
    return std::holds_alternative<RpcError>(result) ? std::get<RpcError>(result) : RpcError{};
  }
  Json valid(const char* name, const char* params) {
    const Json p = Json::parse(params);
    auto result = registry.validate(*registry.find(name), &p);
    EXPECT_TRUE(std::holds_alternative<Json>(result))
        << name << " " << params << ": " << std::get<RpcError>(result).to_json().dump();
    return std::holds_alternative<Json>(result) ? std::get<Json>(result) : Json();
  }
  std::variant<RoutedCall, RpcError> route(HttpVerb verb, const char* target, const Json& body = nullptr) {
    return registry.route(verb, target, body);
  }
  /// The routed call's method name and params.
  std::pair<std::string, Json> routes_to(HttpVerb verb, const char* target, const Json& body = nullptr) {
    auto r = route(verb, target, body);
    if (auto* error = std::get_if<RpcError>(&r)) {
      ADD_FAILURE() << target << ": " << error->to_json().dump();
      return {};
    }
    const RoutedCall& call = std::get<RoutedCall>(r);
    return {call.method->name, call.params};
  }
  RpcError route_error(HttpVerb verb, const char* target, const Json& body = nullptr) {
    auto r = route(verb, target, body);
    EXPECT_TRUE(std::holds_alternative<RpcError>(r)) << target;
    return std::holds_alternative<RpcError>(r) ? std::get<RpcError>(r) : RpcError{};
  }

  MethodRegistry registry;
};

// --- add / find ----------------------------------------------------------------------------------------

TEST_F(Registry, FindsByNameAndKeepsTheOrderOfAdding) {
  ASSERT_NE(registry.find("devices.get"), nullptr);
  EXPECT_EQ(registry.find("devices.get")->name, "devices.get");
  EXPECT_EQ(registry.find("nope"), nullptr);
  ASSERT_EQ(registry.all().size(), 10u);
  EXPECT_EQ(registry.all().front()->name, "devices.list");
  EXPECT_EQ(registry.all().back()->name, "rpc_only");
}

using RegistryDeathTest = Registry;

TEST_F(RegistryDeathTest, ADuplicateNameIsAProgrammingError) {
  EXPECT_DEATH(registry.add(method("devices.list", {}, echo)), "devices.list\" added twice");
}

TEST_F(RegistryDeathTest, ADuplicateRouteIsAProgrammingError) {
  // The same verb and the same shape of path, whatever the param is called.
  EXPECT_DEATH(
      registry.add(routed("other", {param("id", ParamType::string)}, HttpVerb::get, "/api/v1/devices/{id}")),
      "already the route of \"devices.get\"");
}

TEST_F(RegistryDeathTest, ARouteParamThatIsNotAParamIsAProgrammingError) {
  EXPECT_DEATH(registry.add(routed("other", {}, HttpVerb::get, "/api/v1/things/{id}")),
               "\\{id\\}, which is not a param");
}

// --- validate -----------------------------------------------------------------------------------------

TEST_F(Registry, ValidParamsComeBackInDeclaredOrderWithDefaults) {
  EXPECT_EQ(valid("schedules.list", "{}").dump(), R"({"next":1})");
  EXPECT_EQ(valid("schedules.list", R"({"next": 7})").dump(), R"({"next":7})");
  EXPECT_EQ(valid("devices.set", R"({"value": [1, 2], "name": "led"})").dump(),
            R"({"name":"led","value":[1,2]})");
  EXPECT_EQ(valid("probe", "{}").dump(), "{}");  // optional params without defaults stay absent
}

TEST_F(Registry, AbsentParamsAreAnEmptyObject) {
  auto result = registry.validate(*registry.find("schedules.list"), nullptr);
  ASSERT_TRUE(std::holds_alternative<Json>(result));
  EXPECT_EQ(std::get<Json>(result).dump(), R"({"next":1})");
}

TEST_F(Registry, PositionalParamsMapOntoTheDeclaredOrder) {
  EXPECT_EQ(valid("devices.set", R"(["led", true])").dump(), R"({"name":"led","value":true})");
  RpcError e = invalid("devices.set", R"([5, true])");
  EXPECT_EQ(e.data["pointer"], "/params/0");
  e = invalid("devices.set", R"(["led"])");
  EXPECT_EQ(e.data["pointer"], "/params/value");
  e = invalid("devices.set", R"(["led", 1, 2])");
  EXPECT_EQ(e.data["pointer"], "/params/2");
}

TEST_F(Registry, EveryKindOfInvalidParamHasItsPointerAndReason) {
  struct Case {
    const char* method;
    const char* params;
    const char* pointer;
    const char* reason_part;
  };
  const Case cases[] = {
      {"devices.get", "{}", "/params/name", "missing"},
      {"devices.get", R"({"name": "a", "colour": 1})", "/params/colour", "unknown"},
      {"devices.get", R"({"name": 5})", "/params/name", "expected a string, got an integer"},
      {"probe", R"({"count": "3"})", "/params/count", "expected an integer, got a string"},
      {"probe", R"({"count": 2.5})", "/params/count", "expected an integer"},
      {"probe", R"({"count": 11})", "/params/count", "at most 10"},
      {"probe", R"({"count": -1})", "/params/count", "at least 0"},
      {"probe", R"({"count": 18446744073709551615})", "/params/count", "out of range"},
      {"probe", R"({"ratio": 0.25})", "/params/ratio", "at least 0.5"},
      {"probe", R"({"ratio": "x"})", "/params/ratio", "expected a number"},
      {"probe", R"({"flag": 1})", "/params/flag", "expected true or false"},
      {"probe", R"({"mode": "medium"})", "/params/mode", "one of fast, slow"},
      {"probe", R"({"tags": "a"})", "/params/tags", "expected an array of strings"},
      {"probe", R"({"tags": ["a", "b", 3]})", "/params/tags/2", "expected a string"},
      {"probe", R"({"extra": []})", "/params/extra", "expected an object"},
      {"probe", R"({"a/b~c": 1})", "/params/a~1b~0c", "unknown"},
      {"schedules.list", R"({"next": 0})", "/params/next", "at least 1"},
  };
  for (const Case& c : cases) {
    const RpcError e = invalid(c.method, c.params);
    EXPECT_EQ(e.code, rpc_code::invalid_params) << c.params;
    EXPECT_EQ(e.data["pointer"], c.pointer) << c.params;
    const std::string reason = e.data.value("reason", "");
    EXPECT_NE(reason.find(c.reason_part), std::string::npos) << c.params << ": " << reason;
    EXPECT_EQ(e.message, "invalid params: " + reason);
  }
}

TEST_F(Registry, AnIntegralNumberIsAnInteger) {
  const Json v = valid("probe", R"({"count": 4.0})");
  EXPECT_TRUE(v["count"].is_number_integer());
  EXPECT_EQ(v["count"], 4);
  EXPECT_EQ(valid("probe", R"({"anything": {"deep": [null]}})")["anything"]["deep"][0], nullptr);
}

// --- route --------------------------------------------------------------------------------------------

TEST_F(Registry, RoutesPathTemplates) {
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/devices").first, "devices.list");
  auto [name, params] = routes_to(HttpVerb::get, "/api/v1/devices/porch_light");
  EXPECT_EQ(name, "devices.get");
  EXPECT_EQ(params, Json({{"name", "porch_light"}}));
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/devices/adc0/reading").first, "devices.read");
  EXPECT_EQ(routes_to(HttpVerb::post, "/api/v1/tasks/blink/start").second["name"], "blink");
  EXPECT_EQ(routes_to(HttpVerb::post, "/api/v1/daemon/reload").first, "daemon.reload");
}

TEST_F(Registry, ALiteralSegmentBeatsAParam) {
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/devices/special").first, "devices.special");
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/devices/specia").first, "devices.get");
}

TEST_F(Registry, PathSegmentsArePercentDecoded) {
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/devices/porch%20light").second["name"], "porch light");
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/devices/a%2Fb").second["name"], "a/b");  // one segment
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/devices/a+b").second["name"], "a+b");    // + is a + in a path
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/devices/caf%C3%A9").second["name"], "caf\xC3\xA9");
  EXPECT_EQ(route_error(HttpVerb::get, "/api/v1/devices/a%2").code, rpc_code::invalid_request);
  EXPECT_EQ(route_error(HttpVerb::get, "/api/v1/devices/a%zz").code, rpc_code::invalid_request);
  EXPECT_EQ(route_error(HttpVerb::get, "/api/v1/devices/%FF").code, rpc_code::invalid_request);  // not UTF-8
}

TEST_F(Registry, QueryValuesAreTypedByTheirParam) {
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/schedules?next=5").second, Json({{"next", 5}}));
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/schedules").second, Json({{"next", 1}}));
  const Json p =
      routes_to(HttpVerb::get,
                "/api/v1/probe?count=3&ratio=0.75&flag=true&mode=slow&tags=a,b&extra=%7B%22k%22%3A1%7D"
                "&anything=on")
          .second;
  EXPECT_EQ(p["count"], 3);
  EXPECT_TRUE(p["count"].is_number_integer());
  EXPECT_EQ(p["ratio"], 0.75);
  EXPECT_EQ(p["flag"], true);
  EXPECT_EQ(p["mode"], "slow");
  EXPECT_EQ(p["tags"], Json::array({"a", "b"}));
  EXPECT_EQ(p["extra"], Json({{"k", 1}}));
  EXPECT_EQ(p["anything"], "on");  // not JSON: kept as the string
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/probe?anything=12").second["anything"], 12);
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/probe?flag=false").second["flag"], false);
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/probe?mode=fa%73t").second["mode"], "fast");
  EXPECT_EQ(routes_to(HttpVerb::get, "/api/v1/probe?tags=a+b").second["tags"][0], "a b");  // + is a space
}

TEST_F(Registry, BadQueryValuesPointAtTheirParam) {
  struct Case {
    const char* target;
    const char* pointer;
  };
  for (const Case c :
       {Case{"/api/v1/schedules?next=five", "/params/next"},
        Case{"/api/v1/schedules?next=5x", "/params/next"}, Case{"/api/v1/schedules?next=", "/params/next"},
        Case{"/api/v1/schedules?next=500", "/params/next"}, Case{"/api/v1/probe?flag=yes", "/params/flag"},
        Case{"/api/v1/probe?ratio=abc", "/params/ratio"}, Case{"/api/v1/probe?extra=5", "/params/extra"},
        Case{"/api/v1/schedules?next=1&next=2", "/params/next"},
        Case{"/api/v1/schedules?colour=red", "/params/colour"}, Case{"/api/v1/schedules?x=%G1", "/params"}}) {
    const RpcError e = route_error(HttpVerb::get, c.target);
    EXPECT_EQ(e.code, rpc_code::invalid_params) << c.target;
    EXPECT_EQ(e.data["pointer"], c.pointer) << c.target << ": " << e.to_json().dump();
  }
}

TEST_F(Registry, TheBodyIsMergedAndMustBeAnObject) {
  auto [name, params] = routes_to(HttpVerb::post, "/api/v1/devices/led", Json({{"value", true}}));
  EXPECT_EQ(name, "devices.set");
  EXPECT_EQ(params.dump(), R"({"name":"led","value":true})");
  RpcError e = route_error(HttpVerb::post, "/api/v1/devices/led", Json::array({1}));
  EXPECT_EQ(e.code, rpc_code::invalid_params);
  EXPECT_EQ(e.data["pointer"], "/params");
  e = route_error(HttpVerb::post, "/api/v1/devices/led", Json({{"name", "other"}, {"value", 1}}));
  EXPECT_EQ(e.data["pointer"], "/params/name");  // given twice: path and body
  EXPECT_NE(e.data["reason"].get<std::string>().find("twice"), std::string::npos);
  e = route_error(HttpVerb::post, "/api/v1/devices/led");
  EXPECT_EQ(e.data["pointer"], "/params/value");  // missing
}

TEST_F(Registry, NoRouteIsMethodNotFound) {
  for (const char* target : {"/api/v1/nothing", "/api/v1/devices/a/b/c", "/api/v1/devices/",
                             "/api/v1/devices//reading", "/", "/api/v1/rpc_only"}) {
    const RpcError e = route_error(HttpVerb::get, target);
    EXPECT_EQ(e.code, rpc_code::method_not_found) << target;
    EXPECT_EQ(e.http_status(), 404);
    EXPECT_TRUE(e.data.is_null()) << target;
  }
  EXPECT_EQ(route_error(HttpVerb::get, "api/v1/devices").code, rpc_code::invalid_request);
}

TEST_F(Registry, TheOtherVerbIsReportedWithAllow) {
  RpcError e = route_error(HttpVerb::post, "/api/v1/devices");
  EXPECT_EQ(e.code, rpc_code::method_not_found);
  EXPECT_EQ(e.data, Json({{"allow", "GET"}}));
  EXPECT_EQ(e.http_status(), 405);
  e = route_error(HttpVerb::get, "/api/v1/tasks/blink/start");
  EXPECT_EQ(e.data, Json({{"allow", "POST"}}));
  e = route_error(HttpVerb::get, "/api/v1/daemon/reload?x=1");
  EXPECT_EQ(e.data, Json({{"allow", "POST"}}));
}

}  // namespace
}  // namespace aiopid::api
