// Condition: asyncio.Condition on top of a Lock (its own, or one passed in). For tasks of one loop.
//
//   aiopi::Condition cond;
//   // consumer                                       // producer
//   auto g = co_await cond;                            auto g = co_await cond;
//   co_await cond.wait_for([&] { return ready; });     ready = true;
//   ...                                                cond.notify();
//
// notify() wakes waiters in the order they started waiting (FIFO, as CPython; micropython-async wakes the
// most recent first). A woken waiter re-acquires the lock, queueing behind earlier lock waiters, before
// wait() returns.
//
// Cancelling a task inside wait() / wait_for() is deferred until it holds the lock again, exactly as CPython
// re-acquires the lock before letting CancelledError out: the task unwinds holding the lock, so the guard in
// its frame releases it once, and the lock is never released twice nor left held by a dead task. A
// notification that had already been delivered to the cancelled waiter is passed to the next waiter, so none
// is lost.
#pragma once

#include <climits>
#include <coroutine>
#include <type_traits>
#include <utility>

#include "aiopi/detail/wait_list.hpp"
#include "aiopi/lock.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_base.hpp"

namespace aiopi {

namespace detail {
/// Suspends the running task and unwinds it (cancellation that was held back until now).
struct CancelSelf {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    Loop& loop = Loop::running();
    loop.propagate_cancel(loop.suspend_current(h));
  }
  void await_resume() const noexcept {}
};
}  // namespace detail

class Condition {
 public:
  /// Uses a Lock of its own.
  Condition() noexcept : lock_(&own_lock_) {}
  /// Uses `lock` (several Conditions may share one). The Lock must outlive the Condition.
  explicit Condition(Lock& lock) noexcept : lock_(&lock) {}
  Condition(const Condition&) = delete;
  Condition& operator=(const Condition&) = delete;
  ~Condition() {
    // Tasks still waiting (cancelled or destroyed later) must not reach back into this object.
    for (WaitNode& n : waiters_) {
      auto& w = static_cast<Waiter&>(n);
      w.cond_ = nullptr;
      if (w.lock_ == &own_lock_) w.lock_ = nullptr;
    }
  }

  Lock& lock() noexcept { return *lock_; }
  bool locked() const noexcept { return lock_->locked(); }
  /// `co_await cond.acquire()` → true; pair with release().
  Lock::BoolAwaiter acquire() noexcept { return lock_->acquire(); }
  void release() { lock_->release(); }
  /// `auto guard = co_await cond;` → a LockGuard (Python's `async with cond:`).
  Lock::GuardAwaiter operator co_await() noexcept { return lock_->operator co_await(); }

  /// Releases the lock, waits for a notify, re-acquires the lock and returns true. The lock must be held (a
  /// usage error otherwise). Cancel-safe as described at the top of this header. A sub-coroutine: its frame
  /// comes from the frame allocator (recycled, no malloc in steady state); the waiting itself allocates
  /// nothing.
  Task<bool> wait() {
    if (!lock_->locked()) usage_error("Condition.wait(): lock not acquired");
    return wait_impl();
  }

  /// Waits until `pred()` is truthy, checking it with the lock held: first at once, then after every notify.
  /// Returns pred's last value. Same preconditions and cancel-safety as wait().
  template <class Pred>
  Task<std::decay_t<std::invoke_result_t<Pred&>>> wait_for(Pred pred) {
    if (!lock_->locked()) usage_error("Condition.wait_for(): lock not acquired");
    return wait_for_impl(std::move(pred));
  }

  /// Wakes up to `n` waiters, longest-waiting first. The lock must be held (a usage error otherwise).
  void notify(int n = 1) {
    if (!lock_->locked()) usage_error("Condition.notify(): lock not acquired");
    wake(n);
  }
  void notify_all() { notify(INT_MAX); }

 private:
  /// One wait: queued on the Condition until notified, then (in the same frame) on the Lock until
  /// re-acquired. Installed as the task's cancel forward for the whole wait, so a cancel() only marks it.
  class Waiter : private WaitNode, private CancelForward {
   public:
    explicit Waiter(Condition& c) noexcept : CancelForward(&Waiter::forward), cond_(&c), lock_(c.lock_) {}
    Waiter(const Waiter&) = delete;
    Waiter& operator=(const Waiter&) = delete;
    ~Waiter() {
      if (task != nullptr && task->loop().forward_of(*task) == static_cast<CancelForward*>(this)) {
        task->loop().set_forward(*task, nullptr);
      }
      // Reached without the lock only when the frame is destroyed outright (loop teardown, or an enclosing
      // group unwinding its child synchronously): the caller's guard will release the lock as the unwinding
      // goes on, so take it back if free, or have that release ignored if another task holds it now.
      if (!holds_ && lock_ != nullptr && task != nullptr) lock_->forfeit(*task);
    }

    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      Loop& loop = Loop::running();
      task = &loop.suspend_current(h);
      lock_->release();  // may hand the lock to the next lock waiter
      holds_ = false;
      cond_->waiters_.push_back(*this);
      loop.set_forward(*task, this);
    }
    void await_resume() const noexcept {}

    Lock& lock() noexcept { return *lock_; }
    /// Called with the lock held again: ends the wait and reports whether a cancel() arrived meanwhile.
    bool reacquired() noexcept {
      holds_ = true;
      Loop& loop = task->loop();
      if (loop.forward_of(*task) == static_cast<CancelForward*>(this)) loop.set_forward(*task, nullptr);
      return cancelled_;
    }

   private:
    friend class Condition;
    static bool forward(CancelForward& f) noexcept {
      auto& w = static_cast<Waiter&>(f);
      Loop& loop = w.task->loop();
      if (w.cond_ == nullptr) {
        // The Condition is gone: there is nothing left to wait for, unwind at once.
        loop.set_forward(*w.task, nullptr);
        return loop.cancel(*w.task);
      }
      if (!w.cancelled_) {
        w.cancelled_ = true;
        if (w.linked()) {
          w.unlink();  // still waiting for a notify: stop, and go re-acquire the lock
          loop.make_ready(*w.task);
        } else if (w.notified_) {
          w.cond_->wake(1);  // its notification would be lost: the next waiter gets it
        }
      }
      return true;
    }

    Condition* cond_;
    Lock* lock_;
    bool holds_ = true;
    bool notified_ = false;
    bool cancelled_ = false;
  };

  Task<bool> wait_impl() {
    Waiter w(*this);
    co_await w;
    co_await w.lock().acquire();
    if (w.reacquired()) co_await detail::CancelSelf{};
    co_return true;
  }

  template <class Pred>
  Task<std::decay_t<std::invoke_result_t<Pred&>>> wait_for_impl(Pred pred) {
    auto result = pred();
    while (!static_cast<bool>(result)) {
      Waiter w(*this);
      co_await w;
      co_await w.lock().acquire();
      if (w.reacquired()) co_await detail::CancelSelf{};
      result = pred();
    }
    co_return result;
  }

  void wake(int n) noexcept {
    while (n-- > 0 && !waiters_.empty()) {
      auto& w = static_cast<Waiter&>(waiters_.pop_front());
      w.notified_ = true;
      w.task->loop().make_ready(*w.task);
    }
  }

  Lock own_lock_;
  Lock* lock_;
  WaitList<> waiters_;
};

}  // namespace aiopi
