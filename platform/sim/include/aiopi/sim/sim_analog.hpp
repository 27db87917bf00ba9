// The simulated board's ADC channels (a value as a function of virtual time) and PWM outputs (recording
// every setting with its virtual time).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "aiopi/hal/adc.hpp"
#include "aiopi/hal/pwm.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::sim {

class SimAdc final : public hal::AdcChannel {
 public:
  /// The reading at virtual time t (microseconds since the clock's epoch), already 0..65535.
  using Signal = std::function<std::uint16_t(std::int64_t t_us)>;

  explicit SimAdc(Loop& loop, Signal signal = {}, std::optional<float> volts_per_count = std::nullopt)
      : loop_(loop), signal_(std::move(signal)), scale_(volts_per_count) {}

  hal::IoResult<std::uint16_t> read_u16() override;
  std::optional<float> volts_per_count() const noexcept override { return scale_; }

  void set_signal(Signal signal) { signal_ = std::move(signal); }
  /// A constant reading.
  void set_value(std::uint16_t v) {
    signal_ = [v](std::int64_t) { return v; };
  }
  /// The next `count` reads fail with `kind`.
  void fail_next(hal::IoErrc kind, int count = 1) noexcept {
    fail_kind_ = kind;
    fail_count_ = count;
  }
  std::size_t reads() const noexcept { return reads_; }

 private:
  Loop& loop_;
  Signal signal_;
  std::optional<float> scale_;
  hal::IoErrc fail_kind_ = hal::IoErrc::ok;
  int fail_count_ = 0;
  std::size_t reads_ = 0;
};

/// One state of a simulated PWM output and the virtual time it began.
struct PwmSetting {
  std::int64_t t_us;
  std::uint64_t period_ns;
  std::uint64_t duty_ns;
  bool enabled;
  friend bool operator==(const PwmSetting&, const PwmSetting&) = default;
};

class SimPwm final : public hal::PwmOutput {
 public:
  explicit SimPwm(Loop& loop) : loop_(loop) {}

  hal::IoResult<void> set_period_ns(std::uint64_t period_ns) override;
  hal::IoResult<void> set_duty_ns(std::uint64_t duty_ns) override;
  hal::IoResult<void> enable(bool on) override;
  std::uint64_t period_ns() const noexcept override { return period_; }
  std::uint64_t duty_ns() const noexcept override { return duty_; }
  bool enabled() const noexcept override { return enabled_; }

  /// Every change of setting, oldest first (the initial state — disabled, 0, 0 — is not listed).
  const std::vector<PwmSetting>& history() const noexcept { return history_; }

 private:
  void record();
  Loop& loop_;
  std::uint64_t period_ = 0;
  std::uint64_t duty_ = 0;
  bool enabled_ = false;
  std::vector<PwmSetting> history_;
};

}  // namespace aiopi::sim
