// ThreadSafeFlag: MicroPython's flag that another thread (or, on the MCU, an ISR) sets and one task awaits.
#pragma once

#include <atomic>
#include <coroutine>

#include "aiopi/detail/foreign_wake.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"

namespace aiopi {

/// set() is safe from any thread and from ISRs; everything else belongs to the loop's thread. The flag clears
/// itself when a wait() returns (only then: a waiter cancelled after being woken leaves it set). Only one
/// task may wait at a time (a second waiter is a usage error). Several set() calls before the waiter runs
/// release it once.
class ThreadSafeFlag {
 public:
  /// Binds to the loop of its first waiter; a set() before that is kept in the flag.
  ThreadSafeFlag() noexcept = default;
  ThreadSafeFlag(const ThreadSafeFlag&) = delete;
  ThreadSafeFlag& operator=(const ThreadSafeFlag&) = delete;
  ~ThreadSafeFlag() {
    // A post may still sit in the loop's inbox; run it now so the inbox never points at a dead node.
    if (Loop* loop = loop_.load(std::memory_order_acquire); loop != nullptr && node_.queued())
      loop->drain_inbox();
    // A task still waiting (it will be unwound later) must not reach back into this object.
    if (waiter_ != nullptr) {
      waiter_->flag_ = nullptr;
      detach_waiter();
    }
  }

  /// Sets the flag and wakes the waiting task, if any. Thread- and ISR-safe; never blocks, never allocates.
  void set() noexcept {
    flag_.store(true, std::memory_order_seq_cst);
    if (Loop* loop = loop_.load(std::memory_order_seq_cst)) loop->post_threadsafe(node_);
  }
  void clear() noexcept { flag_.store(false, std::memory_order_seq_cst); }

  class Awaiter {
   public:
    explicit Awaiter(ThreadSafeFlag& f) noexcept : flag_(&f) {}
    Awaiter(const Awaiter&) = delete;
    ~Awaiter() {
      // Cancelled while waiting, or woken and cancelled before resuming: leave. The flag is untouched, so a
      // set() that woke this waiter stays for the next one.
      if (flag_ != nullptr && flag_->waiter_ == this) flag_->detach_waiter();
    }
    bool await_ready() noexcept { return flag_->flag_.exchange(false, std::memory_order_seq_cst); }
    void await_suspend(std::coroutine_handle<> h) {
      Loop& loop = Loop::running();
      if (flag_->waiter_ != nullptr) usage_error("ThreadSafeFlag.wait(): only one task may wait at a time");
      task_ = &loop.suspend_current(h);
      flag_->waiter_ = this;
      loop.add_external_source();
      flag_->loop_.store(&loop, std::memory_order_seq_cst);
      // A set() that raced with binding the loop may not have posted: look again.
      if (flag_->flag_.load(std::memory_order_seq_cst)) wake();
    }
    /// Only a waiter that actually resumes consumes the flag (as MicroPython's wait() does).
    void await_resume() noexcept {
      if (flag_ == nullptr) return;
      flag_->flag_.store(false, std::memory_order_seq_cst);
      if (flag_->waiter_ == this) flag_->detach_waiter();
    }

   private:
    friend class ThreadSafeFlag;
    void wake() noexcept {
      if (woken_) return;
      woken_ = true;
      task_->loop().make_ready(*task_);
    }
    ThreadSafeFlag* flag_;
    TaskBase* task_ = nullptr;
    bool woken_ = false;
  };

  /// Waits until set, then clears the flag. Cancel-safe: a cancelled waiter frees the slot and a set() that
  /// arrives afterwards stays in the flag for the next waiter.
  Awaiter wait() noexcept { return Awaiter(*this); }

 private:
  struct Node : ForeignWake {
    explicit Node(ThreadSafeFlag* f) noexcept : ForeignWake(&ThreadSafeFlag::on_post), owner(f) {}
    ThreadSafeFlag* owner;
  };

  static void on_post(ForeignWake& node) noexcept {
    ThreadSafeFlag& self = *static_cast<Node&>(node).owner;
    // Without a waiter the flag stays set for the next wait(). With one, it is woken but the flag is left
    // set until the waiter resumes: a waiter cancelled in between loses nothing.
    if (self.waiter_ == nullptr || !self.flag_.load(std::memory_order_seq_cst)) return;
    self.waiter_->wake();
  }

  void detach_waiter() noexcept {
    waiter_ = nullptr;
    if (Loop* loop = loop_.load(std::memory_order_relaxed)) loop->remove_external_source();
  }

  Node node_{this};
  std::atomic<bool> flag_{false};
  std::atomic<Loop*> loop_{nullptr};
  Awaiter* waiter_ = nullptr;
};

}  // namespace aiopi
