// Handles of scheduled tasks (asyncio's Task objects) and create_task / run / current_task.
#pragma once

#include <coroutine>
#include <new>
#include <type_traits>
#include <utility>

#include "aiopi/frame_allocator.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/outcome.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_base.hpp"

namespace aiopi {

namespace detail {

/// Awaits a task's completion from another task. Cancelling the awaiting task is forwarded to the awaited one
/// (asyncio). If the awaited task ends cancelled, the awaiting task is cancelled too unless it asked for the
/// outcome as a value.
class TaskCompletionAwaiter : public CompletionWaiter, public CancelForward {
 public:
  TaskCompletionAwaiter(TaskBase& target, bool propagate) noexcept
      : CompletionWaiter(&on_done), CancelForward(&forward), target_(&target), propagate_(propagate) {}
  TaskCompletionAwaiter(const TaskCompletionAwaiter&) = delete;
  ~TaskCompletionAwaiter() {
    if (self_ != nullptr && self_->loop().forward_of(*self_) == this)
      self_->loop().set_forward(*self_, nullptr);
  }

  bool await_ready() const noexcept { return target_->done() && !(propagate_ && target_->cancelled()); }
  void await_suspend(std::coroutine_handle<> h) {
    Loop& loop = Loop::running();
    self_ = &loop.suspend_current(h);
    if (self_ == target_) usage_error("a task cannot await itself");
    if (target_->done()) {  // already cancelled, and we propagate
      loop.propagate_cancel(*self_);
      return;
    }
    target_->add_completion_waiter(*this);
    loop.set_forward(*self_, this);
  }
  /// `co_await task_ref` (TaskRef::operator co_await): the value's type is unknown here, so nothing is
  /// returned; a failure is rethrown as for handles. The typed awaiters below hide this with their own.
  void await_resume() const {
#if AIOPI_HAS_EXCEPTIONS
    if (target_->failed()) std::rethrow_exception(target_->exception());
#endif
  }

 protected:
  TaskBase* target_;

 private:
  static void on_done(CompletionWaiter& w, TaskBase& finished) noexcept {
    auto& self = static_cast<TaskCompletionAwaiter&>(w);
    Loop& loop = self.self_->loop();
    loop.set_forward(*self.self_, nullptr);
    if (self.propagate_ && finished.cancelled()) {
      loop.propagate_cancel(*self.self_);
    } else {
      loop.make_ready(*self.self_);
    }
  }
  static bool forward(CancelForward& f) noexcept {
    auto& self = static_cast<TaskCompletionAwaiter&>(f);
    return self.self_->loop().cancel(*self.target_);
  }

  TaskBase* self_ = nullptr;
  bool propagate_;
};

}  // namespace detail

/// A reference to a scheduled task whose result type is not known here (what current_task() returns).
class TaskRef {
 public:
  TaskRef() noexcept = default;
  explicit TaskRef(TaskBase* task) noexcept : task_(task) {
    if (task_ != nullptr) task_->add_ref();
  }
  TaskRef(const TaskRef& o) noexcept : TaskRef(o.task_) {}
  TaskRef(TaskRef&& o) noexcept : task_(std::exchange(o.task_, nullptr)) {}
  TaskRef& operator=(const TaskRef& o) noexcept {
    TaskRef copy(o);
    std::swap(task_, copy.task_);
    return *this;
  }
  TaskRef& operator=(TaskRef&& o) noexcept {
    TaskRef moved(std::move(o));
    std::swap(task_, moved.task_);
    return *this;
  }
  ~TaskRef() {
    if (task_ != nullptr) task_->drop_ref();
  }

  explicit operator bool() const noexcept { return task_ != nullptr; }
  bool operator==(const TaskRef& o) const noexcept { return task_ == o.task_; }

  /// asyncio Task.cancel(): false if the task is done or is the running task; true otherwise. Forwarded to
  /// the innermost task this one awaits. The task unwinds (its frame is destroyed, destructors run) when it
  /// next runs; the caller carries on until it yields.
  bool cancel() const noexcept { return task_->cancel(); }
  bool done() const noexcept { return task_->done(); }
  bool cancelled() const noexcept { return task_->cancelled(); }
  bool failed() const noexcept { return task_->failed(); }
  const char* name() const noexcept { return task_->name(); }
  TaskState state() const noexcept { return task_->state(); }
  std::uint32_t run_count() const noexcept { return task_->run_count(); }
  TaskBase& base() const noexcept { return *task_; }

  /// `co_await ref` waits for the task to finish (value discarded); cancellation propagates as for handles.
  detail::TaskCompletionAwaiter operator co_await() const noexcept { return {*task_, true}; }

  /// asyncio's add_done_callback: `fn(ref)` is called on the loop (as a call_soon callback) once the task has
  /// finished, whatever its outcome; at once (soon) if it already has. Allocates one node for the callback
  /// (like call_soon); callbacks still pending when the loop is torn down are dropped without being called.
  template <class F>
  void add_done_callback(F&& fn) const {
    add_done_callback_as<TaskRef>(std::forward<F>(fn));
  }

 protected:
  template <class Ref, class F>
  void add_done_callback_as(F&& fn) const;

  TaskBase* task_ = nullptr;
};

namespace detail {
/// The node add_done_callback hangs on a task: told of the completion, it schedules the user's function.
template <class Ref, class Callable>
class DoneCallback final : public CompletionWaiter {
 public:
  DoneCallback(TaskBase& task, Callable fn) : CompletionWaiter(&on_done), task_(&task), fn_(std::move(fn)) {}

  static void schedule(Loop& loop, Ref ref, Callable fn) {
    loop.call_soon([ref = std::move(ref), fn = std::move(fn)]() mutable { fn(ref); });
  }

 private:
  static void on_done(CompletionWaiter& w, TaskBase& finished) noexcept {
    auto* self = static_cast<DoneCallback*>(&w);
    Loop& loop = finished.loop();
    if (!loop.closing()) {
#if AIOPI_HAS_EXCEPTIONS
      try {
        schedule(loop, Ref(&finished), std::move(self->fn_));
      } catch (...) {
        loop.call_exception_handler(
            {"add_done_callback: could not schedule", &finished, std::current_exception()});
      }
#else
      schedule(loop, Ref(&finished), std::move(self->fn_));
#endif
    }
    delete self;
  }
  TaskRef task_;  // keeps the block alive until the node is done with it
  Callable fn_;
};
}  // namespace detail

template <class Ref, class F>
void TaskRef::add_done_callback_as(F&& fn) const {
  using Fn = std::decay_t<F>;
  if (task_->done()) {
    Loop* loop = task_->loop_ptr();
    if (loop == nullptr) usage_error("add_done_callback: the task was never scheduled");
    detail::DoneCallback<Ref, Fn>::schedule(*loop, Ref(task_), Fn(std::forward<F>(fn)));
    return;
  }
  task_->add_completion_waiter(*new detail::DoneCallback<Ref, Fn>(*task_, Fn(std::forward<F>(fn))));
}

/// A scheduled task with a result of type T. Copyable; many tasks may await the same handle.
template <class T>
class TaskHandle : public TaskRef {
 public:
  TaskHandle() noexcept = default;
  explicit TaskHandle(TaskBase* task) noexcept : TaskRef(task) {}

  /// How the task ended, as a value (a copy of the result): pending, value, cancelled or failed.
  Outcome<T> outcome() const requires std::is_void_v<T> || std::is_copy_constructible_v<T> {
    return outcome_of(*task_);
  }

  /// The result of a task that ended with one (a usage error otherwise; rethrows a failure, and throws
  /// CancelledError for a cancelled task where exceptions exist). Lives as long as some handle does.
  StoredType<T>& result() const {
#if AIOPI_HAS_EXCEPTIONS
    if (task_->failed()) std::rethrow_exception(task_->exception());
    if (task_->cancelled()) throw CancelledError();
#endif
    if (task_->outcome_kind() != OutcomeKind::value)
      usage_error("TaskHandle::result(): the task has no result");
    if constexpr (std::is_void_v<T>) {
      static StoredType<T> none;
      return none;
    } else {
      return detail::result_of<T>(*task_);
    }
  }

  /// Awaiting a handle gives the task's value (a copy for an lvalue handle, moved out of an rvalue one),
  /// rethrows its exception, and cancels the awaiting task if the awaited one was cancelled.
  class ValueAwaiter : public detail::TaskCompletionAwaiter {
   public:
    ValueAwaiter(TaskBase& task, bool move) noexcept : TaskCompletionAwaiter(task, true), move_(move) {}
    T await_resume() {
      TaskCompletionAwaiter::await_resume();  // rethrows a failure
      if (target_->outcome_kind() != OutcomeKind::value) usage_error("awaited task has no result");
      if constexpr (!std::is_void_v<T>) {
        StoredType<T>& value = detail::result_of<T>(*target_);
        if constexpr (std::is_copy_constructible_v<T>) {
          if (!move_) return T(value);
        }
        return T(std::move(value));  // move-only results can be taken once
      }
    }

   private:
    bool move_;
  };
  ValueAwaiter operator co_await() const& noexcept {
    return {*task_, false};
  }
  ValueAwaiter operator co_await() && noexcept {
    return {*task_, true};
  }

  /// add_done_callback (see TaskRef) with the typed handle: `fn(const TaskHandle<T>&)`.
  template <class F>
  void add_done_callback(F&& fn) const {
    this->template add_done_callback_as<TaskHandle<T>>(std::forward<F>(fn));
  }

  /// `co_await handle.wait_outcome()` waits and gives the Outcome<T> by value, never propagating
  /// cancellation.
  class OutcomeAwaiter : public detail::TaskCompletionAwaiter {
   public:
    explicit OutcomeAwaiter(TaskBase& task) noexcept : TaskCompletionAwaiter(task, false) {}
    Outcome<T> await_resume() { return outcome_of(*target_); }
  };
  OutcomeAwaiter wait_outcome() const noexcept {
    return OutcomeAwaiter(*task_);
  }

 private:
  static Outcome<T> outcome_of(TaskBase& task) {
    Outcome<T> out;
    switch (task.outcome_kind()) {
      case OutcomeKind::pending:
        break;
      case OutcomeKind::value:
        if constexpr (std::is_void_v<T>) {
          out.set_value();
        } else {
          out.set_value(detail::result_of<T>(task));
        }
        break;
      case OutcomeKind::cancelled:
        out.set_cancelled();
        break;
      case OutcomeKind::failed:
#if AIOPI_HAS_EXCEPTIONS
        out.set_exception(task.exception());
#endif
        break;
    }
    return out;
  }
};

template <class T>
TaskHandle<T> Loop::create_task(Task<T> coro, const char* name) {
  auto h = coro.release_for_start();
  TaskBase& task = h.promise().task();
  task.name_ = name;
  TaskHandle<T> handle(&task);
  start_task(task, h.promise(), h);
  return handle;
}

template <class T>
T Loop::run_until_complete(Task<T> main) {
  TaskHandle<T> handle = create_task(std::move(main), "main");
  run_until(&handle.base());
  const TaskBase& task = handle.base();
  if (task.outcome_kind() == OutcomeKind::pending)
    usage_error("run_until_complete: the loop stopped before the main task finished");
#if !AIOPI_HAS_EXCEPTIONS
  if (task.cancelled()) panic("run_until_complete: the main task was cancelled");
#endif
  if constexpr (std::is_void_v<T>) {
    handle.result();
  } else {
    return T(std::move(handle.result()));
  }
}

/// Schedules `coro` on the current loop (before run(), on the thread's default loop, as MicroPython allows).
template <class T>
TaskHandle<T> create_task(Task<T> coro, const char* name = nullptr) {
  return Loop::get().create_task(std::move(coro), name);
}

/// asyncio.run(): runs `main` on the thread's loop until it finishes and returns its value.
template <class T>
T run(Task<T> main) {
  return Loop::get().run_until_complete(std::move(main));
}

/// The running task (asyncio.current_task()); a usage error outside a task.
TaskRef current_task();

}  // namespace aiopi
