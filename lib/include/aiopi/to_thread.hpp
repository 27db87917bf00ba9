// to_thread / run_in_thread (asyncio.to_thread; the seed's `unblock` recipe): run a blocking function on a
// worker thread and await its result from a task. THREAD-BASED: hosted builds only (Linux); on the MCU this
// header is empty, since there are no threads there.
//
//   std::string text = co_await aiopi::to_thread(read_whole_file, path);   // the loop runs on meanwhile
//
// Each call starts one std::thread (detached) that runs fn(args...) — arguments are decay-copied as by
// std::thread — and posts its completion to the loop through a ForeignWake node. For a long-lived worker that
// runs jobs one after another, see ThreadContext (thread_context.hpp).
//
// The result is moved to the awaiting task; an exception thrown by fn is rethrown there (where exceptions
// exist). Cancelling the awaiting task abandons the wait at once: the function cannot be stopped and runs to
// its end on its thread, then its result (or exception) is destroyed there. The state shared by the task and
// the worker is reference-counted with atomics, so it outlives whichever side finishes last; the awaiter does
// not let its frame (or the loop) go while the worker is inside its few-instruction post to the loop.
// Anything fn touches by reference must outlive the call, even when the wait is abandoned.
#pragma once

#include "aiopi/detail/config.hpp"

#if AIOPI_HOSTED

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <functional>
#include <optional>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>

#include "aiopi/detail/foreign_wake.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/outcome.hpp"

#if AIOPI_HAS_EXCEPTIONS
#include <exception>
#endif

namespace aiopi {

class ThreadContext;

namespace detail {

/// A job shared by the awaiting task (loop thread) and the thread that runs it.
class ThreadJobBase : public ForeignWake {
 public:
  ThreadJobBase() noexcept : ForeignWake(&ThreadJobBase::on_post) {}
  virtual ~ThreadJobBase() = default;

  /// Worker thread: runs the function, then posts the completion (or, if abandoned, drops the job).
  void execute() noexcept {
    run();
    std::uint32_t expected = kRunning;
    if (phase_.compare_exchange_strong(expected, kPosting, std::memory_order_acq_rel)) {
      loop_->post_threadsafe(*this);  // the worker's reference travels with the post
      // The awaiter keeps its reference (so this object alive) until it has seen kPosted.
      phase_.store(kPosted, std::memory_order_release);
    } else {
      drop();  // abandoned: nobody will read the result
    }
  }

  /// Loop thread: the awaiter goes (result taken, cancelled, or never awaited).
  void release_from_awaiter() noexcept {
    if (waiter_ != nullptr) {  // still waiting: cancelled
      waiter_ = nullptr;
      loop_->remove_external_source();
    }
    if (started_) {
      std::uint32_t expected = kRunning;
      if (!phase_.compare_exchange_strong(expected, kAbandoned, std::memory_order_acq_rel)) {
        // The worker finished and is posting: let it finish the post, so the node is in the inbox (which the
        // loop drains even when it is destroyed) before this frame, and maybe the loop, go away.
        while (phase_.load(std::memory_order_acquire) != kPosted)
          std::this_thread::yield();
      }
    }
    drop();
  }

  /// Loop thread, in await_suspend: records the waiting task and hands the job to its thread.
  template <class Start>
  void start(Loop& loop, TaskBase& waiter, Start&& start_fn) {
    loop_ = &loop;
    refs_.fetch_add(1, std::memory_order_relaxed);  // the worker's reference
    started_ = true;
    waiter_ = &waiter;
    loop.add_external_source();
#if AIOPI_HAS_EXCEPTIONS
    try {
      start_fn(this);
    } catch (...) {
      started_ = false;
      waiter_ = nullptr;
      loop.remove_external_source();
      refs_.fetch_sub(1, std::memory_order_relaxed);
      throw;
    }
#else
    start_fn(this);
#endif
  }

 protected:
  virtual void run() noexcept = 0;

 private:
  friend class aiopi::ThreadContext;
  static constexpr std::uint32_t kRunning = 0, kAbandoned = 1, kPosting = 2, kPosted = 3;

  static void on_post(ForeignWake& node) noexcept {
    auto& self = static_cast<ThreadJobBase&>(node);
    if (TaskBase* t = self.waiter_) {
      self.waiter_ = nullptr;
      self.loop_->remove_external_source();
      self.loop_->make_ready(*t);
    }
    self.drop();
  }
  void drop() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  std::atomic<std::uint32_t> refs_{1};  // the awaiter's
  std::atomic<std::uint32_t> phase_{kRunning};
  Loop* loop_ = nullptr;
  TaskBase* waiter_ = nullptr;         // loop thread only
  bool started_ = false;               // loop thread only
  ThreadJobBase* next_job_ = nullptr;  // ThreadContext's queue
};

template <class R>
class ThreadJob : public ThreadJobBase {
 public:
  Outcome<R> outcome;
};

template <class R, class F, class... Args>
class ThreadJobImpl final : public ThreadJob<R> {
 public:
  template <class FF, class... AA>
  explicit ThreadJobImpl(FF&& fn, AA&&... args)
      : call_(std::in_place, std::forward<FF>(fn), std::forward<AA>(args)...) {}

 private:
  void run() noexcept override {
#if AIOPI_HAS_EXCEPTIONS
    try {
      invoke();
    } catch (...) {
      this->outcome.set_exception(std::current_exception());
    }
#else
    invoke();
#endif
    call_.reset();  // the function object and arguments die on the worker, like std::thread's own copies
  }
  void invoke() {
    if constexpr (std::is_void_v<R>) {
      std::apply([](auto& f, auto&... a) { std::invoke(std::move(f), std::move(a)...); }, *call_);
      this->outcome.set_value();
    } else {
      this->outcome.set_value(std::apply(
          [](auto& f, auto&... a) -> R { return std::invoke(std::move(f), std::move(a)...); }, *call_));
    }
  }
  std::optional<std::tuple<F, Args...>> call_;
};

template <class F, class... Args>
using thread_result_t = std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>;

}  // namespace detail

/// Awaits a job running on another thread. Cancel-safe: cancelling the awaiting task abandons the job (it
/// finishes on its thread and its result is discarded there); nothing dangles.
template <class R>
class [[nodiscard]] ThreadAwaiter {
 public:
  using Start = void (*)(detail::ThreadJobBase* job, void* executor);
  ThreadAwaiter(detail::ThreadJob<R>* job, Start start, void* executor) noexcept
      : job_(job), start_(start), executor_(executor) {}
  ThreadAwaiter(ThreadAwaiter&& o) noexcept
      : job_(std::exchange(o.job_, nullptr)), start_(o.start_), executor_(o.executor_) {}
  ThreadAwaiter& operator=(ThreadAwaiter&&) = delete;
  ~ThreadAwaiter() {
    if (job_ != nullptr) job_->release_from_awaiter();
  }

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    Loop& loop = Loop::running();
    TaskBase& self = loop.suspend_current(h);
    job_->start(loop, self, [this](detail::ThreadJobBase* job) { start_(job, executor_); });
  }
  R await_resume() {
    if constexpr (std::is_void_v<R>) {
      job_->outcome.value();
    } else {
      return std::move(job_->outcome).value();
    }
  }

 private:
  detail::ThreadJob<R>* job_;
  Start start_;
  void* executor_;
};

namespace detail {
inline void start_own_thread(ThreadJobBase* job, void*) {
  std::thread([job] { job->execute(); }).detach();
}
}  // namespace detail

/// Runs `fn(args...)` on a new thread; `co_await` gives its result. See the header comment.
template <class F, class... Args>
ThreadAwaiter<detail::thread_result_t<F, Args...>> to_thread(F&& fn, Args&&... args) {
  using R = detail::thread_result_t<F, Args...>;
  auto* job = new detail::ThreadJobImpl<R, std::decay_t<F>, std::decay_t<Args>...>(
      std::forward<F>(fn), std::forward<Args>(args)...);
  return ThreadAwaiter<R>(job, &detail::start_own_thread, nullptr);
}

/// Same as to_thread (the name the issue and the seed's tutorial use).
template <class F, class... Args>
ThreadAwaiter<detail::thread_result_t<F, Args...>> run_in_thread(F&& fn, Args&&... args) {
  return to_thread(std::forward<F>(fn), std::forward<Args>(args)...);
}

}  // namespace aiopi

#endif  // AIOPI_HOSTED
