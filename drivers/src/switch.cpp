#include "aiopi/drivers/switch.hpp"

namespace aiopi::drivers {

Switch::Switch(hal::DigitalInput& pin, const Config& config)
    : config_(config), debouncer_(pin, config.debounce_ms, {&Switch::on_level, this}) {
  if (Loop* loop = Loop::current(); loop != nullptr && loop->is_running()) start(*loop);
}

Switch::~Switch() {
  deinit();
}

void Switch::start(Loop& loop) {
  if (stopped_ || started_) return;
  started_ = true;
  debouncer_.start(loop);
}

void Switch::deinit() noexcept {
  stopped_ = true;
  debouncer_.stop();
}

bool Switch::on_level(bool level, std::int64_t t_us) {
  if (stopped_) return false;
  const bool closed = level != config_.lopen;
  const std::size_t action = closed ? kClose : kOpen;
  detail::LifeGuard::Scope scope(guard_);
  if (observer_) observer_(SwitchReport{closed ? SwitchEvent::close : SwitchEvent::open, t_us, closed});
  if (!actions_.perform(action, closed ? close : open, scope)) return false;  // destroyed by the action
  return !stopped_;
}

}  // namespace aiopi::drivers
