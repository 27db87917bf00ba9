#include "aiopi/task_base.hpp"

#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"

namespace aiopi {

const char* to_string(TaskState state) noexcept {
  switch (state) {
    case TaskState::ready:
      return "ready";
    case TaskState::running:
      return "running";
    case TaskState::waiting:
      return "waiting";
    case TaskState::done:
      return "done";
  }
  return "?";
}

bool TaskBase::cancel() noexcept {
  return loop_->cancel(*this);
}

void TaskBase::too_many_refs() noexcept {
  panic("aiopi: more than 65,535 references (TaskRef/TaskHandle copies) to one task");
}

void TaskBase::release() noexcept {
  // Only scheduled tasks are reference counted, and the loop drops its own reference after destroying the
  // frame, so the frame is always gone here and its bytes say how to free the block.
  if (!has(kFrameGone)) panic("aiopi: task control block released while its coroutine frame is alive");
  const auto* dead = std::launder(detail::at_offset<const detail::DeadFrame>(detail::frame_of(*this), 0));
  dead->release(*this, dead->block_size);
}

}  // namespace aiopi
