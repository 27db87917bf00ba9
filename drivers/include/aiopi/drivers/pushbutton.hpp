// Pushbutton: micropython-async's debounced pushbutton with press, release, double-click and long-press
// actions (callbacks, coroutines or bound Events), and its suppress mode.
//
//   hal::DigitalInput& pin = ...;                       // requested with EdgeMode::both (or none: polled)
//   aiopi::drivers::Pushbutton button(pin);             // inside a task: starts at once (else: start(loop))
//   button.press_func(toggle, std::ref(led));           // a function with arguments (launch() rules)
//   button.long_func(blink, std::ref(led), 3);          // Task<> blink(Led&, int): started as a task
//   button.double_func(nullptr);                        // the seed's None: set the bound Event double_click
//   co_await button.double_click.wait();
//
// Semantics are the seed's code, step for step (docs/drivers.md, "Pushbutton and EButton"):
//  * press: the press action, at once (never delayed, even with suppress). Then, if there is a long action
//    and not (a double action and the double timer running), the long timer starts (long_press_ms from the
//    press edge). If there is a double action: with the double timer running, it stops and the double action
//    runs (double fires at the second press); otherwise the double timer starts (double_click_ms).
//  * release: without suppress the release action runs; with suppress only if no double click is pending or
//    has just run, and the long action has not run (or there is none). Then the long timer stops.
//  * double timer expiry (suppress): a release held back because a double click might follow runs now, if
//    the button is up and the long timer is not running.
// An action "exists" when it is set (callable or Event) or when an observer is set.
//
// Callables are stored inline (InplaceFunction: captures up to four pointers) and run on the loop's thread;
// they must not block. A coroutine lambda's captures live inside the Pushbutton (prefer a coroutine function
// with arguments). An action may replace any action (its own included), deinit() or even destroy the
// Pushbutton.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/drivers/button_report.hpp"
#include "aiopi/drivers/debouncer.hpp"
#include "aiopi/drivers/detail/actions.hpp"
#include "aiopi/drivers/detail/life_guard.hpp"
#include "aiopi/drivers/detail/one_shot.hpp"
#include "aiopi/event.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::drivers {

class Pushbutton {
 public:
  using Config = ButtonConfig;
  using Report = ButtonReport;
  using Observer = InplaceFunction<void(const ButtonReport&)>;

  /// Takes `pin` by reference (it must outlive the Pushbutton). Reads the pin (sense, initial state). Started
  /// at once when constructed inside a running loop (as the seed); otherwise call start().
  explicit Pushbutton(hal::DigitalInput& pin, const Config& config = Config{});
  Pushbutton(const Pushbutton&) = delete;
  Pushbutton& operator=(const Pushbutton&) = delete;
  /// Safe at any time, pending timers included: the task and the timers end, nothing refers to *this.
  ~Pushbutton();

  /// Starts the debouncing task on `loop` (Loop::get() without an argument). Idempotent; nothing after
  /// deinit().
  void start(Loop& loop);
  void start() { start(Loop::get()); }

  // The actions. func(args...) follows launch() rules; nullptr (the seed's None) sets the bound Event of the
  // same name; no argument (the seed's False) means no action.
  template <class F, class... Args>
  requires std::invocable < std::decay_t<F>
  &, std::decay_t<Args>&... > void press_func(F&& func, Args&&... args) {
    actions_.set_call(kPress, std::forward<F>(func), std::forward<Args>(args)...);
  }
  void press_func(std::nullptr_t) { actions_.set_event(kPress); }
  void press_func() { actions_.disable(kPress); }

  template <class F, class... Args>
  requires std::invocable < std::decay_t<F>
  &, std::decay_t<Args>&... > void release_func(F&& func, Args&&... args) {
    actions_.set_call(kRelease, std::forward<F>(func), std::forward<Args>(args)...);
  }
  void release_func(std::nullptr_t) { actions_.set_event(kRelease); }
  void release_func() { actions_.disable(kRelease); }

  template <class F, class... Args>
  requires std::invocable < std::decay_t<F>
  &, std::decay_t<Args>&... > void double_func(F&& func, Args&&... args) {
    actions_.set_call(kDouble, std::forward<F>(func), std::forward<Args>(args)...);
  }
  void double_func(std::nullptr_t) { actions_.set_event(kDouble); }
  void double_func() { actions_.disable(kDouble); }

  template <class F, class... Args>
  requires std::invocable < std::decay_t<F>
  &, std::decay_t<Args>&... > void long_func(F&& func, Args&&... args) {
    actions_.set_call(kLong, std::forward<F>(func), std::forward<Args>(args)...);
  }
  void long_func(std::nullptr_t) { actions_.set_event(kLong); }
  void long_func() { actions_.disable(kLong); }

  /// The bound Events (set only for actions registered with nullptr; the application clears them).
  Event press;
  Event release;
  Event double_click;
  Event long_press;

  /// The one generic hook (the daemon's): called with every event, before its action. Counts as an action
  /// for all four events. Must not destroy or deinit the Pushbutton. nullptr removes it.
  void set_observer(Observer observer) noexcept { observer_ = std::move(observer); }

  /// The debounced state: true while pressed (the seed's __call__()).
  bool operator()() const noexcept { return pressed_; }
  bool pressed() const noexcept { return pressed_; }
  /// The pin's state now, not debounced: true if pressed (the seed's rawstate()).
  hal::IoResult<bool> rawstate();

  /// Stops for good: the task ends, the timers stop, no action runs any more. Idempotent; also from an
  /// action.
  void deinit() noexcept;

  const Config& config() const noexcept { return config_; }
  /// The level value() reads when not pressed (the configured sense, or the one read at construction).
  bool sense() const noexcept { return sense_; }
  /// The last error reading the pin (kind closed once the line was released: the Pushbutton then stops).
  const hal::IoError& error() const noexcept { return debouncer_.error(); }

 private:
  static constexpr std::size_t kPress = 0, kRelease = 1, kDouble = 2, kLong = 3;

  static bool on_level(void* self, bool level, std::int64_t t_us) {
    return static_cast<Pushbutton*>(self)->on_level(level, t_us);
  }
  bool on_level(bool level, std::int64_t t_us);
  bool on_press(std::int64_t t_us);
  bool on_release(std::int64_t t_us);
  void on_long_timer();
  void on_double_timer();
  bool has(std::size_t action) const noexcept {
    return actions_.mode(action) != detail::ActionMode::none || static_cast<bool>(observer_);
  }
  // Reports `event` to the observer and performs its action. False when the Pushbutton is gone or stopped.
  bool emit(std::size_t action, ButtonEvent event, std::int64_t t_us, const detail::LifeGuard::Scope& scope);
  Event& event_of(std::size_t action) noexcept;
  TimePoint after(std::int64_t t_us, std::int64_t ms) const noexcept;

  Config config_;
  bool sense_ = false;
  bool pressed_ = false;
  bool stopped_ = false;
  bool double_pending_ = false;  // the seed's _dblpend: a first press started the double timer
  bool double_ran_ = false;      // the seed's _dblran: the double action ran at this press
  Loop* loop_ = nullptr;
  detail::ActionTable<4> actions_;
  Observer observer_;
  Debouncer debouncer_;
  detail::OneShot<Pushbutton> long_timer_{*this, [](Pushbutton& b) { b.on_long_timer(); }};
  detail::OneShot<Pushbutton> double_timer_{*this, [](Pushbutton& b) { b.on_double_timer(); }};
  detail::LifeGuard guard_;  // last: destroyed first, so an action that destroys us is noticed at once
};

}  // namespace aiopi::drivers
