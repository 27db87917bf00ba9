// ThreadContext (micropython-async `threadsafe.Context`): one long-lived worker thread that runs blocking
// jobs one after another, in submission order; each job's result is awaited by the task that submitted it.
// THREAD-BASED: hosted builds only (Linux); on the MCU this header is empty.
//
//   aiopi::ThreadContext disk;                             // starts its thread
//   auto n = co_await disk.run(write_block, fd, buffer);   // the seed's `await ctx.assign(func, *args)`
//
// A job is submitted when the task co_awaits it. The queue is unbounded (jobs are linked intrusively, the job
// itself is the only allocation), so submitting never waits — unlike the seed's bounded queue. An exception
// thrown by a job is rethrown in the awaiting task (the seed swallowed it; here it cannot kill the worker
// either). Cancelling the awaiting task abandons the wait: a job not started yet still runs (it cannot be
// told apart safely from a started one without a lock on the hot path) and its result is discarded, as with
// to_thread. The destructor runs the jobs still queued, then joins the thread (it blocks until the current
// job returns).
#pragma once

#include "aiopi/detail/config.hpp"

#if AIOPI_HOSTED

#include <condition_variable>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>

#include "aiopi/to_thread.hpp"

namespace aiopi {

class ThreadContext {
 public:
  ThreadContext() : thread_([this] { work(); }) {}
  ThreadContext(const ThreadContext&) = delete;
  ThreadContext& operator=(const ThreadContext&) = delete;
  ~ThreadContext() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

  /// Queues `fn(args...)` (decay-copied) for the worker when awaited; `co_await` gives its result.
  template <class F, class... Args>
  ThreadAwaiter<detail::thread_result_t<F, Args...>> run(F&& fn, Args&&... args) {
    using R = detail::thread_result_t<F, Args...>;
    auto* job = new detail::ThreadJobImpl<R, std::decay_t<F>, std::decay_t<Args>...>(
        std::forward<F>(fn), std::forward<Args>(args)...);
    return ThreadAwaiter<R>(job, &ThreadContext::enqueue, this);
  }
  /// The seed's name for run().
  template <class F, class... Args>
  ThreadAwaiter<detail::thread_result_t<F, Args...>> assign(F&& fn, Args&&... args) {
    return run(std::forward<F>(fn), std::forward<Args>(args)...);
  }

  /// Jobs queued and not started yet.
  std::size_t pending() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return pending_;
  }

 private:
  static void enqueue(detail::ThreadJobBase* job, void* self_ptr) {
    auto& self = *static_cast<ThreadContext*>(self_ptr);
    {
      std::lock_guard<std::mutex> lock(self.mutex_);
      job->next_job_ = nullptr;
      if (self.tail_ != nullptr) {
        self.tail_->next_job_ = job;
      } else {
        self.head_ = job;
      }
      self.tail_ = job;
      ++self.pending_;
    }
    self.cv_.notify_one();
  }

  void work() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      cv_.wait(lock, [this] { return head_ != nullptr || stop_; });
      if (head_ == nullptr) return;  // stopping, and nothing left
      detail::ThreadJobBase* job = head_;
      head_ = job->next_job_;
      if (head_ == nullptr) tail_ = nullptr;
      --pending_;
      lock.unlock();
      job->execute();
      lock.lock();
    }
  }

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  detail::ThreadJobBase* head_ = nullptr;
  detail::ThreadJobBase* tail_ = nullptr;
  std::size_t pending_ = 0;
  bool stop_ = false;
  std::thread thread_;  // last: starts after everything above is initialised
};

}  // namespace aiopi

#endif  // AIOPI_HOSTED
