#include "aiopi/drivers/aadc.hpp"

#include <chrono>

#include "aiopi/detail/config.hpp"
#include "aiopi/loop.hpp"

#if AIOPI_HAS_EXCEPTIONS
#include <exception>
#endif

namespace aiopi::drivers {

using hal::io_error;
using hal::IoErrc;

AADC::AADC(hal::AdcChannel& adc, const Config& config) noexcept
    : adc_(adc), config_(config), sense_(config.sense) {}

hal::IoResult<std::uint16_t> AADC::read_u16(bool last) {
  if (last) {
    if (!last_) return io_error(IoErrc::invalid_argument, "AADC.read_u16(last=true): nothing was read yet");
    return *last_;
  }
  hal::IoResult<std::uint16_t> r = adc_.read_u16();
  if (r) last_ = *r;
  return r;
}

AADC::Trigger AADC::operator()(std::int32_t delta) {
  if (!last_) {
    const hal::IoResult<std::uint16_t> r = read_u16();
    if (!r) return Trigger(*this, r.error());
  }
  lower_ = static_cast<std::int32_t>(*last_) - delta;
  upper_ = static_cast<std::int32_t>(*last_) + delta;
  return Trigger(*this, {});
}

void AADC::deinit() noexcept {
  release_all(0, io_error(IoErrc::closed, "AADC: deinit() or destroyed while a task waited"));
}

void AADC::release_all(std::uint16_t value, hal::IoError error) noexcept {
  while (!waiters_.empty())
    static_cast<Trigger&>(waiters_.front()).release(value, error);
}

AADC::Reading AADC::check() {
  const hal::IoResult<std::uint16_t> r = read_u16();
  if (!r) {
    release_all(0, r.error());
    return {true, 0, r.error()};
  }
  const std::uint16_t v = *r;
  if (!met(v)) return {false, v, {}};
  release_all(v, {});
  if (observer_) {
    Loop* loop = Loop::current();
    const AadcReport report{sense_ ? AadcEvent::out_of_range : AadcEvent::in_range,
                            loop != nullptr ? loop->now().time_since_epoch().count() : 0, v, lower_, upper_};
    observer_(report);  // last: it may destroy the AADC
  }
  return {true, v, {}};
}

AADC::Trigger::Trigger(AADC& a, hal::IoError early) noexcept
    : TimerNode(&Trigger::on_timer), aadc_(&a), error_(early) {}

bool AADC::Trigger::await_ready() {
  if (!error_.ok()) {
    done_ = true;
    return true;
  }
  // A reading that meets the condition also releases the tasks already waiting.
  const Reading r = aadc_->check();
  if (!r.fired) return false;
  value_ = r.value;
  error_ = r.error;
  done_ = true;
  return true;
}

void AADC::Trigger::await_suspend(std::coroutine_handle<> h) {
  Loop& loop = Loop::running();
  task = &loop.suspend_current(h);
  aadc_->waiters_.push_back(*this);
  loop.arm(*this, loop.deadline_after(aadc_->poll_period()));
}

hal::IoResult<std::uint16_t> AADC::Trigger::await_resume() const noexcept {
  if (!error_.ok()) return error_;
  return value_;
}

void AADC::Trigger::on_timer(TimerNode& node) noexcept {
  auto& self = static_cast<Trigger&>(node);
  Loop& loop = self.task->loop();
#if AIOPI_HAS_EXCEPTIONS
  try {
    if (self.aadc_->check().fired) return;  // released (this one included); the AADC may be gone
  } catch (...) {
    loop.call_exception_handler(
        {"exception in AADC's ADC read or observer", nullptr, std::current_exception()});
    return;
  }
#else
  if (self.aadc_->check().fired) return;
#endif
  loop.arm(self, loop.deadline_after(self.aadc_->poll_period()));
}

void AADC::Trigger::release(std::uint16_t value, hal::IoError error) noexcept {
  value_ = value;
  error_ = error;
  done_ = true;
  Loop& loop = task->loop();
  if (TimerNode::armed()) loop.disarm(*this);
  WaitNode::unlink();
  loop.make_ready(*task);
}

}  // namespace aiopi::drivers
