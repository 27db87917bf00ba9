// JSON-RPC 2.0 conformance of the Dispatcher: every example of the specification's "Examples" section
// (https://www.jsonrpc.org/specification#examples) with the methods it uses (subtract, update, sum,
// notify_hello, notify_sum, get_data), then the rules around them: request shape, ids, scopes, transports,
// handler failures.
#include <gtest/gtest.h>

#include <stdexcept>

#include "aiopid/api/dispatcher.hpp"
#include "aiopid/api/jsonrpc.hpp"
#include "aiopid/api/method_registry.hpp"
#include "api_test_support.hpp"

namespace aiopid::api {
namespace {

using test::method;
using test::param;

class JsonRpc : public ::testing::Test {
 protected:
  JsonRpc() {
    registry.add(
        method("subtract", {param("minuend", ParamType::integer), param("subtrahend", ParamType::integer)},
               [](const Json& p) { return Json(p["minuend"].get<int>() - p["subtrahend"].get<int>()); }));
    std::vector<ParamSpec> five;
    for (const char* n : {"a", "b", "c", "d", "e"})
      five.push_back(param(n, ParamType::integer, false));
    registry.add(method("update", five, [this](const Json&) {
      ++updates;
      return Json(nullptr);
    }));
    ParamSpec c = param("c", ParamType::integer, false);
    c.default_value = 0;
    registry.add(method(
        "sum", {param("a", ParamType::integer), param("b", ParamType::integer), c},
        [](const Json& p) { return Json(p["a"].get<int>() + p["b"].get<int>() + p["c"].get<int>()); }));
    registry.add(method("notify_sum", {param("a", ParamType::integer), param("b", ParamType::integer), c},
                        [this](const Json&) {
                          ++notified;
                          return Json(nullptr);
                        }));
    registry.add(method("notify_hello", {param("n", ParamType::integer)}, [this](const Json&) {
      ++notified;
      return Json(nullptr);
    }));
    registry.add(method("get_data", {}, [](const Json&) { return Json::array({"hello", 5}); }));
    registry.add(
        method("throws", {}, [](const Json&) -> Json { throw std::runtime_error("secret /etc/path"); }));
    MethodSpec admin = method("admin_only", {}, [](const Json&) { return Json("ok"); });
    admin.scope = Scope::admin;
    registry.add(std::move(admin));
    MethodSpec control = method("control_only", {}, [](const Json&) { return Json("ok"); });
    control.scope = Scope::control;
    registry.add(std::move(control));
    MethodSpec ws = method("ws_only", {}, [](const Json&) { return Json("ok"); });
    ws.websocket_only = true;
    registry.add(std::move(ws));
  }

  std::optional<Json> send(const std::string& text, std::shared_ptr<Session> session = test::make_session()) {
    return sim.run(dispatcher.dispatch(Json::parse(text), std::move(session)));
  }

  MethodRegistry registry;
  Dispatcher dispatcher{registry};
  test::SimLoop sim;
  int updates = 0;
  int notified = 0;
};

Json parse(const char* text) {
  return Json::parse(text);
}

// --- The specification's examples, in its order -------------------------------------------------------

TEST_F(JsonRpc, SpecPositionalParams) {
  EXPECT_EQ(send(R"({"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1})"),
            parse(R"({"jsonrpc": "2.0", "result": 19, "id": 1})"));
  EXPECT_EQ(send(R"({"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2})"),
            parse(R"({"jsonrpc": "2.0", "result": -19, "id": 2})"));
}

TEST_F(JsonRpc, SpecNamedParams) {
  EXPECT_EQ(
      send(
          R"({"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3})"),
      parse(R"({"jsonrpc": "2.0", "result": 19, "id": 3})"));
  EXPECT_EQ(
      send(
          R"({"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4})"),
      parse(R"({"jsonrpc": "2.0", "result": 19, "id": 4})"));
}

TEST_F(JsonRpc, SpecNotificationsAreRunAndNeverAnswered) {
  EXPECT_EQ(send(R"({"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]})"), std::nullopt);
  EXPECT_EQ(updates, 1);
  EXPECT_EQ(send(R"({"jsonrpc": "2.0", "method": "foobar"})"), std::nullopt);
}

TEST_F(JsonRpc, SpecMethodNotFound) {
  const auto answer = send(R"({"jsonrpc": "2.0", "method": "foobar", "id": "1"})");
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["error"]["code"], -32601);
  EXPECT_EQ((*answer)["id"], "1");
  EXPECT_EQ((*answer)["jsonrpc"], "2.0");
  EXPECT_FALSE(answer->contains("result"));
}

TEST_F(JsonRpc, SpecInvalidJsonIsAParseErrorWithNullId) {
  // The server parses; what it answers an unparsable text with is this object.
  const Json parsed =
      Json::parse(R"({"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz])", nullptr, false);
  ASSERT_TRUE(parsed.is_discarded());
  const Json answer = jsonrpc_error(nullptr, RpcError{rpc_code::parse_error, "parse error", nullptr});
  EXPECT_EQ(answer,
            parse(R"({"jsonrpc": "2.0", "error": {"code": -32700, "message": "parse error"}, "id": null})"));
}

TEST_F(JsonRpc, SpecInvalidRequestObject) {
  const auto answer = send(R"({"jsonrpc": "2.0", "method": 1, "params": "bar"})");
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["error"]["code"], -32600);
  EXPECT_TRUE((*answer)["id"].is_null());
}

TEST_F(JsonRpc, SpecEmptyBatchIsOneInvalidRequest) {
  const auto answer = send("[]");
  ASSERT_TRUE(answer);
  ASSERT_TRUE(answer->is_object());
  EXPECT_EQ((*answer)["error"]["code"], -32600);
  EXPECT_TRUE((*answer)["id"].is_null());
}

TEST_F(JsonRpc, SpecInvalidBatchOfOne) {
  const auto answer = send("[1]");
  ASSERT_TRUE(answer);
  ASSERT_TRUE(answer->is_array());
  ASSERT_EQ(answer->size(), 1u);
  EXPECT_EQ((*answer)[0]["error"]["code"], -32600);
  EXPECT_TRUE((*answer)[0]["id"].is_null());
}

TEST_F(JsonRpc, SpecInvalidBatchEveryElementAnswered) {
  const auto answer = send("[1,2,3]");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->size(), 3u);
  for (const Json& a : *answer) {
    EXPECT_EQ(a["error"]["code"], -32600);
    EXPECT_TRUE(a["id"].is_null());
    EXPECT_EQ(a["jsonrpc"], "2.0");
  }
}

TEST_F(JsonRpc, SpecMixedBatch) {
  const auto answer = send(R"([
        {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
        {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
        {"foo": "boo"},
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
        {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
    ])");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->size(), 5u);
  EXPECT_EQ((*answer)[0], parse(R"({"jsonrpc": "2.0", "result": 7, "id": "1"})"));
  EXPECT_EQ((*answer)[1], parse(R"({"jsonrpc": "2.0", "result": 19, "id": "2"})"));
  EXPECT_EQ((*answer)[2]["error"]["code"], -32600);
  EXPECT_TRUE((*answer)[2]["id"].is_null());
  EXPECT_EQ((*answer)[3]["error"]["code"], -32601);
  EXPECT_EQ((*answer)[3]["id"], "5");
  EXPECT_EQ((*answer)[4], parse(R"({"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"})"));
  EXPECT_EQ(notified, 1);
}

TEST_F(JsonRpc, SpecBatchOfNotificationsAnswersNothing) {
  EXPECT_EQ(send(R"([
        {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
    ])"),
            std::nullopt);
  EXPECT_EQ(notified, 2);
}

// --- Request shape and ids ----------------------------------------------------------------------------

TEST_F(JsonRpc, AnswerKeysAreInSpecOrder) {
  const auto answer = send(R"({"id": 7, "params": [1, 2], "method": "sum", "jsonrpc": "2.0"})");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->dump(), R"({"jsonrpc":"2.0","result":3,"id":7})");
}

TEST_F(JsonRpc, IdsMayBeStringsNumbersOrNull) {
  EXPECT_EQ((*send(R"({"jsonrpc":"2.0","method":"get_data","id":"abc"})"))["id"], "abc");
  EXPECT_EQ((*send(R"({"jsonrpc":"2.0","method":"get_data","id":-3})"))["id"], -3);
  EXPECT_EQ((*send(R"({"jsonrpc":"2.0","method":"get_data","id":1.5})"))["id"], 1.5);
  const auto null_id = send(R"({"jsonrpc":"2.0","method":"get_data","id":null})");
  ASSERT_TRUE(null_id);  // an id of null is a request, not a notification
  EXPECT_TRUE((*null_id)["id"].is_null());
  EXPECT_TRUE(null_id->contains("result"));
}

TEST_F(JsonRpc, InvalidIdsAreInvalidRequestsWithNullId) {
  for (const char* text : {R"({"jsonrpc":"2.0","method":"get_data","id":{}})",
                           R"({"jsonrpc":"2.0","method":"get_data","id":[1]})",
                           R"({"jsonrpc":"2.0","method":"get_data","id":true})"}) {
    const auto answer = send(text);
    ASSERT_TRUE(answer) << text;
    EXPECT_EQ((*answer)["error"]["code"], -32600) << text;
    EXPECT_TRUE((*answer)["id"].is_null()) << text;
  }
}

TEST_F(JsonRpc, VersionMustBeTheString2Point0) {
  for (const char* text :
       {R"({"method":"get_data","id":1})", R"({"jsonrpc":"1.0","method":"get_data","id":1})",
        R"({"jsonrpc":2.0,"method":"get_data","id":1})"}) {
    const auto answer = send(text);
    ASSERT_TRUE(answer) << text;
    EXPECT_EQ((*answer)["error"]["code"], -32600) << text;
    EXPECT_EQ((*answer)["id"], 1) << text;  // a valid id is kept
  }
}

TEST_F(JsonRpc, ParamsMustBeStructured) {
  for (const char* text : {R"({"jsonrpc":"2.0","method":"get_data","params":null,"id":1})",
                           R"({"jsonrpc":"2.0","method":"get_data","params":"x","id":1})",
                           R"({"jsonrpc":"2.0","method":"get_data","params":3,"id":1})"}) {
    const auto answer = send(text);
    ASSERT_TRUE(answer) << text;
    EXPECT_EQ((*answer)["error"]["code"], -32600) << text;
  }
}

TEST_F(JsonRpc, NonObjectMessagesAreInvalidRequests) {
  for (const char* text : {"1", "\"x\"", "null", "true", "[[]]"}) {
    const auto answer = send(text);
    ASSERT_TRUE(answer) << text;
    const Json& a = answer->is_array() ? (*answer)[0] : *answer;
    EXPECT_EQ(a["error"]["code"], -32600) << text;
    EXPECT_TRUE(a["id"].is_null()) << text;
  }
}

TEST_F(JsonRpc, ANotificationWithBadParamsIsStillNotAnswered) {
  EXPECT_EQ(send(R"({"jsonrpc":"2.0","method":"sum","params":["x"]})"), std::nullopt);
  EXPECT_EQ(send(R"({"jsonrpc":"2.0","method":"throws"})"), std::nullopt);
}

TEST_F(JsonRpc, ParamsAreValidatedBeforeTheHandler) {
  const auto answer = send(R"({"jsonrpc":"2.0","method":"notify_hello","params":{"n":"seven"},"id":1})");
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["error"]["code"], -32602);
  EXPECT_EQ((*answer)["error"]["data"]["pointer"], "/params/n");
  EXPECT_EQ(notified, 0);
}

TEST_F(JsonRpc, AThrowingHandlerIsAnInternalErrorThatLeaksNothing) {
  const auto answer = send(R"({"jsonrpc":"2.0","method":"throws","id":1})");
  ASSERT_TRUE(answer);
  EXPECT_EQ(*answer, parse(R"({"jsonrpc":"2.0","error":{"code":-32603,"message":"internal error"},"id":1})"));
  EXPECT_EQ(answer->dump().find("secret"), std::string::npos);
}

TEST_F(JsonRpc, OddMessagesAreAnsweredWithJsonThatSerialises) {
  std::string long_batch = "[";
  for (int i = 0; i < 1000; ++i)
    long_batch += std::string(i ? "," : "") + R"({"jsonrpc":"2.0","method":"sum","params":[)" +
                  std::to_string(i) + R"(,1],"id":)" + std::to_string(i) + "}";
  long_batch += "]";
  for (const std::string& text :
       {std::string(R"({"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1e308})"),
        std::string(R"({"jsonrpc":"2.0","method":"sum","params":[1,2],"id":18446744073709551616})"),
        std::string(R"({"jsonrpc":"2.0","method":"caf\u00e9 \ud83d\ude00","id":1})"),
        std::string(R"({"jsonrpc":"2.0","method":"sum","params":[1e300,2],"id":1})"),
        std::string(
            R"({"jsonrpc":"2.0","method":"sum","params":{"a":1,"b":2,"c":-9223372036854775808},"id":1})"),
        std::string(R"({"jsonrpc":"2.0","method":")") + std::string(10000, 'x') + R"(","id":1})",
        long_batch}) {
    const auto answer = send(text);
    ASSERT_TRUE(answer) << text.substr(0, 80);
    EXPECT_NO_THROW((void)answer->dump()) << text.substr(0, 80);
  }
  const auto batch = send(long_batch);
  ASSERT_EQ(batch->size(), 1000u);
  EXPECT_EQ((*batch)[999]["result"], 1000);
  EXPECT_EQ(
      (*send(R"({"jsonrpc":"2.0","method":"sum","params":[1e300,2],"id":1})"))["error"]["data"]["pointer"],
      "/params/0");
}

// --- Scopes and transports -----------------------------------------------------------------------------

TEST_F(JsonRpc, ScopeTooLowIsForbiddenAndNamesTheScope) {
  const auto answer =
      send(R"({"jsonrpc":"2.0","method":"control_only","id":1})", test::make_session(Scope::read));
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["error"]["code"], -32002);
  EXPECT_NE((*answer)["error"]["message"].get<std::string>().find("control"), std::string::npos);
  EXPECT_EQ((*answer)["error"]["data"]["needed"], "control");
}

TEST_F(JsonRpc, ScopesAreOrdered) {
  struct Case {
    Scope have;
    const char* method;
    bool allowed;
  };
  for (const Case c : {Case{Scope::read, "get_data", true}, Case{Scope::read, "control_only", false},
                       Case{Scope::read, "admin_only", false}, Case{Scope::control, "control_only", true},
                       Case{Scope::control, "admin_only", false}, Case{Scope::admin, "admin_only", true},
                       Case{Scope::admin, "control_only", true}}) {
    const auto answer = send(std::string(R"({"jsonrpc":"2.0","id":1,"method":")") + c.method + "\"}",
                             test::make_session(c.have));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->contains("result"), c.allowed) << scope_name(c.have) << " " << c.method;
  }
}

TEST_F(JsonRpc, ScopeIsCheckedBeforeParams) {
  // A caller without the scope learns nothing about the params.
  const auto answer = send(R"({"jsonrpc":"2.0","method":"control_only","params":{"bogus":1},"id":1})",
                           test::make_session(Scope::read));
  EXPECT_EQ((*answer)["error"]["code"], -32002);
}

TEST_F(JsonRpc, WebSocketOnlyMethodsAreNotFoundOverHttp) {
  const auto over_http = send(R"({"jsonrpc":"2.0","method":"ws_only","id":1})",
                              test::make_session(Scope::admin, Transport::http));
  EXPECT_EQ((*over_http)["error"]["code"], -32601);
  EXPECT_NE((*over_http)["error"]["message"].get<std::string>().find("WebSocket"), std::string::npos);
  const auto over_ws = send(R"({"jsonrpc":"2.0","method":"ws_only","id":1})");
  EXPECT_EQ((*over_ws)["result"], "ok");
}

TEST_F(JsonRpc, CallChecksScopeAndValidates) {
  const MethodSpec& control = *registry.find("control_only");
  auto denied = sim.run(dispatcher.call(control, Json::object(), test::make_session(Scope::read)));
  ASSERT_TRUE(std::holds_alternative<RpcError>(denied));
  EXPECT_EQ(std::get<RpcError>(denied).code, rpc_code::forbidden);
  EXPECT_EQ(std::get<RpcError>(denied).http_status(), 403);

  const MethodSpec& sum = *registry.find("sum");
  auto ok = sim.run(dispatcher.call(sum, Json{{"a", 2}, {"b", 3}}, test::make_session(Scope::read)));
  ASSERT_TRUE(std::holds_alternative<Json>(ok));
  EXPECT_EQ(std::get<Json>(ok), 5);
  auto bad = sim.run(dispatcher.call(sum, Json{{"a", 2}}, test::make_session(Scope::read)));
  ASSERT_TRUE(std::holds_alternative<RpcError>(bad));
  EXPECT_EQ(std::get<RpcError>(bad).data["pointer"], "/params/b");
}

TEST(RpcErrorStatus, EveryCodeHasItsRestStatus) {
  const std::pair<int, int> table[] = {
      {-32700, 400}, {-32600, 400}, {-32601, 404}, {-32602, 400}, {-32603, 500}, {-32001, 401}, {-32002, 403},
      {-32003, 429}, {-32004, 404}, {-32005, 409}, {-32006, 503}, {-32007, 422}, {-32099, 500}};
  for (const auto& [code, status] : table)
    EXPECT_EQ((RpcError{code, "m", nullptr}.http_status()), status) << code;
  EXPECT_EQ((RpcError{-32601, "m", Json{{"allow", "POST"}}}.http_status()), 405);
  EXPECT_EQ((RpcError{-32004, "m", nullptr}.to_json().dump()), R"({"code":-32004,"message":"m"})");
}

// --- Refusing a whole message (the server's limits, a stopping loop) -----------------------------------

TEST(Refuse, AnswersExactlyTheRequests) {
  const RpcError busy{rpc_code::rate_limited, "too many requests in flight", nullptr};
  EXPECT_EQ(
      refuse(Json::parse(R"({"jsonrpc":"2.0","method":"a","id":4})"), busy),
      Json::parse(
          R"({"jsonrpc":"2.0","error":{"code":-32003,"message":"too many requests in flight"},"id":4})"));
  EXPECT_EQ(refuse(Json::parse(R"({"jsonrpc":"2.0","method":"a"})"), busy), std::nullopt);
  const auto batch = refuse(
      Json::parse(R"([{"jsonrpc":"2.0","method":"a","id":"x"},{"jsonrpc":"2.0","method":"b"},5])"), busy);
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->size(), 2u);
  EXPECT_EQ((*batch)[0]["id"], "x");
  EXPECT_TRUE((*batch)[1]["id"].is_null());
  EXPECT_EQ(refuse(Json::parse("[]"), busy).value()["error"]["code"], -32600);
}

}  // namespace
}  // namespace aiopid::api
