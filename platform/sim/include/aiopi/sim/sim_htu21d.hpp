// A simulated HTU21D (or Si7021) temperature and humidity sensor for SimI2cBus: it answers the measurement
// commands with the values the test set, as CRC-checked words the real chip would send.
//
//   sim::SimHtu21d chip;                 // 21.3 C, 45.0 %RH
//   bus.attach(0x40, chip);
//   chip.set(25.0f, 60.0f);              // the next measurement reads these
//
// The protocol is the one drivers::HTU21D speaks: a write of one command byte (0xE3 / 0xF3 temperature,
// 0xE5 / 0xF5 humidity, 0xE7 read the user register, 0xFE soft reset), then a read of three bytes (MSB, LSB,
// CRC-8) for a measurement or one byte for the user register. A read with no command before it is NACKed.
#pragma once

#include <cstdint>
#include <span>

#include "aiopi/sim/sim_i2c.hpp"

namespace aiopi::sim {

class SimHtu21d final : public SimI2cDevice {
 public:
  SimHtu21d(float temperature_c = 21.3f, float humidity_rh = 45.0f) noexcept
      : temperature_c_(temperature_c), humidity_rh_(humidity_rh) {}

  /// The values the next measurements return.
  void set(float temperature_c, float humidity_rh) noexcept {
    temperature_c_ = temperature_c;
    humidity_rh_ = humidity_rh;
  }
  float temperature_c() const noexcept { return temperature_c_; }
  float humidity_rh() const noexcept { return humidity_rh_; }
  /// Measurements answered (temperature and humidity each count one).
  std::uint32_t measurements() const noexcept { return measurements_; }

  /// The raw words the chip sends for a value (status bits: 00 temperature, 10 humidity).
  static std::uint16_t temperature_word(float celsius) noexcept;
  static std::uint16_t humidity_word(float rh) noexcept;

  hal::IoErrc on_write(std::span<const std::uint8_t> data) override;
  hal::IoErrc on_read(std::span<std::uint8_t> data) override;

 private:
  float temperature_c_;
  float humidity_rh_;
  std::uint8_t command_ = 0;  // 0: none since the last read
  std::uint32_t measurements_ = 0;
};

}  // namespace aiopi::sim
