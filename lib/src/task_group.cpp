#include "aiopi/task_group.hpp"

namespace aiopi {

TaskGroup::~TaskGroup() {
  // No child outlives its group: the frame that owns the group is going (its task was unwound, or the group
  // was never waited for), and the children may refer to it. Each is unwound now, synchronously, after its
  // membership is detached so that its completion does not reach back into this group.
  while (!members_.empty()) {
    Member& m = members_.front();
    TaskRef task = m.task;
    release(m);
    if (!task.done()) task.base().loop().unwind_now(task.base());
  }
}

void TaskGroup::release(Member& m) noexcept {
  m.ListHook<MemberTag>::unlink();
  m.CompletionWaiter::unlink();
  m.~Member();
  deallocate_frame(&m, sizeof(Member));
}

std::size_t TaskGroup::cancel_all() noexcept {
  std::size_t n = 0;
  for (Member& m : members_) {
    if (m.task.cancel()) ++n;
  }
  return n;
}

void TaskGroup::child_done(CompletionWaiter& w, TaskBase& finished) noexcept {
  auto& m = static_cast<Member&>(w);
  TaskGroup& g = *m.group;
  --g.count_;
#if AIOPI_HAS_EXCEPTIONS
  if (finished.failed() && !g.aborting_) {
    g.aborting_ = true;
    g.first_error_ = finished.exception();
  }
#else
  (void)finished;
#endif
  g.release(m);
  if (g.aborting_) g.cancel_all();
  if (g.count_ == 0 && g.waiter_ != nullptr) {
    WaitAwaiter& waiter = *g.waiter_;
    g.waiter_ = nullptr;
    Loop& loop = waiter.caller_->loop();
    loop.set_forward(*waiter.caller_, nullptr);
    if (g.owner_cancelled_) {
      loop.propagate_cancel(*waiter.caller_);
    } else {
      loop.make_ready(*waiter.caller_);
    }
  }
}

TaskGroup::WaitAwaiter::~WaitAwaiter() {
  if (group_.waiter_ == this) group_.waiter_ = nullptr;
  if (caller_ != nullptr && caller_->loop().forward_of(*caller_) == this)
    caller_->loop().set_forward(*caller_, nullptr);
}

void TaskGroup::WaitAwaiter::await_suspend(std::coroutine_handle<> h) {
  Loop& loop = Loop::running();
  if (group_.waiter_ != nullptr) usage_error("TaskGroup.wait(): only one task may wait at a time");
  caller_ = &loop.suspend_current(h);
  group_.waiter_ = this;
  loop.set_forward(*caller_, this);
}

void TaskGroup::WaitAwaiter::await_resume() {
#if AIOPI_HAS_EXCEPTIONS
  if (group_.first_error_) std::rethrow_exception(std::exchange(group_.first_error_, nullptr));
#endif
}

bool TaskGroup::WaitAwaiter::forward(CancelForward& f) noexcept {
  auto& self = static_cast<WaitAwaiter&>(f);
  self.group_.owner_cancelled_ = true;
  self.group_.aborting_ = true;
  self.group_.cancel_all();
  return true;
}

}  // namespace aiopi
