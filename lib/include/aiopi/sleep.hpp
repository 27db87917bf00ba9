// sleep / sleep_ms / sleep_until: suspend the current task. Zero allocation: the timer node is in the frame.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstdint>

#include "aiopi/loop.hpp"
#include "aiopi/time.hpp"
#include "aiopi/timer_queue.hpp"

namespace aiopi {

/// Awaiter of all sleeps. Cancel-safe: a cancelled sleeper's timer is disarmed when its frame unwinds.
class SleepAwaiter : private TimerNode {
 public:
  enum class Mode : std::uint8_t { yield, relative, absolute };
  SleepAwaiter(Mode mode, Duration delay, TimePoint when) noexcept
      : TimerNode(&SleepAwaiter::fire),
        time_us_(mode == Mode::absolute ? when.time_since_epoch().count() : delay.count()),
        mode_(mode) {}

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    Loop& loop = Loop::running();
    task_ = &loop.suspend_current(h);
    if (mode_ == Mode::yield) {
      loop.make_ready(*task_);  // to the back of the ready queue: every task already ready runs first
      return;
    }
    const TimePoint deadline =
        mode_ == Mode::relative ? loop.deadline_after(Duration(time_us_)) : TimePoint(Duration(time_us_));
    loop.arm(*this, deadline);
  }
  void await_resume() const noexcept {}

 private:
  static void fire(TimerNode& node) noexcept {
    auto& self = static_cast<SleepAwaiter&>(node);
    self.task_->loop().make_ready(*self.task_);
  }

  TaskBase* task_ = nullptr;
  std::int64_t time_us_;  // the delay (relative) or the deadline (absolute): one word, it is in every sleeper
  Mode mode_;
};

/// Suspends for at least `d` (never less; more by however long other tasks run before yielding).
/// `sleep(0)` yields: every task already ready runs first (asyncio's fair round-robin).
template <class Rep, class Period>
SleepAwaiter sleep(std::chrono::duration<Rep, Period> d) noexcept {
  const Duration us = to_duration_ceil(d);
  return us.count() <= 0 ? SleepAwaiter(SleepAwaiter::Mode::yield, Duration(0), TimePoint{})
                         : SleepAwaiter(SleepAwaiter::Mode::relative, us, TimePoint{});
}

/// MicroPython's sleep_ms(ms).
inline SleepAwaiter sleep_ms(std::int64_t ms) noexcept {
  return sleep(std::chrono::milliseconds(ms));
}

/// Suspends until the loop's clock reaches `when`; a time already passed just yields.
inline SleepAwaiter sleep_until(TimePoint when) noexcept {
  return SleepAwaiter(SleepAwaiter::Mode::absolute, Duration(0), when);
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
