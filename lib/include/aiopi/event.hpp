// Event: asyncio.Event for tasks of one loop (not for other threads or ISRs: use ThreadSafeFlag there).
#pragma once

#include <coroutine>

#include "aiopi/detail/listener.hpp"
#include "aiopi/detail/wait_list.hpp"
#include "aiopi/loop.hpp"

namespace aiopi {

class Event {
 public:
  Event() noexcept = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  /// Sets the flag and releases every waiting task, in the order they started waiting. Tasks released here
  /// stay released even if clear() follows at once.
  void set() noexcept {
    flag_ = true;
    while (!waiters_.empty()) {
      wake_waiter(waiters_.pop_front());
    }
  }
  void clear() noexcept { flag_ = false; }
  bool is_set() const noexcept { return flag_; }

  /// For WaitAny / WaitAll (listener.hpp): queue `l` with the waiting tasks; set() calls it in FIFO order.
  void add_listener(Listener& l) noexcept { waiters_.push_back(l); }
  void remove_listener(Listener& l) noexcept { l.unlink(); }

  class Awaiter : private WaitNode {
   public:
    explicit Awaiter(Event& e) noexcept : event_(e) {}
    bool await_ready() const noexcept { return event_.flag_; }
    void await_suspend(std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      event_.waiters_.push_back(*this);
    }
    /// True, as in asyncio.
    bool await_resume() const noexcept { return true; }

   private:
    Event& event_;
  };

  /// Waits until the event is set; returns at once if it is. Cancel-safe: a cancelled waiter leaves the
  /// queue.
  Awaiter wait() noexcept { return Awaiter(*this); }

 private:
  WaitList<> waiters_;
  bool flag_ = false;
};

}  // namespace aiopi
