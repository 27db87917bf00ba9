#include "aiopi/gather.hpp"

namespace aiopi::detail {

void GatherSlot::on_done(CompletionWaiter& w, TaskBase& finished) noexcept {
  auto& slot = static_cast<GatherSlot&>(w);
  slot.core->child_done(slot, finished);
}

bool GatherCore::begin(std::coroutine_handle<> h, GatherSlot* slots, std::size_t n) {
  Loop& loop = Loop::running();
  caller_ = &loop.suspend_current(h);
  slots_ = slots;
  count_ = n;
  remaining_ = 0;
  for (std::size_t i = 0; i < n; ++i) {
    TaskBase& t = *slots[i].task;
    slots[i].core = this;
    if (t.done()) {
      // asyncio: a child that already failed ends the gather without waiting.
      if (stop_on_failure_ && (t.failed() || t.cancelled()) && first_failure_ == nullptr) first_failure_ = &t;
      continue;
    }
    ++remaining_;
  }
  if (first_failure_ != nullptr) {
    ended_ = true;
    if (first_failure_->cancelled()) {
      loop.propagate_cancel(*caller_);
      return true;
    }
    return false;
  }
  if (remaining_ == 0) {
    ended_ = true;
    return false;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!slots[i].task->done()) slots[i].task->add_completion_waiter(slots[i]);
  }
  loop.set_forward(*caller_, this);
  return true;
}

void GatherCore::child_done(GatherSlot&, TaskBase& finished) noexcept {
  --remaining_;
  if (ended_) return;
  if (stop_on_failure_ && (finished.failed() || finished.cancelled())) {
    first_failure_ = &finished;
    end(finished.cancelled() || caller_cancelled_);
    return;
  }
  if (remaining_ == 0) end(caller_cancelled_);
}

void GatherCore::end(bool cancel_caller) noexcept {
  ended_ = true;
  // Stop listening to children still running: they go on as independent tasks.
  for (std::size_t i = 0; i < count_; ++i)
    slots_[i].CompletionWaiter::unlink();
  Loop& loop = caller_->loop();
  loop.set_forward(*caller_, nullptr);
  if (cancel_caller) {
    loop.propagate_cancel(*caller_);
  } else {
    loop.make_ready(*caller_);
  }
}

bool GatherCore::forward(CancelForward& f) noexcept {
  auto& self = static_cast<GatherCore&>(f);
  bool any = false;
  for (std::size_t i = 0; i < self.count_; ++i) {
    TaskBase& t = *self.slots_[i].task;
    if (!t.done() && t.loop().cancel(t)) any = true;
  }
  if (any) self.caller_cancelled_ = true;
  return any;
}

}  // namespace aiopi::detail
