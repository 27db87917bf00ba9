// rp2040::PwmOutput: a channel of one of the RP2040's eight PWM slices (see pwm.hpp).
#include "aiopi/rp2040/pwm.hpp"

#include "aiopi/rp2040/pins.hpp"
#include "aiopi/rp2040/regs.hpp"
#include "hal_common.hpp"

namespace aiopi::rp2040 {
namespace {

// PWM (datasheet §4.5.3): per slice five registers 0x14 apart.
constexpr Addr slice_csr(unsigned s) noexcept {
  return kPwmBase + 0x14 * s + 0x00;
}  // EN 0, PH_CORRECT 1, DIVMODE [5:4]
constexpr Addr slice_div(unsigned s) noexcept {
  return kPwmBase + 0x14 * s + 0x04;
}  // INT [11:4], FRAC [3:0]
constexpr Addr slice_ctr(unsigned s) noexcept {
  return kPwmBase + 0x14 * s + 0x08;
}
constexpr Addr slice_cc(unsigned s) noexcept {
  return kPwmBase + 0x14 * s + 0x0c;
}  // A [15:0], B [31:16]
constexpr Addr slice_top(unsigned s) noexcept {
  return kPwmBase + 0x14 * s + 0x10;
}
constexpr std::uint32_t kCsrEn = 1u << 0;

struct Slice {
  std::uint32_t top = 0;    // counter wraps after TOP (period = TOP + 1 counts)
  std::uint32_t div16 = 0;  // DIV in 1/16ths (16 = 1.0)
  PwmOutput* channels[2] = {nullptr, nullptr};
};
Slice g_slices[8];

// One count lasts div16 / 16 clk_sys cycles of 8 ns: (TOP + 1) * div16 / 2 ns per period.
constexpr std::uint64_t period_of(std::uint32_t top_v, std::uint32_t div16_v) noexcept {
  return (static_cast<std::uint64_t>(top_v) + 1) * div16_v / 2;
}

}  // namespace

PwmOutput::PwmOutput(unsigned pin) noexcept : pin_(pin), slice_((pin / 2) % 8), channel_(pin % 2) {
  hal_detail::check_pin(pin, "rp2040::PwmOutput: pin beyond GPIO29");
  Slice& s = g_slices[slice_];
  if (s.channels[channel_] != nullptr) usage_error("rp2040::PwmOutput: that slice channel is already in use");
  pins::unreset_io();
  unreset(resets::kPwm);
  s.channels[channel_] = this;
  if (s.channels[1 - channel_] != nullptr) {
    period_ns_ = period_of(s.top, s.div16);
  }
  write_cc();  // 0: low until a duty is set
  // Low (SIO) until enabled; see enable().
  pins::configure_pad(pin, pins::PadConfig{.input_enable = true});
  reg(pins::kSioGpioOutClr) = 1u << pin;
  reg(pins::kSioGpioOeSet) = 1u << pin;
  pins::set_function(pin, pins::Function::sio);
}

PwmOutput::~PwmOutput() {
  Slice& s = g_slices[slice_];
  cc_ = 0;
  write_cc();
  s.channels[channel_] = nullptr;
  if (s.channels[1 - channel_] == nullptr) reg_clear(slice_csr(slice_), kCsrEn);
  reg(pins::kSioGpioOeClr) = 1u << pin_;
  pins::set_function(pin_, pins::Function::null);
}

std::uint32_t PwmOutput::top() const noexcept {
  return g_slices[slice_].top;
}
std::uint32_t PwmOutput::div16() const noexcept {
  return g_slices[slice_].div16;
}

void PwmOutput::write_cc() noexcept {
  // One 32-bit write of both halves; the other channel's half is kept.
  const std::uint32_t old = reg(slice_cc(slice_));
  reg(slice_cc(slice_)) = channel_ == 0 ? ((old & 0xffff0000u) | cc_) : ((old & 0x0000ffffu) | (cc_ << 16));
}

void PwmOutput::adopt_period(std::uint64_t period_ns) noexcept {
  period_ns_ = period_ns;
  if (duty_ns_ > period_ns_) duty_ns_ = period_ns_;
  const std::uint64_t counts = static_cast<std::uint64_t>(g_slices[slice_].top) + 1;
  cc_ = static_cast<std::uint32_t>((duty_ns_ * counts + period_ns_ / 2) / period_ns_);
  if (cc_ > counts) cc_ = static_cast<std::uint32_t>(counts);
  duty_ns_ = cc_ * period_ns_ / counts;
  write_cc();
}

hal::IoResult<void> PwmOutput::set_period_ns(std::uint64_t period_ns) {
  if (period_ns == 0) return hal::io_error(hal::IoErrc::invalid_argument, "PWM set_period_ns: period 0");
  if (period_ns < duty_ns_)
    return hal::io_error(hal::IoErrc::invalid_argument,
                         "PWM set_period_ns: below the duty (lower the duty first)");
  // clk_sys cycles in the period (8 ns each); the counter counts at most 65536 per period, so the divider
  // is the smallest 1/16 step that brings the cycles within that.
  const std::uint64_t cycles16 = period_ns * 2;  // (period_ns / 8 ns) * 16
  if (cycles16 < 2 * 16)
    return hal::io_error(hal::IoErrc::invalid_argument,
                         "PWM set_period_ns: below 16 ns (two clk_sys cycles)");
  std::uint64_t div16_v = (cycles16 + 65535) / 65536;  // ceil(cycles / 65536), in 1/16ths
  if (div16_v < 16) div16_v = 16;
  if (div16_v > 0xfff)
    return hal::io_error(hal::IoErrc::invalid_argument,
                         "PWM set_period_ns: above the longest period (about 134 ms)");
  std::uint64_t counts = (cycles16 + div16_v / 2) / div16_v;
  if (counts < 2) counts = 2;
  if (counts > 65536) counts = 65536;
  Slice& s = g_slices[slice_];
  s.top = static_cast<std::uint32_t>(counts - 1);
  s.div16 = static_cast<std::uint32_t>(div16_v);
  reg(slice_div(slice_)) = s.div16;  // INT [11:4] and FRAC [3:0] are the 1/16ths as they are
  reg(slice_top(slice_)) = s.top;
  const std::uint64_t achieved = period_of(s.top, s.div16);
  for (PwmOutput* ch : s.channels)
    if (ch != nullptr) ch->adopt_period(achieved);
  return {};
}

hal::IoResult<void> PwmOutput::set_duty_ns(std::uint64_t duty_ns) {
  if (duty_ns > period_ns_)
    return hal::io_error(hal::IoErrc::invalid_argument, "PWM set_duty_ns: above the period");
  if (period_ns_ == 0) return {};  // duty 0 of an unset period
  duty_ns_ = duty_ns;
  adopt_period(period_ns_);
  return {};
}

hal::IoResult<void> PwmOutput::enable(bool on) {
  if (on && period_ns_ == 0)
    return hal::io_error(hal::IoErrc::invalid_argument, "PWM enable: set a period first");
  if (on == enabled_) return {};
  enabled_ = on;
  if (on) {
    reg(slice_ctr(slice_)) = 0;
    reg_set(slice_csr(slice_), kCsrEn);
    pins::set_function(pin_, pins::Function::pwm);
  } else {
    pins::set_function(pin_, pins::Function::sio);  // SIO drives it low (set up in the constructor)
    Slice& s = g_slices[slice_];
    PwmOutput* other = s.channels[1 - channel_];
    if (other == nullptr || !other->enabled_) reg_clear(slice_csr(slice_), kCsrEn);
  }
  return {};
}

}  // namespace aiopi::rp2040
