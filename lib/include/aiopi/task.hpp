// Task<T>: the coroutine type of aiopi. Lazy (starts when awaited or handed to create_task), move-only.
//
//   Task<int> answer() { co_await aiopi::sleep_ms(10); co_return 42; }
//   Task<> main_task() { int v = co_await answer(); ... }      // runs inline in the same task, like asyncio
//   auto h = aiopi::create_task(answer());                       // runs concurrently, h is awaitable
#pragma once

#include <coroutine>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include "aiopi/detail/config.hpp"
#include "aiopi/frame_allocator.hpp"
#include "aiopi/outcome.hpp"
#include "aiopi/panic.hpp"
#include "aiopi/task_base.hpp"

namespace aiopi {

template <class T = void>
class Task;

namespace detail {

/// Bytes in front of a Task<T> control block that hold the coroutine's result (none for void), rounded so the
/// control block and the frame after it keep the allocator's alignment.
template <class T>
inline constexpr std::size_t kResultSpan = std::is_void_v<T>
                                               ? 0
                                               : round_up(sizeof(StoredType<T>), alignof(std::max_align_t));

template <class T>
StoredType<T>* result_storage(TaskBase& task) noexcept {
  static_assert(alignof(StoredType<T>) <= alignof(std::max_align_t),
                "over-aligned task results are not supported");
  return at_offset<StoredType<T>>(&task, -static_cast<std::ptrdiff_t>(kResultSpan<T>));
}
template <class T>
StoredType<T>& result_of(TaskBase& task) noexcept {
  return *std::launder(result_storage<T>(task));
}

class PromiseBase {
 public:
  std::suspend_always initial_suspend() const noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> h) const noexcept {
      // A sub-coroutine hands control straight back to its awaiter (symmetric transfer, no stack growth);
      // a task's own coroutine returns to the loop, which sees the flag and finishes the task.
      TaskBase& task = h.promise().task();
      if (task.has(TaskBase::kSpawned)) {
        task.set(TaskBase::kFinished);
        return std::noop_coroutine();
      }
      std::coroutine_handle<> next = h.promise().link_;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() const noexcept { return {}; }

  // For a sub-coroutine, the coroutine awaiting it; for a scheduled task's own coroutine, the innermost
  // coroutine where the task is suspended (what the loop resumes). One word either way: it is in every frame.
  std::coroutine_handle<> link_;
};

template <class T>
class TaskPromise;

/// co_return for Task<T>: the value goes straight into the result storage in front of the control block.
template <class T>
class TaskReturn : public PromiseBase {
 public:
  template <class U>
  void return_value(U&& value) {
    TaskBase& task = static_cast<TaskPromise<T>&>(*this).task();
    ::new (static_cast<void*>(result_storage<T>(task))) StoredType<T>(std::forward<U>(value));
    TaskPromise<T>::set_outcome(task, OutcomeKind::value);
  }
};
template <>
class TaskReturn<void> : public PromiseBase {
 public:
  void return_void() noexcept;
};

/// The promise of Task<T>. Its frame is allocated with the control block and the result in front of it.
template <class T>
class TaskPromise final : public TaskReturn<T> {
 public:
  // Not declared noexcept (that would oblige a get_return_object_on_allocation_failure): the frame allocator
  // never returns null, it panics instead.
  static void* operator new(std::size_t frame_size) {
    char* block = static_cast<char*>(allocate_frame(kResultSpan<T> + kTaskBaseSpan + frame_size));
    ::new (static_cast<void*>(block + kResultSpan<T>)) TaskBase();
    return block + kResultSpan<T> + kTaskBaseSpan;
  }
  static void operator delete(void* frame, std::size_t frame_size) noexcept {
    TaskBase& task = task_of_frame(frame);
    const std::size_t block_size = kResultSpan<T> + kTaskBaseSpan + frame_size;
    if (task.refs_ == 0) {
      release(task, block_size);
    } else {
      // Handles still ask how the task ended: keep the block, and note in the dead frame how to free it.
      // (Every frame holds at least its resume and destroy pointers, so the record fits.)
      if (frame_size < sizeof(DeadFrame)) panic("aiopi: coroutine frame smaller than its release record");
      task.set(TaskBase::kFrameGone);
      ::new (frame) DeadFrame{block_size, &TaskPromise::release};
    }
  }

  Task<T> get_return_object() noexcept;

  void unhandled_exception() noexcept {
#if AIOPI_HAS_EXCEPTIONS
    task().set_error(std::current_exception());
#endif
  }

  TaskBase& task() noexcept {
    return task_of_frame(std::coroutine_handle<TaskPromise>::from_promise(*this).address());
  }
  static void set_outcome(TaskBase& task, OutcomeKind kind) noexcept {
    task.outcome_kind_ = kind;
  }

 private:
  static void release(TaskBase& task, std::size_t block_size) noexcept {
    if constexpr (!std::is_void_v<T>) {
      if (task.outcome_kind_ == OutcomeKind::value) result_of<T>(task).~StoredType<T>();
    }
    char* block = reinterpret_cast<char*>(&task) - kResultSpan<T>;
    task.~TaskBase();
    deallocate_frame(block, block_size);
  }
};

inline void TaskReturn<void>::return_void() noexcept {
  TaskPromise<void>::set_outcome(static_cast<TaskPromise<void>&>(*this).task(), OutcomeKind::value);
}

}  // namespace detail

template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;
  using value_type = T;
  using Handle = std::coroutine_handle<promise_type>;

  Task() noexcept = default;
  explicit Task(Handle h) noexcept : h_(h) {}
  Task(Task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      h_ = std::exchange(other.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  /// True while this object owns a coroutine that has not been started.
  bool valid() const noexcept { return h_ && !h_.promise().task().has(TaskBase::kStarted); }

  /// Gives up ownership of the coroutine (used by create_task). Starting it twice is a usage error.
  Handle release_for_start() {
    claim_start("Task: no coroutine (moved from or default-constructed)",
                "Task: already awaited or started; a Task can run only once");
    return std::exchange(h_, {});
  }

  class Awaiter {
   public:
    explicit Awaiter(Handle h) noexcept : h_(h) {}
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
      h_.promise().link_ = awaiting;
      return h_;
    }
    T await_resume() {
      TaskBase& task = h_.promise().task();
#if AIOPI_HAS_EXCEPTIONS
      if (task.failed()) std::rethrow_exception(task.error_);
#endif
      if (task.outcome_kind_ != OutcomeKind::value) usage_error("Task: finished without a result");
      if constexpr (!std::is_void_v<T>) return T(std::move(detail::result_of<T>(task)));
    }

   private:
    Handle h_;
  };

  /// Awaiting runs the coroutine inline in the awaiting task (asyncio: `await coro()`); the frame is freed
  /// when this Task object goes away. Awaiting a Task a second time is a usage error.
  Awaiter operator co_await() & {
    return Awaiter(start());
  }
  Awaiter operator co_await() && {
    return Awaiter(start());
  }

 private:
  Handle start() {
    claim_start("Task: awaited without a coroutine (moved from or default-constructed)",
                "Task: awaited twice; await a TaskHandle to share a result");
    return h_;
  }
  /// A Task runs once, whether awaited or scheduled: marks it started, or reports the misuse.
  void claim_start(const char* if_empty, const char* if_started) {
    if (!h_) usage_error(if_empty);
    TaskBase& task = h_.promise().task();
    if (task.has(TaskBase::kStarted)) usage_error(if_started);
    task.set(TaskBase::kStarted);
  }
  void reset() noexcept {
    if (h_) h_.destroy();
    h_ = {};
  }

  Handle h_;
};

template <class T>
Task<T> detail::TaskPromise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<TaskPromise<T>>::from_promise(*this));
}

}  // namespace aiopi
