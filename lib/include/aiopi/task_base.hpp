// The task control block: what the loop knows about one task, independent of its result type. Awaitables
// use the small hooks declared here (CompletionWaiter, CancelForward) to wait for tasks and to take part in
// cancellation. Nothing here allocates.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <new>

#include "aiopi/detail/config.hpp"
#include "aiopi/detail/hlist.hpp"
#include "aiopi/detail/intrusive_list.hpp"
#include "aiopi/outcome.hpp"

#if AIOPI_HAS_EXCEPTIONS
#include <exception>
#endif

namespace aiopi {

class Loop;
class TaskBase;
struct RegistryTag;
struct CompletionTag;

/// Anything that can sit in a loop's ready queue: a task to resume or a plain callback to call.
class Runnable {
 public:
  enum class Kind : std::uint8_t { task, callback };
  explicit Runnable(Kind kind) noexcept : kind_(kind) {}
  Runnable(const Runnable&) = delete;
  Runnable& operator=(const Runnable&) = delete;

 protected:
  ~Runnable() = default;

 private:
  friend class Loop;
  Runnable* ready_next_ = nullptr;
  Kind kind_;
};

/// Lifecycle of a task, as introspection shows it. The loop is the only owner of this state (see
/// docs/design/runtime.md, "The task state machine"): `ready` means "in the ready queue exactly once".
enum class TaskState : std::uint8_t {
  ready,    // in the ready queue (a new task starts here)
  running,  // being resumed, or unwound, right now
  waiting,  // suspended, in no queue, until something wakes it
  done,     // finished: see the outcome for value / cancelled / failed
};

const char* to_string(TaskState state) noexcept;

/// Waits for a task to finish. Lives inside an awaiter; unlinks itself when destroyed.
class CompletionWaiter : public HListHook<CompletionTag> {
 public:
  using Fn = void (*)(CompletionWaiter& self, TaskBase& finished) noexcept;
  explicit CompletionWaiter(Fn on_done) noexcept : on_done_(on_done) {}

 private:
  friend class Loop;
  Fn on_done_;
};

/// Installed in a waiting task while it awaits something to which a cancel() of that task is forwarded
/// (another task, the children of gather, the victim of wait_for). Returns what cancel() reports.
class CancelForward {
 public:
  using Fn = bool (*)(CancelForward& self) noexcept;
  explicit CancelForward(Fn forward) noexcept : forward_(forward) {}

 private:
  friend class Loop;
  Fn forward_;
};

template <class T>
class Task;
template <class T>
class TaskHandle;
namespace detail {
class PromiseBase;
template <class T>
class TaskPromise;

/// The object of type T that the task block's layout places `offset` bytes from `base` (the layout keeps it
/// aligned; going through void* says so to -Wcast-align).
template <class T>
T* at_offset(void* base, std::ptrdiff_t offset) noexcept {
  return static_cast<T*>(static_cast<void*>(static_cast<char*>(base) + offset));
}
}  // namespace detail

/// The control block of a coroutine of type Task<T>, and of the task it becomes when scheduled.
///
/// It is not allocated on its own: every Task<T> frame is one block from the frame allocator laid out as
/// [result storage | TaskBase | coroutine frame], so scheduling a coroutine as a task allocates nothing more
/// and a sleeping task costs one block. When the frame is destroyed (the task finished or was cancelled)
/// while handles still refer to the task, the block is kept and only the frame's bytes are dead; the last
/// reference frees it. Sub-coroutines awaited inline carry the same header but use only its result part.
/// See docs/design/runtime.md, "Decision: the control block sits in front of the frame".
class TaskBase : public ListHook<RegistryTag>, public Runnable {
 public:
  TaskBase() noexcept : Runnable(Kind::task) {}
  TaskBase(const TaskBase&) = delete;
  TaskBase& operator=(const TaskBase&) = delete;

  const char* name() const noexcept { return name_ != nullptr ? name_ : "task"; }
  TaskState state() const noexcept { return state_; }
  bool done() const noexcept { return state_ == TaskState::done; }
  OutcomeKind outcome_kind() const noexcept { return outcome_kind_; }
  bool cancelled() const noexcept { return outcome_kind_ == OutcomeKind::cancelled; }
  bool failed() const noexcept { return outcome_kind_ == OutcomeKind::failed; }
  bool cancel_requested() const noexcept { return has(kCancelRequested); }
  Loop& loop() const noexcept { return *loop_; }
  /// Null until the task has been started on a loop.
  Loop* loop_ptr() const noexcept { return loop_; }

  /// How many times the task has been resumed.
  std::uint32_t run_count() const noexcept { return run_count_; }
  /// Profiling figures (only advance while the loop's profiling is on), in nanoseconds.
  std::uint64_t run_time_ns() const noexcept { return run_time_ns_; }
  std::uint32_t longest_run_ns() const noexcept { return longest_run_ns_; }

  /// Requests cancellation as asyncio's Task.cancel(): false if already done or if it is the running task
  /// (after forwarding to the innermost awaited task); true otherwise. The task unwinds when it next runs.
  bool cancel() noexcept;

#if AIOPI_HAS_EXCEPTIONS
  /// The exception a failed task ended with (null otherwise).
  std::exception_ptr exception() const noexcept {
    return failed() ? error_ : nullptr;
  }
#endif

  /// References are counted in 16 bits (the control block has no room for more without growing every
  /// sleeping task); the 65,536th reference to one task is refused loudly instead of wrapping.
  void add_ref() noexcept {
    if (refs_ == kMaxRefs) [[unlikely]]
      too_many_refs();
    ++refs_;
  }
  void drop_ref() noexcept {
    if (--refs_ == 0) release();
  }

  /// Registers a waiter to be told when the task finishes. The task must not be done.
  void add_completion_waiter(CompletionWaiter& w) noexcept {
    waiters_.push_back(w);
  }

 private:
  friend class Loop;
  template <class>
  friend class Task;
  template <class>
  friend class TaskHandle;
  template <class>
  friend class detail::TaskPromise;
  friend class detail::PromiseBase;

  enum Flag : std::uint8_t {
    kCancelRequested = 1u << 0,
    kUnwinding = 1u << 1,    // frame destruction under way: cancel() is a no-op
    kStarted = 1u << 2,      // awaited or scheduled: a Task<T> runs once
    kSpawned = 1u << 3,      // scheduled as a task (create_task, wait_for's child), not awaited inline
    kFinished = 1u << 4,     // the coroutine reached its final suspend point
    kFrameGone = 1u << 5,    // the frame was destroyed; its bytes hold a DeadFrame record
    kWakePending = 1u << 6,  // woken while running (inside its own await_suspend): queued when it suspends
  };
  static constexpr std::uint16_t kMaxRefs = 0xffff;
  [[noreturn]] static void too_many_refs() noexcept;
  bool has(Flag f) const noexcept {
    return (flags_ & f) != 0;
  }
  void set(Flag f) noexcept {
    flags_ = static_cast<std::uint8_t>(flags_ | f);
  }
  void clear(Flag f) noexcept {
    flags_ = static_cast<std::uint8_t>(flags_ & ~f);
  }

  ~TaskBase() {
#if AIOPI_HAS_EXCEPTIONS
    if (failed()) error_.~exception_ptr();
#endif
  }

  /// The innermost suspended coroutine of a scheduled task: a word in its root promise (see link_offset_).
  std::coroutine_handle<>& link() noexcept {
    return *std::launder(detail::at_offset<std::coroutine_handle<>>(this, link_offset_));
  }
  /// The cancel-forwarding hook of a waiting task. Shares its word with the exception of a failed one: a
  /// task that has ended awaits nothing.
  CancelForward* forward() const noexcept {
    return failed() ? nullptr : forward_;
  }
  void set_forward(CancelForward* f) noexcept {
    if (!failed()) forward_ = f;
  }
#if AIOPI_HAS_EXCEPTIONS
  void set_error(std::exception_ptr e) noexcept {
    if (!failed())
      ::new (static_cast<void*>(&error_)) std::exception_ptr(std::move(e));
    else
      error_ = std::move(e);
    outcome_kind_ = OutcomeKind::failed;
  }
#endif
  /// The last reference is gone: frees the block (the frame is already destroyed).
  void release() noexcept;

  // Field order packs the block: the small fields fill the tail of Runnable's word, pointers follow.
  TaskState state_ = TaskState::ready;
  OutcomeKind outcome_kind_ = OutcomeKind::pending;
  std::uint8_t flags_ = 0;
  std::uint32_t run_count_ = 0;
  std::uint16_t refs_ = 0;
  std::uint16_t link_offset_ = 0;  // from this to the root promise's link word, once scheduled
  std::uint32_t longest_run_ns_ = 0;
  const char* name_ = nullptr;
  Loop* loop_ = nullptr;
  union {
    CancelForward* forward_ = nullptr;
#if AIOPI_HAS_EXCEPTIONS
    std::exception_ptr error_;
#endif
  };
  HList<CompletionWaiter, CompletionTag> waiters_;
  std::uint64_t run_time_ns_ = 0;
};

namespace detail {

constexpr std::size_t round_up(std::size_t n, std::size_t to) noexcept {
  return (n + to - 1) / to * to;
}
/// Bytes from a control block to its frame: the frame keeps the allocator's full alignment.
inline constexpr std::size_t kTaskBaseSpan = round_up(sizeof(TaskBase), alignof(std::max_align_t));

inline void* frame_of(TaskBase& task) noexcept {
  return reinterpret_cast<char*>(&task) + kTaskBaseSpan;
}
inline TaskBase& task_of_frame(void* frame) noexcept {
  return *std::launder(at_offset<TaskBase>(frame, -static_cast<std::ptrdiff_t>(kTaskBaseSpan)));
}

/// Written into the dead frame's bytes when a frame is destroyed while its task is still referenced: how to
/// free the block later without knowing the result type.
struct DeadFrame {
  std::size_t block_size;
  void (*release)(TaskBase& task, std::size_t block_size) noexcept;
};

}  // namespace detail

}  // namespace aiopi
