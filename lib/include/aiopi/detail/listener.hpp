// Listener: a waiter that is a function instead of a suspended task. WaitAny / WaitAll / nested groups
// register one per member directly in the member's waiter list, so waiting on a group of Events allocates
// nothing and spawns no task.
//
// The protocol an "event-like object" offers to be listened to without a watcher task (Event, Message,
// ThreadSafeEvent, ELO, WaitAny, WaitAll):
//
//   bool is_set()                    would wait() complete at once?
//   void add_listener(Listener& l)   precondition !is_set(); `l` is called once, when a wait() would end
//   void remove_listener(Listener&)  withdraws `l` if it has not been called yet (a no-op otherwise)
//
// A source notifies a listener exactly where it would make a waiting task ready, in the same FIFO order as
// its task waiters; the notification unlinks the listener first (one shot, like a released waiter).
#pragma once

#include <concepts>

#include "aiopi/detail/wait_list.hpp"
#include "aiopi/loop.hpp"

namespace aiopi {

/// A WaitNode without a task. The function runs on the loop's thread, inside whatever released the source
/// (Event::set(), a completion, ...): it must only record and make tasks ready, never resume anything
/// directly.
class Listener : public WaitNode {
 public:
  using Fn = void (*)(Listener& self) noexcept;
  explicit Listener(Fn fn) noexcept : fn_(fn) {}  // `task` stays null: that is what marks a listener
  Listener(const Listener& o) noexcept : WaitNode(), fn_(o.fn_) {}
  Listener& operator=(const Listener&) = delete;

 private:
  friend void wake_waiter(WaitNode& w) noexcept;
  Fn fn_;
};

/// Releases a node just popped from a WaitList: a task is made ready, a listener is called.
inline void wake_waiter(WaitNode& w) noexcept {
  if (w.task != nullptr) {
    w.task->loop().make_ready(*w.task);
  } else {
    auto& l = static_cast<Listener&>(w);
    l.fn_(l);
  }
}

/// An event-like object that can be listened to without a watcher task (see the protocol above).
template <class E>
concept Listenable = requires(E& e, Listener& l) {
  { e.is_set() } -> std::convertible_to<bool>;
  e.add_listener(l);
  e.remove_listener(l);
};

}  // namespace aiopi
