// Simulated chips the sim board puts on its I2C buses for driver device types, so that the daemon runs its
// drivers without hardware: an HTU21D answering measurements with slowly changing, CRC-correct values.
#pragma once

#include <cstdint>
#include <span>

#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_i2c.hpp"

namespace aiopid::runtime {

/// An HTU21D: a command byte (0xE3 / 0xF3 temperature, 0xE5 / 0xF5 humidity, 0xE7 the user register) then a
/// read of MSB, LSB, CRC. Temperature 21 °C ± 2 and humidity 45 %RH ± 5, a sine of the loop's clock (period
/// 10 min), so that readings change.
class SimHtu21dChip final : public aiopi::sim::SimI2cDevice {
 public:
  explicit SimHtu21dChip(aiopi::Loop& loop) noexcept : loop_(loop) {}
  aiopi::hal::IoErrc on_write(std::span<const std::uint8_t> data) override;
  aiopi::hal::IoErrc on_read(std::span<std::uint8_t> data) override;

  /// The raw words it answers now (status bits: 0b00 temperature, 0b10 humidity).
  [[nodiscard]] std::uint16_t temperature_word() const noexcept;
  [[nodiscard]] std::uint16_t humidity_word() const noexcept;

 private:
  aiopi::Loop& loop_;
  std::uint8_t command_ = 0;
};

}  // namespace aiopid::runtime
