// HTU21D on the simulated I2C bus: a model of the chip (commands, conversion time, CRC), the datasheet's CRC
// vectors, the seed's conversions, the background task (the seed's htu_test: values every read_delay), NACK
// and bad CRC as error values, and the register-map layout the real-kernel test uses.
#include "aiopi/drivers/htu21d.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_i2c.hpp"
#include "support/co_assert.hpp"

namespace aiopi::drivers {
namespace {

using namespace std::chrono_literals;
using hal::IoErrc;

static_assert(htu21d_crc8(0x00, 0xDC) == 0x79);
static_assert(htu21d_crc8(0x68, 0x3A) == 0x7C);

/// The chip as the datasheet describes it: a command byte starts a measurement (or selects the user
/// register); a read returns MSB, LSB, CRC. In no-hold mode a read before the conversion ends is NACKed.
class Htu21dModel : public sim::SimI2cDevice {
 public:
  explicit Htu21dModel(Loop& loop) : loop_(loop) {}

  std::uint16_t temperature_raw = 0x683A;
  std::uint16_t humidity_raw = 0x4E85;
  std::uint8_t user_reg = 0x02;
  bool corrupt_crc = false;
  Duration conversion = 50ms;  // the datasheet's longest (14-bit temperature)
  std::vector<std::uint8_t> commands;

  hal::IoErrc on_write(std::span<const std::uint8_t> data) override {
    if (data.empty()) return IoErrc::ok;
    command_ = data[0];
    commands.push_back(command_);
    started_ = loop_.now();
    return IoErrc::ok;
  }
  hal::IoErrc on_read(std::span<std::uint8_t> data) override {
    std::uint16_t word = 0;
    switch (command_) {
      case htu21d_cmd::kReadUserRegister:
        if (!data.empty()) data[0] = user_reg;
        return IoErrc::ok;
      case htu21d_cmd::kTemperatureNoHold:
      case htu21d_cmd::kHumidityNoHold:
        if (loop_.now() - started_ < conversion) return IoErrc::nack;  // still converting
        [[fallthrough]];
      case htu21d_cmd::kTemperatureHold:
      case htu21d_cmd::kHumidityHold:
        word = (command_ == htu21d_cmd::kTemperatureHold || command_ == htu21d_cmd::kTemperatureNoHold)
                   ? temperature_raw
                   : humidity_raw;
        break;
      default:
        return IoErrc::nack;
    }
    const std::uint8_t msb = static_cast<std::uint8_t>(word >> 8);
    const std::uint8_t lsb = static_cast<std::uint8_t>(word & 0xff);
    const std::uint8_t bytes[3] = {msb, lsb,
                                   static_cast<std::uint8_t>(htu21d_crc8(msb, lsb) ^ (corrupt_crc ? 1 : 0))};
    for (std::size_t i = 0; i < data.size() && i < 3; ++i)
      data[i] = bytes[i];
    return IoErrc::ok;
  }

 private:
  Loop& loop_;
  std::uint8_t command_ = 0;
  TimePoint started_{};
};

class Htu21dTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};
  sim::SimI2cBus bus{loop};
  Htu21dModel chip{loop};

  Htu21dTest() { bus.attach(0x40, chip); }
  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }
};

TEST(Htu21dCrc, DatasheetVectors) {
  EXPECT_EQ(htu21d_crc8(0x00, 0xDC), 0x79);
  EXPECT_EQ(htu21d_crc8(0x68, 0x3A), 0x7C);
  EXPECT_EQ(htu21d_crc8(0x4E, 0x85), 0x6B);
  EXPECT_EQ(htu21d_crc8(0x6E, 0x64), 0x47);
  EXPECT_EQ(htu21d_crc8(0x7C, 0x80), 0xF5);
  EXPECT_NE(htu21d_crc8(0x68, 0x3B), 0x7C);
}

TEST(Htu21dConversion, SeedExamples) {
  EXPECT_NEAR(htu21d_temperature_c(0x683A), 24.69f, 0.005f);
  EXPECT_NEAR(htu21d_humidity_rh(0x683A), 44.89f, 0.005f);
  EXPECT_NEAR(htu21d_temperature_c(0x4E85), 7.04f, 0.005f);
  EXPECT_NEAR(htu21d_humidity_rh(0x4E85), 32.34f, 0.005f);
  // The status bits do not count.
  EXPECT_EQ(htu21d_temperature_c(0x683B), htu21d_temperature_c(0x6838));
}

TEST(Htu21dReport, KindNames) {
  EXPECT_STREQ(to_string(HTU21DReport::Kind::reading), "reading");
  EXPECT_STREQ(to_string(HTU21DReport::Kind::error), "error");
}

TEST_F(Htu21dTest, OneShotReadWritesTheCommandWaitsThenReadsThreeBytes) {
  HTU21D htu(bus);
  auto main_task = [&]() -> Task<> {
    hal::IoResult<HTU21DReading> r = co_await htu.read();
    CO_ASSERT(r.ok());
    EXPECT_NEAR(r->temperature_c, 24.69f, 0.005f);
    EXPECT_NEAR(r->humidity_rh, 32.34f, 0.005f);
  };
  loop.run_until_complete(main_task());
  EXPECT_EQ(chip.commands, (std::vector<std::uint8_t>{0xE3, 0xE5}));
  const auto& log = bus.log();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_FALSE(log[0].messages[0].read);
  EXPECT_EQ(log[0].messages[0].data, (std::vector<std::uint8_t>{0xE3}));
  EXPECT_TRUE(log[1].messages[0].read);
  EXPECT_EQ(log[1].messages[0].data.size(), 3u);
  EXPECT_GE(log[1].start_us - log[0].end_us, 60'000);  // the seed's 60 ms conversion wait
  EXPECT_EQ(log[2].messages[0].data, (std::vector<std::uint8_t>{0xE5}));
  EXPECT_EQ(now_us(), 120'000);
}

TEST_F(Htu21dTest, SingleQuantities) {
  HTU21D htu(bus);
  auto main_task = [&]() -> Task<> {
    hal::IoResult<float> t = co_await htu.read_temperature();
    CO_ASSERT(t.ok());
    EXPECT_NEAR(*t, 24.69f, 0.005f);
    hal::IoResult<float> h = co_await htu.read_humidity();
    CO_ASSERT(h.ok());
    EXPECT_NEAR(*h, 32.34f, 0.005f);
    hal::IoResult<std::uint16_t> raw = co_await htu.measure_raw(htu21d_cmd::kTemperatureHold);
    CO_ASSERT(raw.ok());
    EXPECT_EQ(*raw, 0x683A);
  };
  loop.run_until_complete(main_task());
}

TEST_F(Htu21dTest, UserRegister) {
  HTU21D htu(bus);
  auto main_task = [&]() -> Task<> {
    hal::IoResult<std::uint8_t> u = co_await htu.user_register();
    CO_ASSERT(u.ok());
    EXPECT_EQ(*u, 0x02);
  };
  loop.run_until_complete(main_task());
}

TEST_F(Htu21dTest, BackgroundTaskFillsThePropertiesEveryReadDelay) {
  HTU21D htu(bus, HTU21DConfig{.read_delay_ms = 2000});  // htu_test.py's read_delay=2
  std::vector<HTU21DReport> reports;
  htu.set_observer([&reports](const HTU21DReport& r) { reports.push_back(r); });
  auto main_task = [&]() -> Task<> {
    EXPECT_FALSE(htu.temperature().has_value());
    EXPECT_FALSE(htu.humidity().has_value());
    htu.start();
    EXPECT_TRUE(htu.running());
    co_await htu;  // the seed's `await htu`
    EXPECT_EQ(now_us(), 120'000);
    CO_ASSERT(htu.temperature().has_value() && htu.humidity().has_value());
    EXPECT_NEAR(*htu.temperature(), 24.69f, 0.005f);
    EXPECT_NEAR(*htu.humidity(), 32.34f, 0.005f);
    chip.temperature_raw = 0x4E85;
    chip.humidity_raw = 0x683A;
    co_await sleep(2200ms);  // the second cycle ends at 2.24 s
    EXPECT_NEAR(*htu.temperature(), 7.04f, 0.005f);
    EXPECT_NEAR(*htu.humidity(), 44.89f, 0.005f);
    htu.deinit();
    EXPECT_FALSE(htu.running());
  };
  loop.run_until_complete(main_task());
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].kind, HTU21DReport::Kind::reading);
  EXPECT_EQ(reports[0].timestamp_us, 120'000);
  EXPECT_EQ(reports[1].timestamp_us, 120'000 + 2'000'000 + 120'000);
  EXPECT_NEAR(reports[1].temperature_c, 7.04f, 0.005f);
  EXPECT_EQ(htu.good_cycles(), 2u);
}

TEST_F(Htu21dTest, NackIsAnErrorValueAndTheTaskRecovers) {
  bus.nack(0x40);
  HTU21D htu(bus, HTU21DConfig{.read_delay_ms = 1000});
  std::vector<HTU21DReport> reports;
  htu.set_observer([&reports](const HTU21DReport& r) { reports.push_back(r); });
  auto main_task = [&]() -> Task<> {
    hal::IoResult<HTU21DReading> r = co_await htu.read();
    CO_ASSERT(!r.ok());
    EXPECT_EQ(r.error().kind, IoErrc::nack);
    hal::IoResult<std::uint8_t> u = co_await htu.user_register();
    EXPECT_EQ(u.error().kind, IoErrc::nack);
    htu.start();
    co_await sleep(500ms);
    EXPECT_EQ(htu.last_error().kind, IoErrc::nack);
    EXPECT_FALSE(htu.temperature().has_value());
    EXPECT_FALSE(htu.ready().is_set());
    bus.nack(0x40, false);
    co_await htu;
    EXPECT_TRUE(htu.last_error().ok());
    EXPECT_NEAR(*htu.temperature(), 24.69f, 0.005f);
  };
  loop.run_until_complete(main_task());
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].kind, HTU21DReport::Kind::error);
  EXPECT_EQ(reports[0].error.kind, IoErrc::nack);
  EXPECT_EQ(reports[1].kind, HTU21DReport::Kind::reading);
  EXPECT_EQ(htu.failed_cycles(), 1u);
}

TEST_F(Htu21dTest, BadCrcIsAnErrorValueAndKeepsThePreviousValues) {
  HTU21D htu(bus, HTU21DConfig{.read_delay_ms = 1000});
  auto main_task = [&]() -> Task<> {
    chip.corrupt_crc = true;
    hal::IoResult<HTU21DReading> r = co_await htu.read();
    CO_ASSERT(!r.ok());
    EXPECT_EQ(r.error().kind, IoErrc::io);
    EXPECT_NE(std::string(r.error().what).find("CRC"), std::string::npos);
    chip.corrupt_crc = false;
    htu.start();
    co_await htu;
    chip.corrupt_crc = true;
    chip.temperature_raw = 0x4E85;
    co_await sleep(1200ms);  // a failed cycle
    EXPECT_EQ(htu.failed_cycles(), 1u);
    EXPECT_EQ(htu.last_error().kind, IoErrc::io);
    EXPECT_NEAR(*htu.temperature(), 24.69f, 0.005f);  // not the corrupted one
  };
  loop.run_until_complete(main_task());
}

TEST_F(Htu21dTest, NoHoldModeWaitsForTheConversion) {
  HTU21D slow(bus, HTU21DConfig{.conversion_ms = 10, .hold_master = false});
  HTU21D htu(bus, HTU21DConfig{.hold_master = false});
  auto main_task = [&]() -> Task<> {
    hal::IoResult<HTU21DReading> early = co_await slow.read();
    EXPECT_EQ(early.error().kind, IoErrc::nack);  // the chip is still converting
    hal::IoResult<HTU21DReading> r = co_await htu.read();
    CO_ASSERT(r.ok());
    EXPECT_NEAR(r->temperature_c, 24.69f, 0.005f);
  };
  loop.run_until_complete(main_task());
  EXPECT_EQ(chip.commands, (std::vector<std::uint8_t>{0xF3, 0xF3, 0xF5}));
}

TEST_F(Htu21dTest, OneShotReadsAndTheBackgroundTaskDoNotInterleave) {
  chip.temperature_raw = 0x683A;
  chip.humidity_raw = 0x4E85;
  HTU21D htu(bus, HTU21DConfig{.read_delay_ms = 100});
  auto reader = [&]() -> Task<> {
    for (int i = 0; i < 5; ++i) {
      hal::IoResult<float> t = co_await htu.read_temperature();
      CO_ASSERT(t.ok());
      EXPECT_NEAR(*t, 24.69f, 0.005f);
      co_await sleep(7ms);
    }
  };
  auto main_task = [&]() -> Task<> {
    htu.start();
    co_await sleep(1ms);  // the task is waiting for its temperature conversion
    co_await reader();
    EXPECT_NEAR(*htu.humidity(), 32.34f, 0.005f);
  };
  loop.run_until_complete(main_task());
  // Every command is followed by its own read: no other command in between.
  const auto& log = bus.log();
  for (std::size_t i = 0; i + 1 < log.size(); i += 2) {
    EXPECT_FALSE(log[i].messages[0].read) << i;
    EXPECT_TRUE(log[i + 1].messages[0].read) << i;
  }
}

TEST_F(Htu21dTest, RegisterMapDeviceLaidOutAsTheRealKernelTest) {
  // A register-map device (the kernel's test adapter, SimRegisterDevice here): write(cmd) sets the pointer,
  // read(3) streams from it. Temperature at 0xE3.. and humidity at 0xE5.. overlap in one byte, so the test
  // uses the datasheet's chain 0x683A (CRC 0x7C) and 0x7C80 (CRC 0xF5): 0xE3..0xE7 = 68 3A 7C 80 F5.
  sim::SimRegisterDevice regs;
  bus.detach(0x40);
  bus.attach(0x40, regs);
  const std::uint8_t bytes[] = {0x68, 0x3A, 0x7C, 0x80, 0xF5};
  regs.set(0xE3, bytes);
  HTU21D htu(bus);
  auto main_task = [&]() -> Task<> {
    hal::IoResult<HTU21DReading> r = co_await htu.read();
    CO_ASSERT(r.ok());
    EXPECT_NEAR(r->temperature_c, 24.69f, 0.005f);
    EXPECT_NEAR(r->humidity_rh, 54.79f, 0.005f);
  };
  loop.run_until_complete(main_task());
}

TEST_F(Htu21dTest, DestroyedMidMeasurementLeavesNothingBehind) {
  auto htu = std::make_unique<HTU21D>(bus);
  auto main_task = [&]() -> Task<> {
    htu->start();
    co_await sleep(30ms);  // inside the temperature conversion wait
    htu.reset();
    co_await sleep(5s);
  };
  loop.run_until_complete(main_task());
  EXPECT_EQ(bus.log().size(), 1u);  // the temperature command, nothing after
  EXPECT_EQ(bus.in_flight(), 0u);
}

TEST_F(Htu21dTest, StartsInTheConstructorInsideARunningLoop) {
  auto main_task = [&]() -> Task<> {
    HTU21D htu(bus);  // as the seed: measuring at once
    EXPECT_TRUE(htu.running());
    co_await htu;
    EXPECT_EQ(now_us(), 120'000);
  };
  loop.run_until_complete(main_task());
  HTU21D outside(bus);
  EXPECT_FALSE(outside.running());
  outside.start(loop);  // the daemon's way: before the loop runs
  EXPECT_TRUE(outside.running());
}

TEST_F(Htu21dTest, TheObserverMayDestroyTheDriver) {
  auto htu = std::make_unique<HTU21D>(bus, HTU21DConfig{.read_delay_ms = 100});
  int reports = 0;
  htu->set_observer([&](const HTU21DReport&) {
    ++reports;
    htu.reset();
  });
  htu->start(loop);
  auto main_task = [&]() -> Task<> { co_await sleep(1s); };
  loop.run_until_complete(main_task());
  EXPECT_EQ(reports, 1);
  EXPECT_EQ(htu, nullptr);
  EXPECT_EQ(bus.log().size(), 4u);
}

TEST_F(Htu21dTest, DestroyedDuringATransfer) {
  bus.set_transfer_time(5ms);
  auto htu = std::make_unique<HTU21D>(bus);
  auto main_task = [&]() -> Task<> {
    htu->start();
    co_await sleep(2ms);  // the command transfer is on the bus
    htu.reset();
    co_await sleep(1s);
  };
  loop.run_until_complete(main_task());
  EXPECT_EQ(bus.in_flight(), 0u);
  EXPECT_TRUE(bus.log().empty());  // aborted transfers are not logged
}

}  // namespace
}  // namespace aiopi::drivers
