// wait_for / wait_for_ms (asyncio.wait_for): run an awaitable with a time limit; the timeout is a value.
//
//   auto r = co_await aiopi::wait_for(read_sensor(), 200ms);
//   if (r.timed_out()) ...; else use(*r);
//
// On timeout the victim is cancelled and wait_for returns only after its frame has unwound (its destructors
// ran), as asyncio waits for the victim's cleanup. If the task calling wait_for is cancelled, the victim is
// cancelled too and the caller unwinds after it.
#pragma once

#include <coroutine>
#include <cstdint>
#include <utility>

#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopi/timed.hpp"
#include "aiopi/timer_queue.hpp"

namespace aiopi {

class Timeout;

namespace detail {

/// Races a task (a child it starts, or an existing one) against a timer node in the caller's frame.
template <class T>
class WaitForAwaiter : public CompletionWaiter, public CancelForward, private TimerNode {
 public:
  /// Runs `coro` as a child task (its control block is already in its frame: no extra allocation).
  WaitForAwaiter(Task<T>&& coro, Duration timeout, TimePoint deadline, Timeout* scope)
      : CompletionWaiter(&on_done),
        CancelForward(&forward),
        TimerNode(&on_timer),
        coro_(std::move(coro)),
        timeout_(timeout),
        deadline_(deadline),
        scope_(scope) {}
  /// Waits for an existing task; on timeout that task is cancelled (asyncio).
  WaitForAwaiter(const TaskHandle<T>& handle, Duration timeout, TimePoint deadline, Timeout* scope)
      : CompletionWaiter(&on_done),
        CancelForward(&forward),
        TimerNode(&on_timer),
        handle_(handle),
        target_(&handle.base()),
        timeout_(timeout),
        deadline_(deadline),
        scope_(scope) {}
  WaitForAwaiter(const WaitForAwaiter&) = delete;
  ~WaitForAwaiter();

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) {
    Loop& loop = Loop::running();
    caller_ = &loop.suspend_current(h);
    if (coro_.valid()) {
      handle_ = loop.create_task(std::move(coro_), "wait_for");
      target_ = &handle_.base();
      started_child_ = true;
    } else if (target_->done()) {
      return false;  // nothing to wait for
    }
    target_->add_completion_waiter(*this);
    loop.set_forward(*caller_, this);
    loop.arm(*this, timeout_.count() >= 0 ? loop.deadline_after(timeout_) : deadline_);
    attach_scope(loop);
    return true;
  }

  Timed<T> await_resume() {
    detach_scope();
    if (timed_out_) return Timed<T>::timeout();
#if AIOPI_HAS_EXCEPTIONS
    if (target_->failed()) std::rethrow_exception(target_->exception());
#endif
    if (target_->cancelled()) {
      // Only reachable when the awaited task was already cancelled before the wait began.
      Loop::running().propagate_cancel(*caller_);
      return Timed<T>::timeout();
    }
    if constexpr (std::is_void_v<T>) {
      return Timed<T>::completed();
    } else {
      return Timed<T>::completed(std::move(handle_.result()));
    }
  }

  /// Moves the deadline while the wait is under way (Timeout::reschedule).
  void reschedule(TimePoint deadline) noexcept {
    if (caller_ != nullptr && armed()) caller_->loop().arm(*this, deadline);
  }

 private:
  void attach_scope(Loop& loop) noexcept;
  void detach_scope() noexcept;

  static void on_timer(TimerNode& node) noexcept {
    auto& self = static_cast<WaitForAwaiter&>(node);
    self.timed_out_ = true;
    self.caller_->loop().cancel(*self.target_);
  }
  static void on_done(CompletionWaiter& w, TaskBase& finished) noexcept {
    auto& self = static_cast<WaitForAwaiter&>(w);
    Loop& loop = self.caller_->loop();
    loop.disarm(self);
    loop.set_forward(*self.caller_, nullptr);
    if (self.caller_cancelled_ || (finished.cancelled() && !self.timed_out_)) {
      loop.propagate_cancel(*self.caller_);
    } else {
      loop.make_ready(*self.caller_);
    }
  }
  static bool forward(CancelForward& f) noexcept {
    auto& self = static_cast<WaitForAwaiter&>(f);
    const bool cancelled = self.caller_->loop().cancel(*self.target_);
    if (cancelled) self.caller_cancelled_ = true;
    return cancelled;
  }

  Task<T> coro_;  // the child, until it starts
  TaskHandle<T> handle_;
  TaskBase* target_ = nullptr;
  TaskBase* caller_ = nullptr;
  Duration timeout_;  // negative: use deadline_
  TimePoint deadline_;
  Timeout* scope_;
  bool timed_out_ = false;
  bool caller_cancelled_ = false;
  bool started_child_ = false;
};

}  // namespace detail

/// Waits for `coro` (run as a child task) at most `timeout`.
template <class T, class Rep, class Period>
detail::WaitForAwaiter<T> wait_for(Task<T> coro, std::chrono::duration<Rep, Period> timeout) {
  return {std::move(coro), to_duration_ceil(timeout) < Duration(0) ? Duration(0) : to_duration_ceil(timeout),
          TimePoint{}, nullptr};
}
/// Waits for an existing task at most `timeout`; on timeout the task is cancelled.
template <class T, class Rep, class Period>
detail::WaitForAwaiter<T> wait_for(const TaskHandle<T>& task, std::chrono::duration<Rep, Period> timeout) {
  return {task, to_duration_ceil(timeout) < Duration(0) ? Duration(0) : to_duration_ceil(timeout),
          TimePoint{}, nullptr};
}
/// MicroPython's wait_for_ms.
template <class T>
detail::WaitForAwaiter<T> wait_for_ms(Task<T> coro, std::int64_t timeout_ms) {
  return wait_for(std::move(coro), std::chrono::milliseconds(timeout_ms));
}
template <class T>
detail::WaitForAwaiter<T> wait_for_ms(const TaskHandle<T>& task, std::int64_t timeout_ms) {
  return wait_for(task, std::chrono::milliseconds(timeout_ms));
}

}  // namespace aiopi

#include "aiopi/timeout.hpp"
