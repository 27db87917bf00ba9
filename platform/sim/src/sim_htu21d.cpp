#include "aiopi/sim/sim_htu21d.hpp"

#include <cmath>

namespace aiopi::sim {
namespace {

// The chip's CRC-8 (HTU21D datasheet: polynomial x^8 + x^5 + x^4 + 1, initial value 0, MSB first).
std::uint8_t crc8(std::uint8_t msb, std::uint8_t lsb) noexcept {
  std::uint8_t crc = 0;
  for (std::uint8_t byte : {msb, lsb}) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit)
      crc = static_cast<std::uint8_t>((crc & 0x80) != 0 ? (crc << 1) ^ 0x31 : crc << 1);
  }
  return crc;
}

std::uint16_t to_word(double scaled) noexcept {
  if (scaled < 0) scaled = 0;
  if (scaled > 65535) scaled = 65535;
  return static_cast<std::uint16_t>(std::lround(scaled));
}

}  // namespace

// The datasheet's conversions inverted: T = -46.85 + 175.72 * S / 2^16, RH = -6 + 125 * S / 2^16.
std::uint16_t SimHtu21d::temperature_word(float celsius) noexcept {
  return static_cast<std::uint16_t>(to_word((static_cast<double>(celsius) + 46.85) * 65536.0 / 175.72) &
                                    0xFFFC);
}
std::uint16_t SimHtu21d::humidity_word(float rh) noexcept {
  return static_cast<std::uint16_t>((to_word((static_cast<double>(rh) + 6.0) * 65536.0 / 125.0) & 0xFFFC) |
                                    0x2);
}

hal::IoErrc SimHtu21d::on_write(std::span<const std::uint8_t> data) {
  if (data.empty()) return hal::IoErrc::ok;  // an address probe
  command_ = data[0];
  if (command_ == 0xFE) command_ = 0;  // soft reset: nothing to read
  return hal::IoErrc::ok;
}

hal::IoErrc SimHtu21d::on_read(std::span<std::uint8_t> data) {
  std::uint8_t bytes[3] = {0x02, 0, 0};  // the user register's value after power-on
  std::size_t n = 1;
  const std::uint8_t command = command_;
  command_ = 0;
  if (command == 0xE3 || command == 0xF3 || command == 0xE5 || command == 0xF5) {
    const bool temperature = command == 0xE3 || command == 0xF3;
    const std::uint16_t word = temperature ? temperature_word(temperature_c_) : humidity_word(humidity_rh_);
    bytes[0] = static_cast<std::uint8_t>(word >> 8);
    bytes[1] = static_cast<std::uint8_t>(word & 0xFF);
    bytes[2] = crc8(bytes[0], bytes[1]);
    n = 3;
    ++measurements_;
  } else if (command != 0xE7) {
    return hal::IoErrc::nack;
  }
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = i < n ? bytes[i] : 0xFF;
  return hal::IoErrc::ok;
}

}  // namespace aiopi::sim
