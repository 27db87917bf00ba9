// sleep / sleep_ms / sleep_until: suspend the current task. Zero allocation: the timer node is in the frame.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstdint>

#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/time.hpp"

namespace aiopi {

/// Awaiter of sleep / sleep_ms: nothing but a timer node that wakes the task (40 bytes on 64-bit targets).
/// Cancel-safe: a cancelled sleeper's timer is disarmed when its frame unwinds.
class SleepAwaiter : private TimerNode {
 public:
  /// A delay of zero or less yields instead.
  explicit SleepAwaiter(Duration delay) noexcept : TimerNode(Stashing{}, delay.count()) {}
  AIOPI_ALWAYS_INLINE ~SleepAwaiter() {}  // an armed timer's disarm stays out of line (~TimerNode)

  bool await_ready() const noexcept { return false; }
  // Inline only as far as the yield: sleep(0) is the hottest await there is; arming a timer is not.
  AIOPI_ALWAYS_INLINE void await_suspend(std::coroutine_handle<> h) {
    Loop& loop = Loop::running();
    if (stashed() <= 0) {
      // make_ready on the running task: to the back of the ready queue once it has suspended, so every task
      // already ready runs first.
      loop.requeue_current(h);
      return;
    }
    arm_for(loop, loop.suspend_current(h));
  }
  void await_resume() const noexcept {}

 private:
  [[gnu::noinline]] void arm_for(Loop& loop, TaskBase& task) noexcept {
    wake_first(&task);
    loop.arm(*this, loop.deadline_after(Duration(stashed())));
  }
};

/// Awaiter of sleep_until: the same node, armed for an absolute time.
class SleepUntilAwaiter : private TimerNode {
 public:
  explicit SleepUntilAwaiter(TimePoint when) noexcept { stash(when.time_since_epoch().count()); }

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    Loop& loop = Loop::running();
    set_wake_target(&loop.suspend_current(h));
    loop.arm(*this, TimePoint(Duration(stashed())));  // a time already passed fires at the next expiry
  }
  void await_resume() const noexcept {}
};

/// Suspends for at least `d` (never less; more by however long other tasks run before yielding).
/// `sleep(0)` yields: every task already ready runs first (asyncio's fair round-robin).
template <class Rep, class Period>
SleepAwaiter sleep(std::chrono::duration<Rep, Period> d) noexcept {
  return SleepAwaiter(to_duration_ceil(d));
}

/// MicroPython's sleep_ms(ms).
inline SleepAwaiter sleep_ms(std::int64_t ms) noexcept {
  return sleep(std::chrono::milliseconds(ms));
}

/// Suspends until the loop's clock reaches `when`; a time already passed just yields.
inline SleepUntilAwaiter sleep_until(TimePoint when) noexcept {
  return SleepUntilAwaiter(when);
}

/// Awaiter of yield_now(): sleep(0) without a timer node, for the hottest path of all.
class YieldAwaiter {
 public:
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { Loop::running().requeue_current(h); }
  void await_resume() const noexcept {}
};

/// Same as sleep(0): every task already ready runs before this one continues.
inline YieldAwaiter yield_now() noexcept {
  return {};
}

}  // namespace aiopi
