// wait_for / wait_for_ms (asyncio.wait_for): run an awaitable with a time limit; the timeout is a value.
//
//   auto r = co_await aiopi::wait_for(read_sensor(), 200ms);     // a Task: run as a child task
//   auto item = co_await aiopi::wait_for(queue.get(), 10ms);     // any awaitable: run in a child task
//   if (r.timed_out()) ...; else use(*r);
//
// On timeout the victim is cancelled and wait_for returns only after its frame has unwound (its destructors
// ran), as asyncio waits for the victim's cleanup. If the task calling wait_for is cancelled, the victim is
// cancelled too and the caller unwinds after it. Awaiting an existing task that has already been cancelled
// cancels the caller, exactly as `co_await handle` does.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "aiopi/detail/awaitable.hpp"
#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopi/timed.hpp"

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
        scope_(scope),
        owns_result_(true) {}
  /// Waits for an existing task; on timeout that task is cancelled (asyncio). The result is moved out only
  /// when the handle was given away (an rvalue), otherwise copied: other handles still see it.
  WaitForAwaiter(TaskHandle<T> handle, bool owns_result, Duration timeout, TimePoint deadline, Timeout* scope)
      : CompletionWaiter(&on_done),
        CancelForward(&forward),
        TimerNode(&on_timer),
        handle_(std::move(handle)),
        target_(&handle_.base()),
        timeout_(timeout),
        deadline_(deadline),
        scope_(scope),
        owns_result_(owns_result) {}
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
      if (!target_->cancelled()) return false;  // its value or failure is there to take
      // Awaiting a cancelled task cancels the awaiter (as `co_await handle`): it unwinds when next picked.
      loop.propagate_cancel(*caller_);
      return true;
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
    // A cancelled target cancels the caller, which then never resumes here.
    if (target_->outcome_kind() != OutcomeKind::value)
      usage_error("wait_for: the awaited task has no result");
    if constexpr (std::is_void_v<T>) {
      return Timed<T>::completed();
    } else if constexpr (std::is_copy_constructible_v<StoredType<T>>) {
      if (!owns_result_) return Timed<T>::completed(handle_.result());
      return Timed<T>::completed(std::move(handle_.result()));
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
  bool owns_result_;
};

inline Duration non_negative(Duration d) noexcept {
  return d < Duration(0) ? Duration(0) : d;
}

}  // namespace detail

/// Waits for `coro` (run as a child task) at most `timeout`.
template <class T, class Rep, class Period>
detail::WaitForAwaiter<T> wait_for(Task<T> coro, std::chrono::duration<Rep, Period> timeout) {
  return {std::move(coro), detail::non_negative(to_duration_ceil(timeout)), TimePoint{}, nullptr};
}
/// Waits for an existing task at most `timeout`; on timeout the task is cancelled. Its result is copied
/// (other handles keep seeing it); pass the handle as an rvalue to have it moved out.
template <class T, class Rep, class Period>
detail::WaitForAwaiter<T> wait_for(const TaskHandle<T>& task, std::chrono::duration<Rep, Period> timeout) {
  return {task, false, detail::non_negative(to_duration_ceil(timeout)), TimePoint{}, nullptr};
}
template <class T, class Rep, class Period>
detail::WaitForAwaiter<T> wait_for(TaskHandle<T>&& task, std::chrono::duration<Rep, Period> timeout) {
  return {std::move(task), true, detail::non_negative(to_duration_ceil(timeout)), TimePoint{}, nullptr};
}
/// Waits for any other awaitable (an Event's wait(), a Queue's get(), a user's awaiter) at most `timeout`,
/// running it in a child task. An awaitable that cannot be moved is referred to, so await the result in the
/// same expression: `co_await wait_for(queue.get(), 10ms)`.
template <detail::PlainAwaitable A, class Rep, class Period>
auto wait_for(A&& awaitable, std::chrono::duration<Rep, Period> timeout) {
  return wait_for(detail::as_child_task(std::forward<A>(awaitable)), timeout);
}

/// MicroPython's wait_for_ms.
template <class A>
auto wait_for_ms(A&& awaitable, std::int64_t timeout_ms) {
  return wait_for(std::forward<A>(awaitable), std::chrono::milliseconds(timeout_ms));
}

}  // namespace aiopi

#include "aiopi/timeout.hpp"
