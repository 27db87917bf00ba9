// Semaphore and BoundedSemaphore: asyncio's, with Lock's FIFO hand-off. For tasks of one loop.
//
//   aiopi::Semaphore sem(3);
//   { auto permit = co_await sem; ... }        // released when `permit` goes out of scope (also on cancel)
//   co_await sem.acquire(); ...; sem.release(); // by hand
//
// release() hands the permit straight to the longest-waiting task, so a task arriving later cannot take it
// first.
#pragma once

#include <coroutine>
#include <utility>

#include "aiopi/detail/wait_list.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"

namespace aiopi {

class Semaphore;

/// Holds one permit of a Semaphore and releases it when destroyed (also when the holding task is cancelled).
class [[nodiscard]] SemaphoreGuard {
 public:
  explicit SemaphoreGuard(Semaphore& sem) noexcept : sem_(&sem) {}
  SemaphoreGuard(SemaphoreGuard&& o) noexcept : sem_(std::exchange(o.sem_, nullptr)) {}
  SemaphoreGuard& operator=(SemaphoreGuard&&) = delete;
  SemaphoreGuard(const SemaphoreGuard&) = delete;
  ~SemaphoreGuard();
  /// Releases early.
  void release();

 private:
  Semaphore* sem_;
};

class Semaphore {
 public:
  /// `value` permits; a negative value is a usage error (asyncio's ValueError).
  explicit Semaphore(int value = 1) : Semaphore(value, -1) {}
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;
  ~Semaphore() {
    // Tasks still waiting (cancelled or destroyed later) must not reach back into this object.
    for (WaitNode& n : waiters_)
      static_cast<AcquireAwaiter&>(n).sem_ = nullptr;
    for (WaitNode& n : granted_)
      static_cast<AcquireAwaiter&>(n).sem_ = nullptr;
  }

  /// Permits available now (0 while tasks wait, since every released permit goes straight to a waiter).
  int value() const noexcept { return value_; }
  /// True when acquire() would wait (asyncio): no permit left, or tasks already waiting.
  bool locked() const noexcept { return value_ == 0 || !waiters_.empty(); }

  /// Returns a permit; the longest waiter (FIFO) gets it. Any task may release. For a BoundedSemaphore,
  /// releasing more often than acquiring is a usage error (asyncio's ValueError).
  void release() {
    if (bound_ >= 0 && value_ >= bound_) usage_error("BoundedSemaphore.release(): released too many times");
    hand_on();
  }

  class AcquireAwaiter : private WaitNode {
   public:
    explicit AcquireAwaiter(Semaphore& sem) noexcept : sem_(&sem) {}
    AcquireAwaiter(const AcquireAwaiter&) = delete;
    AcquireAwaiter& operator=(const AcquireAwaiter&) = delete;
    ~AcquireAwaiter() {
      // Handed a permit but unwound before resuming: pass it on so it is not lost.
      if (granted_ && !resumed_ && sem_ != nullptr) {
        unlink();
        sem_->hand_on();
      }
    }
    bool await_ready() noexcept {
      if (sem_->value_ == 0 || !sem_->waiters_.empty()) return false;
      --sem_->value_;
      granted_ = resumed_ = true;
      return true;
    }
    void await_suspend(std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      sem_->waiters_.push_back(*this);
    }

   protected:
    void mark_resumed() {
      if (sem_ == nullptr) usage_error("Semaphore: destroyed while a woken task had not run yet");
      if (!resumed_) unlink();  // leave the granted list
      resumed_ = true;
    }
    Semaphore* sem_;

   private:
    friend class Semaphore;
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
    SemaphoreGuard await_resume() {
      mark_resumed();
      return SemaphoreGuard(*sem_);
    }
  };

  /// `co_await sem.acquire()` → true once a permit is held; pair it with release(). Cancel-safe: a cancelled
  /// waiter leaves the queue, and a permit handed to it before it ran passes to the next waiter.
  BoolAwaiter acquire() noexcept { return BoolAwaiter(*this); }
  /// `auto permit = co_await sem;` → a SemaphoreGuard that releases on scope exit. Same cancel-safety.
  GuardAwaiter operator co_await() noexcept { return GuardAwaiter(*this); }

 protected:
  /// `bound` < 0: unbounded.
  Semaphore(int value, int bound) : value_(value), bound_(bound) {
    if (value < 0) usage_error("Semaphore: initial value must be >= 0");
  }

 private:
  void hand_on() noexcept {
    if (waiters_.empty()) {
      ++value_;
      return;
    }
    auto& next = static_cast<AcquireAwaiter&>(waiters_.pop_front());
    next.granted_ = true;  // the permit moves now: value_ stays as it is
    granted_.push_back(next);
    next.task->loop().make_ready(*next.task);
  }

  int value_;
  int bound_;
  WaitList<> waiters_;  // suspended, FIFO
  WaitList<> granted_;  // handed a permit, not yet resumed
};

/// A Semaphore that refuses to be released above its initial value.
class BoundedSemaphore : public Semaphore {
 public:
  explicit BoundedSemaphore(int value = 1) : Semaphore(value, value) {}
};

inline SemaphoreGuard::~SemaphoreGuard() {
  if (sem_ != nullptr) sem_->release();
}
inline void SemaphoreGuard::release() {
  if (sem_ != nullptr) std::exchange(sem_, nullptr)->release();
}

}  // namespace aiopi
