#include "aiopi/loop.hpp"

#include <cstdio>

#include "aiopi/panic.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi {

namespace detail {
#if AIOPI_HOSTED
thread_local Loop* t_current_loop = nullptr;
#else
Loop* t_current_loop = nullptr;
#endif
}  // namespace detail

namespace {

Loop*& current_slot() noexcept {
  return detail::t_current_loop;
}

// Per thread: the Loops the program made itself (alive now), and the hidden default loop once made.
#if AIOPI_HOSTED
thread_local int t_own_loops = 0;
thread_local Loop* t_default_loop = nullptr;
#else
int t_own_loops = 0;
Loop* t_default_loop = nullptr;
#endif

void default_exception_handler(Loop&, const ExceptionContext& context) {
  std::fputs("aiopi: ", stderr);
  std::fputs(context.message, stderr);
  if (context.task != nullptr) {
    std::fputs(" (task '", stderr);
    std::fputs(context.task->name(), stderr);
    std::fputs("')", stderr);
  }
#if AIOPI_HAS_EXCEPTIONS
  if (context.exception) {
    try {
      std::rethrow_exception(context.exception);
    } catch (const std::exception& e) {
      std::fputs(": ", stderr);
      std::fputs(e.what(), stderr);
    } catch (...) {
      std::fputs(": unknown exception", stderr);
    }
  }
#endif
  std::fputs("\n", stderr);
}

}  // namespace

MonotonicClock::time_point MonotonicClock::now() noexcept {
  Loop* loop = current_slot();
  if (loop == nullptr) return Loop::get().now();
  return loop->now();
}

Loop::Loop(Backend& backend) noexcept : Loop(backend, DefaultTag{}) {
  is_default_ = false;
  ++t_own_loops;
}

Loop::Loop(Backend& backend, DefaultTag) noexcept : backend_(backend), is_default_(true) {
  timers_.set_waker(&Loop::wake_timer_target);
  backend_.attach(*this);
}

void Loop::wake_timer_target(void* target) noexcept {
  auto& task = *static_cast<TaskBase*>(target);
  task.loop().make_ready(task);
}

Loop::~Loop() {
  closing_ = true;
  Loop* previous = current_slot();
  current_slot() = this;
  // Drop queued callbacks; tasks in the queue leave it (they are destroyed below through the registry), and
  // the entries of tasks unwound while queued give back the reference that kept their block.
  while (ready_head_ != nullptr) {
    Runnable* r = pop_ready();
    if (r->kind_ == Runnable::Kind::callback) {
      static_cast<CallbackBase*>(r)->drop_ref();
    } else if (auto* t = static_cast<TaskBase*>(r); t->done()) {
      t->drop_ref();
    } else {
      t->state_ = TaskState::waiting;
    }
  }
  while (!registry_.empty())
    unwind(registry_.front());
  // Callbacks still armed in the timer set: disarm and drop the loop's reference.
  while (!timers_.empty()) {
    timers_.expire(TimePoint::max());
  }
  drain_inbox();
  current_slot() = previous == this ? nullptr : previous;
  if (is_default_) {
    t_default_loop = nullptr;
  } else {
    --t_own_loops;
  }
}

Loop& Loop::get() {
  Loop* loop = current_slot();
  if (loop != nullptr && !loop->is_default_) return *loop;
  if (t_own_loops > 0) {
    usage_error(
        "no event loop is running on this thread, and the program made a Loop of its own here: this call "
        "would bind to the thread's hidden default loop, where nothing runs it. Call it inside a task, or "
        "use the Loop's members (loop.create_task(...))");
  }
  if (loop != nullptr) return *loop;
#if AIOPI_HOSTED
  thread_local Loop default_loop(default_backend(), DefaultTag{});
#else
  static Loop default_loop(default_backend(), DefaultTag{});
#endif
  t_default_loop = &default_loop;
  current_slot() = &default_loop;
  return default_loop;
}

void Loop::check_default_loop_unused() const {
  // Tasks made on the default loop before this Loop existed would never run: say so instead.
  if (!is_default_ && t_default_loop != nullptr && !t_default_loop->registry_.empty()) {
    usage_error(
        "tasks were created on this thread's hidden default loop (create_task outside a running loop), "
        "but another Loop is being run: they would never run. Create them on the Loop you run, or inside "
        "one of its tasks");
  }
}

void Loop::no_running_loop() {
  usage_error("no running event loop: awaitables work only inside tasks");
}

void Loop::no_current_task() {
  usage_error("no current task: awaitables work only inside tasks");
}

void Loop::start_task(TaskBase& task, detail::PromiseBase& promise, std::coroutine_handle<> root) noexcept {
  task.loop_ = this;
  task.set(TaskBase::kStarted);
  task.set(TaskBase::kSpawned);
  // The root promise's link word holds the innermost suspended coroutine; the control block finds it by
  // offset (the frame follows the control block in the same allocation).
  task.link_offset_ =
      static_cast<std::uint16_t>(reinterpret_cast<char*>(&promise.link_) - reinterpret_cast<char*>(&task));
  promise.link_ = root;
  task.state_ = TaskState::waiting;
  task.add_ref();  // the loop's reference, dropped when the task finishes
  registry_.push_back(task);
  ++stats_.tasks_created;
  make_ready(task);
}

bool Loop::cancel(TaskBase& task) noexcept {
  if (task.done() || task.has(TaskBase::kUnwinding)) return false;
  if (CancelForward* f = task.forward(); f != nullptr) return f->forward_(*f);
  if (&task == current_) return false;  // asyncio: "can't cancel self"
  if (task.has(TaskBase::kCancelRequested)) return true;
  task.set(TaskBase::kCancelRequested);
  if (task.state_ == TaskState::waiting) make_ready(task);
  return true;
}

void Loop::unwind_now(TaskBase& task) noexcept {
  if (task.done() || task.has(TaskBase::kUnwinding)) return;
  if (&task == current_) panic("aiopi: a task cannot unwind itself synchronously");
  unwind(task);
}

void Loop::post_threadsafe(ForeignWake& node) noexcept {
  if (node.queued_.exchange(true, std::memory_order_acq_rel)) return;  // already queued: coalesce
  ForeignWake* head = inbox_.load(std::memory_order_relaxed);
  do {
    node.next_.store(head, std::memory_order_relaxed);
  } while (!inbox_.compare_exchange_weak(head, &node, std::memory_order_release, std::memory_order_relaxed));
  if (head == nullptr) backend_.wake();  // only the empty -> non-empty transition needs a wake-up
}

void Loop::drain_inbox() noexcept {
  if (inbox_.load(std::memory_order_relaxed) == nullptr) return;
  ForeignWake* list = inbox_.exchange(nullptr, std::memory_order_acquire);
  // The inbox is a stack; reverse it so posts are handled in the order they were made.
  ForeignWake* fifo = nullptr;
  while (list != nullptr) {
    ForeignWake* next = list->next_.load(std::memory_order_relaxed);
    list->next_.store(fifo, std::memory_order_relaxed);
    fifo = list;
    list = next;
  }
  while (fifo != nullptr) {
    ForeignWake* next = fifo->next_.load(std::memory_order_relaxed);
    fifo->queued_.store(false, std::memory_order_release);  // a post from now on queues it again
    fifo->fn_(*fifo);
    fifo = next;
  }
}

void Loop::wall_clock_changed() noexcept {
  ++wall_clock_changes_;
  // Each sleeper unlinks itself when told; take them one by one so a sleeper re-arming meanwhile is not lost.
  IntrusiveList<WallSleeperHook, WallTag> told;
  told.splice_back(wall_sleepers_);
  while (!told.empty()) {
    WallSleeperHook& w = told.pop_front();
    w.on_change_(w);
  }
}

void Loop::call_exception_handler(const ExceptionContext& context) {
  if (exception_handler_ != nullptr) {
    exception_handler_(*this, context);
  } else {
    default_exception_handler(*this, context);
  }
}

void Loop::fire_callback_timer(TimerNode& node) noexcept {
  auto& cb = static_cast<CallbackBase&>(node);
  if (cb.loop_->closing_) {
    cb.drop_ref();
    return;
  }
  cb.loop_->push_ready(cb);
}

bool CallbackHandle::cancel() noexcept {
  if (cb_ == nullptr || cb_->done_ || cb_->cancelled_) return false;
  cb_->cancelled_ = true;
  if (cb_->armed()) {
    cb_->loop_->disarm(*cb_);
    cb_->drop_ref();  // it will never reach the ready queue
  }
  return true;
}

void Loop::run_forever() {
  run_until(nullptr);
}

void Loop::run_until(TaskBase* stop_task) {
  if (running_) usage_error("run(): this event loop is already running");
  Loop* previous = current_slot();
  if (previous != nullptr && previous != this && previous->running_) {
    usage_error("run(): another event loop is running on this thread");
  }
  check_default_loop_unused();
  struct Scope {
    Loop* self;
    Loop* previous;
    ~Scope() {
      self->running_ = false;
      self->stop_task_ = nullptr;
      current_slot() = previous;
    }
  } scope{this, previous};
  current_slot() = this;
  running_ = true;
  stop_task_ = stop_task;
  stop_now_ = stop_task != nullptr && stop_task->done();

  while (!stop_now_) {
    if (inbox_.load(std::memory_order_relaxed) != nullptr) drain_inbox();  // no call while nothing was posted
    if (ready_head_ == nullptr) {
      if (!timers_.empty()) timers_.expire(backend_.now());
      if (ready_head_ == nullptr) {
        const TimePoint deadline = timers_.wake_deadline();
        if (deadline == TimePoint::max() && inbox_.load(std::memory_order_acquire) == nullptr &&
            external_sources_.load(std::memory_order_relaxed) == 0 && backend_.idle_is_deadlock()) {
          usage_error(
              "deadlock: every task waits for something no task, timer, I/O source or thread can provide");
        }
        ++stats_.waits;
        backend_.wait(deadline);
        continue;
      }
    }
    run_batch();
  }
}

LoopStats Loop::stats() const noexcept {
  LoopStats s = stats_;
  s.resumes = entries_folded_ + since_poll_ - entries_not_resumed_;
  s.batches = (batches_high_ << 32) + batches_low_;
  return s;
}

void Loop::poll_now() noexcept {
  entries_folded_ += since_poll_;
  since_poll_ = 0;
  ++stats_.io_polls;
  backend_.wait(TimePoint::min());
  drain_inbox();
  if (!timers_.empty()) timers_.expire(backend_.now());
}

// The hot path of the whole runtime: kept small so that it inlines into run_batch; everything unusual
// (cancellation, a retired queue entry, profiling, completion) is a call out of line.
inline void Loop::run_task(TaskBase& task) {
  if (task.has(TaskBase::kCancelRequested)) [[unlikely]] {
    run_flagged(task);
    return;
  }
  current_ = &task;
  task.state_ = TaskState::running;
  ++task.run_count_;
  if (profiling_) [[unlikely]] {
    resume_profiled(task);
  } else {
    task.link().resume();
  }
  // The task has suspended (or finished). A wake that arrived while it ran — it yielded, or something
  // released it inside its own await_suspend — or a cancellation queues it now, once.
  // current_ still names the task: the paths below that run no code of anyone else leave it (the next
  // entry overwrites it; run_batch clears it before anything else runs), which saves a store per resume.
  constexpr auto kAfterRun = TaskBase::kFinished | TaskBase::kWakePending | TaskBase::kCancelRequested;
  if ((task.flags_ & kAfterRun) == 0) [[likely]] {
    task.state_ = TaskState::waiting;
  } else if (task.has(TaskBase::kFinished)) [[unlikely]] {
    current_ = nullptr;  // the frame's destruction and the waiters run outside the task
    complete(task);
  } else {
    task.clear(TaskBase::kWakePending);
    task.state_ = TaskState::ready;
    push_ready(task);
  }
}

void Loop::run_flagged(TaskBase& task) {
  current_ = nullptr;
  ++entries_not_resumed_;
  if (task.done()) {
    // The queue entry of a task unwound while it was queued (unwind_now): its block was kept for this entry.
    task.drop_ref();
    return;
  }
  task.state_ = TaskState::running;  // popped: no longer in the queue
  unwind(task);
}

void Loop::run_batch() {
  if (++batches_low_ == 0) [[unlikely]]
    ++batches_high_;
  // Only what is ready now runs in this batch: a task that keeps waking itself cannot starve the others.
  // The batch ends with the entry that is last now; entries leave the queue only by being popped here.
  const Runnable* const last = ready_tail_;
  for (;;) {
    Runnable* r = pop_ready();
    const bool was_last = r == last;  // compared before it runs: it may be freed by then
    if (r->kind_ == Runnable::Kind::task) [[likely]] {
      run_task(*static_cast<TaskBase*>(r));
    } else {
      run_callback(*static_cast<CallbackBase*>(r));
    }
    // A stop also brings the loop here, at once (see stop()): the common path tests one counter.
    if (++since_poll_ >= kPollInterval) [[unlikely]] {
      current_ = nullptr;
      if (stop_now_) return;
      poll_now();
      if (stop_now_) return;
    }
    if (was_last) {
      current_ = nullptr;
      return;
    }
  }
}

void Loop::resume_profiled(TaskBase& task) {
  const std::uint64_t start = backend_.profile_ns();
  task.link().resume();
  const std::uint64_t elapsed = backend_.profile_ns() - start;
  task.run_time_ns_ += elapsed;
  const auto elapsed32 = elapsed > 0xffffffffu ? 0xffffffffu : static_cast<std::uint32_t>(elapsed);
  if (elapsed32 > task.longest_run_ns_) task.longest_run_ns_ = elapsed32;
}

void Loop::run_callback(CallbackBase& cb) {
  current_ = nullptr;
  ++entries_not_resumed_;
  if (!cb.cancelled_) {
    ++stats_.callbacks;
    cb.done_ = true;
#if AIOPI_HAS_EXCEPTIONS
    try {
      cb.invoke_(cb);
    } catch (...) {
      call_exception_handler({"exception in callback", nullptr, std::current_exception()});
    }
#else
    cb.invoke_(cb);
#endif
  }
  cb.drop_ref();
}

void Loop::complete(TaskBase& task) noexcept {
  // At final suspend only the promise and the parameters are left; the result is already in the block.
  std::coroutine_handle<>::from_address(detail::frame_of(task)).destroy();
  finish(task);
}

void Loop::unwind(TaskBase& task) noexcept {
  // Cancellation: destroy the frame at its suspension point. Destructors of the task's locals and awaiters
  // run (innermost first), unlinking waiter and timer nodes and releasing what RAII holds.
  if (task.state_ == TaskState::ready) {
    // Still in the ready queue (unwind_now on a woken task): the entry stays, so keep the block alive for
    // it and mark it; the loop retires it when it comes up (run_flagged) without touching the frame.
    task.add_ref();
    task.set(TaskBase::kCancelRequested);
  }
  // While unwinding the task counts as running: a wake from its own destructors is ignored (make_ready).
  task.state_ = TaskState::running;
  TaskBase* previous = current_;
  current_ = &task;
  task.set(TaskBase::kUnwinding);
  task.set_forward(nullptr);
  if (!task.has(TaskBase::kFrameGone))
    std::coroutine_handle<>::from_address(detail::frame_of(task)).destroy();
  task.clear(TaskBase::kUnwinding);
  current_ = previous;
  task.outcome_kind_ = OutcomeKind::cancelled;
  finish(task);
}

void Loop::finish(TaskBase& task) noexcept {
  task.state_ = TaskState::done;
  task.set_forward(nullptr);
  task.ListHook<RegistryTag>::unlink();
  if (&task == stop_task_) stop();
  const bool awaited = !task.waiters_.empty();
  while (!task.waiters_.empty()) {
    CompletionWaiter& w = task.waiters_.pop_front();
    w.on_done_(w, task);
  }
#if AIOPI_HAS_EXCEPTIONS
  if (!awaited && task.failed() && &task != stop_task_ && !closing_) {
    call_exception_handler({"task exception was never retrieved", &task, task.exception()});
  }
#else
  (void)awaited;
#endif
  task.drop_ref();
}

TaskRef current_task() {
  Loop* loop = Loop::current();
  if (loop == nullptr || loop->current_task() == nullptr) usage_error("current_task(): no running task");
  return TaskRef(loop->current_task());
}

}  // namespace aiopi
