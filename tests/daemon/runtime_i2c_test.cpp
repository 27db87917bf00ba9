// i2c_register_device on the simulated board's virtual clock: registers polled (1 and 2 bytes, both byte
// orders, signed, scaled), above / below conditions with hysteresis per register, `set` actions and the
// API's register writes (queued, or awaited with their bus error), reads; and a PWM's polarity.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_i2c.hpp"
#include "aiopi/sleep.hpp"
#include "aiopid/runtime/runtime.hpp"
#include "aiopid/runtime/sim_board.hpp"
#include "runtime_support.hpp"

using namespace std::chrono_literals;
using aiopid::runtime::OpErrc;
using aiopid::runtime::OpResult;
using aiopid::runtime::RegisterWrite;
using aiopid::runtime::Runtime;
using aiopid::runtime::testing::parse;

namespace {

const std::string kConfig = R"([daemon]
board = "sim"
log_level = "off"

[devices.thermo]
type = "i2c_register_device"
bus = "sim"
address = 0x48
poll = "100ms"
registers.temp = { address = 0x00, bytes = 2, signed = true, scale = 0.0625 }
registers.limit = { address = 0x03, writable = true }
registers.config = { address = 0x01, bytes = 2, byte_order = "little", writable = true }

[events.hot]
device = "thermo"
register = "temp"
above = 30.0
hysteresis = 2.0

[events.cold]
device = "thermo"
register = "temp"
below = 5.0

[tasks.set_limit]
start = "boot"
actions = [ { set = "thermo", register = "limit", value = 200 } ]
)";

struct Written final : aiopid::runtime::RuntimeObserver {
  std::vector<std::string> calls;
  void on_register(std::string_view d, std::string_view reg, std::int64_t raw, double value,
                   bool written) override {
    if (written)
      calls.push_back(std::string(d) + "." + std::string(reg) + " " + std::to_string(raw) + " " +
                      std::to_string(value));
  }
};

struct I2c : ::testing::Test {
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop{backend};
  aiopid::runtime::SimBoard board;
  Written seen;
  Runtime runtime{loop, board, {.observer = &seen}};
  aiopi::sim::SimRegisterDevice& chip = board.i2c_device("sim", 0x48);

  void run(aiopi::Duration d) {
    auto body = [d]() -> aiopi::Task<> { co_await aiopi::sleep(d); };
    loop.run_until_complete(body());
  }
  void start() {
    auto body = [&]() -> aiopi::Task<> { co_await runtime.apply(parse(kConfig)); };
    loop.run_until_complete(body());
  }
  void stop() {
    auto body = [&]() -> aiopi::Task<> { co_await runtime.shutdown(); };
    loop.run_until_complete(body());
  }
  /// The temperature register (big endian, 1/16 degree).
  void temperature(double celsius) {
    const auto raw = static_cast<std::uint16_t>(static_cast<std::int16_t>(celsius * 16));
    const std::array<std::uint8_t, 2> bytes = {static_cast<std::uint8_t>(raw >> 8),
                                               static_cast<std::uint8_t>(raw & 0xff)};
    chip.set(0x00, bytes);
  }
  const aiopid::runtime::LiveRegister& reg(const std::string& name) {
    for (const auto& r : runtime.registry().devices.at("thermo")->registers)
      if (r.name == name) return r;
    ADD_FAILURE() << "no register " << name;
    static const aiopid::runtime::LiveRegister none;
    return none;
  }
  std::uint64_t sets(const std::string& event) { return runtime.registry().events.at(event)->set_count; }
};

TEST_F(I2c, RegistersArePolledAndRaiseAboveAndBelowWithHysteresis) {
  temperature(20.0);
  start();
  run(150ms);
  EXPECT_TRUE(runtime.registry().devices.at("thermo")->is_open());
  EXPECT_TRUE(reg("temp").valid);
  EXPECT_EQ(reg("temp").raw, 320);
  EXPECT_DOUBLE_EQ(reg("temp").value, 20.0);
  EXPECT_EQ(chip.get(0x03), 200) << "the boot task's set action wrote the register";
  EXPECT_EQ(reg("limit").raw, 200);
  ASSERT_FALSE(seen.calls.empty());
  EXPECT_EQ(seen.calls[0], "thermo.limit 200 200.000000");

  temperature(31.0);
  run(100ms);
  EXPECT_EQ(sets("hot"), 1u);
  temperature(29.5);  // not back below 28: stays disarmed
  run(100ms);
  temperature(32.0);
  run(100ms);
  EXPECT_EQ(sets("hot"), 1u);
  temperature(27.0);  // re-armed
  run(100ms);
  temperature(31.0);
  run(100ms);
  EXPECT_EQ(sets("hot"), 2u);

  EXPECT_EQ(sets("cold"), 0u);
  temperature(-10.0);
  run(100ms);
  EXPECT_EQ(reg("temp").raw, -160) << "two's complement";
  EXPECT_DOUBLE_EQ(reg("temp").value, -10.0);
  EXPECT_EQ(sets("cold"), 1u);
  stop();
}

TEST_F(I2c, SetDeviceQueuesRegisterWritesInOrderAndRefusesWhatDoesNotFit) {
  start();
  run(1ms);
  seen.calls.clear();
  EXPECT_TRUE(runtime.set_device("thermo", RegisterWrite{"config", 0x1234}));
  EXPECT_TRUE(runtime.set_device("thermo", RegisterWrite{"limit", 7}));
  EXPECT_TRUE(runtime.set_device("thermo", RegisterWrite{"limit", 9}));
  run(1ms);
  EXPECT_EQ(chip.get(0x01), 0x34) << "little endian: low byte first";
  EXPECT_EQ(chip.get(0x02), 0x12);
  EXPECT_EQ(chip.get(0x03), 9);
  EXPECT_EQ(seen.calls, (std::vector<std::string>{"thermo.config 4660 4660.000000", "thermo.limit 7 7.000000",
                                                  "thermo.limit 9 9.000000"}));

  OpResult r = runtime.set_device("thermo", RegisterWrite{"temp", 1});
  EXPECT_EQ(r.code, OpErrc::conflict);
  EXPECT_EQ(r.message, "register 'temp' of device 'thermo' is not writable");
  r = runtime.set_device("thermo", RegisterWrite{"nothing", 1});
  EXPECT_EQ(r.code, OpErrc::bad_value);
  EXPECT_EQ(r.message, "device 'thermo' has no register 'nothing'");
  r = runtime.set_device("thermo", RegisterWrite{"limit", 256});
  EXPECT_EQ(r.code, OpErrc::bad_value);
  EXPECT_EQ(r.message, "256 does not fit register 'limit' (0 to 255)");
  EXPECT_EQ(runtime.set_device("thermo", RegisterWrite{"limit", -1}).code, OpErrc::bad_value);
  EXPECT_EQ(runtime.set_device("thermo", true).code, OpErrc::bad_value);
  EXPECT_EQ(runtime.set_device("thermo", 0.5).code, OpErrc::bad_value);
  stop();
}

TEST_F(I2c, ReadAndAwaitedWriteReportTheBusError) {
  temperature(21.5);
  chip.set(0x03, 42);
  start();
  auto body = [&]() -> aiopi::Task<> {
    auto read = co_await runtime.read_device("thermo");
    EXPECT_TRUE(read.status) << read.status.message;
    const auto* regs = std::get_if<std::vector<aiopid::runtime::RegisterReading>>(&read.reading);
    EXPECT_TRUE(regs != nullptr);
    if (regs != nullptr && regs->size() == 3) {
      EXPECT_EQ((*regs)[0].name, "config");
      EXPECT_EQ((*regs)[1].name, "limit");
      EXPECT_EQ((*regs)[1].raw, 200) << "the boot task wrote 200 over the 42";
      EXPECT_EQ((*regs)[2].name, "temp");
      EXPECT_DOUBLE_EQ((*regs)[2].value, 21.5);
    } else {
      ADD_FAILURE() << "three registers expected";
    }
    auto& bus = static_cast<aiopi::sim::SimI2cBus&>(*runtime.registry().devices.at("thermo")->i2c);
    bus.nack(0x48);
    const RegisterWrite one{"limit", 1};  // named: see runtime.cpp's set_register_action
    const OpResult w = co_await runtime.write_register("thermo", one);
    EXPECT_EQ(w.code, OpErrc::unavailable);
    EXPECT_NE(w.message.find("device 'thermo': register 'limit': I2C transfer: not acknowledged"),
              std::string::npos)
        << w.message;
    read = co_await runtime.read_device("thermo");
    EXPECT_EQ(read.status.code, OpErrc::unavailable);
    bus.nack(0x48, false);
    const OpResult again = co_await runtime.write_register("thermo", one);
    EXPECT_TRUE(again) << again.message;
    const OpResult unknown = co_await runtime.write_register("nothing", one);
    EXPECT_EQ(unknown.code, OpErrc::not_found);
    co_await runtime.shutdown();
  };
  loop.run_until_complete(body());
  EXPECT_EQ(chip.get(0x03), 1);
}

TEST_F(I2c, AChangedDeviceIsReopenedAndFindsTheChipAsItWas) {
  temperature(20.0);
  start();
  run(150ms);
  const std::uint64_t serial = runtime.registry().devices.at("thermo")->serial;
  auto reload = [&]() -> aiopi::Task<> {
    std::string changed = kConfig;
    changed.replace(changed.find("poll = \"100ms\""), 14, "poll = \"200ms\"");
    changed.replace(changed.find("value = 200"), 11, "value = 201");  // the boot task changes too
    co_await runtime.apply(parse(changed));
  };
  loop.run_until_complete(reload());
  run(50ms);
  EXPECT_NE(runtime.registry().devices.at("thermo")->serial, serial) << "a new live device";
  EXPECT_EQ(reg("temp").raw, 320) << "the simulated chip kept its registers";
  EXPECT_EQ(chip.get(0x03), 201);
  stop();
}

TEST(Pwm, PolarityIsAppliedWhenOpened) {
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop{backend};
  aiopid::runtime::SimBoard board;
  Runtime runtime{loop, board, {}};
  auto body = [&]() -> aiopi::Task<> {
    co_await runtime.apply(parse(R"([daemon]
board = "sim"
log_level = "off"

[devices.fan]
type = "pwm"
chip = "sim"
channel = 0
polarity = "inversed"
duty = 0.25

[devices.lamp]
type = "pwm"
chip = "sim"
channel = 1
)"));
    const auto& fan =
        static_cast<const aiopid::runtime::SimBoardPwm&>(*runtime.registry().devices.at("fan")->pwm);
    const auto& lamp =
        static_cast<const aiopid::runtime::SimBoardPwm&>(*runtime.registry().devices.at("lamp")->pwm);
    EXPECT_TRUE(fan.inversed());
    EXPECT_FALSE(lamp.inversed());
    EXPECT_TRUE(fan.enabled());
    EXPECT_EQ(fan.duty_ns(), fan.period_ns() / 4) << "the duty stays the active part; the hardware inverts";
    co_await runtime.shutdown();
  };
  loop.run_until_complete(body());
}

}  // namespace
