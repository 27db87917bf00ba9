// sleep_until_wall: wait for a wall-clock (UTC) instant, waking early if the wall clock is stepped.
//
// The loop's own clock is monotonic; calendar schedules need UTC. This awaitable converts the wall-clock
// target into a monotonic deadline and also listens for clock steps (on Linux a CLOCK_REALTIME timerfd with
// TFD_TIMER_CANCEL_ON_SET reports every step; the simulated board reports set_wall_clock()). After a step the
// waiter wakes at once so the caller recomputes — an NTP correction at boot does not make a schedule fire
// hours late. The result says why it woke; the wall clock may still be short of the target after a backwards
// step, so callers loop until wall_now_us() >= target.
#pragma once

#include <coroutine>
#include <cstdint>

#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/loop.hpp"

namespace aiopi {

struct WallWake {
  bool clock_changed = false;  // woken by a step of the wall clock, not by the deadline
};

class WallSleepAwaiter : private TimerNode, private WallSleeperHook {
 public:
  explicit WallSleepAwaiter(std::int64_t target_utc_us) noexcept
      : TimerNode(&WallSleepAwaiter::on_timer),
        WallSleeperHook(&WallSleepAwaiter::on_change),
        target_(target_utc_us) {}
  WallSleepAwaiter(const WallSleepAwaiter&) = delete;

  bool await_ready() noexcept {
    Loop& loop = Loop::running();
    return loop.wall_now_us() >= target_;
  }
  void await_suspend(std::coroutine_handle<> h) {
    Loop& loop = Loop::running();
    task_ = &loop.suspend_current(h);
    const std::int64_t remaining = target_ - loop.wall_now_us();
    loop.arm(*this, loop.deadline_after(Duration(remaining)));
    loop.wall_sleepers().push_back(*this);
  }
  WallWake await_resume() noexcept {
    WallSleeperHook::unlink();
    return {changed_};
  }

 private:
  static void on_timer(TimerNode& node) noexcept {
    auto& self = static_cast<WallSleepAwaiter&>(node);
    self.WallSleeperHook::unlink();
    self.task_->loop().make_ready(*self.task_);
  }
  static void on_change(WallSleeperHook& hook) noexcept {
    auto& self = static_cast<WallSleepAwaiter&>(hook);
    self.changed_ = true;
    Loop& loop = self.task_->loop();
    loop.disarm(self);
    loop.make_ready(*self.task_);
  }

  TaskBase* task_ = nullptr;
  std::int64_t target_;
  bool changed_ = false;
};

/// Waits until the wall clock reads `target_utc_us` (µs since the Unix epoch) or is stepped. Cancel-safe: the
/// timer is disarmed and the sleeper leaves the loop's list when the frame unwinds.
inline WallSleepAwaiter sleep_until_wall(std::int64_t target_utc_us) noexcept {
  return WallSleepAwaiter(target_utc_us);
}

}  // namespace aiopi
