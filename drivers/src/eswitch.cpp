#include "aiopi/drivers/eswitch.hpp"

namespace aiopi::drivers {

ESwitch::ESwitch(hal::DigitalInput& pin, const Config& config)
    : config_(config), debouncer_(pin, config.debounce_ms, {&ESwitch::on_level, this}) {
  if (Loop* loop = Loop::current(); loop != nullptr && loop->is_running()) start(*loop);
}

ESwitch::~ESwitch() {
  deinit();
}

void ESwitch::start(Loop& loop) {
  if (stopped_ || started_) return;
  started_ = true;
  debouncer_.start(loop);
}

void ESwitch::deinit() noexcept {
  // The seed's deinit() means to do this (its code cancels a method instead of the task and raises).
  stopped_ = true;
  debouncer_.stop();
  close.clear();
  open.clear();
}

bool ESwitch::on_level(bool level, std::int64_t t_us) {
  if (stopped_) return false;
  const bool closed = level != config_.lopen;
  if (observer_) observer_(SwitchReport{closed ? SwitchEvent::close : SwitchEvent::open, t_us, closed});
  (closed ? close : open).set();
  return !stopped_;
}

}  // namespace aiopi::drivers
