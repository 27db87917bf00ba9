// aiopictl: command lines → JSON-RPC requests, answers → results or the failure (and exit status) they mean.
#include "request.hpp"

#include <gtest/gtest.h>

#include "failure.hpp"

namespace aiopictl {
namespace {

RpcCall mapped(Invocation inv) {
  auto result = to_rpc_call(inv);
  if (auto* message = std::get_if<std::string>(&result)) {
    ADD_FAILURE() << inv.command << ": " << *message;
    return {};
  }
  return std::get<RpcCall>(result);
}

std::string usage_error(Invocation inv) {
  auto result = to_rpc_call(inv);
  auto* message = std::get_if<std::string>(&result);
  return message ? *message : std::string("(no error)");
}

TEST(AiopictlValue, WordsAndDigitsOfTruthAreBooleans) {
  for (const char* word : {"on", "ON", "true", "True", "1"})
    EXPECT_EQ(parse_value(word), Json(true)) << word;
  for (const char* word : {"off", "Off", "false", "FALSE", "0"})
    EXPECT_EQ(parse_value(word), Json(false)) << word;
}

TEST(AiopictlValue, NumbersAreNumbersAndTheRestStrings) {
  EXPECT_EQ(parse_value("42"), Json(42));
  EXPECT_TRUE(parse_value("42").is_number_integer());
  EXPECT_EQ(parse_value("-5"), Json(-5));
  EXPECT_EQ(parse_value("0.25"), Json(0.25));
  EXPECT_EQ(parse_value("1.0"), Json(1.0));
  EXPECT_TRUE(parse_value("1.0").is_number_float());
  EXPECT_EQ(parse_value("1e3"), Json(1000.0));
  EXPECT_EQ(parse_value("hello"), Json("hello"));
  EXPECT_EQ(parse_value(""), Json(""));
  EXPECT_EQ(parse_value("nan"), Json("nan"));
  EXPECT_EQ(parse_value("inf"), Json("inf"));
  EXPECT_EQ(parse_value("0x10"), Json("0x10"));
  EXPECT_EQ(parse_value("1e999"), Json("1e999"));  // not finite: kept as typed
  EXPECT_EQ(parse_value("12abc"), Json("12abc"));
}

TEST(AiopictlRequest, ListCommandsCallTheirListMethodWithEmptyParams) {
  const std::pair<const char*, const char*> cases[] = {{"devices", "devices.list"},
                                                       {"events", "events.list"},
                                                       {"tasks", "tasks.list"},
                                                       {"info", "daemon.info"},
                                                       {"reload", "daemon.reload"}};
  for (auto [command, method] : cases) {
    RpcCall call = mapped({command, {}, {}, {}});
    EXPECT_EQ(call.method, method);
    EXPECT_EQ(call.params, Json::object()) << command;
  }
}

TEST(AiopictlRequest, NamedCommandsSendTheName) {
  const std::pair<const char*, const char*> cases[] = {
      {"get", "devices.get"},           {"read", "devices.read"},         {"raise", "events.set"},
      {"clear", "events.clear"},        {"start", "tasks.start"},         {"cancel", "tasks.cancel"},
      {"restart", "tasks.restart"},     {"run-now", "schedules.run_now"}, {"enable", "schedules.enable"},
      {"disable", "schedules.disable"},
  };
  for (auto [command, method] : cases) {
    RpcCall call = mapped({command, {"thing"}, {}, {}});
    EXPECT_EQ(call.method, method);
    EXPECT_EQ(call.params, (Json{{"name", "thing"}})) << command;
  }
}

TEST(AiopictlRequest, SetSendsNameAndTypedValue) {
  EXPECT_EQ(mapped({"set", {"porch_light", "on"}, {}, {}}).params,
            (Json{{"name", "porch_light"}, {"value", true}}));
  RpcCall dim = mapped({"set", {"dimmer", "0.5"}, {}, {}});
  EXPECT_EQ(dim.method, "devices.set");
  EXPECT_EQ(dim.params, (Json{{"name", "dimmer"}, {"value", 0.5}}));
  EXPECT_EQ(mapped({"set", {"lcd", "hello world"}, {}, {}}).params["value"], Json("hello world"));
}

TEST(AiopictlRequest, SchedulesAskForOneNextFireUnlessTold) {
  EXPECT_EQ(mapped({"schedules", {}, {}, {}}).params, (Json{{"next", 1}}));
  RpcCall call = mapped({"schedules", {}, 5, {}});
  EXPECT_EQ(call.method, "schedules.list");
  EXPECT_EQ(call.params, (Json{{"next", 5}}));
}

TEST(AiopictlRequest, WatchSubscribesToEveryPatternWithTheLevel) {
  RpcCall call = mapped({"watch", {"door.*", "task.**"}, {}, {}});
  EXPECT_EQ(call.method, "subscribe");
  EXPECT_EQ(call.params, (Json{{"topics", {"door.*", "task.**"}}}));
  EXPECT_EQ(mapped({"watch", {"log.*"}, {}, "debug"}).params["level"], Json("debug"));
}

TEST(AiopictlRequest, CallSendsParamsAsGivenOrNone) {
  RpcCall bare = mapped({"call", {"api.describe"}, {}, {}});
  EXPECT_EQ(bare.method, "api.describe");
  EXPECT_TRUE(bare.params.is_null());
  EXPECT_FALSE(make_request(bare, 1).contains("params"));
  EXPECT_EQ(mapped({"call", {"devices.get", R"({"name":"door"})"}, {}, {}}).params, (Json{{"name", "door"}}));
  EXPECT_EQ(mapped({"call", {"x", "[1,2]"}, {}, {}}).params, Json::parse("[1,2]"));
}

TEST(AiopictlRequest, BadArgumentsAreUsageMessages) {
  EXPECT_NE(usage_error({"call", {"x", "{bad"}, {}, {}}).find("not valid JSON"), std::string::npos);
  EXPECT_NE(usage_error({"call", {"x", "42"}, {}, {}}).find("object or array"), std::string::npos);
  EXPECT_NE(usage_error({"set", {"only_name"}, {}, {}}).find("NAME VALUE"), std::string::npos);
  EXPECT_NE(usage_error({"get", {}, {}, {}}).find("NAME"), std::string::npos);
  EXPECT_NE(usage_error({"devices", {"extra"}, {}, {}}).find("no arguments"), std::string::npos);
  EXPECT_NE(usage_error({"watch", {}, {}, {}}).find("PATTERN"), std::string::npos);
  EXPECT_NE(usage_error({"schedules", {}, -1, {}}).find("--next"), std::string::npos);
  EXPECT_NE(usage_error({"token-hash", {"a", "read"}, {}, {}}).find("no method"), std::string::npos);
}

TEST(AiopictlRequest, RequestIsJsonRpcTwo) {
  EXPECT_EQ(make_request({"devices.get", Json{{"name", "door"}}}, 7).dump(),
            R"({"jsonrpc":"2.0","id":7,"method":"devices.get","params":{"name":"door"}})");
}

TEST(AiopictlAnswer, ResultOfTheMatchingId) {
  EXPECT_EQ(result_of(Json::parse(R"({"jsonrpc":"2.0","id":1,"result":{"ok":true}})"), 1, "m", "u"),
            (Json{{"ok", true}}));
  EXPECT_EQ(result_of(Json::parse(R"({"jsonrpc":"2.0","id":1,"result":null})"), 1, "m", "u"), Json());
}

ExitCode failure_code(const Json& answer, std::string* message = nullptr) {
  try {
    (void)result_of(answer, 1, "devices.set", "http://h:1");
  } catch (const Failure& f) {
    if (message) *message = f.what();
    return f.code();
  }
  return ExitCode::ok;
}

TEST(AiopictlAnswer, ErrorsMapToExitStatuses) {
  std::string message;
  EXPECT_EQ(failure_code(Json::parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32005,
            "message":"device porch is an input"}})"),
                         &message),
            ExitCode::method_error);
  EXPECT_EQ(message, "devices.set: device porch is an input (-32005)");
  EXPECT_EQ(failure_code(Json::parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"no"}})")),
            ExitCode::auth);
  EXPECT_EQ(failure_code(Json::parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32002,"message":"no"}})")),
            ExitCode::auth);
  EXPECT_EQ(failure_code(Json::parse(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"p"}})")),
            ExitCode::method_error);
  // Not an answer to this request: the other end does not speak the protocol.
  EXPECT_EQ(failure_code(Json::parse(R"({"jsonrpc":"2.0","id":2,"result":1})"), &message),
            ExitCode::connection);
  EXPECT_NE(message.find("http://h:1"), std::string::npos);
  EXPECT_EQ(failure_code(Json::parse(R"([1,2])")), ExitCode::connection);
  EXPECT_EQ(failure_code(Json::parse(R"({"jsonrpc":"2.0","id":1})")), ExitCode::connection);
}

TEST(AiopictlAnswer, ReloadErrorsBecomeDetailLines) {
  try {
    (void)result_of(Json::parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32007,"message":"reload failed",
                    "data":{"errors":["aiopid.toml:3: unknown key","aiopid.toml:9: bad pin"]}}})"),
                    1, "daemon.reload", "u");
    ADD_FAILURE() << "no failure";
  } catch (const Failure& f) {
    EXPECT_EQ(f.code(), ExitCode::method_error);
    EXPECT_EQ(f.details(),
              (std::vector<std::string>{"aiopid.toml:3: unknown key", "aiopid.toml:9: bad pin"}));
  }
}

}  // namespace
}  // namespace aiopictl
