// Actions: what a seed-style driver does on each of its events, as set by the seed's `xxx_func(func, args)`:
// nothing (func=False), set the driver's bound Event (func=None), or launch a callable with its arguments by
// launch() rules (a callable returning a Task starts a task). Stored inline: setting one never allocates.
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include "aiopi/drivers/detail/life_guard.hpp"
#include "aiopi/event.hpp"
#include "aiopi/launch.hpp"
#include "aiopi/loop.hpp"

#if AIOPI_HAS_EXCEPTIONS
#include <exception>
#endif

namespace aiopi::drivers::detail {

enum class ActionMode : unsigned char { none, event, call };

template <std::size_t N>
class ActionTable {
 public:
  ActionTable() noexcept = default;
  ActionTable(const ActionTable&) = delete;
  ActionTable& operator=(const ActionTable&) = delete;

  ActionMode mode(std::size_t i) const noexcept { return slots_[i].mode; }

  template <class F, class... Args>
  void set_call(std::size_t i, F&& func, Args&&... args) {
    assign(i, ActionMode::call,
           aiopi::detail::make_launcher(std::forward<F>(func), std::forward<Args>(args)...));
  }
  void set_event(std::size_t i) { assign(i, ActionMode::event, nullptr); }
  void disable(std::size_t i) { assign(i, ActionMode::none, nullptr); }

  /// Performs action `i`: sets `event`, or launches the callable (a callable that throws is reported to the
  /// loop's exception handler). The callable may replace any action, its own included (the replacement takes
  /// effect when it returns), deinit or even destroy the driver. `scope` is the caller's LifeGuard scope of
  /// the driver: returns false when the driver is gone (then touch nothing of it), true otherwise.
  bool perform(std::size_t i, Event& event, const LifeGuard::Scope& scope) {
    Slot& s = slots_[i];
    if (s.mode == ActionMode::event) {
      event.set();
      return true;
    }
    if (s.mode != ActionMode::call) return true;
    running_ = i;
    CallResult result;
#if AIOPI_HAS_EXCEPTIONS
    try {
      s.fn(result);
    } catch (...) {
      Loop::get().call_exception_handler(
          {"exception in a driver callback", nullptr, std::current_exception()});
    }
#else
    s.fn(result);
#endif
    if (scope.gone()) return false;
    // Apply a replacement made from inside the callable.
    running_ = kNone;
    if (deferred_pending_) {
      deferred_pending_ = false;
      s.mode = deferred_mode_;
      s.fn = std::move(deferred_);
    }
    return true;
  }

 private:
  static constexpr std::size_t kNone = N;
  struct Slot {
    ActionMode mode = ActionMode::none;
    aiopi::detail::Launcher fn;
  };

  void assign(std::size_t i, ActionMode mode, aiopi::detail::Launcher fn) {
    if (i == running_) {
      // The callable replacing itself: it is still running, so keep it until it returns.
      deferred_mode_ = mode;
      deferred_ = std::move(fn);
      deferred_pending_ = true;
      return;
    }
    slots_[i].mode = mode;
    slots_[i].fn = std::move(fn);
  }

  std::array<Slot, N> slots_{};
  aiopi::detail::Launcher deferred_;
  std::size_t running_ = kNone;
  ActionMode deferred_mode_ = ActionMode::none;
  bool deferred_pending_ = false;
};

}  // namespace aiopi::drivers::detail
