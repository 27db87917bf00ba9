// The waiter node every loop-local primitive (Event, Lock, Queue, Semaphore, ...) queues: an intrusive node
// in the awaiting frame that names the suspended task. Unlinks itself when the frame is destroyed
// (cancellation).
#pragma once

#include "aiopi/detail/intrusive_list.hpp"
#include "aiopi/task_base.hpp"

namespace aiopi {

struct WaitTag;

class WaitNode : public ListHook<WaitTag> {
 public:
  TaskBase* task = nullptr;
};

template <class Node = WaitNode>
using WaitList = IntrusiveList<Node, WaitTag>;

}  // namespace aiopi
