// The task control block: what the loop knows about one scheduled task, independent of its result type.
// Awaitables use the small hooks declared here (CompletionWaiter, CancelForward) to wait for tasks and to
// take part in cancellation. Nothing here allocates.
#pragma once

#include <coroutine>
#include <cstdint>

#include "aiopi/config.hpp"
#include "aiopi/intrusive_list.hpp"
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

/// Lifecycle of a task, as introspection shows it.
enum class TaskState : std::uint8_t {
  ready,    // queued to run (a new task starts here)
  running,  // being resumed right now
  waiting,  // suspended until something wakes it
  done,     // finished: see the outcome for value / cancelled / failed
};

const char* to_string(TaskState state) noexcept;

/// Waits for a task to finish. Lives inside an awaiter; unlinks itself when destroyed.
class CompletionWaiter : public ListHook<CompletionTag> {
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

/// Type-specific operations of a task control block.
struct TaskOps {
  /// Moves the finished root coroutine's outcome into the control block (before the frame is destroyed).
  void (*collect)(TaskBase& task) noexcept;
  /// Frees the control block when the last reference is gone (no-op for blocks embedded in an awaiter).
  void (*release)(TaskBase& task) noexcept;
#if AIOPI_HAS_EXCEPTIONS
  std::exception_ptr (*exception)(TaskBase& task) noexcept;
#endif
};

class TaskBase : public Runnable, public ListHook<RegistryTag> {
 public:
  TaskBase(const TaskOps& ops, const char* name) noexcept : Runnable(Kind::task), name_(name), ops_(&ops) {}

  const char* name() const noexcept { return name_ != nullptr ? name_ : "task"; }
  TaskState state() const noexcept { return state_; }
  bool done() const noexcept { return state_ == TaskState::done; }
  OutcomeKind outcome_kind() const noexcept { return outcome_kind_; }
  bool cancelled() const noexcept { return outcome_kind_ == OutcomeKind::cancelled; }
  bool failed() const noexcept { return outcome_kind_ == OutcomeKind::failed; }
  bool cancel_requested() const noexcept { return cancel_requested_; }
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
  std::exception_ptr exception() noexcept {
    return ops_->exception(*this);
  }
#endif

  void add_ref() noexcept {
    ++refs_;
  }
  void drop_ref() noexcept {
    if (--refs_ == 0) ops_->release(*this);
  }

  /// Registers a waiter to be told when the task finishes. The task must not be done.
  void add_completion_waiter(CompletionWaiter& w) noexcept {
    waiters_.push_back(w);
  }

 protected:
  ~TaskBase() = default;

 private:
  friend class Loop;
  template <class>
  friend class TaskStateOf;

  const char* name_;
  Loop* loop_ = nullptr;
  std::coroutine_handle<> root_;    // the task's own coroutine
  std::coroutine_handle<> resume_;  // innermost suspended coroutine (a sub-coroutine of root_ or root_)
  CancelForward* forward_ = nullptr;
  IntrusiveList<CompletionWaiter, CompletionTag> waiters_;
  const TaskOps* ops_;
  std::uint64_t run_time_ns_ = 0;
  std::uint32_t longest_run_ns_ = 0;
  std::uint32_t run_count_ = 0;
  std::uint16_t refs_ = 0;
  TaskState state_ = TaskState::ready;
  OutcomeKind outcome_kind_ = OutcomeKind::pending;
  bool cancel_requested_ = false;
  bool unwinding_ = false;  // frame destruction under way: cancel() is a no-op
};

}  // namespace aiopi
