// Topic patterns (a table of pattern × topic), their validation, and Session: subscribe / unsubscribe /
// wants with the log level, and its thread safety (the loop adds while the API thread reads).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "aiopid/api/session.hpp"
#include "aiopid/api/topic_pattern.hpp"

namespace aiopid::api {
namespace {

TEST(TopicPattern, MatchTable) {
  struct Case {
    const char* pattern;
    const char* topic;
    bool match;
  };
  const Case cases[] = {
      {"device.door.edge", "device.door.edge", true},
      {"device.door.edge", "device.door.value", false},
      {"device.door.*", "device.door.edge", true},
      {"device.*.edge", "device.door.edge", true},
      {"device.*", "device.door.edge", false},  // * is one segment
      {"device.**", "device.door.edge", true},
      {"device.**", "device", true},  // ** may be no segment at all
      {"**", "device.door.edge", true},
      {"**", "log.warn", true},
      {"**.edge", "device.door.edge", true},
      {"**.edge", "device.door.value", false},
      {"device.**.edge", "device.door.edge", true},
      {"device.**.edge", "device.edge", true},
      {"**.door.**", "event.door.set", true},
      {"door.*", "device.door.edge", true},  // the kind removed
      {"door.*", "event.door.set", true},
      {"door.*", "task.doorbell.state", false},
      {"door*.*", "task.doorbell.state", true},  // * within a segment
      {"*bell.state", "task.doorbell.state", true},
      {"d*r.*", "device.door.edge", true},
      {"d*r.*", "device.dr.edge", true},
      {"d*r.*", "device.dog.edge", false},
      {"*.*.*", "device.door.edge", true},
      {"*.*.*", "log.warn", false},
      {"*.*", "log.warn", true},
      {"*", "log.warn", true},     // "warn", the kind removed, is one segment
      {"warn", "log.warn", true},  // the kind removed
      {"log.*", "log.debug", true},
      {"door.edge", "device.door.edge", true},
      {"door", "device.door.edge", false},
      {"device.door", "device.door.edge", false},
      {"device.door.edge.x", "device.door.edge", false},
      {"edge", "device.door.edge", false},
      {"schedule.*.fire", "schedule.nightly.fire", true},
      {"task.**", "task.blink.state", true},
      {"Door.*", "device.door.edge", false},  // case matters
  };
  for (const Case& c : cases) {
    ASSERT_FALSE(topic_pattern_error(c.pattern)) << c.pattern << ": " << *topic_pattern_error(c.pattern);
    EXPECT_EQ(topic_matches(c.pattern, c.topic), c.match) << c.pattern << " vs " << c.topic;
  }
}

TEST(TopicPattern, Validation) {
  for (const char* valid : {"door.*", "**", "device.**.edge", "a-b_c.D9", "*x*.y", "log.*"}) {
    EXPECT_FALSE(topic_pattern_error(valid)) << valid;
  }
  for (const char* invalid : {"", ".", "door.", ".door", "a..b", "door.**x", "a***", "**.**", "door edge",
                              "door/x", "d\xC3\xA9", "a.b?", "{x}"}) {
    EXPECT_TRUE(topic_pattern_error(invalid)) << invalid;
  }
  EXPECT_TRUE(topic_pattern_error(std::string(kMaxPatternLength + 1, 'a')));
  EXPECT_FALSE(topic_pattern_error(std::string(kMaxPatternLength, 'a')));
  std::string many = "a";
  for (std::size_t i = 1; i < kMaxPatternSegments + 1; ++i)
    many += ".a";
  EXPECT_TRUE(topic_pattern_error(many));
}

TEST(TopicPattern, LogLevels) {
  EXPECT_EQ(log_level_from_name("trace"), 0);
  EXPECT_EQ(log_level_from_name("critical"), 5);
  EXPECT_EQ(log_level_from_name("warning"), std::nullopt);
  EXPECT_EQ(log_level_name(3), "warn");
  EXPECT_EQ(log_level_of_topic("log.error"), 4);
  EXPECT_EQ(log_level_of_topic("device.log.error"), std::nullopt);
  EXPECT_EQ(log_level_of_topic("log.nope"), std::nullopt);
}

Session websocket() {
  return Session(7, Transport::websocket, "127.0.0.1:1", Principal{"local", Scope::admin});
}

TEST(Session, SubscribeUnsubscribeAndWants) {
  Session s = websocket();
  EXPECT_FALSE(s.wants("device.door.edge"));
  EXPECT_EQ(s.subscribe({"door.*", "task.**", "door.*"}, -1), 2u);  // no duplicates
  EXPECT_TRUE(s.wants("device.door.edge"));
  EXPECT_TRUE(s.wants("event.door.set"));
  EXPECT_TRUE(s.wants("task.blink.state"));
  EXPECT_FALSE(s.wants("device.led.value"));
  EXPECT_EQ(s.unsubscribe({"door.*", "never.subscribed"}), 1u);
  EXPECT_FALSE(s.wants("device.door.edge"));
  EXPECT_EQ(s.patterns(), std::vector<std::string>{"task.**"});
  EXPECT_EQ(s.unsubscribe({}), 0u);  // all
  EXPECT_FALSE(s.wants("task.blink.state"));
}

TEST(Session, LogTopicsHonourTheLevel) {
  Session s = websocket();
  EXPECT_EQ(s.log_level(), 2);  // info
  s.subscribe({"log.*"}, -1);
  EXPECT_FALSE(s.wants("log.debug"));
  EXPECT_TRUE(s.wants("log.info"));
  EXPECT_TRUE(s.wants("log.critical"));
  s.subscribe({}, 3);  // warn
  EXPECT_FALSE(s.wants("log.info"));
  EXPECT_TRUE(s.wants("log.warn"));
  s.subscribe({"**"}, 0);
  EXPECT_TRUE(s.wants("log.trace"));
  s.subscribe({}, -1);  // keeps trace
  EXPECT_EQ(s.log_level(), 0);
}

TEST(Session, ImmutableParts) {
  Session ws = websocket();
  EXPECT_EQ(ws.id(), 7u);
  EXPECT_TRUE(ws.can_subscribe());
  EXPECT_EQ(ws.principal().token_name, "local");
  Session http(8, Transport::http, "[::1]:2", Principal{"ci", Scope::read});
  EXPECT_FALSE(http.can_subscribe());
  EXPECT_EQ(http.peer(), "[::1]:2");
}

TEST(Session, SubscribeOnOneThreadWhileAnotherReads) {
  // The loop changes the patterns while the API thread fans out (run under TSan).
  Session s = websocket();
  std::atomic<bool> stop{false};
  std::atomic<int> seen{0};
  std::thread reader([&] {
    while (!stop.load())
      seen += s.wants("device.door.edge") ? 1 : 0;
  });
  for (int i = 0; i < 2000; ++i) {
    s.subscribe({"door.*", "x" + std::to_string(i % 10)}, i % 6);
    s.unsubscribe({"door.*"});
  }
  stop = true;
  reader.join();
  EXPECT_EQ(s.patterns().size(), 10u);
}

}  // namespace
}  // namespace aiopid::api
