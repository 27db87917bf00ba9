// Devices on a remote board (`board = "pico1"`), in the runtime on the simulated board's virtual clock, with
// a fake RemoteBoards (no wire): they open when the link reports them open, writes and reads go to the link,
// a lost link refuses them with -32006's code (unavailable) and a clear message, the output level comes back
// after a recovery, and the boards' reports raise events (driver events, edges, thresholds) like local ones.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sleep.hpp"
#include "aiopid/runtime/runtime.hpp"
#include "aiopid/runtime/sim_board.hpp"
#include "runtime_support.hpp"

using namespace std::chrono_literals;
using aiopid::runtime::DeviceState;
using aiopid::runtime::OpErrc;
using aiopid::runtime::RemoteState;
using aiopid::runtime::Runtime;
using aiopid::runtime::testing::parse;

namespace {

const std::string kConfig = R"(
[daemon]
board = "sim"
log_level = "warn"

[boards.pico1]
uart = "/dev/ttyACM0"

[devices.led]
type = "digital_out"
board = "pico1"
pin = 15
safe_state = false

[devices.btn]
type = "pushbutton"
board = "pico1"
pin = 14

[devices.door]
type = "digital_in"
board = "pico1"
pin = 13

[devices.light]
type = "adc"
board = "pico1"
channel = 0

[events.doubled]
device = "btn"
on = "double"

[events.opened]
device = "door"
edge = "rising"

[events.bright]
device = "light"
above = 2.0

[tasks.on]
start = "event doubled"
actions = [ { set = "led", value = true } ]
)";

struct FakeBoards final : aiopid::runtime::RemoteBoards {
  aiopid::runtime::RemoteBoardSink* sink = nullptr;
  std::vector<std::string> devices;  ///< the board devices of the last apply
  std::vector<std::string> writes;   ///< "led 1", "fan 0.5"
  bool stopped = false;
  void attach(aiopid::runtime::RemoteBoardSink* s) override { sink = s; }
  void apply(const aiopid::config::Config& config) override {
    devices.clear();
    for (const auto& d : config.devices)
      if (!d.board.empty()) devices.push_back(d.name);
  }
  void write(std::string_view device, const aiopid::runtime::SetValue& value) override {
    if (const bool* b = std::get_if<bool>(&value))
      writes.push_back(std::string(device) + (*b ? " 1" : " 0"));
    else
      writes.push_back(std::string(device) + " " + std::to_string(std::get<double>(value)));
  }
  aiopi::Task<aiopid::runtime::ReadResult> read(std::string device) override {
    aiopid::runtime::ReadResult r;
    r.reading = 2.5;
    if (sink) sink->remote_value(device, r.reading);
    co_return r;
  }
  aiopi::Task<> stop() override {
    stopped = true;
    co_return;
  }
};

struct States final : aiopid::runtime::RuntimeObserver {
  std::vector<std::string> seen;
  void on_device_state(std::string_view d, DeviceState s, std::string_view error) override {
    seen.push_back(std::string(d) + " " + aiopid::runtime::to_string(s) +
                   (error.empty() ? "" : ": " + std::string(error)));
  }
  void on_driver_event(std::string_view d, const aiopid::runtime::DriverEvent& e) override {
    seen.push_back(std::string(d) + " event " + e.name);
  }
};

struct RemoteDevices : ::testing::Test {
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop{backend};
  std::unique_ptr<aiopid::runtime::Board> board = aiopid::runtime::make_sim_board();
  FakeBoards boards;
  States states;
  Runtime runtime{loop, *board, {.observer = &states, .remote_boards = &boards}};

  void SetUp() override {
    run([&]() -> aiopi::Task<> { co_await runtime.apply(parse(kConfig)); });
  }
  template <class F>
  void run(F body) {
    loop.run_until_complete(body());
  }
  void settle() {
    run([]() -> aiopi::Task<> { co_await aiopi::sleep(10ms); });
  }
  const aiopid::runtime::LiveDevice& dev(const std::string& name) {
    return *runtime.registry().devices.at(name);
  }
  bool event_set(const std::string& name) { return runtime.registry().events.at(name)->event.is_set(); }
};

TEST_F(RemoteDevices, OpenWhenTheirBoardSaysSoAndWriteThroughIt) {
  EXPECT_EQ(boards.devices, (std::vector<std::string>{"led", "btn", "door", "light"}));
  EXPECT_EQ(dev("led").remote, RemoteState::opening);
  auto r = runtime.set_device("led", true);
  EXPECT_EQ(r.code, OpErrc::unavailable) << r.message;
  boards.sink->remote_opened("led", false);
  EXPECT_EQ(dev("led").remote, RemoteState::open);
  EXPECT_TRUE(dev("led").is_open());
  r = runtime.set_device("led", true);
  EXPECT_TRUE(r) << r.message;
  EXPECT_EQ(boards.writes, (std::vector<std::string>{"led 1"}));
  boards.sink->remote_opened("btn", false);
  EXPECT_EQ(runtime.set_device("btn", true).code, OpErrc::conflict);  // an input
  EXPECT_EQ(runtime.set_device("led", 0.5).code, OpErrc::bad_value);
}

TEST_F(RemoteDevices, ALostLinkRefusesWritesAndReadsAndTheLevelComesBack) {
  boards.sink->remote_opened("led", false);
  boards.sink->remote_opened("light", 0.0);
  ASSERT_TRUE(runtime.set_device("led", true));
  boards.sink->remote_link_lost("led", "no answer to daemon.info within 500ms");
  boards.sink->remote_link_lost("led", "no answer to daemon.info within 500ms");  // once per loss
  boards.sink->remote_link_lost("light", "no answer to daemon.info within 500ms");
  EXPECT_EQ(
      std::count(states.seen.begin(), states.seen.end(),
                 "led link_lost: the link to board 'pico1' is lost: no answer to daemon.info within 500ms"),
      1);
  const auto r = runtime.set_device("led", false);
  EXPECT_EQ(r.code, OpErrc::unavailable);
  EXPECT_NE(r.message.find("the link to board 'pico1' is lost"), std::string::npos) << r.message;
  const auto read = loop.run_until_complete(runtime.read_device("light"));
  EXPECT_EQ(read.status.code, OpErrc::unavailable);
  // Back: opened again, and the level the daemon holds (true) goes to the board that reports false.
  boards.writes.clear();
  boards.sink->remote_opened("led", false);
  EXPECT_EQ(boards.writes, (std::vector<std::string>{"led 1"}));
  EXPECT_EQ(states.seen.back(), "led opened");
}

TEST_F(RemoteDevices, ReportsRaiseEventsAsLocalDevicesDo) {
  for (const char* d : {"led", "btn", "door", "light"})
    boards.sink->remote_opened(d, false);
  boards.sink->remote_event("btn", {"double", {}, loop.now()});
  settle();
  EXPECT_TRUE(event_set("doubled"));
  EXPECT_EQ(boards.writes, (std::vector<std::string>{"led 1"}));  // the task the event started
  boards.sink->remote_edge("door", true, loop.now());
  EXPECT_TRUE(event_set("opened"));
  EXPECT_TRUE(dev("door").level);
  // Thresholds: the first value arms, crossing raises.
  boards.sink->remote_value("light", 1.0);
  EXPECT_FALSE(event_set("bright"));
  const auto read = loop.run_until_complete(runtime.read_device("light"));  // the fake answers 2.5
  ASSERT_TRUE(read.status) << read.status.message;
  EXPECT_TRUE(event_set("bright"));
  boards.sink->remote_event("btn", {"press", {}, loop.now()});
  ASSERT_EQ(dev("btn").readings.size(), 1u);
  EXPECT_EQ(std::get<bool>(dev("btn").readings[0].value), true);
  // Reports about devices that are not on a board are dropped.
  boards.sink->remote_opened("nothing", false);
}

TEST_F(RemoteDevices, ShutdownSendsSafeStatesThenStopsTheLinks) {
  boards.sink->remote_opened("led", false);
  ASSERT_TRUE(runtime.set_device("led", true));
  run([&]() -> aiopi::Task<> { co_await runtime.shutdown(); });
  EXPECT_EQ(boards.writes, (std::vector<std::string>{"led 1", "led 0"}));
  EXPECT_TRUE(boards.stopped);
}

}  // namespace
