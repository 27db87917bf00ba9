// The HAL's ADC channel (hal::AdcChannel) on the RP2040's 12-bit SAR ADC: one-shot conversions.
//
//   rp2040::AdcChannel pot(0);                        // ADC0 on GP26
//   rp2040::AdcChannel temp(rp2040::AdcChannel::kTemperature);
//   hal::IoResult<std::uint16_t> raw = pot.read_u16();  // 0..65535 (12 bits, bit-replicated)
//   hal::IoResult<float> v = pot.read_volts();          // times 3.3 V / 65535
//   float celsius = rp2040::AdcChannel::celsius(*temp.read_volts());
//
// AdcChannel(channel): 0..3 are GP26..GP29 (their pads get input and output disabled, no pulls, FUNCSEL
//   null: the analogue path only); 4 is the temperature sensor (CS.TS_EN powers it). Another number is a
//   usage error. The first channel opened enables the ADC (CS.EN) and, when nothing has started it yet,
//   clocks clk_adc from PLL_SYS / 3 (41.7 MHz; the ADC is specified up to 48 MHz, so a conversion takes 2.3
//   us).
// read_u16(): selects the channel (CS.AINSEL), starts one conversion (START_ONCE), waits for READY (a bounded
//   busy-wait of a few microseconds: reads are plain calls, see hal/adc.hpp) and scales the 12-bit RESULT
//   with scale_to_u16. CS.ERR -> IoErrc::io; no READY in time -> IoErrc::timeout. volts_per_count: the
//   Pico's 3.3 V reference (ADC_VREF).
#pragma once

#include <cstdint>
#include <optional>

#include "aiopi/hal/adc.hpp"

namespace aiopi::rp2040 {

class AdcChannel final : public hal::AdcChannel {
 public:
  static constexpr unsigned kTemperature = 4;
  static constexpr float kVref = 3.3f;

  explicit AdcChannel(unsigned channel) noexcept;

  hal::IoResult<std::uint16_t> read_u16() override;
  /// The raw 12-bit result of one conversion.
  hal::IoResult<std::uint16_t> read_raw();
  std::optional<float> volts_per_count() const noexcept override { return kVref / 65535.0f; }
  unsigned channel() const noexcept { return channel_; }

  /// The temperature sensor's voltage to degrees Celsius (datasheet §4.9.5: 0.706 V at 27 °C,
  /// -1.721 mV per degree).
  static constexpr float celsius(float volts) noexcept { return 27.0f - (volts - 0.706f) / 0.001721f; }

 private:
  unsigned channel_;
};

}  // namespace aiopi::rp2040
