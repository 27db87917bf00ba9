// Drivers of drivers/ on the Linux backends against a real kernel, inside the qemu guest of
// tools/kernel-tests:
//
//  - HTU21D on the aiopi-test-i2c adapter (tests/kernel/modules/aiopi_i2c_test.c), through LinuxI2cBus. The
//    module's command device (at 0x40, switched on through its `command_device` parameter for this program
//    only) answers a read with the reply set for the last command written, so the replies of 0xE3 / 0xE5 (and
//    0xF3 / 0xF5, 0xE7) are set through its control port at 0x41 first: the seed's vectors, then a corrupt
//    CRC. A register map (0x50) can serve one measurement at a time, which is checked too; an absent address
//    is a NACK.
//  - Pushbutton on line sim6 of the gpio-sim chip `aiopi-sim0`, through the libgpiod backend with both edges
//    on the epoll loop; the test presses and releases it by writing pull-up / pull-down to the simulator's
//    `pull` file: a press and a release, a double click, two clicks too far apart, a long press, bounce,
//    suppress. Real time: debounce 20 ms, double click 400 ms, long press 1000 ms, and gestures with
//    margins of 100 ms and more; the tests check counts and order (and lower bounds of times), not exact
//    times.
//
// Every test leaves the rig as it found it (README.md): replies cleared, the command device off, the register
// map's bytes zero, lines released and pulled down.
#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../support/co_assert.hpp"
#include "aiopi/aiopi.hpp"
#include "aiopi/drivers/htu21d.hpp"
#include "aiopi/drivers/pushbutton.hpp"
#include "aiopi/linux/gpio_chip.hpp"
#include "aiopi/linux/i2c_bus.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "sysfs_attr.hpp"

namespace aiopi::kernel_testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using drivers::ButtonConfig;
using drivers::ButtonEvent;
using drivers::ButtonReport;
using drivers::HTU21D;
using drivers::HTU21DConfig;
using drivers::HTU21DReading;
using drivers::HTU21DReport;
using drivers::Pushbutton;
using hal::EdgeMode;
using hal::IoErrc;
using hal::IoResult;
namespace cmd = drivers::htu21d_cmd;

// ---- HTU21D on the aiopi-test-i2c adapter
// ---------------------------------------------------------------------

constexpr const char* kTestAdapterName = "aiopi-test-i2c";
constexpr const char* kCommandDeviceParam = "/sys/module/aiopi_i2c_test/parameters/command_device";
constexpr std::uint16_t kSensor = 0x40;       // the module's command device
constexpr std::uint16_t kControl = 0x41;      // its control port: write [cmd, reply...]
constexpr std::uint16_t kRegisterMap = 0x50;  // the module's register-map device
constexpr std::uint16_t kAbsent = 0x42;
// Safety net only: every transfer here is answered at once; the driver's own wait is 60 ms.
constexpr auto kLimit = 10s;
// The conversions are floats: a hundredth is what the seed prints and far above float's error here.
constexpr float kTolerance = 0.01f;

/// One measurement as the chip sends it: MSB, LSB, CRC.
struct Measurement {
  std::uint8_t msb, lsb, crc;
};
// The seed's (and the datasheet's) vectors, with the values the seed quotes for them.
constexpr Measurement kTemp683A{0x68, 0x3A, 0x7C};  // 24.69 °C
constexpr Measurement kHum4E85{0x4E, 0x85, 0x6B};   // 32.34 %RH
// Two more of the seed's verified CRC vectors, for the no-hold commands.
constexpr Measurement kTemp6E64{0x6E, 0x64, 0x47};  // 28.92 °C
constexpr Measurement kHum7C80{0x7C, 0x80, 0xF5};   // 54.79 %RH

class HTU21DKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = os_linux::LinuxI2cBus::open(loop, kTestAdapterName);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    bus = opened.take();
    ASSERT_TRUE(write_attr(kCommandDeviceParam, "Y"))
        << kCommandDeviceParam << " is not writable: an aiopi_i2c_test.ko without the command device?";
    ASSERT_EQ(read_attr(kCommandDeviceParam), "Y");
    switched_on = true;
  }
  void TearDown() override {
    if (!bus) return;
    // Clear every reply this test set, then switch the command device off (a bus scan sees 0x50, 0x51 only).
    if (switched_on) {
      EXPECT_TRUE(write_attr(kCommandDeviceParam, "Y"));
    }
    run([&]() -> Task<> {
      for (const std::uint8_t c : replies_set) {
        const std::array<std::uint8_t, 1> clear{c};
        EXPECT_TRUE((co_await bus->write(kControl, clear)).ok());
      }
    }());
    if (switched_on) {
      EXPECT_TRUE(write_attr(kCommandDeviceParam, "N"));
    }
  }

  /// Runs `main` on the loop, with kLimit as a safety net.
  void run(Task<> main) {
    auto limited = [](Task<> inner) -> Task<> {
      auto t = co_await wait_for(std::move(inner), kLimit);
      EXPECT_FALSE(t.timed_out()) << "still running after " << kLimit.count() << " s";
    };
    loop.run_until_complete(limited(std::move(main)));
  }

  /// Sets the command device's reply to `command` (through the control port).
  Task<bool> set_reply(std::uint8_t command, Measurement m) {
    const std::array<std::uint8_t, 4> out{command, m.msb, m.lsb, m.crc};
    replies_set.push_back(command);
    co_return (co_await bus->write(kControl, out)).ok();
  }
  Task<bool> set_reply(std::uint8_t command, std::uint8_t byte) {
    const std::array<std::uint8_t, 2> out{command, byte};
    replies_set.push_back(command);
    co_return (co_await bus->write(kControl, out)).ok();
  }

  os_linux::LinuxBackend backend;
  Loop loop{backend};
  std::unique_ptr<os_linux::LinuxI2cBus> bus;
  std::vector<std::uint8_t> replies_set;
  bool switched_on = false;
};

TEST_F(HTU21DKernel, ReadsTheSeedsVectorsWithHoldMasterCommands) {
  HTU21D htu(*bus);  // address 0x40, hold master: 0xE3 / 0xE5
  run([&]() -> Task<> {
    CO_ASSERT(co_await set_reply(cmd::kTemperatureHold, kTemp683A));
    CO_ASSERT(co_await set_reply(cmd::kHumidityHold, kHum4E85));
    IoResult<HTU21DReading> r = co_await htu.read();
    CO_ASSERT(r.ok());
    EXPECT_NEAR(r->temperature_c, 24.69f, kTolerance);
    EXPECT_NEAR(r->humidity_rh, 32.34f, kTolerance);
    // One quantity at a time.
    IoResult<float> t = co_await htu.read_temperature();
    CO_ASSERT(t.ok());
    EXPECT_NEAR(*t, 24.69f, kTolerance);
    IoResult<float> h = co_await htu.read_humidity();
    CO_ASSERT(h.ok());
    EXPECT_NEAR(*h, 32.34f, kTolerance);
    // The raw word keeps its status bits.
    IoResult<std::uint16_t> raw = co_await htu.measure_raw(cmd::kHumidityHold);
    CO_ASSERT(raw.ok());
    EXPECT_EQ(*raw, 0x4E85);
  }());
}

TEST_F(HTU21DKernel, NoHoldMasterCommandsAsTheSeedSendsThem) {
  HTU21D htu(*bus, {.hold_master = false});  // 0xF3 / 0xF5
  run([&]() -> Task<> {
    // Different words behind the hold commands: a driver that sent those would read other values.
    CO_ASSERT(co_await set_reply(cmd::kTemperatureHold, kTemp683A));
    CO_ASSERT(co_await set_reply(cmd::kHumidityHold, kHum4E85));
    CO_ASSERT(co_await set_reply(cmd::kTemperatureNoHold, kTemp6E64));
    CO_ASSERT(co_await set_reply(cmd::kHumidityNoHold, kHum7C80));
    IoResult<HTU21DReading> r = co_await htu.read();
    CO_ASSERT(r.ok());
    EXPECT_NEAR(r->temperature_c, 28.92f, kTolerance);
    EXPECT_NEAR(r->humidity_rh, 54.79f, kTolerance);
  }());
}

TEST_F(HTU21DKernel, TheBackgroundTaskKeepsTheLatestValuesAndReportsThem) {
  HTU21D htu(*bus, {.read_delay_ms = 60'000});  // one cycle within the test
  std::vector<HTU21DReport> reports;
  htu.set_observer([&](const HTU21DReport& r) { reports.push_back(r); });
  EXPECT_FALSE(htu.temperature().has_value());
  run([&]() -> Task<> {
    CO_ASSERT(co_await set_reply(cmd::kTemperatureHold, kTemp683A));
    CO_ASSERT(co_await set_reply(cmd::kHumidityHold, kHum4E85));
    const std::int64_t started = loop.now().time_since_epoch().count();
    htu.start();
    co_await htu;  // the seed's `await htu`: the first pair of values is in
    CO_ASSERT(htu.temperature().has_value() && htu.humidity().has_value());
    EXPECT_NEAR(*htu.temperature(), 24.69f, kTolerance);
    EXPECT_NEAR(*htu.humidity(), 32.34f, kTolerance);
    EXPECT_EQ(htu.good_cycles(), 1u);
    EXPECT_EQ(htu.failed_cycles(), 0u);
    CO_ASSERT(reports.size() == 1u);
    EXPECT_EQ(reports[0].kind, HTU21DReport::Kind::reading);
    EXPECT_STREQ(drivers::to_string(reports[0].kind), "reading");
    EXPECT_NEAR(reports[0].temperature_c, 24.69f, kTolerance);
    EXPECT_NEAR(reports[0].humidity_rh, 32.34f, kTolerance);
    // Two conversions of 60 ms each lie between the start and the report (a lower bound: the loop's clock
    // never runs early).
    EXPECT_GE(reports[0].timestamp_us - started, 120'000);
  }());
  htu.deinit();
  EXPECT_FALSE(htu.running());
}

TEST_F(HTU21DKernel, TheUserRegister) {
  HTU21D htu(*bus);
  run([&]() -> Task<> {
    CO_ASSERT(co_await set_reply(cmd::kReadUserRegister, std::uint8_t{0x02}));
    IoResult<std::uint8_t> r = co_await htu.user_register();
    CO_ASSERT(r.ok());
    EXPECT_EQ(*r, 0x02) << "the power-on value";
  }());
}

TEST_F(HTU21DKernel, ACorruptCrcIsAnErrorValueAndTheLastGoodValuesStay) {
  HTU21D htu(*bus, {.read_delay_ms = 100});
  std::vector<HTU21DReport> reports;
  htu.set_observer([&](const HTU21DReport& r) { reports.push_back(r); });
  run([&]() -> Task<> {
    CO_ASSERT(co_await set_reply(cmd::kTemperatureHold, kTemp683A));
    CO_ASSERT(co_await set_reply(cmd::kHumidityHold, kHum4E85));
    htu.start();
    co_await htu;
    // One bit of the CRC flipped: 0x7C -> 0x7D.
    CO_ASSERT(co_await set_reply(cmd::kTemperatureHold, Measurement{0x68, 0x3A, 0x7D}));
    IoResult<float> t = co_await htu.read_temperature();
    CO_ASSERT(!t.ok());
    EXPECT_EQ(t.error().kind, IoErrc::io);
    EXPECT_NE(std::string(t.error().what).find("CRC"), std::string::npos) << t.error().what;
    IoResult<HTU21DReading> both = co_await htu.read();
    CO_ASSERT(!both.ok());
    EXPECT_EQ(both.error().kind, IoErrc::io);
    // The background task's next cycle fails too: reported, counted, the previous values kept.
    while (htu.failed_cycles() == 0)
      co_await sleep_ms(20);
    EXPECT_EQ(htu.last_error().kind, IoErrc::io);
    CO_ASSERT(!reports.empty());
    EXPECT_EQ(reports.back().kind, HTU21DReport::Kind::error);
    EXPECT_STREQ(drivers::to_string(reports.back().kind), "error");
    EXPECT_EQ(reports.back().error.kind, IoErrc::io);
    CO_ASSERT(htu.temperature().has_value());
    EXPECT_NEAR(*htu.temperature(), 24.69f, kTolerance);
    // A corrupt humidity word is caught the same way (its CRC covers the status bits too).
    CO_ASSERT(co_await set_reply(cmd::kTemperatureHold, kTemp683A));
    CO_ASSERT(co_await set_reply(cmd::kHumidityHold, Measurement{0x4E, 0x86, 0x6B}));
    IoResult<float> h = co_await htu.read_humidity();
    CO_ASSERT(!h.ok());
    EXPECT_EQ(h.error().kind, IoErrc::io);
  }());
  htu.deinit();
}

TEST_F(HTU21DKernel, AnAbsentSensorIsANack) {
  HTU21D absent(*bus, {.address = kAbsent});
  run([&]() -> Task<> {
    IoResult<HTU21DReading> r = co_await absent.read();
    CO_ASSERT(!r.ok());
    EXPECT_EQ(r.error().kind, IoErrc::nack) << r.error().what;
    EXPECT_EQ(r.error().sys_errno, ENXIO);
    IoResult<std::uint8_t> u = co_await absent.user_register();
    CO_ASSERT(!u.ok());
    EXPECT_EQ(u.error().kind, IoErrc::nack);
  }());
  // The command device switched off: its own address is not acknowledged any more.
  ASSERT_TRUE(write_attr(kCommandDeviceParam, "N"));
  HTU21D gone(*bus);
  run([&]() -> Task<> {
    IoResult<float> t = co_await gone.read_temperature();
    CO_ASSERT(!t.ok());
    EXPECT_EQ(t.error().kind, IoErrc::nack) << t.error().what;
  }());
}

TEST_F(HTU21DKernel, ARegisterMapServesOneMeasurementAtATime) {
  // A plain register map (0x50): a write of the command sets its pointer, the read streams from there. The
  // replies of 0xE3 (0xE3..0xE5) and 0xE5 (0xE5..0xE7) overlap, so each is loaded before its own read.
  HTU21D htu(*bus, {.address = kRegisterMap});
  run([&]() -> Task<> {
    const std::array<std::uint8_t, 4> temp{cmd::kTemperatureHold, kTemp683A.msb, kTemp683A.lsb,
                                           kTemp683A.crc};
    CO_ASSERT((co_await bus->write(kRegisterMap, temp)).ok());
    IoResult<float> t = co_await htu.read_temperature();
    EXPECT_TRUE(t.ok() && std::fabs(*t - 24.69f) < kTolerance);
    const std::array<std::uint8_t, 4> hum{cmd::kHumidityHold, kHum4E85.msb, kHum4E85.lsb, kHum4E85.crc};
    CO_ASSERT((co_await bus->write(kRegisterMap, hum)).ok());
    IoResult<float> h = co_await htu.read_humidity();
    EXPECT_TRUE(h.ok() && std::fabs(*h - 32.34f) < kTolerance);
    // Put the registers back: 0xE3..0xE7.
    const std::array<std::uint8_t, 6> zeros{cmd::kTemperatureHold, 0, 0, 0, 0, 0};
    EXPECT_TRUE((co_await bus->write(kRegisterMap, zeros)).ok());
  }());
}

// ---- Pushbutton on a gpio-sim line
// ----------------------------------------------------------------------------

constexpr const char* kChipLabel = "aiopi-sim0";
constexpr unsigned kButtonLine = 6;  // sim6
// Wall-clock gestures on one TCG CPU: windows far wider than the jitter of a sysfs write and an epoll
// wake-up.
constexpr ButtonConfig kButtonConfig{.debounce_ms = 20, .long_press_ms = 1000, .double_click_ms = 400};
constexpr std::int64_t kShortMs = 120;   // a short press, and the gap inside a double click
constexpr std::int64_t kSettleMs = 700;  // after a gesture: past the double-click window, nothing pending
constexpr std::int64_t kLongHoldMs = 1600;

/// gpio-sim's sysfs directory of the chip labelled kChipLabel (/sys/devices/platform/gpio-sim.*/gpiochipN).
std::optional<fs::path> find_sim_chip_dir() {
  std::error_code ec;
  for (const auto& dev : fs::directory_iterator("/sys/devices/platform", ec)) {
    if (!dev.path().filename().string().starts_with("gpio-sim.")) continue;
    for (const auto& chip : fs::directory_iterator(dev.path(), ec)) {
      const std::string name = chip.path().filename().string();
      if (!name.starts_with("gpiochip")) continue;
      auto opened = os_linux::GpioChip::open(name);
      if (opened && opened->info().label == kChipLabel) return chip.path();
    }
  }
  return std::nullopt;
}

/// What a Pushbutton reported, in order.
struct ButtonLog {
  std::vector<std::string> names;
  std::vector<ButtonReport> reports;
  void add(const ButtonReport& r) {
    names.emplace_back(drivers::to_string(r.event));
    reports.push_back(r);
  }
  const ButtonReport* first(ButtonEvent e) const {
    for (const auto& r : reports)
      if (r.event == e) return &r;
    return nullptr;
  }
};

using Names = std::vector<std::string>;

class PushbuttonKernel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sim_dir_ = find_sim_chip_dir(); }

  void SetUp() override {
    ASSERT_TRUE(sim_dir_.has_value())
        << "no gpio-sim chip labelled " << kChipLabel << " (run this program under tools/kernel-tests)";
    ASSERT_TRUE(pull(false));  // not pressed: a Pushbutton with sense empty reads "up" as low
    auto opened = os_linux::GpioChip::open(kChipLabel);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    chip = opened.take();
    auto in = chip->request_input(loop, "sim" + std::to_string(kButtonLine), {.edges = EdgeMode::both},
                                  "aiopi-pushbutton");
    ASSERT_TRUE(in.ok()) << in.error().message;
    line = in.take();
  }
  void TearDown() override {
    line.reset();
    if (sim_dir_) pull(false);
  }

  /// Presses (pull-up) or releases (pull-down) the button from the simulator's side.
  bool pull(bool up) {
    return write_attr(*sim_dir_ / ("sim_gpio" + std::to_string(kButtonLine)) / "pull",
                      up ? "pull-up" : "pull-down");
  }
  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }

  /// Runs `gesture` on the loop (the Pushbutton's task runs meanwhile), with kLimit as a safety net.
  void run(Task<> gesture) {
    auto limited = [](Task<> inner) -> Task<> {
      auto t = co_await wait_for(std::move(inner), kLimit);
      EXPECT_FALSE(t.timed_out()) << "still running after " << kLimit.count() << " s";
    };
    loop.run_until_complete(limited(std::move(gesture)));
  }
  /// Holds the button for `hold_ms`, then releases it and waits `after_ms`.
  Task<> click(std::int64_t hold_ms, std::int64_t after_ms) {
    EXPECT_TRUE(pull(true));
    co_await sleep_ms(hold_ms);
    EXPECT_TRUE(pull(false));
    co_await sleep_ms(after_ms);
  }

  static inline std::optional<fs::path> sim_dir_;
  os_linux::LinuxBackend backend;
  Loop loop{backend};
  std::unique_ptr<os_linux::GpioChip> chip;
  std::unique_ptr<os_linux::GpioInput> line;
};

TEST_F(PushbuttonKernel, APressAndAReleaseStampedWithTheKernelsEdges) {
  Pushbutton button(*line, kButtonConfig);
  ButtonLog log;
  button.set_observer([&](const ButtonReport& r) { log.add(r); });  // every event counts as an action
  button.start(loop);
  EXPECT_FALSE(button.sense()) << "read at construction: the line was pulled down";
  std::int64_t pressed_at = 0;
  std::int64_t released_at = 0;
  bool held = false;
  run([&]() -> Task<> {
    pressed_at = now_us();
    EXPECT_TRUE(pull(true));
    co_await sleep_ms(kShortMs);
    held = button.pressed();
    released_at = now_us();
    EXPECT_TRUE(pull(false));
    co_await sleep_ms(kSettleMs);
  }());
  EXPECT_TRUE(held) << "debounced state while held";
  EXPECT_FALSE(button.pressed());
  ASSERT_EQ(log.names, (Names{"press", "release"}));
  // The edges' own timestamps (the kernel's, on the loop clock), not the time the task ran.
  EXPECT_GE(log.reports[0].t_us, pressed_at);
  EXPECT_LT(log.reports[0].t_us, released_at);
  EXPECT_TRUE(log.reports[0].pressed);
  EXPECT_GE(log.reports[1].t_us, released_at);
  EXPECT_FALSE(log.reports[1].pressed);
  EXPECT_TRUE(button.error().ok()) << button.error().what;
}

TEST_F(PushbuttonKernel, ADoubleClickRunsTheCallbacksInTheSeedsOrder) {
  Pushbutton button(*line, kButtonConfig);
  Names calls;
  int presses = 0, releases = 0, doubles = 0, longs = 0;
  button.press_func([&calls, &presses] {
    calls.emplace_back("press");
    ++presses;
  });
  button.release_func([&calls, &releases] {
    calls.emplace_back("release");
    ++releases;
  });
  button.double_func([&calls, &doubles] {
    calls.emplace_back("double");
    ++doubles;
  });
  button.long_func([&calls, &longs] {
    calls.emplace_back("long");
    ++longs;
  });
  button.start(loop);
  run([&]() -> Task<> {
    co_await click(kShortMs, kShortMs);  // the second press comes ~240 ms after the first: inside 400 ms
    co_await click(kShortMs, kSettleMs);
  }());
  EXPECT_EQ(presses, 2);
  EXPECT_EQ(releases, 2);
  EXPECT_EQ(doubles, 1);
  EXPECT_EQ(longs, 0);
  // The seed's code: double fires at the second press, before its release.
  EXPECT_EQ(calls, (Names{"press", "release", "press", "double", "release"}));
}

TEST_F(PushbuttonKernel, TwoClicksFurtherApartThanTheWindowAreNoDoubleClick) {
  Pushbutton button(*line, kButtonConfig);
  ButtonLog log;
  button.set_observer([&](const ButtonReport& r) { log.add(r); });
  button.start(loop);
  run([&]() -> Task<> {
    co_await click(kShortMs, kSettleMs);  // the second press ~820 ms after the first
    co_await click(kShortMs, kSettleMs);
  }());
  EXPECT_EQ(log.names, (Names{"press", "release", "press", "release"}));
}

TEST_F(PushbuttonKernel, ALongPressSetsTheBoundEventsInOrder) {
  Pushbutton button(*line, kButtonConfig);
  button.press_func(nullptr);  // the seed's None: bound Events
  button.release_func(nullptr);
  button.long_func(nullptr);
  ButtonLog log;
  button.set_observer([&](const ButtonReport& r) { log.add(r); });
  button.start(loop);
  bool long_before_release = false;
  run([&]() -> Task<> {
    EXPECT_TRUE(pull(true));
    auto pressed = co_await wait_for(button.press.wait(), kLimit);
    EXPECT_FALSE(pressed.timed_out());
    auto held_long = co_await wait_for(button.long_press.wait(), kLimit);
    EXPECT_FALSE(held_long.timed_out());
    long_before_release = button.pressed() && !button.release.is_set();
    co_await sleep_ms(kLongHoldMs - 1000);
    EXPECT_TRUE(pull(false));
    auto released = co_await wait_for(button.release.wait(), kLimit);
    EXPECT_FALSE(released.timed_out());
    co_await sleep_ms(kSettleMs);
  }());
  EXPECT_TRUE(long_before_release);
  ASSERT_EQ(log.names, (Names{"press", "long", "release"}));
  // long_press_ms from the press edge (a lower bound only: the loop's timers never run early).
  EXPECT_GE(log.reports[1].t_us - log.reports[0].t_us, kButtonConfig.long_press_ms * 1000);
  EXPECT_TRUE(log.reports[1].pressed);
  EXPECT_FALSE(button.double_click.is_set()) << "no double action registered as an Event";
}

TEST_F(PushbuttonKernel, BounceShorterThanTheDebounceTimeIsIgnored) {
  ButtonConfig config = kButtonConfig;
  // The bounce below lasts ~20 ms (three changes 10 ms apart); the margin covers a slow TCG guest. A
  // debouncer that did not hold the line for debounce_ms would report every change.
  config.debounce_ms = 150;
  Pushbutton button(*line, config);
  ButtonLog log;
  button.set_observer([&](const ButtonReport& r) { log.add(r); });
  button.start(loop);
  auto bounce = [&](bool settles_at) -> Task<> {
    for (bool level : {settles_at, !settles_at, settles_at}) {
      EXPECT_TRUE(pull(level));
      co_await sleep_ms(10);
    }
  };
  run([&]() -> Task<> {
    co_await bounce(true);
    co_await sleep_ms(400);
    co_await bounce(false);
    co_await sleep_ms(kSettleMs);
  }());
  EXPECT_EQ(log.names, (Names{"press", "release"}));
}

TEST_F(PushbuttonKernel, WithSuppressADoubleClickHasNoRelease) {
  ButtonConfig config = kButtonConfig;
  config.suppress = true;
  Pushbutton button(*line, config);
  ButtonLog log;
  button.set_observer([&](const ButtonReport& r) { log.add(r); });
  button.start(loop);
  run([&]() -> Task<> {
    co_await click(kShortMs, kShortMs);
    co_await click(kShortMs, kSettleMs);
    // A single click's release comes at the end of the double-click window instead.
    co_await click(kShortMs, kSettleMs);
  }());
  EXPECT_EQ(log.names, (Names{"press", "press", "double", "press", "release"}));
}

}  // namespace
}  // namespace aiopi::kernel_testing
