#include "aiopi/sim/sim_analog.hpp"

namespace aiopi::sim {

using hal::io_error;
using hal::IoErrc;

hal::IoResult<std::uint16_t> SimAdc::read_u16() {
  ++reads_;
  if (fail_count_ > 0) {
    --fail_count_;
    return io_error(fail_kind_, "ADC read_u16: the conversion failed (scripted)");
  }
  if (!signal_) return io_error(IoErrc::unsupported, "ADC read_u16: the simulated channel has no signal");
  return signal_(loop_.now().time_since_epoch().count());
}

void SimPwm::record() {
  const PwmSetting s{loop_.now().time_since_epoch().count(), period_, duty_, enabled_};
  if (!history_.empty() && history_.back().period_ns == s.period_ns && history_.back().duty_ns == s.duty_ns &&
      history_.back().enabled == s.enabled)
    return;
  history_.push_back(s);
}

hal::IoResult<void> SimPwm::set_period_ns(std::uint64_t period_ns) {
  if (period_ns == 0) return io_error(IoErrc::invalid_argument, "PWM set_period_ns: the period must be > 0");
  if (period_ns < duty_)
    return io_error(IoErrc::invalid_argument,
                    "PWM set_period_ns: below the current duty (lower the duty first)");
  period_ = period_ns;
  record();
  return {};
}

hal::IoResult<void> SimPwm::set_duty_ns(std::uint64_t duty_ns) {
  if (duty_ns > period_)
    return io_error(IoErrc::invalid_argument, "PWM set_duty_ns: the duty exceeds the period");
  duty_ = duty_ns;
  record();
  return {};
}

hal::IoResult<void> SimPwm::enable(bool on) {
  if (on && period_ == 0) return io_error(IoErrc::invalid_argument, "PWM enable: no period set");
  enabled_ = on;
  record();
  return {};
}

}  // namespace aiopi::sim
