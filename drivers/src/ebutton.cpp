#include "aiopi/drivers/ebutton.hpp"

#include <chrono>

namespace aiopi::drivers {
namespace {
TimePoint after(std::int64_t t_us, std::int64_t ms) noexcept {
  return saturating_add(TimePoint(Duration(t_us)), std::chrono::milliseconds(ms > 0 ? ms : 0));
}
}  // namespace

EButton::EButton(hal::DigitalInput& pin, const Config& config)
    : config_(config), debouncer_(pin, config.debounce_ms, {&EButton::on_level, this}) {
  // sense=None: whatever the pin reads now is "not pressed".
  sense_ = config_.sense.value_or(debouncer_.level());
  pressed_ = debouncer_.level() != sense_;
  if (Loop* loop = Loop::current(); loop != nullptr && loop->is_running()) start(*loop);
}

EButton::~EButton() {
  deinit();
}

void EButton::start(Loop& loop) {
  if (stopped_ || loop_ != nullptr) return;
  loop_ = &loop;
  debouncer_.start(loop);
}

hal::IoResult<bool> EButton::rawstate() {
  hal::IoResult<bool> v = debouncer_.raw();
  if (!v) return v.error();
  return *v != sense_;
}

void EButton::deinit() noexcept {
  stopped_ = true;
  long_timer_.stop();
  double_timer_.stop();
  debouncer_.stop();
  press.clear();
  release.clear();
  double_click.clear();
  long_press.clear();
}

void EButton::emit(Event& event, ButtonEvent kind, std::int64_t t_us) {
  if (observer_) observer_(ButtonReport{kind, t_us, pressed_});
  event.set();
}

bool EButton::on_level(bool level, std::int64_t t_us) {
  if (stopped_) return false;
  const bool pressed = level != sense_;
  if (pressed == pressed_) return true;
  pressed_ = pressed;
  if (pressed) {
    on_press(t_us);
  } else {
    on_release(t_us);
  }
  return !stopped_;
}

void EButton::on_press(std::int64_t t_us) {
  if (!config_.suppress) emit(press, ButtonEvent::press, t_us);
  if (double_timer_.running()) {
    // The second press of a double click: no long timer for it.
    double_timer_.stop();
    press_pending_ = false;
    release_pending_ = false;  // a double click reports one release: its own
    emit(double_click, ButtonEvent::double_click, t_us);
    return;
  }
  double_timer_.start_at(*loop_, after(t_us, config_.double_click_ms));
  long_timer_.start_at(*loop_, after(t_us, config_.long_press_ms));
  press_pending_ = config_.suppress;
}

void EButton::on_release(std::int64_t t_us) {
  long_timer_.stop();
  if (!config_.suppress) {
    emit(release, ButtonEvent::release, t_us);
    return;
  }
  if (double_timer_.running()) {
    release_pending_ = true;  // a second press may still make this a double click
    return;
  }
  // Neither long nor double: a click, reported now that it is over (the seed's code would drop its press).
  if (press_pending_) {
    press_pending_ = false;
    emit(press, ButtonEvent::press, t_us);
  }
  emit(release, ButtonEvent::release, t_us);
}

void EButton::on_long_timer() {
  if (stopped_) return;
  press_pending_ = false;  // a long press reports long, not press
  emit(long_press, ButtonEvent::long_press, now_us());
}

void EButton::on_double_timer() {
  if (stopped_ || !config_.suppress || !release_pending_) return;
  // No second press came: a short click, reported now.
  const std::int64_t t = now_us();
  release_pending_ = false;
  if (press_pending_) {
    press_pending_ = false;
    emit(press, ButtonEvent::press, t);
  }
  emit(release, ButtonEvent::release, t);
}

}  // namespace aiopi::drivers
