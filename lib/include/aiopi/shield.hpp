// shield (asyncio.shield): await something that the awaiting task's cancellation must not interrupt.
//
//   co_await aiopi::shield(write_config(file));   // a cancel() of this task waits until the write is done
//
// In asyncio the shielded work goes on in the background while the awaiter is cancelled at once. In C++ the
// work may refer to the awaiter's frame, so a child that shield started never outlives it: a cancel() of
// the awaiting task is accepted (returns true) but held back until the shielded child has finished; then the
// awaiting task unwinds and the child's result is dropped. A TaskHandle passed in was started elsewhere: it
// is left running and the awaiting task is cancelled at once, as in asyncio.
//
// If the shielded work itself fails or is cancelled, that reaches the awaiting task as with `co_await`.
#pragma once

#include <coroutine>
#include <type_traits>
#include <utility>

#include "aiopi/detail/awaitable.hpp"
#include "aiopi/gather.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi {
namespace detail {

template <class T>
class ShieldAwaiter : public CompletionWaiter, public CancelForward {
 public:
  explicit ShieldAwaiter(GatherChild<T> child) noexcept
      : CompletionWaiter(&on_done), CancelForward(&forward), child_(std::move(child)) {}
  ShieldAwaiter(const ShieldAwaiter&) = delete;
  ~ShieldAwaiter() {
    CompletionWaiter::unlink();
    // Only when the caller's frame is destroyed from outside: what shield started ends with it.
    TaskBase& t = child_.handle.base();
    if (child_.started && !t.done()) t.loop().unwind_now(t);
    if (caller_ != nullptr && caller_->loop().forward_of(*caller_) == this)
      caller_->loop().set_forward(*caller_, nullptr);
  }

  bool await_ready() const noexcept {
    const TaskBase& t = child_.handle.base();
    return t.done() && !t.cancelled();
  }
  void await_suspend(std::coroutine_handle<> h) {
    Loop& loop = Loop::running();
    caller_ = &loop.suspend_current(h);
    TaskBase& t = child_.handle.base();
    if (t.done()) {  // cancelled already: as `co_await handle`
      loop.propagate_cancel(*caller_);
      return;
    }
    t.add_completion_waiter(*this);
    loop.set_forward(*caller_, this);
  }
  T await_resume() {
    TaskBase& t = child_.handle.base();
#if AIOPI_HAS_EXCEPTIONS
    if (t.failed()) std::rethrow_exception(t.exception());
#endif
    if (t.outcome_kind() != OutcomeKind::value) usage_error("shield: the shielded task has no result");
    if constexpr (!std::is_void_v<T>) return T(take_result(child_));
  }

 private:
  static void on_done(CompletionWaiter& w, TaskBase& finished) noexcept {
    auto& self = static_cast<ShieldAwaiter&>(w);
    Loop& loop = self.caller_->loop();
    loop.set_forward(*self.caller_, nullptr);
    if (self.caller_cancelled_ || finished.cancelled()) {
      loop.propagate_cancel(*self.caller_);
    } else {
      loop.make_ready(*self.caller_);
    }
  }
  static bool forward(CancelForward& f) noexcept {
    auto& self = static_cast<ShieldAwaiter&>(f);
    self.caller_cancelled_ = true;
    if (!self.child_.started) {
      // Not ours to wait for: leave it running and let the caller go now.
      self.CompletionWaiter::unlink();
      Loop& loop = self.caller_->loop();
      loop.set_forward(*self.caller_, nullptr);
      loop.propagate_cancel(*self.caller_);
    }
    return true;
  }

  GatherChild<T> child_;
  TaskBase* caller_ = nullptr;
  bool caller_cancelled_ = false;
};

}  // namespace detail

/// Awaits `awaitable` (a Task, a TaskHandle or any awaitable) shielded from the awaiting task's
/// cancellation (see the top of this header).
template <detail::Gatherable A>
auto shield(A&& awaitable) {
  auto child = detail::as_child(std::forward<A>(awaitable));
  using T = typename detail::child_type<decltype(child)>::type;
  return detail::ShieldAwaiter<T>(std::move(child));
}

}  // namespace aiopi
