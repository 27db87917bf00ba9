// The HAL's PWM output (hal::PwmOutput) on the RP2040's PWM slices.
//
//   rp2040::PwmOutput led(25);          // slice 4, channel B
//   (void)led.set_freq(1000);           // 1 kHz
//   (void)led.set_duty_u16(16384);      // 25 %
//   (void)led.enable(true);
//
// PwmOutput(pin): pin 0..29 (else a usage error); slice (pin / 2) % 8, channel A on even pins and B on odd
//   ones. GPn and GPn+16 share a slice channel: one PwmOutput per channel (a usage error otherwise).
// Period: clk_sys (125 MHz, 8 ns) divided by the 8.4 fractional divider DIV (1 to 255 15/16, the smallest
//   that fits) and counted to TOP (free-running, not phase-correct): period = (TOP + 1) * DIV * 8 ns, from
//   16 ns to about 134 ms. period_ns() is what was achieved (rounded to the nearest the hardware can do).
//   The two channels of a slice share DIV and TOP: setting one's period sets the other's (its duty in
//   nanoseconds is kept where it still fits, else clamped to the new period).
// Duty: CC = duty * (TOP + 1) / period, rounded; 0 is always low, CC = TOP + 1 always high. CC and TOP are
//   double-buffered by the hardware (they change at the counter's wrap), so a change never glitches.
// enable(false) stops the slice and hands the pin to SIO driven low (a disabled PWM reads "inactive", as
//   sysfs has it, instead of holding whatever level the counter stopped at); enable(true) gives it back.
//   enable(true) before a period is set is IoErrc::invalid_argument.
#pragma once

#include <cstdint>

#include "aiopi/hal/pwm.hpp"

namespace aiopi::rp2040 {

class PwmOutput final : public hal::PwmOutput {
 public:
  explicit PwmOutput(unsigned pin) noexcept;
  /// Disables the channel (and the slice when the other channel is not in use), gives the pin back.
  ~PwmOutput() override;

  hal::IoResult<void> set_period_ns(std::uint64_t period_ns) override;
  hal::IoResult<void> set_duty_ns(std::uint64_t duty_ns) override;
  hal::IoResult<void> enable(bool on) override;
  std::uint64_t period_ns() const noexcept override { return period_ns_; }
  std::uint64_t duty_ns() const noexcept override { return duty_ns_; }
  bool enabled() const noexcept override { return enabled_; }

  unsigned pin() const noexcept { return pin_; }
  unsigned slice() const noexcept { return slice_; }
  /// 0 for channel A, 1 for B.
  unsigned channel() const noexcept { return channel_; }
  /// The register values in use (for tests and the curious).
  std::uint32_t top() const noexcept;
  std::uint32_t div16() const noexcept;
  std::uint32_t cc() const noexcept { return cc_; }

 private:
  void write_cc() noexcept;
  void adopt_period(std::uint64_t period_ns) noexcept;  // the slice's period changed (by either channel)

  unsigned pin_, slice_, channel_;
  std::uint64_t period_ns_ = 0;
  std::uint64_t duty_ns_ = 0;
  std::uint32_t cc_ = 0;
  bool enabled_ = false;
};

}  // namespace aiopi::rp2040
