// Barrier: micropython-async's cyclic barrier. `parties` arrivals open it; then it resets for the next cycle.
//
//   aiopi::Barrier barrier(3, [&] { ++cycles; });   // optional action, run once per opening
//   co_await barrier;                                // or co_await barrier.wait(): arrive and wait
//   barrier.trigger();                               // arrive without waiting
//
// The action follows launch() rules (launch.hpp): a callable returning a Task is started as a task and
// result().task names it; an integer result is kept in result().value. It is stored inline (InplaceFunction),
// so a Barrier never allocates (a coroutine action's task allocates its frame, as create_task does), and it
// runs synchronously in the task (or caller of trigger()) whose arrival opened the barrier: the released
// waiters are queued to run first, but none of them runs before the action has returned (a task the action
// launches runs after them). For tasks of one loop.
#pragma once

#include <coroutine>
#include <utility>

#include "aiopi/detail/wait_list.hpp"
#include "aiopi/launch.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"

namespace aiopi {

class Barrier {
 public:
  /// `parties` <= 0 is a usage error.
  explicit Barrier(int parties) : parties_(parties) {
    if (parties <= 0) usage_error("Barrier: parties must be > 0");
  }
  /// With an action run at each opening; extra `args` are bound to it (copied into the Barrier).
  template <class F, class... Args>
  Barrier(int parties, F&& action, Args&&... args) : Barrier(parties) {
    action_ = detail::make_launcher(std::forward<F>(action), std::forward<Args>(args)...);
  }
  Barrier(const Barrier&) = delete;
  Barrier& operator=(const Barrier&) = delete;

  int parties() const noexcept { return parties_; }
  /// Arrivals counted in the current cycle (waiting tasks plus trigger() calls).
  int n_waiting() const noexcept { return count_; }
  /// True once at least one party has arrived in the current cycle.
  bool busy() const noexcept { return count_ > 0; }
  /// What the action returned at the most recent opening (see launch.hpp).
  const CallResult& result() const noexcept { return result_; }

  /// Arrives without waiting. Returns true if this arrival opened the barrier.
  bool trigger() {
    if (++count_ < parties_) return false;
    open();
    return true;
  }

  class [[nodiscard]] WaitAwaiter : private WaitNode {
   public:
    explicit WaitAwaiter(Barrier& b) noexcept : barrier_(b) {}
    WaitAwaiter(const WaitAwaiter&) = delete;
    WaitAwaiter& operator=(const WaitAwaiter&) = delete;
    ~WaitAwaiter() {
      // Cancelled before the barrier opened: withdraw the arrival (the seed would count it).
      if (linked()) {
        unlink();
        --barrier_.count_;
      }
    }
    bool await_ready() {
      if (barrier_.count_ + 1 < barrier_.parties_) return false;
      ++barrier_.count_;
      barrier_.open();
      opened_ = true;
      return true;
    }
    void await_suspend(std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      ++barrier_.count_;
      barrier_.waiters_.push_back(*this);
    }
    /// True for the task whose arrival opened the barrier (it did not wait).
    bool await_resume() const noexcept { return opened_; }

   private:
    friend class Barrier;
    Barrier& barrier_;
    bool opened_ = false;
  };

  /// Arrives and waits until the barrier opens; the last to arrive does not wait. Cancel-safe: a task
  /// cancelled while waiting withdraws its arrival, so the barrier still needs `parties` live arrivals to
  /// open; once the barrier has opened, cancelling a released task changes nothing.
  WaitAwaiter wait() noexcept { return WaitAwaiter(*this); }
  WaitAwaiter operator co_await() noexcept { return WaitAwaiter(*this); }

 private:
  void open() {
    // Release this cycle first: the action may arrive again, which counts toward the next cycle. Released
    // tasks only run once the opener yields, so the action still finishes before any of them runs.
    count_ = 0;
    while (!waiters_.empty()) {
      WaitNode& w = waiters_.pop_front();
      w.task->loop().make_ready(*w.task);
    }
    if (action_) action_(result_);
  }

  int parties_;
  int count_ = 0;
  WaitList<> waiters_;
  detail::Launcher action_;
  CallResult result_;
};

}  // namespace aiopi
