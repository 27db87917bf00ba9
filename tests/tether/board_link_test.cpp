// The link's state machine against a fake Pico on a pseudo-terminal, on the real Linux loop: the handshake
// opens every device with its params, writes arrive as devices.set, a silent Pico is a link loss (every
// device link_lost) and its return a recovery with the devices opened again, a changed boot opens them again,
// notifications reach the sink with their time mapped onto the loop's clock, an adc is read every `poll`
// while it is open on the board. Nothing waits for a time to pass: every wait is for something to happen,
// with a generous safety limit.
#include "aiopid/tether/board_link.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "aiopi/linux/fd_stream.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/sleep.hpp"
#include "aiopid/config/driver_device_types.hpp"
#include "aiopid/config/load.hpp"
#include "aiopid/tether/line_framer.hpp"
#include "spdlog/spdlog.h"

using namespace std::chrono_literals;

namespace aiopid::tether {
namespace {

constexpr auto kSafety = 20s;

/// The Pico's side: answers the protocol from a pty master (a dup of it per connection: a master reads EIO
/// while the daemon has the slave closed, and the stream is then made anew).
class FakePico {
 public:
  explicit FakePico(aiopi::Loop& loop) : loop_(loop) {
    master_ = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    EXPECT_GE(master_, 0);
    EXPECT_EQ(grantpt(master_), 0);
    EXPECT_EQ(unlockpt(master_), 0);
    termios t{};
    tcgetattr(master_, &t);
    cfmakeraw(&t);
    tcsetattr(master_, TCSANOW, &t);
    char name[128];
    EXPECT_EQ(ptsname_r(master_, name, sizeof name), 0);
    path_ = name;
  }
  ~FakePico() {
    if (task_ && !task_.done()) task_.cancel();
    ::close(master_);
  }
  const std::string& path() const { return path_; }
  void start() { task_ = loop_.create_task(serve(), "fake pico"); }
  aiopi::Task<> stop() {
    task_.cancel();
    co_await task_.wait_outcome();
  }

  bool answering = true;
  std::int64_t boot = 1001;
  std::vector<std::string> open_names;  ///< devices open on the "Pico"
  std::vector<Json> requests;           ///< every request read, in order
  /// Requests whose id is not above the one before: the link numbers its requests 1, 2, 3, ..., so these came
  /// from another process with the pty open (which also reads answers meant for the link).
  std::vector<Json> foreign;

  std::size_t count(std::string_view method) const {
    std::size_t n = 0;
    for (const Json& r : requests)
      n += r["method"] == method ? 1 : 0;
    return n;
  }
  /// Sends a line to the daemon.
  void send(const std::string& line) {
    if (stream_) (void)stream_->writer().write(std::string_view(line));
  }
  std::int64_t uptime_us() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(loop_.now() - started_).count();
  }

 private:
  aiopi::Task<> serve() {
    std::array<std::uint8_t, 256> buf{};
    for (;;) {
      stream_ =
          std::make_unique<aiopi::os_linux::FdStream>(loop_, ::dup(master_), aiopi::os_linux::FdKind::other);
      LineFramer framer;
      for (;;) {
        auto got = co_await stream_->reader().read(buf);
        if (!got || got->empty()) break;  // the daemon closed the port: wait for it to open it again
        for (const FramedLine& line : framer.feed(aiopi::hal::as_text(*got)))
          answer(Json::parse(line.text));
      }
      stream_.reset();
      co_await aiopi::sleep(10ms);
    }
  }
  void answer(const Json& request) {
    requests.push_back(request);
    if (!request["id"].is_number_integer() || request["id"].get<std::int64_t>() <= last_id_)
      foreign.push_back(request);
    else
      last_id_ = request["id"].get<std::int64_t>();
    if (!answering) return;
    const std::string method = request["method"];
    Json result;
    if (method == "daemon.info") {
      result = Json{{"name", "aiopi-pico"},     {"version", "0.1.0"}, {"protocol", 1},    {"boot", boot},
                    {"uptime_us", uptime_us()}, {"devices", 0},       {"max_devices", 16}};
    } else if (method == "devices.open") {
      const Json& p = request["params"];
      if (p["params"].contains("pin") && p["params"]["pin"] == 13) {
        send(Json{{"jsonrpc", "2.0"},
                  {"id", request["id"]},
                  {"error", {{"code", -32602}, {"message", "pin: GP13 cannot do that"}}}}
                 .dump() +
             "\n");
        return;
      }
      if (std::find(open_names.begin(), open_names.end(), p["name"]) == open_names.end())
        open_names.push_back(p["name"]);
      result = Json{{"name", p["name"]},
                    {"type", p["type"]},
                    {"direction", "output"},
                    {"state", "open"},
                    {"value", false}};
    } else if (method == "devices.list") {
      result = Json::array();
      for (const std::string& name : open_names)
        result.push_back(Json{{"name", name}, {"state", "open"}});
    } else if (method == "devices.close") {
      std::erase(open_names, request["params"]["name"].get<std::string>());
      result = Json{{"name", request["params"]["name"]}, {"closed", true}};
    } else if (method == "devices.set") {
      result =
          Json{{"name", request["params"]["name"]}, {"state", "open"}, {"value", request["params"]["value"]}};
    } else if (method == "devices.read") {
      result = Json{{"name", request["params"]["name"]}, {"value", 1.5}, {"unit", "V"}};
    } else {
      send(Json{{"jsonrpc", "2.0"},
                {"id", request["id"]},
                {"error", {{"code", -32601}, {"message", "method not found"}}}}
               .dump() +
           "\n");
      return;
    }
    send(Json{{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", result}}.dump() + "\n");
  }

  aiopi::Loop& loop_;
  int master_ = -1;
  std::string path_;
  std::int64_t last_id_ = 0;
  aiopi::TaskHandle<> task_;
  std::unique_ptr<aiopi::os_linux::FdStream> stream_;
  aiopi::TimePoint started_ = loop_.now();
};

/// The other processes with `path` open ("PID COMMAND LINE" each). Only this test's link should have its port
/// open: another process there (a stray aiopid reopening a reused /dev/pts/N by path) reads the Pico's
/// answers.
std::vector<std::string> other_holders(const std::string& path) {
  namespace fs = std::filesystem;
  std::vector<std::string> found;
  std::error_code ec;
  for (const fs::directory_entry& proc : fs::directory_iterator("/proc", ec)) {
    const std::string pid = proc.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos || pid == std::to_string(getpid())) continue;
    bool holds = false;
    for (const fs::directory_entry& fd : fs::directory_iterator(proc.path() / "fd", ec))
      holds = holds || fs::read_symlink(fd.path(), ec) == path;
    if (!holds) continue;
    std::ifstream cmdline(proc.path() / "cmdline");
    std::string command((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    std::replace(command.begin(), command.end(), '\0', ' ');
    found.push_back(pid + " " + command);
  }
  return found;
}

/// What the runtime would hear.
struct RecordingSink final : runtime::RemoteBoardSink {
  std::vector<std::string> log;  ///< "opened led", "lost led", "event btn double", ...
  std::vector<aiopi::TimePoint> event_times;
  std::function<void(std::string_view)> on_opened;  ///< what the runtime does then (an output's write-back)
  void remote_opened(std::string_view d, const runtime::DeviceReading&) override {
    log.push_back("opened " + std::string(d));
    if (on_opened) on_opened(d);
  }
  void remote_open_failed(std::string_view d, std::string_view error) override {
    log.push_back("open_failed " + std::string(d) + ": " + std::string(error));
  }
  void remote_link_lost(std::string_view d, std::string_view) override {
    log.push_back("lost " + std::string(d));
  }
  void remote_error(std::string_view d, std::string_view e) override {
    log.push_back("error " + std::string(d) + " " + std::string(e));
  }
  void remote_value(std::string_view d, const runtime::DeviceReading&) override {
    log.push_back("value " + std::string(d));
  }
  void remote_edge(std::string_view d, bool level, aiopi::TimePoint) override {
    log.push_back("edge " + std::string(d) + (level ? " 1" : " 0"));
  }
  void remote_event(std::string_view d, const runtime::DriverEvent& e) override {
    log.push_back("event " + std::string(d) + " " + e.name);
    event_times.push_back(e.at);
  }
  std::size_t count(const std::string& entry) const { return std::count(log.begin(), log.end(), entry); }
};

struct TetherLink : ::testing::Test {
  aiopi::os_linux::LinuxBackend backend;
  aiopi::Loop loop{backend};
  FakePico pico{loop};
  RecordingSink sink;
  config::DeviceTypeRegistry types = config::aiopid_device_registry();
  config::Config config;
  std::unique_ptr<BoardLink> link;

  void SetUp() override {
    if (std::getenv("TETHER_TRACE")) spdlog::set_level(spdlog::level::trace);
    auto loaded = config::load_config_texts(
        {{"test.toml",
          "[boards.pico1]\nuart = \"" + pico.path() +
              "\"\ntimeout = \"2s\"\nheartbeat = \"20ms\"\n"
              "[devices.led]\ntype = \"digital_out\"\nboard = \"pico1\"\npin = 15\nsafe_state = true\n"
              "[devices.btn]\ntype = \"pushbutton\"\nboard = \"pico1\"\npin = 14\n"}},
        types);
    ASSERT_TRUE(loaded.config) << loaded.diagnostics.to_string();
    config = std::move(*loaded.config);
    link = std::make_unique<BoardLink>(loop, config.boards.at(0));
    link->attach(&sink);
    link->set_devices(config.devices);
  }

  void TearDown() override {
    EXPECT_TRUE(pico.foreign.empty()) << "another process talked to the fake Pico on " << pico.path() << ": "
                                      << ::testing::PrintToString(pico.foreign);
    if (HasFailure())
      std::printf("processes other than this test with %s open: %s\n", pico.path().c_str(),
                  ::testing::PrintToString(other_holders(pico.path())).c_str());
  }

  /// The fixture's devices and an adc `soil` read every `poll`, on the same board.
  std::vector<config::DeviceConfig> devices_with_adc(const std::string& poll) {
    auto loaded = config::load_config_texts(
        {{"adc.toml", "[boards.pico1]\nuart = \"" + pico.path() +
                          "\"\n"
                          "[devices.soil]\ntype = \"adc\"\nboard = \"pico1\"\nchannel = 0\npoll = \"" +
                          poll + "\"\n"}},
        types);
    EXPECT_TRUE(loaded.config) << loaded.diagnostics.to_string();
    std::vector<config::DeviceConfig> out = config.devices;
    if (loaded.config) out.push_back(loaded.config->devices.at(0));
    return out;
  }
  std::size_t reads_of(std::string_view name) const {
    std::size_t n = 0;
    for (const Json& r : pico.requests)
      n += r["method"] == "devices.read" && r["params"]["name"] == name ? 1 : 0;
    return n;
  }

  /// Runs the loop until `done()` (checked every few ms), or fails after the safety limit.
  bool until(const std::function<bool()>& done) {
    return loop.run_until_complete([](aiopi::Loop& l, std::function<bool()> d) -> aiopi::Task<bool> {
      const aiopi::TimePoint limit = l.now() + kSafety;
      while (!d()) {
        if (l.now() > limit) co_return false;
        co_await aiopi::sleep(2ms);
      }
      co_return true;
    }(loop, done));
  }
  void finish() {
    loop.run_until_complete([](BoardLink& l, FakePico& p) -> aiopi::Task<> {
      co_await l.stop();
      co_await p.stop();
    }(*link, pico));
  }
};

TEST_F(TetherLink, LinkUpOpensEveryDeviceWithItsParams) {
  pico.start();
  link->start();
  ASSERT_TRUE(until([&] { return sink.count("opened btn") == 1 && link->up(); }))
      << ::testing::PrintToString(sink.log);
  ASSERT_GE(pico.requests.size(), 4u);
  EXPECT_EQ(pico.requests[0]["method"], "daemon.info");
  EXPECT_EQ(pico.requests[1]["method"], "devices.list");
  EXPECT_EQ(pico.requests[2]["method"], "devices.open");
  // The protocol's keys with their defaults; the daemon's own (safe_state, board, type) stay home.
  EXPECT_EQ(
      pico.requests[2]["params"],
      (Json{{"name", "led"},
            {"type", "digital_out"},
            {"params", {{"pin", 15}, {"initial", false}, {"active_low", false}, {"drive", "push_pull"}}}}));
  EXPECT_EQ(pico.requests[3]["params"]["params"], (Json{{"pin", 14},
                                                        {"active_low", true},
                                                        {"bias", "pull_up"},
                                                        {"debounce_ms", 50},
                                                        {"long_press_ms", 1000},
                                                        {"double_click_ms", 400},
                                                        {"suppress", false}}));
  EXPECT_EQ(link->boot(), 1001);
  EXPECT_EQ(link->losses(), 0u);
  // Heartbeats follow.
  ASSERT_TRUE(until([&] { return pico.count("daemon.info") >= 3; }));
  finish();
}

TEST_F(TetherLink, DevicesLeftOpenByAnEarlierConfigurationAreClosed) {
  pico.open_names = {"old_relay", "led"};
  pico.start();
  link->start();
  ASSERT_TRUE(until([&] { return link->up() && sink.count("opened btn") == 1; }));
  EXPECT_EQ(pico.count("devices.close"), 1u);
  EXPECT_EQ(pico.open_names, (std::vector<std::string>{"led", "btn"}));
  finish();
}

TEST_F(TetherLink, WritesAndReadsAreRequests) {
  pico.start();
  link->start();
  ASSERT_TRUE(until([&] { return link->up(); }));
  link->write("led", true);
  ASSERT_TRUE(until([&] { return pico.count("devices.set") == 1; }));
  EXPECT_EQ(pico.requests.back()["params"], (Json{{"name", "led"}, {"value", true}}));
  const runtime::ReadResult r = loop.run_until_complete(link->read("led"));
  ASSERT_TRUE(r.status) << r.status.message;
  EXPECT_DOUBLE_EQ(std::get<double>(r.reading), 1.5);
  EXPECT_EQ(sink.count("value led"), 1u);
  finish();
}

// The runtime writes an output back as soon as the board reports it open, while the link is still opening
// the board's other devices. Dropping that write (as the link once did until the whole handshake was done)
// left a Pico output at its initial level after a link loss, and lost an `aiopictl set` made right after
// start-up.
TEST_F(TetherLink, AnOutputWrittenWhileTheOtherDevicesAreStillOpeningReachesTheBoard) {
  sink.on_opened = [&](std::string_view d) {
    if (d == "led") link->write("led", true);
  };
  pico.start();
  link->start();
  ASSERT_TRUE(until([&] { return link->up() && pico.count("devices.set") == 1; }))
      << ::testing::PrintToString(sink.log);
  const auto index_of = [&](std::string_view method, std::string_view name) {
    for (std::size_t i = 0; i < pico.requests.size(); ++i)
      if (pico.requests[i]["method"] == method && pico.requests[i]["params"]["name"] == name) return i;
    return pico.requests.size();
  };
  EXPECT_LT(index_of("devices.open", "led"), index_of("devices.set", "led"));
  EXPECT_EQ(pico.requests[index_of("devices.set", "led")]["params"],
            (Json{{"name", "led"}, {"value", true}}));
  finish();
}

TEST_F(TetherLink, AWriteToADeviceTheBoardRefusedIsNotSent) {
  config::Config other = config;
  other.devices.at(0).params.assign("pin", {}, config::Node::integer(13));
  link->set_devices(other.devices);
  pico.start();
  link->start();
  ASSERT_TRUE(until([&] { return link->up(); }));
  link->write("led", true);
  const runtime::ReadResult r = loop.run_until_complete(link->read("led"));
  EXPECT_EQ(r.status.code, runtime::OpErrc::unavailable);
  EXPECT_EQ(r.status.message, "device 'led': not open on board 'pico1'");
  EXPECT_EQ(pico.count("devices.set"), 0u);
  EXPECT_EQ(pico.count("devices.read"), 0u);
  finish();
}

TEST_F(TetherLink, ASilentPicoIsALinkLossAndItsReturnOpensEverythingAgain) {
  pico.start();
  link->start();
  ASSERT_TRUE(until([&] { return link->up() && sink.count("opened btn") == 1; }));
  pico.answering = false;
  ASSERT_TRUE(until([&] { return sink.count("lost led") == 1 && sink.count("lost btn") == 1; }))
      << ::testing::PrintToString(sink.log);
  EXPECT_FALSE(link->up());
  EXPECT_GE(link->losses(), 1u);
  // While lost: a read is refused at once.
  const runtime::ReadResult r = loop.run_until_complete(link->read("led"));
  EXPECT_EQ(r.status.code, runtime::OpErrc::unavailable);
  pico.answering = true;
  ASSERT_TRUE(until([&] { return link->up() && sink.count("opened btn") == 2; }))
      << ::testing::PrintToString(sink.log);
  EXPECT_EQ(sink.count("opened led"), 2u);
  EXPECT_EQ(sink.count("lost led"), 1u);  // reported once per loss, however many retries failed
  finish();
}

TEST_F(TetherLink, AChangedBootOpensEveryDeviceAgain) {
  pico.start();
  link->start();
  ASSERT_TRUE(until([&] { return link->up() && sink.count("opened btn") == 1; }));
  pico.boot = 2002;
  ASSERT_TRUE(until([&] { return sink.count("opened btn") == 2 && sink.count("opened led") == 2; }));
  EXPECT_EQ(link->boot(), 2002);
  EXPECT_EQ(link->losses(), 0u);
  finish();
}

TEST_F(TetherLink, ARefusedOpenIsReportedWithTheBoardsMessage) {
  config::Config other = config;
  other.devices.at(1).params.assign("pin", {}, config::Node::integer(13));
  link->set_devices(other.devices);
  pico.start();
  link->start();
  ASSERT_TRUE(until([&] { return link->up(); }));
  EXPECT_EQ(sink.count("open_failed btn: board 'pico1' answered -32602: pin: GP13 cannot do that"), 1u)
      << ::testing::PrintToString(sink.log);
  finish();
}

TEST_F(TetherLink, NotificationsReachTheSinkOnTheLoopsClock) {
  pico.start();
  link->start();
  ASSERT_TRUE(until([&] { return link->up(); }));
  // An event "now" on the Pico's clock maps to about now on the loop's: within the round trip of the last
  // daemon.info and the time since (bounded generously).
  const aiopi::TimePoint before = loop.now();
  const std::int64_t mono = pico.uptime_us();
  pico.send(Json{{"jsonrpc", "2.0"},
                 {"method", "notify"},
                 {"params", {{"topic", "device.btn.double"}, {"mono_us", mono}, {"data", Json::object()}}}}
                .dump() +
            "\n");
  pico.send("#panic: only logged\n");
  pico.send(Json{{"jsonrpc", "2.0"},
                 {"method", "notify"},
                 {"params", {{"topic", "device.ghost.press"}, {"mono_us", mono}, {"data", Json::object()}}}}
                .dump() +
            "\n");
  ASSERT_TRUE(until([&] { return sink.count("event btn double") == 1; }));
  EXPECT_EQ(sink.count("event ghost press"), 0u);  // not a device of this board
  const auto skew = sink.event_times.at(0) - before;
  EXPECT_LT(std::chrono::abs(skew), 5s)
      << std::chrono::duration_cast<std::chrono::microseconds>(skew).count();
  finish();
}

// The Pico reads an adc only when asked: the link asks every `poll`, and each reading reaches the sink (whose
// thresholds it drives). `poll` is the daemon's key, not sent in the open.
TEST_F(TetherLink, AnAdcIsReadEveryPollWhileOpen) {
  link->set_devices(devices_with_adc("20ms"));
  pico.start();
  link->start();
  ASSERT_TRUE(until([&] { return reads_of("soil") >= 3 && sink.count("value soil") >= 3; }))
      << ::testing::PrintToString(sink.log);
  const auto open = std::find_if(pico.requests.begin(), pico.requests.end(), [](const Json& r) {
    return r["method"] == "devices.open" && r["params"]["name"] == "soil";
  });
  ASSERT_NE(open, pico.requests.end());
  EXPECT_EQ((*open)["params"]["params"], (Json{{"channel", 0}, {"vref", 3.3}}));
  EXPECT_EQ(reads_of("led"), 0u);  // only adcs are polled
  EXPECT_EQ(reads_of("btn"), 0u);
  finish();
}

TEST_F(TetherLink, NoAdcPollsWhileTheLinkIsLostAndTheyResumeWithIt) {
  link->set_devices(devices_with_adc("20ms"));
  pico.start();
  link->start();
  ASSERT_TRUE(until([&] { return reads_of("soil") >= 2; }));
  pico.answering = false;
  ASSERT_TRUE(until([&] { return sink.count("lost soil") == 1; })) << ::testing::PrintToString(sink.log);
  const std::size_t at_loss = pico.requests.size();
  const std::size_t reads_at_loss = reads_of("soil");
  // The link tries again (after 0.5 s, many polls' worth): nothing but its handshake reaches the Pico.
  ASSERT_TRUE(until([&] { return pico.requests.size() > at_loss; }));
  EXPECT_EQ(pico.requests.at(at_loss)["method"], "daemon.info");
  EXPECT_EQ(reads_of("soil"), reads_at_loss);
  pico.answering = true;
  ASSERT_TRUE(until([&] { return sink.count("opened soil") == 2 && reads_of("soil") >= reads_at_loss + 2; }))
      << ::testing::PrintToString(sink.log);
  // The first read after the loss came after the adc was opened again.
  std::size_t reopened = pico.requests.size();
  for (std::size_t i = at_loss; i < pico.requests.size(); ++i) {
    const Json& r = pico.requests[i];
    if (r.contains("params") && r["params"].is_object() && r["params"].value("name", "") == "soil") {
      if (r["method"] == "devices.open" && reopened == pico.requests.size()) reopened = i;
      if (r["method"] == "devices.read") {
        EXPECT_GT(i, reopened) << r.dump();
      }
    }
  }
  finish();
}

TEST_F(TetherLink, AnAdcRemovedBySetDevicesIsNoLongerRead) {
  link->set_devices(devices_with_adc("20ms"));
  pico.start();
  link->start();
  ASSERT_TRUE(until([&] { return reads_of("soil") >= 2; }));
  link->set_devices(config.devices);
  const std::size_t reads_then = reads_of("soil");  // a read already sent is answered, none sent after
  ASSERT_TRUE(until([&] { return pico.count("devices.close") == 1; }));
  // Five heartbeats (20 ms each, as the poll was): polls would have gone out meanwhile.
  const std::size_t beats = pico.count("daemon.info");
  ASSERT_TRUE(until([&] { return pico.count("daemon.info") >= beats + 5; }));
  EXPECT_EQ(reads_of("soil"), reads_then);
  EXPECT_EQ(pico.open_names, (std::vector<std::string>{"led", "btn"}));
  finish();
}

TEST_F(TetherLink, AChangedPollRestartsThePolling) {
  link->set_devices(devices_with_adc("1h"));
  pico.start();
  link->start();
  ASSERT_TRUE(until([&] { return sink.count("opened soil") == 1; }));
  link->set_devices(devices_with_adc("20ms"));
  ASSERT_TRUE(until([&] { return sink.count("opened soil") == 2 && reads_of("soil") >= 2; }))
      << ::testing::PrintToString(sink.log);
  finish();
}

}  // namespace
}  // namespace aiopid::tether
