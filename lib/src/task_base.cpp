#include "aiopi/task_base.hpp"

#include "aiopi/loop.hpp"

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

}  // namespace aiopi
