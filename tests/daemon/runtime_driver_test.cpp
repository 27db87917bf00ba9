// The driver device types in the runtime, on the simulated board's virtual clock: each driver runs on the sim
// board's HAL with its stimulus (sim_press_every, the simulated HTU21D, GPS receiver, knob and remote), its
// events reach the observer and the `on = "EVENT"` events, its readings carry units, thresholds on readings
// work, and shutdown / reload close the devices (asan: nothing left referring to them).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sleep.hpp"
#include "aiopid/runtime/runtime.hpp"
#include "aiopid/runtime/sim_board.hpp"
#include "runtime_support.hpp"

using namespace std::chrono_literals;
using aiopid::runtime::DriverEvent;
using aiopid::runtime::Reading;
using aiopid::runtime::Runtime;
using aiopid::runtime::testing::parse;

namespace {

struct Seen final : aiopid::runtime::RuntimeObserver {
  std::vector<std::string> events;  // "device event"
  std::vector<DriverEvent> details;
  std::vector<std::vector<Reading>> readings;
  std::vector<std::string> states;
  void on_driver_event(std::string_view device, const DriverEvent& e) override {
    events.push_back(std::string(device) + " " + e.name);
    details.push_back(e);
  }
  void on_readings(std::string_view device, const std::vector<Reading>& r) override {
    (void)device;
    readings.push_back(r);
  }
  void on_device_state(std::string_view device, aiopid::runtime::DeviceState state,
                       std::string_view error) override {
    states.push_back(std::string(device) + " " + aiopid::runtime::to_string(state) + " " +
                     std::string(error));
  }
};

struct Drivers : ::testing::Test {
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop{backend};
  aiopid::runtime::SimBoard board;
  Seen seen;
  Runtime runtime{loop, board, {.observer = &seen}};

  void run(aiopi::Duration d) {
    auto body = [d]() -> aiopi::Task<> { co_await aiopi::sleep(d); };
    loop.run_until_complete(body());
  }
  void start(const std::string& text) {
    auto body = [&]() -> aiopi::Task<> { co_await runtime.apply(parse(text)); };
    loop.run_until_complete(body());
  }
  void stop() {
    auto body = [&]() -> aiopi::Task<> { co_await runtime.shutdown(); };
    loop.run_until_complete(body());
  }
  aiopid::runtime::ReadResult read(const std::string& name) {
    aiopid::runtime::ReadResult out;
    auto body = [&]() -> aiopi::Task<> { out = co_await runtime.read_device(name); };
    loop.run_until_complete(body());
    return out;
  }
  std::uint64_t sets(const std::string& event) { return runtime.registry().events.at(event)->set_count; }
  static const Reading* find(const std::vector<Reading>& readings, const std::string& name) {
    for (const Reading& r : readings)
      if (r.name == name) return &r;
    return nullptr;
  }
};

const char* kHead = R"([daemon]
board = "sim"
log_level = "off"
)";

std::string button(bool suppress, int clicks, const char* hold) {
  return std::string(kHead) + R"(
[devices.button]
type = "pushbutton"
chip = "sim"
line = 5
bias = "pull_up"
sense = "high"
sim_press_every = "3s"
sim_press_for = ")" +
         hold + R"("
sim_clicks = )" +
         std::to_string(clicks) + "\nsuppress = " + (suppress ? "true" : "false") + R"(

[events.twice]
device = "button"
on = "double"

[events.held]
device = "button"
on = "long"
)";
}

TEST_F(Drivers, PushbuttonDoubleClickInSuppressModeIsPressPressDouble) {
  start(button(true, 2, "100ms"));
  run(5s);  // one gesture at 3 s
  EXPECT_EQ(seen.events, (std::vector<std::string>{"button press", "button press", "button double"}));
  EXPECT_EQ(sets("twice"), 1u);
  EXPECT_EQ(sets("held"), 0u);
  ASSERT_EQ(seen.details.size(), 3u);
  // Stamped with the edges: the presses 200 ms apart, the double at the second press.
  EXPECT_EQ(seen.details[1].at - seen.details[0].at, 200ms);
  EXPECT_EQ(seen.details[2].at, seen.details[1].at);
  stop();
}

TEST_F(Drivers, PushbuttonDoubleClickWithoutSuppress) {
  start(button(false, 2, "100ms"));
  run(5s);
  EXPECT_EQ(seen.events, (std::vector<std::string>{"button press", "button release", "button press",
                                                   "button double", "button release"}));
  EXPECT_EQ(sets("twice"), 1u);
  stop();
}

TEST_F(Drivers, PushbuttonLongPressInSuppressModeHasNoRelease) {
  start(button(true, 1, "1500ms"));
  run(5s);
  EXPECT_EQ(seen.events, (std::vector<std::string>{"button press", "button long"}));
  EXPECT_EQ(sets("held"), 1u);
  const auto r = read("button");
  ASSERT_TRUE(r.status);
  const auto& readings = std::get<std::vector<Reading>>(r.reading);
  ASSERT_EQ(readings.size(), 1u);
  EXPECT_EQ(readings[0].name, "pressed");
  EXPECT_EQ(std::get<bool>(readings[0].value), false);
  stop();
}

TEST_F(Drivers, Htu21dReadingsWithUnitsAndThresholds) {
  start(std::string(kHead) + R"(
[devices.climate]
type = "htu21d"
bus = "sim"
period = "1s"

[events.humid]
device = "climate"
reading = "humidity"
above = 0.0

[events.measured]
device = "climate"
on = "reading"
)");
  auto r = read("climate");
  ASSERT_TRUE(r.status);
  auto readings = std::get<std::vector<Reading>>(r.reading);
  ASSERT_EQ(readings.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(readings[0].value)) << "nothing measured yet";
  run(3500ms);
  r = read("climate");
  readings = std::get<std::vector<Reading>>(r.reading);
  EXPECT_EQ(readings[0].name, "temperature");
  EXPECT_EQ(readings[0].unit, "°C");
  EXPECT_EQ(readings[1].unit, "%RH");
  const double t = std::get<double>(readings[0].value);
  const double h = std::get<double>(readings[1].value);
  EXPECT_GT(t, 18.9);
  EXPECT_LT(t, 23.1);
  EXPECT_GT(h, 39.9);
  EXPECT_LT(h, 50.1);
  EXPECT_GE(sets("measured"), 3u);
  EXPECT_EQ(sets("humid"), 0u) << "above 0 from the first reading on: armed only by coming back below";
  EXPECT_GE(seen.readings.size(), 3u);
  EXPECT_TRUE(seen.states.empty() || seen.states.back().find("failing") == std::string::npos);
  stop();
}

TEST_F(Drivers, GpsOnASimulatedPortGetsAFixEverySecond) {
  start(std::string(kHead) + R"(
[devices.gps]
type = "gps"
port = "sim0"

[events.fix]
device = "gps"
on = "fix"

[events.far_north]
device = "gps"
reading = "latitude"
above = 52.0
)");
  run(3500ms);
  EXPECT_GE(sets("fix"), 3u);
  EXPECT_EQ(sets("far_north"), 0u);
  EXPECT_GE(std::count(seen.events.begin(), seen.events.end(), "gps satellites"), 3) << "a GSV set a second";
  const auto r = read("gps");
  ASSERT_TRUE(r.status);
  const auto& readings = std::get<std::vector<Reading>>(r.reading);
  const Reading* lat = find(readings, "latitude");
  const Reading* lon = find(readings, "longitude");
  ASSERT_TRUE(lat && lon);
  EXPECT_NEAR(std::get<double>(lat->value), 51.4769, 0.001);
  EXPECT_NEAR(std::get<double>(lon->value), -0.0005, 0.002);
  EXPECT_EQ(lat->unit, "°");
  EXPECT_EQ(std::get<std::int64_t>(find(readings, "satellites_in_view")->value), 8);
  EXPECT_EQ(std::get<std::int64_t>(find(readings, "satellites_in_use")->value), 8);
  EXPECT_DOUBLE_EQ(std::get<double>(find(readings, "altitude")->value), 46.0);
  EXPECT_EQ(find(readings, "altitude")->unit, "m");
  EXPECT_EQ(find(readings, "speed")->unit, "km/h");
  EXPECT_TRUE(std::holds_alternative<std::string>(find(readings, "utc")->value));
  stop();
}

TEST_F(Drivers, EncoderTurnedBySimStepsReportsChanges) {
  start(std::string(kHead) + R"(
[devices.knob]
type = "encoder"
chip = "sim"
line_a = 17
line_b = 18
div = 4
max = 2
sim_step_every = "1s"

[events.turned]
device = "knob"
on = "change"
)");
  run(3500ms);
  EXPECT_EQ(sets("turned"), 2u) << "two clicks to the limit 2; the third moves nothing";
  const auto r = read("knob");
  ASSERT_TRUE(r.status);
  EXPECT_EQ(std::get<std::int64_t>(std::get<std::vector<Reading>>(r.reading)[0].value), 2);
  ASSERT_FALSE(seen.details.empty());
  EXPECT_EQ(seen.details[0].name, "change");
  EXPECT_EQ(std::get<std::int64_t>(find(seen.details[0].data, "delta")->value), 1);
  stop();
}

TEST_F(Drivers, NecIrCodesFromTheSimulatedRemoteMatchTheirDataFilter) {
  start(std::string(kHead) + R"(
[devices.remote]
type = "nec_ir"
chip = "sim"
line = 23
bias = "pull_up"
extended = false
sim_code_every = "1s"
sim_code = 0x16

[events.power]
device = "remote"
on = "code"
data = 0x16

[events.other]
device = "remote"
on = "code"
data = 0x17
)");
  run(2500ms);
  EXPECT_EQ(sets("power"), 2u);
  EXPECT_EQ(sets("other"), 0u);
  ASSERT_FALSE(seen.details.empty());
  EXPECT_EQ(seen.details[0].name, "code");
  EXPECT_EQ(std::get<std::int64_t>(find(seen.details[0].data, "data")->value), 0x16);
  EXPECT_EQ(std::get<std::int64_t>(find(seen.details[0].data, "address")->value), 0);
  stop();
}

TEST_F(Drivers, ReloadClosesAChangedDriverDeviceAndOpensItAgain) {
  start(button(true, 2, "100ms"));
  run(4s);
  auto body = [&]() -> aiopi::Task<> { co_await runtime.apply(parse(button(false, 2, "100ms"))); };
  loop.run_until_complete(body());
  seen.events.clear();
  run(3500ms);
  EXPECT_EQ(seen.events, (std::vector<std::string>{"button press", "button release", "button press",
                                                   "button double", "button release"}));
  stop();
}

TEST_F(Drivers, SwitchClosesAndOpensWithItsStimulus) {
  start(std::string(kHead) + R"(
[devices.door]
type = "switch"
chip = "sim"
line = 22
bias = "pull_up"
sim_press_every = "2s"
sim_press_for = "500ms"

[events.closed]
device = "door"
on = "close"
)");
  run(2300ms);
  EXPECT_EQ(seen.events, (std::vector<std::string>{"door close"}));
  EXPECT_EQ(sets("closed"), 1u);
  auto r = read("door");
  EXPECT_EQ(std::get<bool>(std::get<std::vector<Reading>>(r.reading)[0].value), true);
  run(400ms);
  EXPECT_EQ(seen.events, (std::vector<std::string>{"door close", "door open"}));
  ASSERT_EQ(seen.details.size(), 2u);
  EXPECT_EQ(seen.details[1].at - seen.details[0].at, 500ms) << "stamped with the edges";
  stop();
}

TEST_F(Drivers, AdcTriggerRaisesOneEventPerCrossingOfTheWindow) {
  start(std::string(kHead) + R"(
[devices.level]
type = "adc_trigger"
device = "sim"
channel = 0
low = 20000
high = 45000
poll = "20ms"

[events.outside]
device = "level"
on = "out_of_range"
)");
  run(8s);  // the sim ADC's triangle rises from 0 to full scale in 10 s
  EXPECT_EQ(seen.events,
            (std::vector<std::string>{"level out_of_range", "level in_range", "level out_of_range"}));
  EXPECT_EQ(sets("outside"), 2u);
  const auto r = read("level");
  const auto& readings = std::get<std::vector<Reading>>(r.reading);
  EXPECT_GT(std::get<std::int64_t>(readings[0].value), 45000);
  EXPECT_EQ(readings[0].unit, "counts");
  EXPECT_EQ(std::get<bool>(readings[1].value), false);
  stop();
}

TEST_F(Drivers, Hd44780ShowsTextFromActionsAndTheApi) {
  start(std::string(kHead) + R"(
[devices.lcd]
type = "hd44780"
chip = "sim"
rs = 7
e = 8
d4 = 25
d5 = 24
d6 = 23
d7 = 18
cols = 8

[tasks.greet]
start = "boot"
actions = [ { set = "lcd", value = "Hello\nworld, long line" } ]
)");
  run(500ms);
  auto r = read("lcd");
  ASSERT_TRUE(r.status);
  auto readings = std::get<std::vector<Reading>>(r.reading);
  ASSERT_EQ(readings.size(), 2u);
  EXPECT_EQ(std::get<std::string>(readings[0].value), "Hello   ");
  EXPECT_EQ(std::get<std::string>(readings[1].value), "world, l");
  EXPECT_TRUE(runtime.set_device("lcd", aiopid::runtime::TextWrite{1, "bye"}));
  readings = std::get<std::vector<Reading>>(read("lcd").reading);
  EXPECT_EQ(std::get<std::string>(readings[1].value), "bye     ");
  EXPECT_EQ(runtime.set_device("lcd", aiopid::runtime::TextWrite{1, "a\nb"}).code,
            aiopid::runtime::OpErrc::bad_value);
  EXPECT_EQ(runtime.set_device("lcd", true).code, aiopid::runtime::OpErrc::bad_value);
  stop();
}

TEST_F(Drivers, KeypadAndSwitchArrayOpenAndScan) {
  start(std::string(kHead) + R"(
[devices.keys]
type = "keypad"
chip = "sim"
rows = [5, 6]
cols = [12, 16, 20]

[devices.panel]
type = "switch_array"
chip = "sim"
rows = [7, 8]
cols = [21, 26]
events = ["close", "double"]
)");
  run(1s);
  EXPECT_TRUE(runtime.registry().devices.at("keys")->is_open())
      << runtime.registry().devices.at("keys")->open_error;
  EXPECT_TRUE(runtime.registry().devices.at("panel")->is_open());
  EXPECT_TRUE(seen.events.empty()) << "no key is pressed on the sim board";
  const auto r = read("keys");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(std::get<std::vector<Reading>>(r.reading)[0].value));
  stop();
}

TEST_F(Drivers, SimulatedKeysPressedBehindKeypadAndSwitchArrayAreScannedWithTheirCodes) {
  start(std::string(kHead) + R"(
[devices.keys]
type = "keypad"
chip = "sim"
rows = [5, 6]
cols = [12, 16, 20]
sim_key_every = "1s"
sim_key = 4
sim_press_for = "200ms"

[devices.panel]
type = "switch_array"
chip = "sim"
rows = [7, 8]
cols = [21, 26]
sim_key_every = "1s"
sim_key = 2
sim_press_for = "300ms"

[events.key_four]
device = "keys"
on = "press"
key = 4

[events.key_five]
device = "keys"
on = "press"
key = 5
)");
  run(2900ms);  // presses at 1 s and 2 s (an `open` comes when the double-click time after the release is up)
  EXPECT_EQ(seen.events, (std::vector<std::string>{"keys press", "panel close", "panel open", "keys press",
                                                   "panel close", "panel open"}));
  for (const DriverEvent& e : seen.details) {
    ASSERT_EQ(e.data.size(), 3u);
    const bool keypad = e.name == "press";
    EXPECT_EQ(std::get<std::int64_t>(e.data[0].value), keypad ? 4 : 2) << "scan code = row x ncols + col";
    EXPECT_EQ(std::get<std::int64_t>(e.data[1].value), 1) << "row";
    EXPECT_EQ(std::get<std::int64_t>(e.data[2].value), keypad ? 1 : 0) << "col";
  }
  EXPECT_EQ(sets("key_four"), 2u);
  EXPECT_EQ(sets("key_five"), 0u) << "the key filter";
  const auto r = read("keys");
  EXPECT_EQ(std::get<std::int64_t>(std::get<std::vector<Reading>>(r.reading)[0].value), 4);
  stop();
}

TEST_F(Drivers, Htu21dThatDoesNotAnswerStaysOpenFailingAndRetries) {
  start(std::string(kHead) + R"(
[devices.climate]
type = "htu21d"
bus = "sim"
address = 0x41
period = "1s"
)");
  run(3500ms);
  const auto& d = *runtime.registry().devices.at("climate");
  EXPECT_TRUE(d.is_open());
  ASSERT_TRUE(d.driver);
  EXPECT_FALSE(d.driver->error().empty()) << "the sim HTU21D answers at 0x40 only";
  ASSERT_EQ(seen.states.size(), 2u) << "opened, then failing once (not once per retry)";
  EXPECT_EQ(seen.states[0], "climate opened ");
  EXPECT_EQ(seen.states[1].rfind("climate failing ", 0), 0u) << seen.states[1];
  const auto r = read("climate");
  EXPECT_TRUE(std::holds_alternative<std::monostate>(std::get<std::vector<Reading>>(r.reading)[0].value));
  stop();
}

TEST_F(Drivers, EbuttonModelInSuppressModeGivesDoubleThenRelease) {
  std::string text = button(true, 2, "100ms");
  text.replace(text.find("suppress = true"), 15, "suppress = true\nmodel = \"ebutton\"");
  start(text);
  run(5s);
  // EButton's semantics (docs/drivers.md): a double click in suppress mode is double, release.
  EXPECT_EQ(seen.events, (std::vector<std::string>{"button double", "button release"}));
  EXPECT_EQ(sets("twice"), 1u);
  stop();
}

TEST_F(Drivers, EswitchModelReportsTheSameEvents) {
  start(std::string(kHead) + R"(
[devices.door]
type = "switch"
model = "eswitch"
chip = "sim"
line = 22
bias = "pull_up"
sim_press_every = "2s"
sim_press_for = "500ms"
)");
  run(2700ms);
  EXPECT_EQ(seen.events, (std::vector<std::string>{"door close", "door open"}));
  stop();
}

}  // namespace
