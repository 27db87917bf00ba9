// The runtime's surface for the remote API, on the simulated board's virtual clock: what the observer is told
// (values, edges, device states, events, task states, schedule fires) and the operations (set / read a
// device, events, tasks, schedules, reload, daemon info) with their failures.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_digital.hpp"
#include "aiopi/sim/sim_uart.hpp"
#include "aiopi/sleep.hpp"
#include "aiopid/runtime/runtime.hpp"
#include "aiopid/runtime/sim_board.hpp"
#include "runtime_support.hpp"

using namespace std::chrono_literals;
using aiopid::runtime::OpErrc;
using aiopid::runtime::OpResult;
using aiopid::runtime::Runtime;
using aiopid::runtime::testing::parse;

namespace {

const std::string kHeader = "[daemon]\nboard = \"sim\"\nlog_level = \"warn\"\n";

const std::string kDevices = R"(
[devices.led]
type = "digital_out"
chip = "sim"
line = 17

[devices.fan]
type = "pwm"
chip = "sim"
channel = 0
duty = 0.25

[devices.pot]
type = "adc"
device = "sim"
channel = 0
poll = "1s"

[devices.gps]
type = "uart_line_reader"
port = "sim0"

[devices.porch]
type = "digital_in"
chip = "sim"
line = 4
edges = "both"
)";

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// Every observer call as one line of text.
struct Recorder final : aiopid::runtime::RuntimeObserver {
  std::vector<std::string> calls;
  void on_output_level(std::string_view d, bool level) override {
    calls.push_back("level " + std::string(d) + " " + (level ? "1" : "0"));
  }
  void on_pwm_duty(std::string_view d, double duty) override {
    calls.push_back("duty " + std::string(d) + " " + fmt(duty));
  }
  void on_adc_reading(std::string_view d, double value) override {
    calls.push_back("adc " + std::string(d) + " " + fmt(value));
  }
  void on_line(std::string_view d, std::string_view line) override {
    calls.push_back("line " + std::string(d) + " " + std::string(line));
  }
  void on_register(std::string_view d, std::string_view reg, std::int64_t raw, double value,
                   bool written) override {
    calls.push_back(std::string(written ? "wrote " : "read ") + std::string(d) + "." + std::string(reg) +
                    " " + std::to_string(raw) + " " + fmt(value));
  }
  void on_edge(std::string_view d, bool level, aiopi::TimePoint at) override {
    calls.push_back("edge " + std::string(d) + " " + (level ? "1" : "0") + " @" +
                    std::to_string(at.time_since_epoch().count()));
  }
  void on_device_state(std::string_view d, aiopid::runtime::DeviceState state,
                       std::string_view error) override {
    calls.push_back("state " + std::string(d) + " " + aiopid::runtime::to_string(state) +
                    (error.empty() ? "" : ": " + std::string(error)));
  }
  void on_event(std::string_view e, bool set, std::uint64_t count) override {
    calls.push_back("event " + std::string(e) + (set ? " set " : " clear ") + std::to_string(count));
  }
  void on_task_state(std::string_view t, aiopid::runtime::TaskState state,
                     const aiopid::runtime::TaskRuns& runs) override {
    calls.push_back("task " + std::string(t) + " " + aiopid::runtime::to_string(state) + " " +
                    std::to_string(runs.starts) + "/" + std::to_string(runs.completed) + "/" +
                    std::to_string(runs.cancelled) + "/" + std::to_string(runs.failed));
  }
  void on_schedule_fire(std::string_view s, const aiopid::runtime::ScheduleFire& f) override {
    calls.push_back("fire " + std::string(s) + " @" + std::to_string(f.scheduled.time_since_epoch().count()) +
                    " #" + std::to_string(f.number) + (f.catch_up ? " catch_up" : "") +
                    (f.run_now ? " run_now" : ""));
  }

  [[nodiscard]] bool has(const std::string& line) const {
    return std::find(calls.begin(), calls.end(), line) != calls.end();
  }
  [[nodiscard]] std::size_t count_prefix(const std::string& prefix) const {
    return static_cast<std::size_t>(std::count_if(
        calls.begin(), calls.end(), [&](const std::string& c) { return c.starts_with(prefix); }));
  }
  [[nodiscard]] std::string all() const {
    std::string text;
    for (const std::string& c : calls)
      text += c + "\n";
    return text;
  }
};

/// The sim board, except that opening a digital_out fails (a busy line).
struct BusyOutputBoard final : aiopid::runtime::Board {
  std::unique_ptr<aiopid::runtime::Board> sim = aiopid::runtime::make_sim_board();
  std::string_view name() const noexcept override { return "sim"; }
  aiopid::runtime::Opened<aiopi::hal::DigitalInput> open_input(
      aiopi::Loop& l, const aiopid::config::DeviceConfig& d) override {
    return sim->open_input(l, d);
  }
  aiopid::runtime::Opened<aiopi::hal::DigitalOutput> open_output(aiopi::Loop&,
                                                                 const aiopid::config::DeviceConfig&,
                                                                 bool) override {
    return {nullptr, "line 17 is busy (used by 'someone')"};
  }
  aiopid::runtime::Opened<aiopi::hal::AdcChannel> open_adc(aiopi::Loop& l,
                                                           const aiopid::config::DeviceConfig& d) override {
    return sim->open_adc(l, d);
  }
  aiopid::runtime::Opened<aiopi::hal::PwmOutput> open_pwm(aiopi::Loop& l,
                                                          const aiopid::config::DeviceConfig& d) override {
    return sim->open_pwm(l, d);
  }
  aiopid::runtime::Opened<aiopi::hal::Uart> open_uart(aiopi::Loop& l,
                                                      const aiopid::config::DeviceConfig& d) override {
    return sim->open_uart(l, d);
  }
  aiopid::runtime::Opened<aiopi::hal::I2cBus> open_i2c(aiopi::Loop& l,
                                                       const aiopid::config::DeviceConfig& d) override {
    return sim->open_i2c(l, d);
  }
  void list_hardware(std::FILE*) override {}
};

struct Api : ::testing::Test {
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop{backend};
  std::unique_ptr<aiopid::runtime::Board> board = aiopid::runtime::make_sim_board();
  Recorder seen;
  Runtime runtime{loop, *board, {.observer = &seen}};

  void start(const std::string& config, aiopi::Duration run_for = 1ms) {
    auto body = [&]() -> aiopi::Task<> {
      co_await runtime.apply(parse(kHeader + config));
      co_await aiopi::sleep(run_for);
    };
    loop.run_until_complete(body());
  }
  void advance(aiopi::Duration d) {
    auto body = [d]() -> aiopi::Task<> { co_await aiopi::sleep(d); };
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
  OpResult restart(const std::string& name) {
    OpResult out;
    auto body = [&]() -> aiopi::Task<> { out = co_await runtime.restart_task(name); };
    loop.run_until_complete(body());
    return out;
  }
  OpResult enable(const std::string& name, bool on) {
    OpResult out;
    auto body = [&]() -> aiopi::Task<> { out = co_await runtime.enable_schedule(name, on); };
    loop.run_until_complete(body());
    return out;
  }
  const aiopid::runtime::LiveTask& task(const std::string& name) {
    return *runtime.registry().tasks.at(name);
  }
  const aiopid::runtime::LiveSchedule& schedule(const std::string& name) {
    return *runtime.registry().schedules.at(name);
  }
  aiopid::runtime::LiveDevice& device(const std::string& name) {
    return *runtime.registry().devices.at(name);
  }
};

// ------------------------------------------------------------------------------------------------ observer

TEST_F(Api, ObserverSeesDeviceStatesAndValuesFromOpeningToSafeState) {
  start(kDevices + R"(
[tasks.boot]
start = "boot"
actions = [ { set = "led", value = true }, { set = "fan", value = 0.5 } ]
)",
        1500ms);
  static_cast<aiopi::sim::SimUart&>(*device("gps").uart).receive("$GPRMC,1\r\nhello\n");
  advance(10ms);
  for (const char* name : {"led", "fan", "pot", "gps", "porch"})
    EXPECT_TRUE(seen.has(std::string("state ") + name + " opened")) << name << "\n" << seen.all();
  EXPECT_TRUE(seen.has("level led 0")) << "the initial level written at opening";
  EXPECT_TRUE(seen.has("level led 1"));
  EXPECT_TRUE(seen.has("duty fan 0.25")) << "the configured duty at opening";
  EXPECT_TRUE(seen.has("duty fan 0.5"));
  EXPECT_EQ(seen.count_prefix("adc pot "), 2u) << "readings at 0 and 1 s\n" << seen.all();
  EXPECT_TRUE(seen.has("adc pot 0")) << "the sim triangle starts at 0 V";
  EXPECT_TRUE(seen.has("line gps $GPRMC,1"));
  EXPECT_TRUE(seen.has("line gps hello"));
  seen.calls.clear();
  stop();
  EXPECT_TRUE(seen.has("level led 0")) << "the safe state\n" << seen.all();
  EXPECT_TRUE(seen.has("duty fan 0")) << "the safe state";
  for (const char* name : {"led", "fan", "pot", "gps", "porch"})
    EXPECT_TRUE(seen.has(std::string("state ") + name + " closed")) << name;
}

TEST(ApiObserver, ADeviceThatCannotOpenIsReportedWithItsError) {
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop{backend};
  BusyOutputBoard board;
  Recorder seen;
  Runtime runtime{loop, board, {.observer = &seen}};
  auto body = [&]() -> aiopi::Task<> {
    co_await runtime.apply(
        parse(kHeader + "[devices.led]\ntype = \"digital_out\"\nchip = \"sim\"\nline = 17\n"));
    co_await aiopi::sleep(1500ms);  // the first retry is after 1 s
    const OpResult r = runtime.set_device("led", true);
    EXPECT_EQ(r.code, OpErrc::unavailable);
    EXPECT_EQ(r.message, "device 'led' is not open: line 17 is busy (used by 'someone')");
    const auto read = co_await runtime.read_device("led");
    EXPECT_EQ(read.status.code, OpErrc::unavailable);
    co_await runtime.shutdown();
  };
  loop.run_until_complete(body());
  EXPECT_EQ(seen.count_prefix("state led open_failed: line 17 is busy"), 2u) << seen.all();
  EXPECT_FALSE(seen.has("level led 1"));
}

aiopi::Task<> press(aiopi::sim::SimDigitalInput& in) {
  co_await aiopi::sleep(10ms);
  in.drive(true);
  co_await aiopi::sleep(50ms);
  in.drive(false);
  co_await aiopi::sleep(10ms);
}

TEST_F(Api, ObserverSeesEdgesWithTheirTimeEventsAndTaskRuns) {
  start(R"(
[devices.porch]
type = "digital_in"
chip = "sim"
line = 4
edges = "both"

[events.arrived]
device = "porch"
edge = "rising"

[tasks.greet]
start = "event arrived"
actions = [ { sleep = "20ms" }, { clear_event = "arrived" } ]
)");
  const auto t0 = loop.now().time_since_epoch().count();
  loop.run_until_complete(press(static_cast<aiopi::sim::SimDigitalInput&>(*device("porch").input)));
  const std::vector<std::string> want = {
      "edge porch 1 @" + std::to_string(t0 + 10'000),
      "event arrived set 1",
      "task greet started 1/0/0/0",
      "event arrived clear 1",
      "task greet completed 1/1/0/0",
      "edge porch 0 @" + std::to_string(t0 + 60'000),
  };
  std::vector<std::string> got;
  for (const std::string& c : seen.calls)
    if (!c.starts_with("state ")) got.push_back(c);
  EXPECT_EQ(got, want) << seen.all();
  stop();
}

TEST_F(Api, ObserverSeesScheduleFiresAndTheRunsTheyStart) {
  start(R"(
[devices.led]
type = "digital_out"
chip = "sim"
line = 17

[tasks.flash]
actions = [ { pulse = "led", duration = "100ms" } ]

[schedules.every_second]
cron = "* * * * * *"
task = "flash"
)",
        2500ms);
  // The virtual wall clock starts at 1970-01-01T00:00:00Z: fires at 0, 1 and 2 s, each starting the task.
  std::vector<std::string> got;
  for (const std::string& c : seen.calls)
    if (c.starts_with("fire ") || c.starts_with("task ")) got.push_back(c);
  EXPECT_EQ(got,
            (std::vector<std::string>{
                "fire every_second @0 #1", "task flash started 1/0/0/0", "task flash completed 1/1/0/0",
                "fire every_second @1 #2", "task flash started 2/1/0/0", "task flash completed 2/2/0/0",
                "fire every_second @2 #3", "task flash started 3/2/0/0", "task flash completed 3/3/0/0"}))
      << seen.all();
  stop();
}

/// A state store in memory holding what a previous run saved.
struct MemoryState final : aiopid::runtime::StateStore {
  std::optional<aiopid::runtime::PersistedState> saved;
  std::optional<aiopid::runtime::PersistedState> load() override { return saved; }
  void save(const aiopid::runtime::PersistedState& state) override { saved = state; }
};

TEST(ApiObserver, ACatchUpFireIsMarked) {
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop{backend};
  auto board = aiopid::runtime::make_sim_board();
  Recorder seen;
  MemoryState state;
  state.saved = aiopid::runtime::PersistedState{};
  state.saved->schedule_last_fire["minutely"] = -180;  // the fires at -120 s and -60 s were missed
  Runtime runtime{loop, *board, {.state = &state, .observer = &seen}};
  auto body = [&]() -> aiopi::Task<> {
    co_await runtime.apply(parse(kHeader + R"(
[events.tick]

[schedules.minutely]
cron = "30 * * * * *"
missed = "run_once"
missed_tolerance = "10s"
actions = [ { set_event = "tick" } ]
)"));
    co_await aiopi::sleep(40s);
    co_await runtime.shutdown();
  };
  loop.run_until_complete(body());
  ASSERT_GE(seen.count_prefix("fire minutely"), 2u) << seen.all();
  EXPECT_TRUE(seen.calls[0].starts_with("fire minutely @")) << seen.all();
  EXPECT_TRUE(seen.calls[0].ends_with(" #1 catch_up")) << seen.all();
  EXPECT_TRUE(seen.has("fire minutely @30 #2")) << seen.all();
}

// -------------------------------------------------------------------------------------------- operations

TEST_F(Api, SetDeviceWritesOutputsAndSaysWhyNot) {
  start(kDevices);
  seen.calls.clear();
  EXPECT_TRUE(runtime.set_device("led", true));
  EXPECT_TRUE(device("led").level);
  EXPECT_TRUE(static_cast<const aiopi::sim::SimDigitalOutput&>(*device("led").output).electrical_level());
  EXPECT_TRUE(runtime.set_device("fan", 0.75));
  EXPECT_EQ(device("fan").pwm->duty_ns(), device("fan").pwm->period_ns() * 3 / 4);
  EXPECT_EQ(seen.calls, (std::vector<std::string>{"level led 1", "duty fan 0.75"}));

  OpResult r = runtime.set_device("nothing", true);
  EXPECT_EQ(r.code, OpErrc::not_found);
  EXPECT_EQ(r.message, "no device named 'nothing'");
  r = runtime.set_device("porch", true);
  EXPECT_EQ(r.code, OpErrc::conflict);
  EXPECT_EQ(r.message, "device 'porch' is an input (digital_in)");
  EXPECT_EQ(runtime.set_device("pot", 1.0).code, OpErrc::conflict);
  EXPECT_EQ(runtime.set_device("gps", true).code, OpErrc::conflict);
  EXPECT_EQ(runtime.set_device("fan", 1.5).code, OpErrc::bad_value);
  EXPECT_EQ(runtime.set_device("fan", -0.1).code, OpErrc::bad_value);
  EXPECT_EQ(runtime.set_device("fan", true).code, OpErrc::bad_value);
  EXPECT_EQ(runtime.set_device("led", 1.0).code, OpErrc::bad_value);
  EXPECT_EQ(runtime.set_device("led", aiopid::runtime::RegisterWrite{"x", 1}).code, OpErrc::bad_value);
  EXPECT_EQ(seen.calls.size(), 2u) << "a refused set writes nothing";
  stop();
}

TEST_F(Api, ReadDeviceGivesEachKindsReading) {
  start(kDevices + R"(
[tasks.boot]
start = "boot"
actions = [ { set = "led", value = true } ]
)");
  static_cast<aiopi::sim::SimDigitalInput&>(*device("porch").input).drive(true);
  static_cast<aiopi::sim::SimUart&>(*device("gps").uart).receive("hello\n");
  advance(5s - 1ms);  // the sim ADC is a triangle: 1.65 V at 5 s
  auto r = read("pot");
  ASSERT_TRUE(r.status) << r.status.message;
  EXPECT_NEAR(std::get<double>(r.reading), 1.65, 0.01) << "a fresh reading, not the poll's of 4 s";
  EXPECT_TRUE(seen.has("adc pot " + fmt(std::get<double>(r.reading))));
  r = read("porch");
  ASSERT_TRUE(r.status);
  EXPECT_TRUE(std::get<bool>(r.reading));
  r = read("led");
  ASSERT_TRUE(r.status);
  EXPECT_TRUE(std::get<bool>(r.reading));
  r = read("fan");
  ASSERT_TRUE(r.status);
  EXPECT_DOUBLE_EQ(std::get<double>(r.reading), 0.25);
  r = read("gps");
  ASSERT_TRUE(r.status);
  EXPECT_EQ(std::get<std::string>(r.reading), "hello");
  r = read("nothing");
  EXPECT_EQ(r.status.code, OpErrc::not_found);
  stop();
}

TEST_F(Api, EventsSetAndClear) {
  start("[events.door]\n");
  EXPECT_TRUE(runtime.set_event("door"));
  EXPECT_TRUE(runtime.registry().events.at("door")->event.is_set());
  EXPECT_TRUE(runtime.clear_event("door"));
  EXPECT_FALSE(runtime.registry().events.at("door")->event.is_set());
  EXPECT_EQ(runtime.set_event("window").code, OpErrc::not_found);
  EXPECT_EQ(runtime.clear_event("window").code, OpErrc::not_found);
  EXPECT_EQ(seen.calls, (std::vector<std::string>{"event door set 1", "event door clear 1"}));
  stop();
}

TEST_F(Api, TasksStartCancelRestart) {
  std::FILE* trace = std::tmpfile();
  Runtime rt{loop, *board, {.output_trace = trace, .observer = &seen}};
  auto body = [&]() -> aiopi::Task<> {
    co_await rt.apply(parse(kHeader + R"(
[devices.led]
type = "digital_out"
chip = "sim"
line = 17

[tasks.glow]
actions = [ { pulse = "led", duration = "1h" } ]
)"));
    EXPECT_EQ(rt.start_task("nothing").code, OpErrc::not_found);
    EXPECT_EQ(rt.cancel_task("nothing").code, OpErrc::not_found);
    EXPECT_EQ(rt.cancel_task("glow").code, OpErrc::conflict) << "not running";
    EXPECT_TRUE(rt.start_task("glow"));
    co_await aiopi::sleep(1s);
    const OpResult again = rt.start_task("glow");
    EXPECT_EQ(again.code, OpErrc::conflict);
    EXPECT_EQ(again.message, "task 'glow' is running (run 1)");
    const OpResult restarted = co_await rt.restart_task("glow");
    EXPECT_TRUE(restarted) << restarted.message;
    EXPECT_EQ(rt.registry().tasks.at("glow")->cancelled, 1u) << "restart waited for the cancelled run";
    EXPECT_TRUE(rt.registry().tasks.at("glow")->running());
    const OpResult unknown = co_await rt.restart_task("nothing");
    EXPECT_EQ(unknown.code, OpErrc::not_found);
    co_await aiopi::sleep(1s);
    EXPECT_TRUE(rt.cancel_task("glow"));
    co_await aiopi::sleep(1ms);
    EXPECT_FALSE(rt.registry().tasks.at("glow")->running());
    const OpResult idle = co_await rt.restart_task("glow");
    EXPECT_TRUE(idle) << "restarting a task that is not running starts it";
    co_await aiopi::sleep(1ms);
    co_await rt.shutdown();
  };
  loop.run_until_complete(body());
  std::string text;
  std::rewind(trace);
  for (int c; (c = std::fgetc(trace)) != EOF;)
    text.push_back(static_cast<char>(c));
  std::fclose(trace);
  // Each restart: the pulse's cleanup (0) before the new run's pulse (1).
  EXPECT_EQ(text, "led open 0\nled 1\nled 0\nled 1\nled 0\nled 1\nled 0\nled 0\n");
  EXPECT_TRUE(seen.has("task glow cancelled 1/0/1/0")) << seen.all();
  EXPECT_TRUE(seen.has("task glow started 2/0/1/0"));
  EXPECT_TRUE(seen.has("task glow cancelled 3/0/3/0"));
}

TEST_F(Api, SchedulesRunNowEnableDisableAndNextFires) {
  start(R"(
[events.tick]
[events.manual]

[schedules.every_second]
cron = "* * * * * *"
actions = [ { set_event = "tick" } ]

[schedules.off]
cron = "0 0 * * * *"
time_zone = "UTC"
enabled = false
actions = [ { set_event = "manual" } ]
)",
        2500ms);
  EXPECT_TRUE(schedule("every_second").enabled);
  EXPECT_FALSE(schedule("off").enabled);
  EXPECT_EQ(schedule("every_second").state.fire_count, 3u);

  EXPECT_TRUE(enable("every_second", false));
  EXPECT_FALSE(schedule("every_second").enabled);
  advance(3s);
  EXPECT_EQ(runtime.registry().events.at("tick")->set_count, 3u) << "a disabled schedule does not fire";
  EXPECT_TRUE(enable("every_second", true));
  advance(2s);
  EXPECT_EQ(runtime.registry().events.at("tick")->set_count, 5u) << "enabled again: fires at 6 and 7 s";
  EXPECT_TRUE(enable("every_second", true)) << "enabling an enabled schedule is fine";

  EXPECT_TRUE(runtime.run_schedule_now("off"));
  advance(1ms);
  EXPECT_EQ(runtime.registry().events.at("manual")->set_count, 1u) << "run_now fires a disabled schedule";
  EXPECT_EQ(schedule("off").run_now_count, 1u);
  EXPECT_TRUE(seen.has("fire off @7 #1 run_now")) << seen.all();

  const aiopid::runtime::NextFires next = runtime.next_fires("off", 3);
  ASSERT_TRUE(next.status);
  ASSERT_EQ(next.instants.size(), 3u);
  EXPECT_EQ(next.instants[0].time_since_epoch(), 3600s);
  EXPECT_TRUE(next.local[2].starts_with("1970-01-01T03:00:00")) << next.local[2];

  EXPECT_EQ(runtime.run_schedule_now("nothing").code, OpErrc::not_found);
  EXPECT_EQ(enable("nothing", true).code, OpErrc::not_found);
  EXPECT_EQ(runtime.next_fires("nothing", 3).status.code, OpErrc::not_found);
  stop();
  EXPECT_EQ(runtime.run_schedule_now("off").code, OpErrc::not_found) << "gone after the stop";
}

TEST_F(Api, RunNowOfARunningScheduleIsAConflict) {
  start(R"(
[schedules.slow]
cron = "0 0 12 * * *"
time_zone = "UTC"
actions = [ { sleep = "10s" } ]
)");
  EXPECT_TRUE(runtime.run_schedule_now("slow"));
  advance(1s);
  EXPECT_EQ(runtime.run_schedule_now("slow").code, OpErrc::conflict);
  advance(10s);
  EXPECT_TRUE(runtime.run_schedule_now("slow")) << "the previous one finished";
  stop();  // cancels the run in progress
}

TEST_F(Api, ReloadGoesThroughTheHookOneAtATime) {
  int inside = 0, most = 0, calls = 0;
  Runtime rt{loop, *board, {.reload = [&](Runtime& r) -> aiopi::Task<aiopid::runtime::ReloadOutcome> {
               ++calls;
               most = std::max(most, ++inside);
               co_await aiopi::sleep(1s);
               const auto sum = co_await r.apply(parse(kHeader + "[events.added]\n"));
               --inside;
               aiopid::runtime::ReloadOutcome out;
               out.added = sum.added;
               co_return out;
             }}};
  auto body = [&]() -> aiopi::Task<> {
    co_await rt.apply(parse(kHeader));
    aiopi::TaskHandle<aiopid::runtime::ReloadOutcome> first = aiopi::Loop::get().create_task(rt.reload());
    const aiopid::runtime::ReloadOutcome second = co_await rt.reload();
    const aiopid::runtime::ReloadOutcome one = co_await first;
    EXPECT_TRUE(one.status);
    EXPECT_TRUE(second.status);
    EXPECT_EQ(one.added + second.added, 1) << "the later one applied the same configuration again";
    co_await rt.shutdown();
    const aiopid::runtime::ReloadOutcome late = co_await rt.reload();
    EXPECT_EQ(late.status.code, OpErrc::unavailable) << "not while stopping";
  };
  loop.run_until_complete(body());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(most, 1) << "reloads never overlap";
}

TEST_F(Api, ReloadWithoutAHookIsUnavailable) {
  start("");
  aiopid::runtime::ReloadOutcome out;
  auto body = [&]() -> aiopi::Task<> { out = co_await runtime.reload(); };
  loop.run_until_complete(body());
  EXPECT_EQ(out.status.code, OpErrc::unavailable);
  stop();
}

/// A notifier that asks for watchdog pings every second.
struct Watchdog final : aiopid::runtime::Notifier {
  int pings = 0;
  void watchdog() override { ++pings; }
  std::optional<std::chrono::microseconds> watchdog_interval() const override { return 1s; }
};

TEST(ApiInfo, UptimeAndLoopLag) {
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop{backend};
  auto board = aiopid::runtime::make_sim_board();
  Watchdog watchdog;
  Runtime runtime{loop, *board, {.notifier = &watchdog}};
  auto body = [&]() -> aiopi::Task<> {
    co_await aiopi::sleep(2s);
    co_await runtime.apply(parse(kHeader));
    co_await aiopi::sleep(5s + 1ms);
    const aiopid::runtime::DaemonInfo info = runtime.info();
    EXPECT_EQ(info.started.time_since_epoch(), 2s);
    EXPECT_EQ(info.started_wall.time_since_epoch(), 2s);
    EXPECT_EQ(info.uptime, 5s + 1ms);
    EXPECT_TRUE(info.watchdog_lag);
    EXPECT_EQ(info.watchdog_lag.value_or(-1us), 0us) << "the virtual clock wakes on time";
    const aiopi::Duration lag = co_await runtime.measure_loop_lag();
    EXPECT_EQ(lag, 0us);
    co_await runtime.shutdown();
  };
  loop.run_until_complete(body());
  EXPECT_EQ(watchdog.pings, 6);
}

}  // namespace
