// Lock: asyncio.Lock. FIFO hand-off: release() passes the lock straight to the longest waiter.
#pragma once

#include <coroutine>
#include <utility>

#include "aiopi/detail/wait_list.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"

namespace aiopi {

class Lock;

/// Holds a Lock and releases it when destroyed (also when the holding task is cancelled).
class [[nodiscard]] LockGuard {
 public:
  explicit LockGuard(Lock& lock) noexcept : lock_(&lock) {}
  LockGuard(LockGuard&& o) noexcept : lock_(std::exchange(o.lock_, nullptr)) {}
  LockGuard& operator=(LockGuard&&) = delete;
  ~LockGuard();
  /// Releases early.
  void unlock();

 private:
  Lock* lock_;
};

class Lock {
 public:
  Lock() noexcept = default;
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  ~Lock() {
    // Tasks still waiting (cancelled or destroyed later), and one handed the lock that has not run yet, must
    // not reach back into this object.
    for (WaitNode& n : waiters_)
      static_cast<AcquireAwaiter&>(n).lock_ = nullptr;
    if (granted_ != nullptr) granted_->lock_ = nullptr;
  }

  /// True while held, including the moment between a hand-off and the new holder resuming (as CPython).
  bool locked() const noexcept { return locked_; }

  /// Releases the lock; the next waiter (FIFO) gets it. Releasing an unlocked lock is a usage error
  /// ("Lock not acquired"). There is no owner check, as in asyncio.
  void release() {
    if (forfeited_ != nullptr && forfeited_is_unwinding()) {
      forfeited_ = nullptr;  // see forfeit(): this task's guard releases a lock it no longer holds
      return;
    }
    if (!locked_) usage_error("Lock.release(): Lock not acquired");
    hand_on();
  }

  /// For an awaiter that is destroyed (its task unwound outright) while it should hold this lock but does
  /// not — a Condition wait torn down before it re-acquired: the lock is taken if free; otherwise the next
  /// release() made while `task` unwinds (its guard's) is ignored, instead of releasing another holder's
  /// lock.
  void forfeit(TaskBase& task) noexcept {
    if (!locked_) {
      locked_ = true;
      return;
    }
    forfeited_ = &task;
  }

  class AcquireAwaiter : private WaitNode {
   public:
    explicit AcquireAwaiter(Lock& lock) noexcept : lock_(&lock) {}
    AcquireAwaiter(const AcquireAwaiter&) = delete;
    ~AcquireAwaiter() {
      // Handed the lock but unwound before resuming: pass it on so it is not lost.
      if (granted_ && !resumed_ && lock_ != nullptr) {
        lock_->granted_ = nullptr;
        lock_->hand_on();
      }
    }
    bool await_ready() noexcept {
      if (lock_->locked_ || !lock_->waiters_.empty()) return false;
      lock_->locked_ = true;
      granted_ = resumed_ = true;
      return true;
    }
    void await_suspend(std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      lock_->waiters_.push_back(*this);
    }

   protected:
    Lock& mark_resumed() {
      if (lock_ == nullptr) usage_error("Lock: destroyed while a woken task had not run yet");
      if (lock_->granted_ == this) lock_->granted_ = nullptr;
      resumed_ = true;
      return *lock_;
    }
    Lock* lock_;

   private:
    friend class Lock;
    bool granted_ = false;
    bool resumed_ = false;
  };

  class BoolAwaiter : public AcquireAwaiter {
   public:
    using AcquireAwaiter::AcquireAwaiter;
    bool await_resume() {
      mark_resumed();
      return true;
    }
  };
  class GuardAwaiter : public AcquireAwaiter {
   public:
    using AcquireAwaiter::AcquireAwaiter;
    LockGuard await_resume() { return LockGuard(mark_resumed()); }
  };

  /// `co_await lock.acquire()` → true; pair it with release().
  BoolAwaiter acquire() noexcept { return BoolAwaiter(*this); }
  /// `auto guard = co_await lock;` → a LockGuard that releases on scope exit.
  GuardAwaiter operator co_await() noexcept { return GuardAwaiter(*this); }

 private:
  void hand_on() noexcept {
    if (waiters_.empty()) {
      locked_ = false;
      return;
    }
    auto& next = static_cast<AcquireAwaiter&>(waiters_.pop_front());
    next.granted_ = true;  // ownership moves now; the lock stays locked
    granted_ = &next;
    next.task->loop().make_ready(*next.task);
  }
  bool forfeited_is_unwinding() const noexcept {
    Loop* loop = Loop::current();
    return loop != nullptr && loop->current_task() == forfeited_;
  }

  WaitList<> waiters_;
  AcquireAwaiter* granted_ = nullptr;  // handed the lock, not yet resumed
  TaskBase* forfeited_ = nullptr;
  bool locked_ = false;
};

inline LockGuard::~LockGuard() {
  if (lock_ != nullptr) lock_->release();
}
inline void LockGuard::unlock() {
  if (lock_ != nullptr) std::exchange(lock_, nullptr)->release();
}

}  // namespace aiopi
