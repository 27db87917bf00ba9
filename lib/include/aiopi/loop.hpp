// The event loop: a FIFO ready queue run in batches, a timer set, a cross-thread inbox, and a backend that
// sleeps.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "aiopi/backend.hpp"
#include "aiopi/callback.hpp"
#include "aiopi/detail/config.hpp"
#include "aiopi/detail/foreign_wake.hpp"
#include "aiopi/detail/intrusive_list.hpp"
#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_base.hpp"
#include "aiopi/time.hpp"

#if AIOPI_HAS_EXCEPTIONS
#include <exception>
#endif

namespace aiopi {

template <class T = void>
class TaskHandle;
class Loop;

namespace detail {
/// The loop current on this thread (one loop per thread). Declared here so that awaiters read it inline.
#if AIOPI_HOSTED
extern thread_local Loop* t_current_loop;
#else
extern Loop* t_current_loop;
#endif
}  // namespace detail

struct WallTag;
/// The list hook of a task waiting on the wall clock; `on_change` is called when the clock is stepped.
class WallSleeperHook : public ListHook<WallTag> {
 public:
  using Fn = void (*)(WallSleeperHook& self) noexcept;
  explicit WallSleeperHook(Fn on_change) noexcept : on_change_(on_change) {}

 private:
  friend class Loop;
  Fn on_change_;
};

/// What the exception handler is told about a failure nobody awaited.
struct ExceptionContext {
  const char* message;
  const TaskBase* task;  // null for a callback
#if AIOPI_HAS_EXCEPTIONS
  std::exception_ptr exception;
#endif
};

/// Counters every loop keeps (cheap increments, always on).
struct LoopStats {
  std::uint64_t resumes = 0;    // task resumptions
  std::uint64_t callbacks = 0;  // plain callbacks run
  std::uint64_t batches = 0;    // ready-queue batches
  std::uint64_t waits = 0;      // times the loop slept in the backend
  std::uint64_t io_polls = 0;   // non-blocking polls made every kPollInterval resumptions
  std::uint64_t tasks_created = 0;
};

class Loop {
 public:
  /// I/O and timers are checked at least every this many resumptions, so a busy loop cannot starve them
  /// (the same figure Tokio uses).
  static constexpr unsigned kPollInterval = 61;

  /// A loop of your own on `backend`. While one exists on a thread, the free functions (create_task,
  /// timeout, Delay_ms::trigger...) called outside a running loop are a usage error instead of binding to
  /// the thread's hidden default loop, where nothing would run them: call them inside a task, or use the
  /// Loop's own members (loop.create_task(...)).
  explicit Loop(Backend& backend) noexcept;
  /// Destroys every task still pending (their destructors run, as if cancelled) and drops pending callbacks.
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  /// The loop running (or made current) on this thread, or null. Inline: every await reads it.
  static Loop* current() noexcept { return detail::t_current_loop; }
  /// The current loop; outside any, a per-thread default loop on default_backend() (asyncio's
  /// get_event_loop). A usage error when that would be the default loop while a Loop of the program's own
  /// exists on this thread (see the constructor).
  static Loop& get();
  /// Like current(), but a usage error when no loop is running: for awaitables, which only work inside tasks.
  AIOPI_ALWAYS_INLINE static Loop& running() {
    Loop* loop = detail::t_current_loop;
    if (loop == nullptr) no_running_loop();
    return *loop;
  }

  Backend& backend() noexcept { return backend_; }
  TimePoint now() noexcept { return backend_.now(); }
  /// The absolute deadline `d` from now that never fires early on this backend.
  /// Saturates: "never" (Duration::max()) stays never instead of wrapping into the past.
  TimePoint deadline_after(Duration d) noexcept {
    return d.count() <= 0 ? now() : saturating_add(saturating_add(now(), d), backend_.timer_slack());
  }

  // --- tasks -----------------------------------------------------------------------------------------------
  /// Schedules `coro` as a task (runs after the tasks already ready). `name` must outlive the task.
  template <class T>
  TaskHandle<T> create_task(Task<T> coro, const char* name = nullptr);

  /// Runs the loop until `main` finishes and returns its value (asyncio.run / run_until_complete). Other
  /// tasks still pending are left as they are and run again on the next run. Calling it on a running loop, or
  /// while another loop runs on this thread, is a usage error. If main ends cancelled, CancelledError is
  /// thrown (without exceptions: a panic); if it failed, its exception propagates.
  template <class T>
  T run_until_complete(Task<T> main);

  /// Runs until stop() is called.
  void run_forever();
  /// Makes run_forever / run_until_complete return after the current task yields.
  void stop() noexcept {
    stop_now_ = true;
    // run_batch looks at stop_now_ only when since_poll_ reaches kPollInterval: make that the next entry.
    // The count of entries run (stats()) is entries_folded_ + since_poll_, kept whole (modulo 2^64).
    entries_folded_ += since_poll_;
    entries_folded_ -= kPollInterval - 1;
    since_poll_ = kPollInterval - 1;
  }
  bool is_running() const noexcept { return running_; }
  /// True while the loop is being destroyed (tasks unwound, nothing more is scheduled).
  bool closing() const noexcept { return closing_; }

  /// The task being resumed right now, or null (asyncio.current_task()).
  TaskBase* current_task() const noexcept { return current_; }

  /// Every task of this loop that has not finished, in creation order.
  IntrusiveList<TaskBase, RegistryTag>& tasks() noexcept { return registry_; }

  /// Profiling (aioprof): per-task total run time and longest single run. Off by default because a clock read
  /// per resumption costs more than the resumption itself.
  void set_profiling(bool on) noexcept { profiling_ = on; }
  bool profiling() const noexcept { return profiling_; }
  LoopStats stats() const noexcept;

  // --- failures nobody awaited
  // -------------------------------------------------------------------------------
  using ExceptionHandler = void (*)(Loop& loop, const ExceptionContext& context);
  /// Null restores the default, which prints the message (and the exception's what()) to stderr.
  void set_exception_handler(ExceptionHandler handler) noexcept { exception_handler_ = handler; }
  ExceptionHandler exception_handler() const noexcept { return exception_handler_; }
  void call_exception_handler(const ExceptionContext& context);

  // --- callbacks
  // ---------------------------------------------------------------------------------------------
  template <class F>
  CallbackHandle call_soon(F&& fn) {
    CallbackBase* cb = adopt(detail::make_callback(std::forward<F>(fn)));
    push_ready(*cb);
    return CallbackHandle(cb);
  }
  template <class F>
  CallbackHandle call_at(TimePoint when, F&& fn) {
    CallbackBase* cb = adopt(detail::make_callback(std::forward<F>(fn)));
    cb->set_fire(&Loop::fire_callback_timer);
    timers_.arm(*cb, when);
    return CallbackHandle(cb);
  }
  template <class F>
  CallbackHandle call_later(Duration delay, F&& fn) {
    return call_at(deadline_after(delay), std::forward<F>(fn));
  }

  // --- wall clock ----------------------------------------------------------------------------------------
  /// UTC microseconds since the Unix epoch, from the backend (see sleep_until_wall in wall_sleep.hpp).
  std::int64_t wall_now_us() noexcept { return backend_.wall_now_us(); }
  /// Called by a backend when the wall clock was stepped: every task in sleep_until_wall wakes to recompute.
  void wall_clock_changed() noexcept;
  /// How many wall-clock steps the loop has been told about.
  std::uint64_t wall_clock_changes() const noexcept { return wall_clock_changes_; }
  /// Tasks waiting on the wall clock (used by sleep_until_wall).
  IntrusiveList<WallSleeperHook, WallTag>& wall_sleepers() noexcept { return wall_sleepers_; }

  // --- other threads
  // -----------------------------------------------------------------------------------------
  /// Thread-safe (ISR-safe on the MCU): queue `node` so its function runs on the loop thread, waking the
  /// loop.
  void post_threadsafe(ForeignWake& node) noexcept;
  /// Thread-safe: run `fn` on the loop thread soon (allocates a node; for ISRs use a ForeignWake you own).
  template <class F>
  void call_soon_threadsafe(F&& fn);
  /// Declares that something outside the loop (a thread, an ISR) may still wake it, so an otherwise idle
  /// simulated loop waits instead of reporting a deadlock. Thread-safe.
  void add_external_source() noexcept { external_sources_.fetch_add(1, std::memory_order_relaxed); }
  void remove_external_source() noexcept { external_sources_.fetch_sub(1, std::memory_order_relaxed); }
  /// Runs whatever other threads have posted so far (the loop does this itself every iteration). Owners of a
  /// ForeignWake call it before destroying the node, so no post can still point at it.
  void drain_inbox() noexcept;

  // --- building blocks for awaitables
  // ------------------------------------------------------------------------
  /// Records that the current task suspends at `h` and returns it. Every awaiter that suspends a task calls
  /// this first: it starts a new suspension, so a wake left over from an await that did not suspend is
  /// dropped. A usage error outside a task.
  AIOPI_ALWAYS_INLINE TaskBase& suspend_current(std::coroutine_handle<> h) {
    if (current_ == nullptr) no_current_task();
    current_->link() = h;
    current_->clear(TaskBase::kWakePending);
    return *current_;
  }
  /// yield: the current task suspends at `h` and goes to the back of the ready queue.
  AIOPI_ALWAYS_INLINE void requeue_current(std::coroutine_handle<> h) {
    suspend_current(h).set(TaskBase::kWakePending);
  }
  /// Wakes a task. The one place where a task enters the ready queue:
  ///  - waiting: queued (state ready);
  ///  - running (it is inside its own await_suspend, or being unwound): noted, and queued by the loop once
  ///    it has suspended (never while it still runs);
  ///  - ready (already queued) or done: nothing happens.
  /// So a task is never queued twice, and never queued while it runs or after it has ended.
  AIOPI_ALWAYS_INLINE void make_ready(TaskBase& task) noexcept {
    if (task.state_ == TaskState::waiting) {
      if (closing_) return;
      task.state_ = TaskState::ready;
      push_ready(task);
    } else if (task.state_ == TaskState::running) {
      task.set(TaskBase::kWakePending);
    }
  }
  /// asyncio's Task.cancel() rules; see TaskBase::cancel.
  bool cancel(TaskBase& task) noexcept;
  /// Marks `task` cancelled without forwarding, for awaiters that propagate a child's cancellation: it
  /// unwinds the next time the loop picks it (if it is running, once it has suspended).
  void propagate_cancel(TaskBase& task) noexcept {
    if (task.done()) return;
    task.set(TaskBase::kCancelRequested);
    make_ready(task);
  }
  void set_forward(TaskBase& task, CancelForward* forward) noexcept { task.set_forward(forward); }
  CancelForward* forward_of(const TaskBase& task) const noexcept { return task.forward(); }
  void arm(TimerNode& node, TimePoint deadline) noexcept { timers_.arm(node, deadline); }
  void disarm(TimerNode& node) noexcept { timers_.cancel(node); }
  TimerQueue& timers() noexcept { return timers_; }

  /// Schedules the coroutine `root` (whose promise is `promise` and control block `task`) as a task.
  void start_task(TaskBase& task, detail::PromiseBase& promise, std::coroutine_handle<> root) noexcept;
  /// Destroys an unfinished task at once, in whatever state it is (its destructors run; a queued task's
  /// queue entry is retired without touching the freed frame). For destructors that cannot wait: an
  /// awaiter or group that started a child and is destroyed while the child still runs (its parent was
  /// unwound, the loop is torn down), so the child never outlives what it may refer to. The completion
  /// waiters of `task` are told as usual, so an owner unlinks its own first. A no-op on a done task or one
  /// already unwinding; unwinding the running task itself is a panic.
  void unwind_now(TaskBase& task) noexcept;

 private:
  template <class T>
  friend class TaskHandle;

  void run_until(TaskBase* stop_task);
  void run_batch();
  void run_task(TaskBase& task);
  void run_flagged(TaskBase& task);
  void resume_profiled(TaskBase& task);
  void run_callback(CallbackBase& cb);
  void complete(TaskBase& task) noexcept;
  void unwind(TaskBase& task) noexcept;
  void finish(TaskBase& task) noexcept;
  void poll_now() noexcept;
  [[noreturn]] static void no_current_task();
  [[noreturn]] static void no_running_loop();
  CallbackBase* adopt(CallbackBase* cb) noexcept {
    cb->loop_ = this;
    cb->add_ref();  // the loop's reference until it runs or is dropped
    return cb;
  }
  static void fire_callback_timer(TimerNode& node) noexcept;
  /// The timer queue's waker: nodes that wake a task (sleeps) carry the task as their target.
  static void wake_timer_target(void* target) noexcept;

  AIOPI_ALWAYS_INLINE void push_ready(Runnable& r) noexcept {
    r.ready_next_ = nullptr;
    if (ready_tail_ != nullptr) {
      ready_tail_->ready_next_ = &r;
    } else {
      ready_head_ = &r;
    }
    ready_tail_ = &r;
  }
  AIOPI_ALWAYS_INLINE Runnable* pop_ready() noexcept {
    Runnable* r = ready_head_;
    ready_head_ = r->ready_next_;
    if (ready_head_ == nullptr) ready_tail_ = nullptr;
    return r;
  }

  // What every resumption touches comes first: the Cortex-M0+ reaches a word at offset < 128 (a byte at
  // < 32) from the Loop's address in one instruction, and needs two or three more beyond (the timer queue
  // is large).
  Backend& backend_;
  Runnable* ready_head_ = nullptr;
  Runnable* ready_tail_ = nullptr;
  TaskBase* current_ = nullptr;
  bool running_ = false;
  bool stop_now_ = false;
  bool profiling_ = false;
  bool closing_ = false;
  bool is_default_ = false;
  unsigned since_poll_ = 0;  // queue entries run since the last poll_now
  // Counting on the hot path costs an M0+ about 10 cycles per 64-bit increment, so resumptions are not
  // counted there: they are the queue entries run (since_poll_, folded in here at each poll) less those
  // that were not a resumption (callbacks, retired entries). Batches count in 32 bits with a carry.
  std::uint32_t batches_low_ = 0;
  std::atomic<ForeignWake*> inbox_{nullptr};
  std::uint64_t entries_folded_ = 0;
  std::uint64_t entries_not_resumed_ = 0;
  std::uint64_t batches_high_ = 0;
  LoopStats stats_;  // the counters kept off the hot path; stats() adds the derived ones
  TaskBase* stop_task_ = nullptr;
  TimerQueue timers_;
  IntrusiveList<TaskBase, RegistryTag> registry_;
  IntrusiveList<WallSleeperHook, WallTag> wall_sleepers_;
  std::uint64_t wall_clock_changes_ = 0;
  std::atomic<int> external_sources_{0};
  ExceptionHandler exception_handler_ = nullptr;

  struct DefaultTag {};
  Loop(Backend& backend, DefaultTag) noexcept;
  void check_default_loop_unused() const;
};

}  // namespace aiopi

namespace aiopi {
namespace detail {
template <class F>
class ThreadsafeCall final : public ForeignWake {
 public:
  explicit ThreadsafeCall(F&& fn) : ForeignWake(&ThreadsafeCall::run), fn_(std::move(fn)) {}

 private:
  static void run(ForeignWake& node) noexcept {
    auto* self = static_cast<ThreadsafeCall*>(&node);
#if AIOPI_HAS_EXCEPTIONS
    try {
      self->fn_();
    } catch (...) {
      if (Loop* loop = Loop::current()) {
        loop->call_exception_handler(
            {"exception in call_soon_threadsafe callback", nullptr, std::current_exception()});
      }
    }
#else
    self->fn_();
#endif
    delete self;
  }
  F fn_;
};
}  // namespace detail

template <class F>
void Loop::call_soon_threadsafe(F&& fn) {
  using Fn = std::decay_t<F>;
  post_threadsafe(*new detail::ThreadsafeCall<Fn>(Fn(std::forward<F>(fn))));
}
}  // namespace aiopi
