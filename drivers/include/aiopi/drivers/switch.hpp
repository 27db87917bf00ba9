// Switch: micropython-async's debounced switch with close and open actions (callbacks, coroutines or bound
// Events).
//
//   aiopi::drivers::Switch sw(pin);                  // a switch to ground, pull-up: reads 1 when open
//   sw.close_func(start_pump, std::ref(pump));        // launch() rules: a coroutine starts a task
//   sw.open_func(nullptr);                            // the seed's None: set the bound Event `open`
//   co_await sw.open.wait();
//   sw.open.clear();
//
// Debouncing: debouncer.hpp (act on the first edge, then deaf for debounce_ms; polled without edge
// detection). Actions run on the loop's thread and must not block; an action may replace any action (its own
// included), deinit() or destroy the Switch. Callables are stored inline (captures up to four pointers); a
// coroutine lambda's captures live inside the Switch (prefer a coroutine function with arguments).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/drivers/debouncer.hpp"
#include "aiopi/drivers/detail/actions.hpp"
#include "aiopi/drivers/detail/life_guard.hpp"
#include "aiopi/drivers/switch_report.hpp"
#include "aiopi/event.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::drivers {

class Switch {
 public:
  using Config = SwitchConfig;
  using Report = SwitchReport;
  using Observer = InplaceFunction<void(const SwitchReport&)>;

  /// Takes `pin` by reference (it must outlive the Switch) and reads its level. Started at once when
  /// constructed inside a running loop (as the seed); otherwise call start().
  explicit Switch(hal::DigitalInput& pin, const Config& config = Config{});
  Switch(const Switch&) = delete;
  Switch& operator=(const Switch&) = delete;
  /// Safe at any time: the task ends, nothing refers to *this.
  ~Switch();

  /// Starts the debouncing task on `loop` (Loop::get() without an argument). Idempotent; nothing after
  /// deinit().
  void start(Loop& loop);
  void start() { start(Loop::get()); }

  // The actions. func(args...) follows launch() rules; nullptr (the seed's None) sets the bound Event of the
  // same name; no argument (a falsy value in the seed) means no action.
  template <class F, class... Args>
  requires std::invocable < std::decay_t<F>
  &, std::decay_t<Args>&... > void close_func(F&& func, Args&&... args) {
    actions_.set_call(kClose, std::forward<F>(func), std::forward<Args>(args)...);
  }
  void close_func(std::nullptr_t) { actions_.set_event(kClose); }
  void close_func() { actions_.disable(kClose); }

  template <class F, class... Args>
  requires std::invocable < std::decay_t<F>
  &, std::decay_t<Args>&... > void open_func(F&& func, Args&&... args) {
    actions_.set_call(kOpen, std::forward<F>(func), std::forward<Args>(args)...);
  }
  void open_func(std::nullptr_t) { actions_.set_event(kOpen); }
  void open_func() { actions_.disable(kOpen); }

  /// The bound Events (set only for actions registered with nullptr; the application clears them).
  Event close;
  Event open;

  /// The one generic hook (the daemon's): called with every close and open, before its action. Must not
  /// destroy or deinit the Switch. nullptr removes it.
  void set_observer(Observer observer) noexcept { observer_ = std::move(observer); }

  /// The debounced level, as the seed's __call__(): 0 closed, 1 open for a switch to ground (lopen 1).
  bool operator()() const noexcept { return debouncer_.level(); }
  /// The debounced state: true while closed.
  bool closed() const noexcept { return debouncer_.level() != config_.lopen; }

  /// Stops for good: the task ends, no action runs any more. Idempotent; also from an action.
  void deinit() noexcept;

  const Config& config() const noexcept { return config_; }
  /// The last error reading the pin (kind closed once the line was released: the Switch then stops).
  const hal::IoError& error() const noexcept { return debouncer_.error(); }

 private:
  static constexpr std::size_t kClose = 0, kOpen = 1;

  static bool on_level(void* self, bool level, std::int64_t t_us) {
    return static_cast<Switch*>(self)->on_level(level, t_us);
  }
  bool on_level(bool level, std::int64_t t_us);

  Config config_;
  bool stopped_ = false;
  bool started_ = false;
  detail::ActionTable<2> actions_;
  Observer observer_;
  Debouncer debouncer_;
  detail::LifeGuard guard_;  // last: destroyed first
};

}  // namespace aiopi::drivers
