// Drivers of drivers/ on the Linux backends against a real kernel, inside the qemu guest of
// tools/kernel-tests:
//
//  - HTU21D on the aiopi-test-i2c adapter (tests/kernel/modules/aiopi_i2c_test.c), through LinuxI2cBus. The
//    module's command device (at 0x40, switched on through its `command_device` parameter for this program
//    only) answers a read with the reply set for the last command written, so the replies of 0xE3 / 0xE5 (and
//    0xF3 / 0xF5, 0xE7) are set through its control port at 0x41 first: the seed's vectors, then a corrupt
//    CRC. A register map (0x50) can serve one measurement at a time, which is checked too; an absent address
//    is a NACK.
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
#include "aiopi/linux/i2c_bus.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "sysfs_attr.hpp"

namespace aiopi::kernel_testing {
namespace {

using namespace std::chrono_literals;
using drivers::HTU21D;
using drivers::HTU21DConfig;
using drivers::HTU21DReading;
using drivers::HTU21DReport;
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

}  // namespace
}  // namespace aiopi::kernel_testing
