// ELO (micropython-async `primitives.events.ELO`): makes a task's completion event-like, so a running job can
// take part in WaitAny / WaitAll next to Events.
//
//   aiopi::ELO job(fetch(5, 88));                  // starts fetch() as a task now (or ELO job(handle);)
//   aiopi::Event stop;
//   if (co_await aiopi::WaitAny{stop, job} == 1) {
//     int v = co_await job.task();                 // the result (the task is done: no wait)
//   }
//
// wait() returns when the task has finished, whatever its outcome: a value, an exception, or cancellation
// (swallowed here, as in the seed; cancelled() tells). Awaiting task() gives the value, rethrows the
// exception, or cancels the awaiting task as for any TaskHandle; task().wait_outcome() never does. Waiting on
// an ELO never cancels its task: a wait that ends otherwise (another member of a WaitAny fired, the waiter
// was cancelled or timed out) leaves the task running.
#pragma once

#include <coroutine>
#include <utility>

#include "aiopi/detail/listener.hpp"
#include "aiopi/detail/wait_list.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi {

template <class T = void>
class ELO : private CompletionWaiter {
 public:
  /// Starts `coro` as a task on the current loop (the thread's default loop before run(), as create_task).
  /// The task never outlives the ELO: destroying the ELO while it runs unwinds it (it may refer to the
  /// frame that holds the ELO).
  explicit ELO(Task<T> coro, const char* name = "elo")
      : CompletionWaiter(&ELO::on_done),
        task_(Loop::get().create_task(std::move(coro), name)),
        started_(true) {}
  /// Wraps a task that is already scheduled (it may even be done); destroying the ELO leaves it alone.
  explicit ELO(TaskHandle<T> task) noexcept : CompletionWaiter(&ELO::on_done), task_(std::move(task)) {}
  ELO(const ELO&) = delete;
  ELO& operator=(const ELO&) = delete;
  ~ELO() {
    CompletionWaiter::unlink();
    if (started_ && !task_.done()) task_.base().loop().unwind_now(task_.base());
  }

  /// The wrapped task: await it for the result (the seed's `elo()`).
  const TaskHandle<T>& task() const noexcept { return task_; }
  /// The task has finished (any outcome).
  bool is_set() const noexcept { return task_.done(); }
  bool done() const noexcept { return task_.done(); }
  /// The task ended cancelled (the seed's `elo()` returning a CancelledError).
  bool cancelled() const noexcept { return task_.cancelled(); }

  class Awaiter : private WaitNode {
   public:
    explicit Awaiter(ELO& e) noexcept : elo_(e) {}
    bool await_ready() const noexcept { return elo_.task_.done(); }
    void await_suspend(std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      elo_.enqueue(*this);
    }
    void await_resume() const noexcept {}

   private:
    ELO& elo_;
  };

  /// Waits until the task has finished. Cancel-safe: a cancelled waiter leaves the queue; the task is
  /// untouched.
  Awaiter wait() noexcept { return Awaiter(*this); }
  Awaiter operator co_await() noexcept { return Awaiter(*this); }

  // Listener protocol (listener.hpp), for WaitAny / WaitAll.
  void add_listener(Listener& l) noexcept { enqueue(l); }
  void remove_listener(Listener& l) noexcept { l.unlink(); }

 private:
  void enqueue(WaitNode& w) noexcept {
    waiters_.push_back(w);
    // Registered with the task once, on the first wait; unlinks itself if this ELO is destroyed first.
    if (!HListHook<CompletionTag>::linked()) task_.base().add_completion_waiter(*this);
  }
  static void on_done(CompletionWaiter& w, TaskBase&) noexcept {
    auto& self = static_cast<ELO&>(w);
    while (!self.waiters_.empty())
      wake_waiter(self.waiters_.pop_front());
  }

  TaskHandle<T> task_;
  WaitList<> waiters_;
  bool started_ = false;
};

template <class T>
ELO(Task<T>) -> ELO<T>;
template <class T>
ELO(Task<T>, const char*) -> ELO<T>;
template <class T>
ELO(TaskHandle<T>) -> ELO<T>;

}  // namespace aiopi
