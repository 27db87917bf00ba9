#include "aiopid/runtime/sim_chips.hpp"

#include <chrono>
#include <cmath>

namespace aiopid::runtime {
namespace {

std::uint8_t crc8(std::uint8_t msb, std::uint8_t lsb) noexcept {
  std::uint8_t crc = 0;
  for (const std::uint8_t byte : {msb, lsb}) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit)
      crc = static_cast<std::uint8_t>((crc & 0x80) != 0 ? (crc << 1) ^ 0x31 : crc << 1);
  }
  return crc;
}

double phase(aiopi::Loop& loop) noexcept {
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(loop.now().time_since_epoch()).count();
  return 2.0 * M_PI * static_cast<double>(us % 600'000'000) / 600e6;
}

}  // namespace

std::uint16_t SimHtu21dChip::temperature_word() const noexcept {
  const double celsius = 21.0 + 2.0 * std::sin(phase(loop_));
  const double s = (celsius + 46.85) * 65536.0 / 175.72;
  return static_cast<std::uint16_t>(static_cast<std::uint16_t>(std::lround(s)) & 0xFFFC);
}

std::uint16_t SimHtu21dChip::humidity_word() const noexcept {
  const double rh = 45.0 + 5.0 * std::cos(phase(loop_));
  const double s = (rh + 6.0) * 65536.0 / 125.0;
  return static_cast<std::uint16_t>((static_cast<std::uint16_t>(std::lround(s)) & 0xFFFC) | 0x2);
}

aiopi::hal::IoErrc SimHtu21dChip::on_write(std::span<const std::uint8_t> data) {
  if (!data.empty()) command_ = data[0];
  return aiopi::hal::IoErrc::ok;
}

aiopi::hal::IoErrc SimHtu21dChip::on_read(std::span<std::uint8_t> data) {
  std::uint8_t bytes[3] = {0x02, 0, 0};  // the user register after power-on
  std::size_t n = 1;
  if (command_ == 0xE3 || command_ == 0xF3 || command_ == 0xE5 || command_ == 0xF5) {
    const bool temperature = command_ == 0xE3 || command_ == 0xF3;
    const std::uint16_t word = temperature ? temperature_word() : humidity_word();
    bytes[0] = static_cast<std::uint8_t>(word >> 8);
    bytes[1] = static_cast<std::uint8_t>(word & 0xFF);
    bytes[2] = crc8(bytes[0], bytes[1]);
    n = 3;
  } else if (command_ != 0xE7) {
    return aiopi::hal::IoErrc::nack;  // nothing to read
  }
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = i < n ? bytes[i] : 0xFF;
  return aiopi::hal::IoErrc::ok;
}

}  // namespace aiopid::runtime
