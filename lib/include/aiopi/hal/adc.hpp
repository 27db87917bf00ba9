// ADC channel of the HAL. Reads are immediate (a conversion takes microseconds; on Linux an IIO sysfs read),
// so they are plain calls, not awaitables.
//
//   hal::IoResult<std::uint16_t> raw = adc.read_u16();   // 0..65535 whatever the converter's resolution
//   hal::IoResult<float> v = adc.read_volts();            // where the backend knows the scale
#pragma once

#include <cstdint>
#include <optional>

#include "aiopi/hal/error.hpp"

namespace aiopi::hal {

class AdcChannel {
 public:
  AdcChannel() noexcept = default;
  AdcChannel(const AdcChannel&) = delete;
  AdcChannel& operator=(const AdcChannel&) = delete;
  virtual ~AdcChannel() = default;

  /// One conversion, scaled to 0..65535 as MicroPython's ADC.read_u16() (a 12-bit converter's full scale
  /// 4095 reads as 65535; the low bits repeat the high ones).
  virtual IoResult<std::uint16_t> read_u16() = 0;

  /// Volts per unit of read_u16() where the backend knows it (IIO's in_voltageN_scale, the RP2040's 3.3 V
  /// reference); nothing otherwise.
  virtual std::optional<float> volts_per_count() const noexcept { return std::nullopt; }

  /// read_u16() times volts_per_count(); IoErrc::unsupported where the scale is unknown.
  IoResult<float> read_volts() {
    const std::optional<float> scale = volts_per_count();
    if (!scale) return io_error(IoErrc::unsupported, "ADC read_volts: the backend does not know the scale");
    IoResult<std::uint16_t> raw = read_u16();
    if (!raw) return raw.error();
    return static_cast<float>(*raw) * *scale;
  }

  /// Scales a converter's raw reading of `bits` resolution (1..16) to 0..65535 (bit replication).
  static constexpr std::uint16_t scale_to_u16(std::uint32_t raw, unsigned bits) noexcept {
    if (bits == 0 || bits > 16) return 0;
    const std::uint32_t max = (1u << bits) - 1u;
    if (raw > max) raw = max;
    std::uint32_t v = raw << (16 - bits);
    for (unsigned filled = bits; filled < 16; filled += bits)
      v |= v >> bits;
    return static_cast<std::uint16_t>(v);
  }
};

}  // namespace aiopi::hal
