// The tether's messages: what a line from the Pico is, the request lines the daemon writes, and the
// protocol's values as the runtime's readings.
#include "aiopid/tether/messages.hpp"

#include <gtest/gtest.h>

namespace aiopid::tether {
namespace {

TEST(TetherMessages, AnAnswerWithResultOrError) {
  auto in = decode_line(R"({"jsonrpc":"2.0","id":7,"result":{"boot":3}})");
  ASSERT_TRUE(std::holds_alternative<Response>(in));
  const Response& ok = std::get<Response>(in);
  EXPECT_EQ(ok.id, 7);
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.result["boot"], 3);

  in = decode_line(R"({"jsonrpc":"2.0","id":8,"error":{"code":-32602,"message":"pin 0 is the tether's"}})");
  ASSERT_TRUE(std::holds_alternative<Response>(in));
  const Response& bad = std::get<Response>(in);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.code, -32602);
  EXPECT_EQ(bad.message, "pin 0 is the tether's");

  in = decode_line(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"line too long"}})");
  ASSERT_TRUE(std::holds_alternative<Response>(in));
  EXPECT_LT(std::get<Response>(in).id, 0);
}

TEST(TetherMessages, ANotificationNamesItsDeviceAndWhat) {
  auto in = decode_line(
      R"({"jsonrpc":"2.0","method":"notify","params":{"topic":"device.pico_button.double","mono_us":123456,"data":{"count":2}}})");
  ASSERT_TRUE(std::holds_alternative<Notification>(in));
  const Notification& n = std::get<Notification>(in);
  EXPECT_EQ(n.device, "pico_button");
  EXPECT_EQ(n.what, "double");
  EXPECT_EQ(n.mono_us, 123456);
  EXPECT_EQ(n.data["count"], 2);
}

TEST(TetherMessages, CommentsAndWhatCannotBeRead) {
  auto in = decode_line("#panic: hard fault at 0x10000234");
  ASSERT_TRUE(std::holds_alternative<Comment>(in));
  EXPECT_TRUE(std::get<Comment>(in).panic());
  in = decode_line("#aiopi-pico 0.1.0 booting");
  ASSERT_TRUE(std::holds_alternative<Comment>(in));
  EXPECT_FALSE(std::get<Comment>(in).panic());

  for (const char* bad : {"{\"id\":1,\"res", "[1,2]", "{\"result\":1}", "{\"id\":\"x\",\"result\":1}",
                          R"({"method":"devices.set","params":{}})",
                          R"({"method":"notify","params":{"topic":"event.x.set","mono_us":1}})",
                          R"({"method":"notify","params":{"topic":"device.x.value"}})", "{\"id\":1}"}) {
    EXPECT_TRUE(std::holds_alternative<Malformed>(decode_line(bad))) << bad;
  }
}

TEST(TetherMessages, RequestLinesAreOneAsciiLine) {
  EXPECT_EQ(encode_request(1, "daemon.info"), "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"daemon.info\"}\n");
  const std::string line = encode_request(2, "devices.set", Json{{"name", "l\u00e9d"}, {"value", true}});
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find("l\\u00e9d"), std::string::npos) << line;
  for (const char c : line)
    EXPECT_LT(static_cast<unsigned char>(c), 0x80);
}

TEST(TetherMessages, ValuesBecomeReadings) {
  auto level = reading_of(Json(true), nullptr, "digital_in");
  ASSERT_TRUE(level);
  EXPECT_EQ(std::get<bool>(*level), true);
  auto volts = reading_of(Json(1.25), "V", "adc");
  ASSERT_TRUE(volts);
  EXPECT_DOUBLE_EQ(std::get<double>(*volts), 1.25);
  // An htu21d's object: the units from the answer, or the type's when the device object has none.
  auto climate = reading_of(Json{{"temperature", 21.5}, {"humidity", 40}}, nullptr, "htu21d");
  ASSERT_TRUE(climate);
  const auto& readings = std::get<std::vector<runtime::Reading>>(*climate);
  ASSERT_EQ(readings.size(), 2u);
  EXPECT_EQ(readings[0].name, "humidity");
  EXPECT_EQ(std::get<std::int64_t>(readings[0].value), 40);
  EXPECT_EQ(readings[0].unit, "%RH");
  EXPECT_EQ(readings[1].unit, "°C");
  EXPECT_FALSE(reading_of(Json(nullptr), nullptr, "adc"));
  EXPECT_FALSE(reading_of(Json("text"), nullptr, "adc"));

  const auto data = readings_of(Json{{"level", true}, {"count", 2}, {"why", "x"}, {"none", nullptr}});
  ASSERT_EQ(data.size(), 3u);
}

TEST(TetherMessages, ConfigParamsAsJson) {
  config::Node params = config::Node::table();
  params.append("pin", {}, config::Node::integer(15));
  params.append("active_low", {}, config::Node::boolean(true));
  params.append("vref", {}, config::Node::floating(3.3));
  params.append("bias", {}, config::Node::string("pull_up"));
  EXPECT_EQ(json_of(params), (Json{{"pin", 15}, {"active_low", true}, {"vref", 3.3}, {"bias", "pull_up"}}));
  EXPECT_EQ(json_of(runtime::SetValue{0.25}), Json(0.25));
  EXPECT_EQ(json_of(runtime::SetValue{false}), Json(false));
}

}  // namespace
}  // namespace aiopid::tether
