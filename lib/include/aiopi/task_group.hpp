// TaskGroup (asyncio.TaskGroup): children whose lifetimes are tied together.
//
//   aiopi::TaskGroup group;
//   group.create_task(blink(led));
//   group.create_task(poll(sensor));
//   co_await group.wait();       // all children finished
//
// When a child fails with an exception, every other child is cancelled and wait() rethrows the first
// exception once all have finished. A child that is cancelled on its own is not a failure (as in asyncio). If
// the task awaiting wait() is cancelled, every child is cancelled and the waiter unwinds after the last one
// finished. No child outlives the group: destroying a group with children still running (its owner was
// unwound without waiting) unwinds them at once, synchronously, since they may refer to the owner's frame.
#pragma once

#include <coroutine>
#include <cstddef>

#include "aiopi/detail/intrusive_list.hpp"
#include "aiopi/frame_allocator.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

#if AIOPI_HAS_EXCEPTIONS
#include <exception>
#endif

namespace aiopi {

class TaskGroup {
  struct MemberTag;
  struct Member : CompletionWaiter, ListHook<MemberTag> {
    explicit Member(TaskGroup& g, TaskBase& t) noexcept
        : CompletionWaiter(&TaskGroup::child_done), group(&g), task(&t) {}
    TaskGroup* group;
    TaskRef task;
  };

 public:
  TaskGroup() noexcept = default;
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;
  ~TaskGroup();

  /// Starts a child. After the group began aborting (a child failed), new children are cancelled at once.
  template <class T>
  TaskHandle<T> create_task(Task<T> coro, const char* name = nullptr) {
    TaskHandle<T> h = Loop::running().create_task(std::move(coro), name);
    void* mem = allocate_frame(sizeof(Member));
    auto* m = new (mem) Member(*this, h.base());
    members_.push_back(*m);
    ++count_;
    h.base().add_completion_waiter(*m);
    if (aborting_) h.cancel();
    return h;
  }

  /// Children not finished yet.
  std::size_t size() const noexcept { return count_; }
  /// Cancels every child still running; returns how many accepted.
  std::size_t cancel_all() noexcept;

  class WaitAwaiter : public CancelForward {
   public:
    explicit WaitAwaiter(TaskGroup& g) noexcept : CancelForward(&WaitAwaiter::forward), group_(g) {}
    WaitAwaiter(const WaitAwaiter&) = delete;
    ~WaitAwaiter();
    bool await_ready() const noexcept { return group_.count_ == 0; }
    void await_suspend(std::coroutine_handle<> h);
    /// Rethrows the first child exception, if any.
    void await_resume();

   private:
    friend class TaskGroup;
    static bool forward(CancelForward& f) noexcept;
    TaskGroup& group_;
    TaskBase* caller_ = nullptr;
  };
  /// Waits until every child has finished. One task may wait at a time.
  WaitAwaiter wait() noexcept { return WaitAwaiter(*this); }

 private:
  static void child_done(CompletionWaiter& w, TaskBase& finished) noexcept;
  void release(Member& m) noexcept;

  IntrusiveList<Member, MemberTag> members_;
  std::size_t count_ = 0;
  WaitAwaiter* waiter_ = nullptr;
#if AIOPI_HAS_EXCEPTIONS
  std::exception_ptr first_error_;
#endif
  bool aborting_ = false;
  bool owner_cancelled_ = false;
};

}  // namespace aiopi
