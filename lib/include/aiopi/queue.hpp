// Queue: asyncio.Queue / micropython-async's Queue for tasks of one loop (not for other threads or ISRs).
//
//   aiopi::Queue<int> q(10);                 // bounded: 10 items; Queue<int> q; is unbounded
//   co_await q.put(42);                      // waits while full
//   int v = co_await q.get();                // waits while empty;  `co_await q` is the same
//   if (!q.put_nowait(7)) { /* full */ }      if (auto v = q.get_nowait()) use(*v);
//   q.task_done();  co_await q.join();
//
// Storage: a bounded queue allocates its ring of `maxsize` slots once, in the constructor, and never again;
// an unbounded queue grows by doubling, so it allocates only when it holds more items than it ever did
// before. Waiting never allocates. Waiting getters and putters are served first come, first served; see
// detail/queue_core.hpp for the hand-off rules that make get and put cancel-safe.
#pragma once

#include <coroutine>
#include <cstddef>
#include <optional>
#include <utility>

#include "aiopi/detail/queue_core.hpp"
#include "aiopi/detail/ring_buffer.hpp"
#include "aiopi/detail/wait_list.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"

namespace aiopi {

template <class T>
class Queue : public detail::QueueCore<T, detail::HeapRing<T>, true> {
  using Core = detail::QueueCore<T, detail::HeapRing<T>, true>;

 public:
  /// `maxsize` <= 0 makes an unbounded queue (Python's default); a bounded one allocates its buffer here.
  explicit Queue(std::ptrdiff_t maxsize = 0) : Core(maxsize > 0 ? static_cast<std::size_t>(maxsize) : 0) {}

  /// The bound given to the constructor, 0 when unbounded.
  std::size_t maxsize() const noexcept { return this->buf_.limit(); }

  /// Appends at once, or returns false when the queue is full (asyncio raises QueueFull). The caller's item
  /// is moved from only when it was accepted.
  bool put_nowait(const T& item) {
    if (this->full()) return false;
    this->add(item);
    return true;
  }
  bool put_nowait(T&& item) {
    if (this->full()) return false;
    this->add(std::move(item));
    return true;
  }

  /// Items put (by any put) and not yet marked done with task_done().
  std::size_t unfinished_tasks() const noexcept { return this->count_.unfinished; }

  /// Marks one item as processed. Calling it more often than items were put is a usage error (asyncio's
  /// ValueError; micropython-async lets the count go negative).
  void task_done() {
    auto& c = this->count_;
    if (c.unfinished == 0) usage_error("Queue.task_done(): called more times than there were items");
    if (--c.unfinished == 0) {
      while (!c.joiners.empty()) {
        WaitNode& w = c.joiners.pop_front();
        w.task->loop().make_ready(*w.task);
      }
    }
  }

  class [[nodiscard]] JoinAwaiter : private WaitNode {
   public:
    explicit JoinAwaiter(Queue& q) noexcept : q_(q) {}
    JoinAwaiter(const JoinAwaiter&) = delete;
    JoinAwaiter& operator=(const JoinAwaiter&) = delete;
    bool await_ready() const noexcept { return q_.count_.unfinished == 0; }
    void await_suspend(std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      q_.count_.joiners.push_back(*this);
    }
    void await_resume() const noexcept {}

   private:
    Queue& q_;
  };

  /// Waits until every item put so far has been marked done (at once when none is outstanding). Tasks
  /// released by the last task_done() stay released even if a put follows at once, as with Event.
  /// Cancel-safe: a cancelled joiner just leaves the list.
  JoinAwaiter join() noexcept { return JoinAwaiter(*this); }
};

}  // namespace aiopi
