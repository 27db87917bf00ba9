// subscribe / unsubscribe through the Dispatcher (validation of each pattern, the level, the WebSocket-only
// rule), and the notification text the server sends.
#include <gtest/gtest.h>

#include "aiopid/api/builtin_methods.hpp"
#include "aiopid/api/dispatcher.hpp"
#include "aiopid/api/notification_text.hpp"
#include "api_test_support.hpp"

namespace aiopid::api {
namespace {

class Builtins : public ::testing::Test {
 protected:
  Builtins() { add_builtin_methods(registry, "aiopid", "0.1"); }
  Json call(const std::string& method, const std::string& params, std::shared_ptr<Session> s = nullptr) {
    if (!s) s = session;
    const std::string text =
        R"({"jsonrpc":"2.0","id":1,"method":")" + method + R"(","params":)" + params + "}";
    return sim.run(dispatcher.dispatch(Json::parse(text), s)).value();
  }
  MethodRegistry registry;
  Dispatcher dispatcher{registry};
  test::SimLoop sim;
  std::shared_ptr<Session> session = test::make_session(Scope::read);
};

TEST_F(Builtins, SubscribeAddsPatternsAndSetsTheLevel) {
  Json answer = call("subscribe", R"({"topics": ["door.*", "log.*"], "level": "debug"})");
  EXPECT_EQ(answer["result"], Json::parse(R"({"topics": ["door.*", "log.*"], "level": "debug"})"))
      << answer.dump();
  EXPECT_TRUE(session->wants("device.door.edge"));
  EXPECT_TRUE(session->wants("log.debug"));
  answer = call("subscribe", R"({"topics": ["task.**"]})");  // the level stays
  EXPECT_EQ(answer["result"]["level"], "debug");
  EXPECT_EQ(answer["result"]["topics"].size(), 3u);
  answer = call("subscribe", R"([["schedule.*.fire"], "error"])");  // by position
  EXPECT_EQ(answer["result"]["level"], "error");
  EXPECT_FALSE(session->wants("log.warn"));
}

TEST_F(Builtins, ABadPatternPointsAtItsElement) {
  const Json answer = call("subscribe", R"({"topics": ["door.*", "ok", "bad..pattern"]})");
  EXPECT_EQ(answer["error"]["code"], -32602);
  EXPECT_EQ(answer["error"]["data"]["pointer"], "/params/topics/2");
  EXPECT_TRUE(session->patterns().empty());  // nothing added
  EXPECT_EQ(call("subscribe", R"({"topics": ["a", 5]})")["error"]["data"]["pointer"], "/params/topics/1");
  EXPECT_EQ(call("subscribe", R"({"topics": ["a"], "level": "loud"})")["error"]["data"]["pointer"],
            "/params/level");
  EXPECT_EQ(call("subscribe", R"({})")["error"]["data"]["pointer"], "/params/topics");
}

TEST_F(Builtins, PatternsPerConnectionAreBounded) {
  Json topics = Json::array();
  for (std::size_t i = 0; i < kMaxSubscriptionPatterns; ++i)
    topics.push_back("p" + std::to_string(i));
  EXPECT_TRUE(call("subscribe", Json{{"topics", topics}}.dump()).contains("result"));
  EXPECT_TRUE(call("subscribe", R"({"topics": ["p0"]})").contains("result"));  // already there
  EXPECT_EQ(call("subscribe", R"({"topics": ["one.more"]})")["error"]["data"]["pointer"], "/params/topics");
}

TEST_F(Builtins, UnsubscribeSomeOrAll) {
  call("subscribe", R"({"topics": ["a.*", "b.*", "c.*"]})");
  EXPECT_EQ(call("unsubscribe", R"({"topics": ["b.*"]})")["result"]["topics"],
            Json::parse(R"(["a.*", "c.*"])"));
  EXPECT_EQ(call("unsubscribe", R"({})")["result"]["topics"], Json::array());
  EXPECT_EQ(call("unsubscribe", R"({"topics": ["x..y"]})")["error"]["data"]["pointer"], "/params/topics/0");
}

TEST_F(Builtins, SubscribeIsWebSocketOnly) {
  auto http = test::make_session(Scope::admin, Transport::http);
  EXPECT_EQ(call("subscribe", R"({"topics": ["a"]})", http)["error"]["code"], -32601);
  EXPECT_EQ(call("unsubscribe", R"({})", http)["error"]["code"], -32601);
  EXPECT_FALSE(registry.find("subscribe")->rest);
  EXPECT_TRUE(call("api.describe", "{}", http).contains("result"));
}

TEST(NotificationText, SerialisedOnceNumberedPerConnection) {
  Notification n{"device.door.edge", Json{{"level", true}}, 123456789, 1796552102123456};
  const NotificationText text = notification_text(n);
  const std::string first = text.with_seq(42);
  EXPECT_EQ(
      first,
      R"({"jsonrpc":"2.0","method":"notify","params":{"seq":42,"topic":"device.door.edge","mono_us":123456789,)"
      R"("time":"2026-12-06T10:15:02.123456Z","data":{"level":true}}})");
  const Json parsed = Json::parse(text.with_seq(43));
  EXPECT_EQ(parsed["params"]["seq"], 43);
  EXPECT_EQ(parsed["method"], "notify");
  EXPECT_FALSE(parsed.contains("id"));
}

TEST(NotificationText, InvalidUtf8IsReplacedNotThrown) {
  Notification n{"log.warn", Json{{"message", std::string("bad \xFF byte")}}, 1, 0};
  const Json parsed = Json::parse(notification_text(n).with_seq(1));
  EXPECT_EQ(parsed["params"]["data"]["message"], "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(parsed["params"]["time"], "1970-01-01T00:00:00.000000Z");
}

TEST(NotificationText, Dropped) {
  EXPECT_EQ(
      dropped_text(9, 17),
      R"({"jsonrpc":"2.0","method":"notify","params":{"seq":9,"topic":"dropped","data":{"dropped":17}}})");
}

TEST(NotificationText, Rfc3339) {
  EXPECT_EQ(rfc3339_utc(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(rfc3339_utc(951782400000001), "2000-02-29T00:00:00.000001Z");  // leap day
  EXPECT_EQ(rfc3339_utc(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(rfc3339_utc(4102444799999999), "2099-12-31T23:59:59.999999Z");
}

}  // namespace
}  // namespace aiopid::api
