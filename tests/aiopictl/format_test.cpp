// aiopictl: what the commands print for a result (tables, key: value lines, notification lines).
#include "format.hpp"

#include <gtest/gtest.h>

namespace aiopictl {
namespace {

TEST(AiopictlFormat, DevicesTable) {
  const Json result = Json::parse(R"({"devices":[
    {"name":"porch_light","type":"digital_out","state":"open","value":true},
    {"name":"door","type":"digital_in","state":"open","value":false},
    {"name":"temp","kind":"adc","state":"failed","value":null}]})");
  EXPECT_EQ(format_result("devices", result),
            "NAME         TYPE         STATE   VALUE\n"
            "porch_light  digital_out  open    true\n"
            "door         digital_in   open    false\n"
            "temp         adc          failed  -\n");
}

TEST(AiopictlFormat, ListAsArrayOrAsObjectByName) {
  const std::string expected =
      "NAME       STATE    RUNS\n"
      "heartbeat  running  3\n";
  EXPECT_EQ(format_result("tasks", Json::parse(R"([{"name":"heartbeat","state":"running","runs":3}])")),
            expected);
  EXPECT_EQ(format_result("tasks", Json::parse(R"({"heartbeat":{"state":"running","run_count":3}})")),
            expected);
}

TEST(AiopictlFormat, EventsShowABooleanAsSetOrClear) {
  EXPECT_EQ(format_result("events", Json::parse(R"({"events":[{"name":"door_open","set":true},
                                                             {"name":"alarm","set":false}]})")),
            "NAME       STATE\n"
            "door_open  set\n"
            "alarm      clear\n");
}

TEST(AiopictlFormat, SchedulesOneRowPerNextFireAndOptionalColumnsOnlyWhenPresent) {
  const Json result = Json::parse(R"({"schedules":[
    {"name":"morning","enabled":true,"spec":"0 7 * * *","zone":"Europe/Paris",
     "next":["2026-12-07T07:00:00+01:00","2026-12-08T07:00:00+01:00"]},
    {"name":"off","enabled":false,"spec":"@hourly","next":[]}]})");
  EXPECT_EQ(format_result("schedules", result),
            "NAME     STATE     SPEC       ZONE          NEXT\n"
            "morning  enabled   0 7 * * *  Europe/Paris  2026-12-07T07:00:00+01:00\n"
            "                                            2026-12-08T07:00:00+01:00\n"
            "off      disabled  @hourly    -             -\n");
  // Without spec or zone anywhere those columns are left out; a fire time may be an object with "time".
  EXPECT_EQ(format_result("schedules", Json::parse(R"([{"name":"s","state":"enabled",
                                                        "next":[{"time":"T1","zone":"UTC"}]}])")),
            "NAME  STATE    NEXT\n"
            "s     enabled  T1\n");
}

// The shapes daemon/remote answers with (docs/design/remote-api.md, "Result shapes").
TEST(AiopictlFormat, TheDaemonsTaskAndScheduleShapes) {
  EXPECT_EQ(format_result("tasks", Json::parse(R"([{"name":"blink","description":"","state":"running",
                                                    "starts":2,"completed":1,"cancelled":0,"start":["boot"]}])")),
            "NAME   STATE    RUNS\n"
            "blink  running  2\n");
  EXPECT_EQ(format_result("schedules", Json::parse(R"([{"name":"night","description":"","when":"0 22 * * *",
                                                        "time_zone":"Europe/Paris","task":"lights_off",
                                                        "enabled":true,"next":["2026-12-06T22:00:00+01:00"],
                                                        "last_fire":null,"fires":0}])")),
            "NAME   STATE    SPEC        ZONE          TASK        NEXT\n"
            "night  enabled  0 22 * * *  Europe/Paris  lights_off  2026-12-06T22:00:00+01:00\n");
}

TEST(AiopictlFormat, AnUnknownListShapeIsPrintedAsJson) {
  const Json odd = Json::parse(R"({"count":2,"items":"?"})");
  EXPECT_EQ(format_result("devices", odd), odd.dump(2) + "\n");
}

TEST(AiopictlFormat, ObjectsAsKeyValueLinesWithNestedKeysJoined) {
  const Json info = Json::parse(R"({"version":"0.1.0","board":"sim","uptime_s":12.5,
                                    "loop_lag_us":{"p50":3,"max":40},"tags":["a","b"]})");
  EXPECT_EQ(format_result("info", info),
            "version:          0.1.0\n"
            "board:            sim\n"
            "uptime_s:         12.5\n"
            "loop_lag_us.p50:  3\n"
            "loop_lag_us.max:  40\n"
            "tags:             [\"a\",\"b\"]\n");
  EXPECT_EQ(format_result("set", Json()), "");
  EXPECT_EQ(format_result("read", Json(21.5)), "21.5\n");
  EXPECT_EQ(format_result("start", Json("started")), "started\n");
}

TEST(AiopictlFormat, JsonIsIndented) {
  EXPECT_EQ(format_json(Json{{"a", 1}}), "{\n  \"a\": 1\n}\n");
}

TEST(AiopictlFormat, NotificationLine) {
  const Json params = Json::parse(R"({"seq":42,"topic":"device.door.edge","mono_us":123456789,
                                      "time":"2026-12-06T10:15:02.123456Z","data":{"level":true}})");
  EXPECT_EQ(format_notification(params), "2026-12-06T10:15:02.123456Z device.door.edge {\"level\":true}\n");
  EXPECT_EQ(format_notification(Json::parse(R"({"seq":1,"topic":"t","mono_us":5})")), "5 t null\n");
}

TEST(AiopictlFormat, DroppedNotice) {
  const Json notice = Json::parse(R"({"seq":9,"topic":"dropped","time":"T","data":{"dropped":17}})");
  EXPECT_EQ(dropped_count(notice), 17);
  EXPECT_EQ(format_notification(notice), "T dropped 17\n");
  EXPECT_EQ(dropped_count(Json::parse(R"({"seq":9,"topic":"device.x.value","data":{"dropped":17}})")), 0);
}

}  // namespace
}  // namespace aiopictl
