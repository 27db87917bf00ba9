// Everything of the core runtime in one include.
#pragma once

#include "aiopi/callback.hpp"
#include "aiopi/event.hpp"
#include "aiopi/frame_allocator.hpp"
#include "aiopi/gather.hpp"
#include "aiopi/lock.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/outcome.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_group.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopi/thread_safe_flag.hpp"
#include "aiopi/time.hpp"
#include "aiopi/timed.hpp"
#include "aiopi/timeout.hpp"
#include "aiopi/wait_for.hpp"
