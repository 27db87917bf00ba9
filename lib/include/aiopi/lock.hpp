// Lock: asyncio.Lock. FIFO hand-off: release() passes the lock straight to the longest waiter.
#pragma once

#include <coroutine>
#include <utility>

#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"
#include "aiopi/wait_list.hpp"

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

  /// True while held, including the moment between a hand-off and the new holder resuming (as CPython).
  bool locked() const noexcept { return locked_; }

  /// Releases the lock; the next waiter (FIFO) gets it. Releasing an unlocked lock is a usage error
  /// ("Lock not acquired"). There is no owner check, as in asyncio.
  void release() {
    if (!locked_) usage_error("Lock.release(): Lock not acquired");
    hand_on();
  }

  class AcquireAwaiter : private WaitNode {
   public:
    explicit AcquireAwaiter(Lock& lock) noexcept : lock_(lock) {}
    AcquireAwaiter(const AcquireAwaiter&) = delete;
    ~AcquireAwaiter() {
      // Handed the lock but unwound before resuming: pass it on so it is not lost.
      if (granted_ && !resumed_) lock_.hand_on();
    }
    bool await_ready() noexcept {
      if (lock_.locked_ || !lock_.waiters_.empty()) return false;
      lock_.locked_ = true;
      granted_ = resumed_ = true;
      return true;
    }
    void await_suspend(std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      lock_.waiters_.push_back(*this);
    }

   protected:
    void mark_resumed() noexcept { resumed_ = true; }
    Lock& lock_;

   private:
    friend class Lock;
    bool granted_ = false;
    bool resumed_ = false;
  };

  class BoolAwaiter : public AcquireAwaiter {
   public:
    using AcquireAwaiter::AcquireAwaiter;
    bool await_resume() noexcept {
      mark_resumed();
      return true;
    }
  };
  class GuardAwaiter : public AcquireAwaiter {
   public:
    using AcquireAwaiter::AcquireAwaiter;
    LockGuard await_resume() noexcept {
      mark_resumed();
      return LockGuard(lock_);
    }
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
    next.task->loop().make_ready(*next.task);
  }

  WaitList<> waiters_;
  bool locked_ = false;
};

inline LockGuard::~LockGuard() {
  if (lock_ != nullptr) lock_->release();
}
inline void LockGuard::unlock() {
  if (lock_ != nullptr) std::exchange(lock_, nullptr)->release();
}

}  // namespace aiopi
