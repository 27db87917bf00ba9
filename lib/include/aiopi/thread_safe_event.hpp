// ThreadSafeEvent (micropython-async `threadsafe.ThreadSafeEvent`): an Event that other threads, and ISRs on
// the MCU, may set; any number of tasks may wait. Not thread-based: it works on the MCU as on Linux.
//
//   aiopi::ThreadSafeEvent done;
//   std::thread worker([&] { work(); done.set(); });
//   co_await done.wait();
//   done.clear();
//
// set() is safe from any thread and from ISRs (one atomic store and a ForeignWake post; never blocks, never
// allocates). Everything else belongs to the thread of the loop that waits on it. Several set() calls before
// the loop runs count once, as for Event.
//
// Differences from the seed (fixed): is_set() on the loop thread sees a set() made before it (the seed
// reported False until a waiter had looked); clear() really clears (a set() made before it is absorbed, then
// cleared — no stale flag makes the next wait() return at once).
//
// Cancel-safety: waiting consumes nothing; a cancelled waiter leaves the queue.
#pragma once

#include <atomic>
#include <coroutine>

#include "aiopi/detail/listener.hpp"
#include "aiopi/detail/wait_list.hpp"
#include "aiopi/foreign_event.hpp"
#include "aiopi/loop.hpp"

namespace aiopi {

class ThreadSafeEvent : private detail::ForeignEventCore {
 public:
  ThreadSafeEvent() noexcept : ForeignEventCore(&ThreadSafeEvent::absorb_fn) {}
  ~ThreadSafeEvent() { retire(); }

  /// Sets the event and releases every waiting task (when the loop next runs). Thread- and ISR-safe.
  void set() noexcept {
    pending_.exchange(true, std::memory_order_seq_cst);
    poke();
  }
  /// Loop thread only. Tasks already released by an earlier set() stay released.
  void clear() noexcept {
    absorb();
    set_ = false;
  }
  /// Loop thread only.
  bool is_set() noexcept {
    absorb();
    return set_;
  }

  class Awaiter : public WaitAwaiterBase {
   public:
    explicit Awaiter(ThreadSafeEvent& e) noexcept : WaitAwaiterBase(e) {}
    /// True, as Event.
    bool await_resume() const noexcept { return true; }
  };

  /// Waits until set; at once if it is. Many tasks may wait.
  Awaiter wait() noexcept { return Awaiter(*this); }

  // Listener protocol (listener.hpp), for WaitAny / WaitAll. Loop thread only.
  void add_listener(Listener& l) {
    bind(Loop::running());
    enqueue(l);
    absorb();
  }
  void remove_listener(Listener& l) noexcept {
    if (l.linked()) leave(l);
  }

 private:
  static void absorb_fn(ForeignEventCore& core) noexcept {
    auto& self = static_cast<ThreadSafeEvent&>(core);
    if (self.pending_.exchange(false, std::memory_order_seq_cst)) self.fire();
  }

  std::atomic<bool> pending_{false};
};

}  // namespace aiopi
