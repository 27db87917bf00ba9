// The simulated Pico for the tether tests: a Board that makes sim lines, PWM outputs, ADC channels and an
// I2C bus (with a model HTU21D at 0x40) on the loop's virtual clock, and lets the test reach the far side of
// each by pin number.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>

#include "aiopi/drivers/htu21d.hpp"
#include "aiopi/pico/board.hpp"
#include "aiopi/sim/sim_analog.hpp"
#include "aiopi/sim/sim_digital.hpp"
#include "aiopi/sim/sim_i2c.hpp"

namespace aiopi::pico::testing {

/// The HTU21D as a register-less I2C device: a command byte selects the measurement, a read returns MSB,
/// LSB, CRC (as tests/drivers/htu21d_test.cpp's model, hold-master commands only).
class Htu21dChip : public sim::SimI2cDevice {
 public:
  std::uint16_t temperature_raw = 0x683A;  // 24.69 °C
  std::uint16_t humidity_raw = 0x4E85;     // 32.34 %RH

  hal::IoErrc on_write(std::span<const std::uint8_t> data) override {
    if (!data.empty()) command_ = data[0];
    return hal::IoErrc::ok;
  }
  hal::IoErrc on_read(std::span<std::uint8_t> data) override {
    std::uint16_t word = 0;
    if (command_ == drivers::htu21d_cmd::kTemperatureHold) {
      word = temperature_raw;
    } else if (command_ == drivers::htu21d_cmd::kHumidityHold) {
      word = humidity_raw;
    } else {
      return hal::IoErrc::nack;
    }
    const auto msb = static_cast<std::uint8_t>(word >> 8);
    const auto lsb = static_cast<std::uint8_t>(word & 0xff);
    const std::uint8_t bytes[3] = {msb, lsb, drivers::htu21d_crc8(msb, lsb)};
    for (std::size_t i = 0; i < data.size() && i < 3; ++i)
      data[i] = bytes[i];
    return hal::IoErrc::ok;
  }

 private:
  std::uint8_t command_ = 0;
};

class SimPicoBoard final : public Board {
 public:
  explicit SimPicoBoard(Loop& loop) : loop_(loop), i2c_(loop) { i2c_.attach(0x40, chip); }

  Htu21dChip chip;

  hal::IoResult<hal::DigitalOutput*> open_output(unsigned pin, const hal::OutputConfig& config) override {
    auto& slot = outputs_[pin] = std::make_unique<sim::SimDigitalOutput>(loop_, config);
    return static_cast<hal::DigitalOutput*>(slot.get());
  }
  hal::IoResult<hal::DigitalInput*> open_input(unsigned pin, const hal::InputConfig& config) override {
    // Idle level: high with a pull-up (a released active-low button), low otherwise.
    auto& slot = inputs_[pin] = std::make_unique<sim::SimDigitalInput>(loop_, config);
    return static_cast<hal::DigitalInput*>(slot.get());
  }
  hal::IoResult<hal::PwmOutput*> open_pwm(unsigned pin) override {
    if (pin == 29) return hal::io_error(hal::IoErrc::unsupported, "GP29 has no PWM in this simulation");
    auto& slot = pwms_[pin] = std::make_unique<sim::SimPwm>(loop_);
    return static_cast<hal::PwmOutput*>(slot.get());
  }
  hal::IoResult<hal::AdcChannel*> open_adc(unsigned channel) override {
    auto& slot = adcs_[channel] = std::make_unique<sim::SimAdc>(loop_);
    slot->set_value(0);
    return static_cast<hal::AdcChannel*>(slot.get());
  }
  hal::IoResult<hal::I2cBus*> open_i2c(unsigned sda, unsigned scl, std::uint32_t) override {
    if (!((sda % 4 == 0 || sda % 4 == 2) && scl == sda + 1))
      return hal::io_error(hal::IoErrc::invalid_argument,
                           "not an I2C pin pair (SDA GP4k or GP4k+2, SCL SDA+1)");
    if (i2c_open_) return hal::io_error(hal::IoErrc::busy, "the simulated I2C bus is in use");
    i2c_open_ = true;
    return static_cast<hal::I2cBus*>(&i2c_);
  }

  void close(hal::DigitalOutput& o) noexcept override { erase(outputs_, &o); }
  void close(hal::DigitalInput& i) noexcept override { erase(inputs_, &i); }
  void close(hal::PwmOutput& p) noexcept override { erase(pwms_, &p); }
  void close(hal::AdcChannel& a) noexcept override { erase(adcs_, &a); }
  void close(hal::I2cBus&) noexcept override {
    i2c_open_ = false;
    ++i2c_closes;
  }

  sim::SimDigitalOutput* output(unsigned pin) { return find(outputs_, pin); }
  sim::SimDigitalInput* input(unsigned pin) { return find(inputs_, pin); }
  sim::SimPwm* pwm(unsigned pin) { return find(pwms_, pin); }
  sim::SimAdc* adc(unsigned channel) { return find(adcs_, channel); }
  sim::SimI2cBus& i2c() { return i2c_; }
  bool i2c_open() const { return i2c_open_; }
  std::size_t open_objects() const { return outputs_.size() + inputs_.size() + pwms_.size() + adcs_.size(); }
  int i2c_closes = 0;

 private:
  template <class Map, class T>
  static void erase(Map& map, T* object) {
    for (auto it = map.begin(); it != map.end(); ++it)
      if (it->second.get() == object) {
        map.erase(it);
        return;
      }
  }
  template <class Map>
  static typename Map::mapped_type::pointer find(Map& map, unsigned key) {
    auto it = map.find(key);
    return it == map.end() ? nullptr : it->second.get();
  }

  Loop& loop_;
  sim::SimI2cBus i2c_;
  bool i2c_open_ = false;
  std::map<unsigned, std::unique_ptr<sim::SimDigitalOutput>> outputs_;
  std::map<unsigned, std::unique_ptr<sim::SimDigitalInput>> inputs_;
  std::map<unsigned, std::unique_ptr<sim::SimPwm>> pwms_;
  std::map<unsigned, std::unique_ptr<sim::SimAdc>> adcs_;
};

}  // namespace aiopi::pico::testing
