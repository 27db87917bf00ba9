// Timeout: asyncio.timeout()-style scope with a deadline that can be moved while the work runs.
//
//   aiopi::Timeout t = aiopi::timeout(5s);
//   auto r = co_await t.run(transfer(t));     // transfer() may call t.reschedule(...) as progress is made
//   if (t.expired()) ...
//
// Without exceptions a scope cannot unwind an arbitrary block, so the scope wraps one awaitable, and its
// expiry is reported as a value (Timed<T>) exactly like wait_for.
#pragma once

#include "aiopi/detail/awaitable.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/wait_for.hpp"

namespace aiopi {

class Timeout {
 public:
  explicit Timeout(TimePoint when) noexcept : when_(when) {}
  Timeout(const Timeout&) = delete;
  Timeout& operator=(const Timeout&) = delete;

  TimePoint when() const noexcept { return when_; }
  /// True once a run() ended because the deadline passed.
  bool expired() const noexcept { return expired_; }

  /// Moves the deadline, also while run() is waiting (an earlier time may expire it at once).
  void reschedule(TimePoint when) noexcept {
    when_ = when;
    if (active_ != nullptr) reschedule_active_(active_, when);
  }

  /// Runs `coro` until it finishes or the deadline passes (then it is cancelled and has unwound).
  template <class T>
  detail::WaitForAwaiter<T> run(Task<T> coro) {
    return {std::move(coro), Duration(-1), when_, this};
  }
  /// The same for any other awaitable, run in a child task (await it in the same expression when it cannot
  /// be moved, as with wait_for).
  template <detail::PlainAwaitable A>
  auto run(A&& awaitable) {
    return run(detail::as_child_task(std::forward<A>(awaitable)));
  }

 private:
  template <class T>
  friend class detail::WaitForAwaiter;
  TimePoint when_;
  void* active_ = nullptr;
  void (*reschedule_active_)(void*, TimePoint) noexcept = nullptr;
  bool expired_ = false;
};

/// A Timeout `delay` from now on the current loop.
inline Timeout timeout(Duration delay) {
  return Timeout(Loop::get().deadline_after(delay));
}
/// A Timeout at an absolute time of the loop's clock.
inline Timeout timeout_at(TimePoint when) noexcept {
  return Timeout(when);
}

namespace detail {
template <class T>
void WaitForAwaiter<T>::attach_scope(Loop&) noexcept {
  if (scope_ == nullptr) return;
  scope_->expired_ = false;
  scope_->active_ = this;
  scope_->reschedule_active_ = [](void* self, TimePoint when) noexcept {
    static_cast<WaitForAwaiter*>(self)->reschedule(when);
  };
}
template <class T>
void WaitForAwaiter<T>::detach_scope() noexcept {
  if (scope_ == nullptr) return;
  if (scope_->active_ == this) scope_->active_ = nullptr;
  scope_->expired_ = timed_out_;
}
template <class T>
WaitForAwaiter<T>::~WaitForAwaiter() {
  detach_scope();
  // Normally the child has finished before the caller resumes or unwinds. The awaiter goes first only when
  // the caller's frame is destroyed from outside (unwind_now by an enclosing group, loop teardown): then the
  // child it started is unwound here, synchronously, because it may refer to the caller's frame. Stop
  // listening first, so its completion does not try to wake the caller being destroyed. (A child never
  // started is destroyed with coro_.)
  CompletionWaiter::unlink();
  if (caller_ != nullptr) caller_->loop().disarm(*this);
  if (started_child_ && !target_->done()) target_->loop().unwind_now(*target_);
  if (caller_ != nullptr && caller_->loop().forward_of(*caller_) == this)
    caller_->loop().set_forward(*caller_, nullptr);
}
}  // namespace detail

}  // namespace aiopi
