// PWM output of the HAL: period, duty and enable, in nanoseconds as the Linux sysfs pwmchip interface has
// them; duty as a fraction through set_duty_u16 (MicroPython's duty_u16) and frequency through set_freq.
//
//   (void)pwm.set_freq(1000);          // 1 kHz
//   (void)pwm.set_duty_u16(32768);     // 50 %
//   (void)pwm.enable(true);
//
// Rules every backend follows (those of sysfs): the period is > 0; the duty never exceeds the period, so
// set_duty_ns above the period and set_period_ns below the current duty fail with IoErrc::invalid_argument
// (lower the duty first); a value the hardware cannot take exactly is rounded to the nearest it can, and
// period_ns() / duty_ns() report what was set.
#pragma once

#include <cstdint>

#include "aiopi/hal/error.hpp"

namespace aiopi::hal {

class PwmOutput {
 public:
  PwmOutput() noexcept = default;
  PwmOutput(const PwmOutput&) = delete;
  PwmOutput& operator=(const PwmOutput&) = delete;
  virtual ~PwmOutput() = default;

  virtual IoResult<void> set_period_ns(std::uint64_t period_ns) = 0;
  virtual IoResult<void> set_duty_ns(std::uint64_t duty_ns) = 0;
  virtual IoResult<void> enable(bool on) = 0;

  virtual std::uint64_t period_ns() const noexcept = 0;
  virtual std::uint64_t duty_ns() const noexcept = 0;
  virtual bool enabled() const noexcept = 0;

  /// Duty as a fraction of the period: 0 is off, 65535 always on.
  IoResult<void> set_duty_u16(std::uint16_t duty) { return set_duty_ns(period_ns() * duty / 65535u); }
  /// The duty as a fraction of the period (0..65535); 0 while the period is unset.
  std::uint16_t duty_u16() const noexcept {
    const std::uint64_t p = period_ns();
    return p == 0 ? 0 : static_cast<std::uint16_t>(duty_ns() * 65535u / p);
  }
  /// Sets the period to 1/hz, keeping the duty fraction (the duty is lowered first where needed).
  IoResult<void> set_freq(std::uint32_t hz) {
    if (hz == 0) return io_error(IoErrc::invalid_argument, "PWM set_freq: frequency 0");
    const std::uint64_t period = 1'000'000'000u / hz;
    if (period == 0) return io_error(IoErrc::invalid_argument, "PWM set_freq: above 1 GHz");
    const std::uint64_t old_period = period_ns();
    const std::uint64_t duty = duty_ns();
    std::uint64_t new_duty = 0;
    if (old_period != 0) {
      // duty * period fits in 64 bits while duty < 2^33 (period <= 1e9 < 2^30); beyond, a double is exact
      // enough.
      new_duty =
          duty < (std::uint64_t{1} << 33)
              ? duty * period / old_period
              : static_cast<std::uint64_t>(static_cast<double>(duty) / static_cast<double>(old_period) *
                                           static_cast<double>(period));
      if (new_duty > period) new_duty = period;
    }
    if (duty > period) {
      IoResult<void> r = set_duty_ns(new_duty);
      if (!r) return r;
    }
    IoResult<void> r = set_period_ns(period);
    if (!r) return r;
    return set_duty_ns(new_duty);
  }
};

}  // namespace aiopi::hal
