// The daemon's runtime on the simulated board's virtual clock: tasks, events from edges and ADC thresholds,
// pulses that end inactive when cancelled, shutdown to safe states, a reload that keeps what did not change.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_digital.hpp"
#include "aiopi/sim/sim_uart.hpp"
#include "aiopi/sleep.hpp"
#include "aiopid/runtime/runtime.hpp"
#include "aiopid/runtime/sim_board.hpp"
#include "runtime_support.hpp"

using namespace std::chrono_literals;
using aiopid::runtime::Runtime;
using aiopid::runtime::testing::parse;

namespace {

const std::string kHeader = "[daemon]\nboard = \"sim\"\nlog_level = \"warn\"\n";

const std::string kLed = R"(
[devices.led]
type = "digital_out"
chip = "sim"
line = 17
safe_state = false
)";

struct Fixture : ::testing::Test {
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop{backend};
  std::unique_ptr<aiopid::runtime::Board> board = aiopid::runtime::make_sim_board();
  std::FILE* trace = std::tmpfile();
  Runtime runtime{loop, *board, {.output_trace = trace}};
  ~Fixture() override { std::fclose(trace); }

  /// The output trace so far ("DEVICE 0|1" per write, "DEVICE open L" per opening).
  std::string trace_text() {
    std::string text;
    std::rewind(trace);
    for (int c; (c = std::fgetc(trace)) != EOF;)
      text.push_back(static_cast<char>(c));
    return text;
  }

  aiopid::runtime::LiveDevice& device(const std::string& name) {
    return *runtime.registry().devices.at(name);
  }
  const aiopid::runtime::LiveTask& task(const std::string& name) {
    return *runtime.registry().tasks.at(name);
  }
  const aiopi::sim::SimDigitalOutput& sim_output(const std::string& name) {
    return static_cast<const aiopi::sim::SimDigitalOutput&>(*device(name).output);
  }
};

aiopi::Task<> run_for(Runtime& rt, aiopid::config::Config config, aiopi::Duration d) {
  co_await rt.apply(std::move(config));
  co_await aiopi::sleep(d);
}

aiopi::Task<> stop(Runtime& rt) {
  co_await rt.shutdown();
}

TEST_F(Fixture, BlinkTogglesUntilShutdownThenSafeState) {
  loop.run_until_complete(run_for(runtime, parse(kHeader + kLed + R"(
[tasks.blink]
start = "boot"
repeat = true
actions = [ { toggle = "led" }, { sleep = "250ms" } ]
)"),
                                  1100ms));
  // t = 0, 250, 500, 750, 1000 ms: five toggles after the initial level.
  EXPECT_EQ(sim_output("led").history().size(), 6u);
  EXPECT_TRUE(device("led").level);
  EXPECT_TRUE(task("blink").running());
  loop.run_until_complete(stop(runtime));
  EXPECT_TRUE(runtime.registry().devices.empty());
  // stopped with the LED on: the shutdown drove it to its safe state
  const std::string t = trace_text();
  EXPECT_EQ(t.substr(t.size() - 6), "led 0\n");
}

TEST_F(Fixture, ShutdownCancelsAPulseWhichEndsInactive) {
  loop.run_until_complete(run_for(runtime, parse(kHeader + R"(
[devices.led]
type = "digital_out"
chip = "sim"
line = 17

[tasks.long_pulse]
start = "boot"
actions = [ { pulse = "led", duration = "1h" } ]
)"),
                                  1s));
  EXPECT_TRUE(device("led").level);
  EXPECT_EQ(trace_text(), "led open 0\nled 1\n");
  loop.run_until_complete(stop(runtime));
  // the pulse's cleanup wrote 0 as the task was cancelled, then the shutdown wrote the safe state (default 0)
  EXPECT_EQ(trace_text(), "led open 0\nled 1\nled 0\nled 0\n");
}

TEST_F(Fixture, SimulatedPressesRaiseTheEdgeEventAndStartTheTaskEachTime) {
  loop.run_until_complete(run_for(runtime, parse(kHeader + kLed + R"(
[devices.button]
type = "digital_in"
chip = "sim"
line = 4
bias = "pull_up"
active_low = true
edges = "both"
sim_press_every = "1s"

[events.pressed]
device = "button"
edge = "rising"

[tasks.on_press]
start = "event pressed"
actions = [ { pulse = "led", duration = "200ms" } ]
)"),
                                  3500ms));
  EXPECT_EQ(runtime.registry().events.at("pressed")->set_count, 3u);
  EXPECT_EQ(task("on_press").starts, 3u);
  EXPECT_EQ(task("on_press").completed, 3u);
  // three pulses: on and off each, after the initial level
  EXPECT_EQ(sim_output("led").history().size(), 7u);
  loop.run_until_complete(stop(runtime));
}

TEST_F(Fixture, AdcThresholdWithHysteresisRaisesOncePerCrossing) {
  // The sim ADC is a triangle 0 -> 3.3 V -> 0 every 20 s: over 60 s it rises past 2 V three times.
  loop.run_until_complete(run_for(runtime, parse(kHeader + R"(
[devices.pot]
type = "adc"
device = "sim"
channel = 0
poll = "100ms"

[events.high]
device = "pot"
above = 2.0
hysteresis = 0.5
)"),
                                  60s));
  EXPECT_EQ(runtime.registry().events.at("high")->set_count, 3u);
  loop.run_until_complete(stop(runtime));
}

TEST_F(Fixture, ReloadKeepsUnchangedDevicesAndTasksAndRestartsChangedOnes) {
  const std::string blink = R"(
[tasks.blink]
start = "boot"
repeat = true
actions = [ { toggle = "led" }, { sleep = "100ms" } ]
)";
  loop.run_until_complete(run_for(runtime, parse(kHeader + kLed + blink + R"(
[tasks.once]
start = "boot"
actions = [ { log = "v1" } ]
)"),
                                  1050ms));
  const aiopid::runtime::LiveDevice* led = &device("led");
  const aiopid::runtime::LiveTask* blink_task = &task("blink");
  const std::size_t writes = sim_output("led").writes();
  aiopid::runtime::ApplySummary sum;
  auto reload = [&]() -> aiopi::Task<> {
    sum = co_await runtime.apply(parse(kHeader + kLed + blink + R"(
[tasks.once]
start = "boot"
actions = [ { log = "v2" } ]
)"));
  };
  loop.run_until_complete(reload());
  EXPECT_EQ(sum.changed, 1);
  EXPECT_EQ(sum.removed, 0);
  EXPECT_EQ(&device("led"), led) << "the unchanged device is the same live object (line kept open)";
  EXPECT_EQ(&task("blink"), blink_task) << "the unchanged task keeps running";
  EXPECT_EQ(sim_output("led").writes(), writes) << "the reload itself wrote nothing to the unchanged output";
  EXPECT_EQ(task("once").starts, 1u) << "the changed task is a new record, started at boot again";
  loop.run_until_complete(stop(runtime));
}

aiopi::Task<> feed_lines(aiopi::sim::SimUart& uart) {
  uart.receive("$GPGGA,1\r\n$GPRMC,2\r\nhello\n");
  co_await aiopi::sleep(10ms);
  uart.receive("$GPRMC,3\r\nhel");
  co_await aiopi::sleep(10ms);
  uart.receive("lo\n");
  co_await aiopi::sleep(10ms);
}

TEST_F(Fixture, LineReaderRaisesContainsEqualsAndStartsWithEvents) {
  loop.run_until_complete(run_for(runtime, parse(kHeader + R"(
[devices.gps]
type = "uart_line_reader"
port = "/dev/sim0"

[events.fix]
device = "gps"
starts_with = "$GPRMC"

[events.greeting]
device = "gps"
equals = "hello"

[events.any_gp]
device = "gps"
contains = "GP"
)"),
                                  1ms));
  loop.run_until_complete(feed_lines(static_cast<aiopi::sim::SimUart&>(*device("gps").uart)));
  EXPECT_EQ(runtime.registry().events.at("fix")->set_count, 2u);
  EXPECT_EQ(runtime.registry().events.at("greeting")->set_count, 2u)
      << "a line split across reads counts once";
  EXPECT_EQ(runtime.registry().events.at("any_gp")->set_count, 3u);
  EXPECT_EQ(device("gps").last_line, "hello");
  loop.run_until_complete(stop(runtime));
}

aiopi::Task<> bounce_then_settle(aiopi::sim::SimDigitalInput& in) {
  // pressed (active low) with 5 bounces 1 ms apart, settling low; then a 2 ms glitch high; then released
  in.bounce(aiopi::Loop::get().now().time_since_epoch() + 10ms, 5, 1ms);
  co_await aiopi::sleep(100ms);
  in.drive(true);
  co_await aiopi::sleep(2ms);
  in.drive(false);
  co_await aiopi::sleep(100ms);
  in.drive(true);
  co_await aiopi::sleep(100ms);
}

TEST_F(Fixture, DebounceCountsOnlySettledEdges) {
  loop.run_until_complete(run_for(runtime, parse(kHeader + R"(
[devices.button]
type = "digital_in"
chip = "sim"
line = 4
bias = "pull_up"
active_low = true
debounce = "20ms"

[events.pressed]
device = "button"
edge = "rising"

[events.released]
device = "button"
edge = "falling"
)"),
                                  1ms));
  loop.run_until_complete(
      bounce_then_settle(static_cast<aiopi::sim::SimDigitalInput&>(*device("button").input)));
  EXPECT_EQ(runtime.registry().events.at("pressed")->set_count, 1u) << "the bounces settle into one press";
  EXPECT_EQ(runtime.registry().events.at("released")->set_count, 1u) << "the 2 ms glitch is not a release";
  loop.run_until_complete(stop(runtime));
}

TEST_F(Fixture, WaitEventTimeoutBranchStartAndCancel) {
  loop.run_until_complete(run_for(runtime, parse(kHeader + kLed + R"(
[events.door]

[tasks.watch]
start = "boot"
actions = [
  { wait_event = "door", timeout = "1s", on_timeout = [ { start = "alarm" } ] },
  { wait_event = "door", timeout = "1s", on_timeout = [ { set = "led", value = false } ] },
]

[tasks.alarm]
repeat = true
actions = [ { toggle = "led" }, { sleep = "100ms" } ]

[tasks.open_door]
actions = [ { sleep = "1500ms" }, { set_event = "door" }, { cancel = "alarm" } ]

[tasks.opener]
start = "boot"
actions = [ { start = "open_door" } ]
)"),
                                  3s));
  // watch: the first wait times out at 1 s (alarm starts), the second ends at 1.5 s when the door opens
  EXPECT_EQ(task("alarm").starts, 1u);
  EXPECT_EQ(task("alarm").cancelled, 1u) << "cancelled by open_door";
  EXPECT_EQ(task("watch").completed, 1u);
  EXPECT_EQ(task("open_door").completed, 1u);
  EXPECT_TRUE(runtime.registry().events.at("door")->event.is_set());
  // the alarm toggled at 1.0, 1.1, 1.2, 1.3, 1.4 s
  EXPECT_EQ(sim_output("led").history().size(), 6u);
  loop.run_until_complete(stop(runtime));
}

TEST_F(Fixture, ScheduleStartsItsTaskAtEveryFireAndShowsItsNextFire) {
  loop.run_until_complete(run_for(runtime, parse(kHeader + kLed + R"(
[tasks.flash]
actions = [ { pulse = "led", duration = "100ms" } ]

[schedules.every_second]
cron = "* * * * * *"
task = "flash"

[schedules.inline]
cron = "*/2 * * * * *"
actions = [ { set_event = "tick" } ]

[events.tick]
)"),
                                  3500ms));
  const auto& every = *runtime.registry().schedules.at("every_second");
  // the virtual wall clock starts at 00:00:00 UTC: fires at 0, 1, 2 and 3 s
  EXPECT_EQ(every.state.fire_count, 4u);
  EXPECT_EQ(task("flash").starts, 4u);
  EXPECT_EQ(task("flash").completed, 4u);
  ASSERT_TRUE(every.state.next_fire);
  EXPECT_EQ(every.state.next_fire->time_since_epoch(), 4s);
  EXPECT_EQ(runtime.registry().events.at("tick")->set_count, 2u);  // at 0 and 2 s
  loop.run_until_complete(stop(runtime));
}

/// A state store in memory: what a previous run saved, and what this one saves.
struct MemoryState final : aiopid::runtime::StateStore {
  std::optional<aiopid::runtime::PersistedState> saved;
  int saves = 0;
  std::optional<aiopid::runtime::PersistedState> load() override { return saved; }
  void save(const aiopid::runtime::PersistedState& state) override {
    saved = state;
    ++saves;
  }
};

aiopi::Task<> apply_and_stop(Runtime& rt, aiopid::config::Config config) {
  co_await rt.apply(std::move(config));
  co_await aiopi::sleep(10ms);
  co_await rt.shutdown();
}

TEST(RuntimeState, PersistentEventsAndOutputsAreRestoredAndSavedAtStop) {
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop{backend};
  auto board = aiopid::runtime::make_sim_board();
  MemoryState state;
  state.saved = aiopid::runtime::PersistedState{};
  state.saved->events["armed"] = true;
  state.saved->outputs["pump"] = true;
  Runtime runtime{loop, *board, {.state = &state}};
  loop.run_until_complete(apply_and_stop(runtime, parse(kHeader + R"(
[devices.pump]
type = "digital_out"
chip = "sim"
line = 5

[events.armed]
persistent = true

[events.volatile]

[tasks.check]
start = "boot"
actions = [ { wait_event = "armed", timeout = "1ms", on_timeout = [ { set_event = "volatile" } ] } ]
)")));
  ASSERT_TRUE(state.saved);
  EXPECT_TRUE(state.saved->events.at("armed")) << "restored set, saved set";
  EXPECT_FALSE(state.saved->events.contains("volatile")) << "only persistent events are saved";
  EXPECT_FALSE(state.saved->outputs.at("pump")) << "saved with its safe state (false) after the stop";
  EXPECT_GE(state.saves, 1);
}

}  // namespace
