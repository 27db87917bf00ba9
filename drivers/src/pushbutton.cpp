#include "aiopi/drivers/pushbutton.hpp"

#include <chrono>

namespace aiopi::drivers {

Pushbutton::Pushbutton(hal::DigitalInput& pin, const Config& config)
    : config_(config), debouncer_(pin, config.debounce_ms, {&Pushbutton::on_level, this}) {
  // sense=None: whatever the pin reads now is "not pressed".
  sense_ = config_.sense.value_or(debouncer_.level());
  pressed_ = debouncer_.level() != sense_;
  if (Loop* loop = Loop::current(); loop != nullptr && loop->is_running()) start(*loop);
}

Pushbutton::~Pushbutton() {
  deinit();
}

void Pushbutton::start(Loop& loop) {
  if (stopped_ || loop_ != nullptr) return;
  loop_ = &loop;
  debouncer_.start(loop);
}

hal::IoResult<bool> Pushbutton::rawstate() {
  hal::IoResult<bool> v = debouncer_.raw();
  if (!v) return v.error();
  return *v != sense_;
}

void Pushbutton::deinit() noexcept {
  stopped_ = true;
  long_timer_.stop();
  double_timer_.stop();
  debouncer_.stop();
}

Event& Pushbutton::event_of(std::size_t action) noexcept {
  switch (action) {
    case kPress:
      return press;
    case kRelease:
      return release;
    case kDouble:
      return double_click;
    default:
      return long_press;
  }
}

TimePoint Pushbutton::after(std::int64_t t_us, std::int64_t ms) const noexcept {
  return saturating_add(TimePoint(Duration(t_us)), std::chrono::milliseconds(ms > 0 ? ms : 0));
}

bool Pushbutton::emit(std::size_t action, ButtonEvent event, std::int64_t t_us,
                      const detail::LifeGuard::Scope& scope) {
  if (observer_) observer_(ButtonReport{event, t_us, pressed_});
  if (!actions_.perform(action, event_of(action), scope)) return false;  // destroyed by the action
  return !stopped_;
}

bool Pushbutton::on_level(bool level, std::int64_t t_us) {
  if (stopped_) return true;
  const bool pressed = level != sense_;
  if (pressed == pressed_) return true;
  pressed_ = pressed;
  detail::LifeGuard::Scope scope(guard_);
  const bool go_on = pressed ? on_press(t_us) : on_release(t_us);
  return !scope.gone() && go_on;
}

bool Pushbutton::on_press(std::int64_t t_us) {
  detail::LifeGuard::Scope scope(guard_);
  if (has(kPress) && !emit(kPress, ButtonEvent::press, t_us, scope)) return false;
  // The second press of a double click never starts the long timer (the seed's fix of its issue #101).
  if (has(kLong) && !(has(kDouble) && double_timer_.running()))
    long_timer_.start_at(*loop_, after(t_us, config_.long_press_ms));
  if (has(kDouble)) {
    if (double_timer_.running()) {
      double_timer_.stop();
      double_ran_ = true;
      return emit(kDouble, ButtonEvent::double_click, t_us, scope);
    }
    double_timer_.start_at(*loop_, after(t_us, config_.double_click_ms));
    double_pending_ = true;
  }
  return true;
}

bool Pushbutton::on_release(std::int64_t t_us) {
  detail::LifeGuard::Scope scope(guard_);
  if (has(kRelease)) {
    const bool click =
        !config_.suppress || (!double_pending_ && !double_ran_ && (!has(kLong) || long_timer_.running()));
    if (click && !emit(kRelease, ButtonEvent::release, t_us, scope)) return false;
  }
  long_timer_.stop();
  double_ran_ = false;
  return true;
}

void Pushbutton::on_long_timer() {
  if (stopped_ || !has(kLong)) return;
  detail::LifeGuard::Scope scope(guard_);
  emit(kLong, ButtonEvent::long_press, loop_->now().time_since_epoch().count(), scope);
}

void Pushbutton::on_double_timer() {
  if (stopped_) return;
  double_pending_ = false;
  // Suppress: the release of a single click was held back in case a second press came; it did not.
  if (config_.suppress && has(kRelease) && !pressed_ && !long_timer_.running()) {
    detail::LifeGuard::Scope scope(guard_);
    emit(kRelease, ButtonEvent::release, loop_->now().time_since_epoch().count(), scope);
  }
}

}  // namespace aiopi::drivers
