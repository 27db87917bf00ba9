#include "aiopi/gather.hpp"

namespace aiopi::detail {

void GatherSlot::on_done(CompletionWaiter& w, TaskBase& finished) noexcept {
  auto& slot = static_cast<GatherSlot&>(w);
  slot.core->child_done(slot, finished);
}

GatherCore::~GatherCore() {
  // Stop listening first (a child finishing must not wake the caller being destroyed), then end what gather
  // started: it may refer to the caller's frame.
  for (std::size_t i = 0; i < count_; ++i)
    slots_[i].CompletionWaiter::unlink();
  for (std::size_t i = 0; i < count_; ++i) {
    TaskBase& t = *slots_[i].task;
    if (slots_[i].started && !t.done() && t.loop_ptr() != nullptr) t.loop().unwind_now(t);
  }
  if (caller_ != nullptr && caller_->loop().forward_of(*caller_) == this)
    caller_->loop().set_forward(*caller_, nullptr);
}

bool GatherCore::begin(std::coroutine_handle<> h, GatherSlot* slots, std::size_t n) {
  Loop& loop = Loop::running();
  caller_ = &loop.suspend_current(h);
  bind(slots, n);
  remaining_ = 0;
  TaskBase* failed_before = nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    TaskBase& t = *slots[i].task;
    slots[i].core = this;
    if (t.done()) {
      // asyncio: a child that already failed ends the gather without waiting for the others.
      if (stop_on_failure_ && (t.failed() || t.cancelled()) && failed_before == nullptr) failed_before = &t;
      continue;
    }
    t.add_completion_waiter(slots[i]);
    ++remaining_;
  }
  if (remaining_ == 0 && failed_before == nullptr) {
    ended_ = true;
    return false;
  }
  loop.set_forward(*caller_, this);
  if (failed_before != nullptr) fail(*failed_before);
  return true;
}

void GatherCore::child_done(GatherSlot&, TaskBase& finished) noexcept {
  --remaining_;
  if (!ended_ && first_failure_ == nullptr && stop_on_failure_ &&
      (finished.failed() || finished.cancelled())) {
    fail(finished);
    return;
  }
  if (remaining_ == 0) end();
}

void GatherCore::fail(TaskBase& failure) noexcept {
  // The first failure decides the outcome. Children gather started are cancelled and waited for (they may
  // refer to the caller's frame); tasks passed in as handles go on without us.
  first_failure_ = &failure;
  for (std::size_t i = 0; i < count_; ++i) {
    GatherSlot& s = slots_[i];
    TaskBase& t = *s.task;
    if (t.done() || !s.CompletionWaiter::linked()) continue;
    if (s.started) {
      t.loop().cancel(t);
    } else {
      s.CompletionWaiter::unlink();
      --remaining_;
    }
  }
  if (remaining_ == 0) end();
}

void GatherCore::end() noexcept {
  if (ended_) return;
  ended_ = true;
  Loop& loop = caller_->loop();
  loop.set_forward(*caller_, nullptr);
  const bool cancel_caller = caller_cancelled_ || (first_failure_ != nullptr && first_failure_->cancelled());
  if (cancel_caller) {
    loop.propagate_cancel(*caller_);
  } else {
    loop.make_ready(*caller_);
  }
}

bool GatherCore::forward(CancelForward& f) noexcept {
  // Cancelling the caller cancels every child still running (asyncio); the caller unwinds once each of them
  // has finished.
  auto& self = static_cast<GatherCore&>(f);
  bool any = false;
  for (std::size_t i = 0; i < self.count_; ++i) {
    TaskBase& t = *self.slots_[i].task;
    if (!t.done() && self.slots_[i].CompletionWaiter::linked() && t.loop().cancel(t)) any = true;
  }
  if (any) self.caller_cancelled_ = true;
  return any;
}

}  // namespace aiopi::detail
