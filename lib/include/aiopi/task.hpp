// Task<T>: the coroutine type of aiopi. Lazy (starts when awaited or handed to create_task), move-only.
//
//   Task<int> answer() { co_await aiopi::sleep_ms(10); co_return 42; }
//   Task<> main_task() { int v = co_await answer(); ... }      // runs inline in the same task, like asyncio
//   auto h = aiopi::create_task(answer());                       // runs concurrently, h is awaitable
#pragma once

#include <coroutine>
#include <cstddef>
#include <utility>

#include "aiopi/config.hpp"
#include "aiopi/frame_allocator.hpp"
#include "aiopi/outcome.hpp"
#include "aiopi/panic.hpp"

namespace aiopi {

template <class T = void>
class Task;

namespace detail {

class PromiseBase {
 public:
  // Frames come from the pluggable frame allocator; sized delete lets pools free without a header.
  // Not declared noexcept (that would oblige a get_return_object_on_allocation_failure): the frame allocator
  // never returns null, it panics instead.
  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { deallocate_frame(frame, size); }

  std::suspend_always initial_suspend() const noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> h) const noexcept {
      // A sub-coroutine hands control straight back to its awaiter (symmetric transfer, no stack growth);
      // a task's own coroutine returns to the loop, which collects the outcome.
      std::coroutine_handle<> next = h.promise().continuation_;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() const noexcept { return {}; }

  std::coroutine_handle<> continuation_;
  bool started_ = false;
};

template <class T>
class TaskPromiseStorage : public PromiseBase {
 public:
  template <class U>
  void return_value(U&& value) {
    outcome_.set_value(std::forward<U>(value));
  }
  Outcome<T> outcome_;
};

template <>
class TaskPromiseStorage<void> : public PromiseBase {
 public:
  void return_void() noexcept { outcome_.set_value(); }
  Outcome<void> outcome_;
};

template <class T>
class TaskPromise final : public TaskPromiseStorage<T> {
 public:
  Task<T> get_return_object() noexcept;
  void unhandled_exception() noexcept {
#if AIOPI_HAS_EXCEPTIONS
    this->outcome_.set_exception(std::current_exception());
#endif
  }
};

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
  bool valid() const noexcept { return h_ && !h_.promise().started_; }

  /// Gives up ownership of the coroutine (used by create_task). Starting it twice is a usage error.
  Handle release_for_start() {
    if (!h_) usage_error("Task: no coroutine (moved from or default-constructed)");
    if (h_.promise().started_) usage_error("Task: already awaited or started; a Task can run only once");
    h_.promise().started_ = true;
    return std::exchange(h_, {});
  }

  class Awaiter {
   public:
    explicit Awaiter(Handle h) noexcept : h_(h) {}
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
      h_.promise().continuation_ = awaiting;
      return h_;
    }
    decltype(auto) await_resume() {
      if constexpr (std::is_void_v<T>) {
        h_.promise().outcome_.value();
      } else {
        return std::move(h_.promise().outcome_).value();
      }
    }

   private:
    Handle h_;
  };

  /// Awaiting runs the coroutine inline in the awaiting task (asyncio: `await coro()`); the frame is freed
  /// when this Task object goes away. Awaiting a Task a second time is a usage error.
  Awaiter operator co_await() & { return Awaiter(start()); }
  Awaiter operator co_await() && { return Awaiter(start()); }

 private:
  Handle start() {
    if (!h_) usage_error("Task: awaited without a coroutine (moved from or default-constructed)");
    if (h_.promise().started_) usage_error("Task: awaited twice; await a TaskHandle to share a result");
    h_.promise().started_ = true;
    return h_;
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
