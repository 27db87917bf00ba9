// The boards the HAL conformance suites run against. Each suite is a typed test over a Board that makes
// lines, buses, ADC channels and PWM outputs of one backend and drives the far side of them (the simulated
// world here; gpio-sim and i2c-stub under a real kernel when the Linux backends land).
//
// A Board provides: `Loop loop`, `now_us()`, `run(task)`, and per interface the factory and driver
// functions the suite uses (see SimBoard).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <initializer_list>
#include <memory>

#include "../support/co_assert.hpp"
#include "aiopi/aiopi.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/sim/sim_analog.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_digital.hpp"
#include "aiopi/sim/sim_i2c.hpp"

namespace aiopi::hal_testing {

using namespace std::chrono_literals;

/// The simulated board on the virtual clock.
struct SimBoard {
  static constexpr const char* kName = "sim";
  sim::SimBackend backend;
  Loop loop{backend};

  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }
  template <class T>
  T run(Task<T> main) {
    return loop.run_until_complete(std::move(main));
  }

  // Digital input: the line and its far side.
  std::unique_ptr<hal::DigitalInput> make_input(const hal::InputConfig& config, bool electrical = false) {
    return std::make_unique<sim::SimDigitalInput>(loop, config, electrical ? 1 : 0);
  }
  static sim::SimDigitalInput& far(hal::DigitalInput& in) { return static_cast<sim::SimDigitalInput&>(in); }
  /// Puts an electrical level on the line now.
  void drive(hal::DigitalInput& in, bool level) { far(in).drive(level); }
  /// Puts levels on the line at virtual times.
  void schedule(hal::DigitalInput& in, std::initializer_list<sim::LevelAt> levels) {
    far(in).schedule_edges(levels);
  }
  void release(hal::DigitalInput& in) { far(in).release(); }

  // Digital output: the line and what the far side sees.
  std::unique_ptr<hal::DigitalOutput> make_output(const hal::OutputConfig& config) {
    return std::make_unique<sim::SimDigitalOutput>(loop, config);
  }
  static bool electrical(hal::DigitalOutput& out) {
    return static_cast<sim::SimDigitalOutput&>(out).electrical_level();
  }

  // I2C: a bus with a 256-byte register device at kRegDev, nothing at kAbsent.
  static constexpr std::uint16_t kRegDev = 0x50;
  static constexpr std::uint16_t kAbsent = 0x23;
  sim::SimRegisterDevice regdev;
  std::unique_ptr<sim::SimI2cBus> i2c;
  hal::I2cBus& i2c_bus() {
    if (!i2c) {
      i2c = std::make_unique<sim::SimI2cBus>(loop);
      i2c->attach(kRegDev, regdev);
    }
    return *i2c;
  }
  void set_reg(std::uint8_t reg, std::uint8_t v) { regdev.set(reg, v); }
  std::uint8_t reg(std::uint8_t r) { return regdev.get(r); }
  /// The device at `addr` stops acknowledging.
  void script_nack(std::uint16_t addr) { i2c->nack(addr); }
  /// The next transfer ends with a bus error (arbitration lost).
  void script_bus_error() { i2c->fail_next(hal::IoErrc::bus_error); }
  // ADC: a channel whose reading the test sets; PWM: an output whose state the far side reports.
  std::unique_ptr<hal::AdcChannel> make_adc(std::optional<float> volts_per_count = std::nullopt) {
    return std::make_unique<sim::SimAdc>(loop, sim::SimAdc::Signal{}, volts_per_count);
  }
  static void set_adc(hal::AdcChannel& adc, std::uint16_t v) { static_cast<sim::SimAdc&>(adc).set_value(v); }
  std::unique_ptr<hal::PwmOutput> make_pwm() { return std::make_unique<sim::SimPwm>(loop); }

  /// Transfers to `addr` take `d` (clock stretching).
  void script_slow(std::uint16_t addr, Duration d) { i2c->set_delay(addr, d); }
};

struct BoardName {
  template <class B>
  static std::string GetName(int) {
    return B::kName;
  }
};

}  // namespace aiopi::hal_testing
