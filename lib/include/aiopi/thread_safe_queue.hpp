// ThreadSafeQueue<T, N> (micropython-async `threadsafe.ThreadSafeQueue`): a fixed-capacity single-producer /
// single-consumer ring between a task and another thread or, on the MCU, an ISR — in either direction.
// Not thread-based: on the MCU it works between an ISR and a task; zero allocation on every path.
//
//   aiopi::ThreadSafeQueue<Sample, 64> q;
//   // ISR or thread (producer):          // task (consumer):
//   if (!q.put_sync(s)) ++overruns;        Sample s = co_await q.get();
//
//   // task (producer):                   // thread (consumer):
//   co_await q.put(cmd);                   if (auto c = q.get_sync()) run(*c);   // or q.get_blocking()
//
// Rules: one producer context and one consumer context. The side that is the loop may await (put() / get())
// or use the _sync calls; the other side uses put_sync()/get_sync() (non-blocking) or, on Linux,
// put_blocking()/get_blocking(). On the loop side at most one task may wait to put and one to get at a time
// (a second one is a usage error, as for ThreadSafeFlag). Capacity is exactly N.
//
// Wake-ups: the ring indices are atomics (the producer owns the tail, the consumer the head). After changing
// its index a side looks (seq_cst) whether a task of the loop waits for the other end and, only then, posts a
// ForeignWake node to that loop; the waiting task publishes that it waits (seq_cst) before looking at the
// ring again, so no wake-up is lost.
//
// Cancel-safety: a cancelled put() either committed its item before the task was cancelled (the item is in
// the queue, delivered once) or did not (nothing enqueued). A get() hands the item to the waiting task when
// it arrives; if that task is cancelled before it resumes, the item is kept and served first by the next
// get() or get_sync(): no item is lost or reordered.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <utility>

#include "aiopi/detail/config.hpp"
#include "aiopi/detail/foreign_wake.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"

namespace aiopi {

template <class T, std::size_t N>
class ThreadSafeQueue {
  static_assert(N > 0 && N < 0x40000000u, "ThreadSafeQueue capacity must be 1..2^30-1");
  static constexpr std::uint32_t kCap = static_cast<std::uint32_t>(N);
  static constexpr std::uint32_t kWrap = 2 * kCap;  // indices run over [0, 2N): full and empty differ

 public:
  using value_type = T;

  ThreadSafeQueue() noexcept = default;
  ThreadSafeQueue(const ThreadSafeQueue&) = delete;
  ThreadSafeQueue& operator=(const ThreadSafeQueue&) = delete;
  ~ThreadSafeQueue() {
    // Posts still in the loop's inbox are run now, so the inbox never points at a dead node.
    if (bound_ != nullptr && (get_node_.queued() || put_node_.queued())) bound_->drain_inbox();
    // Tasks still waiting (unwound later) must not reach back into this queue.
    if (getter_ != nullptr) {
      getter_->q_ = nullptr;
      detach_getter();
    }
    if (putter_ != nullptr) {
      putter_->q_ = nullptr;
      detach_putter();
    }
    while (pop_ring()) {
    }
  }

  static constexpr std::size_t capacity() noexcept { return N; }
  /// Items in the queue (a snapshot when the other side is active).
  std::size_t qsize() const noexcept {
    const std::uint32_t t = tail_.load(std::memory_order_acquire);
    const std::uint32_t h = head_.load(std::memory_order_acquire);
    return distance(h, t) + (stashed_.load(std::memory_order_acquire) ? 1u : 0u);
  }
  bool empty() const noexcept { return qsize() == 0; }
  bool full() const noexcept {
    return distance(head_.load(std::memory_order_acquire), tail_.load(std::memory_order_acquire)) == kCap;
  }

  // --- producer side ---------------------------------------------------------------------------------------
  /// Non-blocking put. False (the item is not enqueued) when full. Thread- and ISR-safe for the producer.
  bool put_sync(const T& v) {
    T copy(v);
    return push(copy);
  }
  bool put_sync(T&& v) { return push(v); }

  // --- consumer side ---------------------------------------------------------------------------------------
  /// Non-blocking get: the oldest item, or nothing when empty. Thread- and ISR-safe for the consumer.
  std::optional<T> get_sync() {
    if (stashed_.load(std::memory_order_relaxed)) return take_stash();
    return pop_ring();
  }

#if AIOPI_HOSTED
  /// Producer thread (not the loop's): waits while full. Hosted builds only.
  void put_blocking(T v) {
    for (;;) {
      const std::uint32_t h = head_.load(std::memory_order_seq_cst);
      if (push(v)) return;
      head_.wait(h, std::memory_order_seq_cst);
    }
  }
  /// Consumer thread (not the loop's): waits while empty. Hosted builds only.
  T get_blocking() {
    for (;;) {
      const std::uint32_t t = tail_.load(std::memory_order_seq_cst);
      if (auto v = get_sync()) return std::move(*v);
      tail_.wait(t, std::memory_order_seq_cst);
    }
  }
#endif

  // --- the loop's side -------------------------------------------------------------------------------------
  class PutAwaiter {
   public:
    PutAwaiter(ThreadSafeQueue& q, T v) : q_(&q), value_(std::move(v)) {}
    PutAwaiter(const PutAwaiter&) = delete;
    ~PutAwaiter() {
      if (q_ != nullptr && q_->putter_ == this) q_->detach_putter();  // cancelled before the item went in
    }
    bool await_ready() { return q_->push(value_); }
    void await_suspend(std::coroutine_handle<> h) {
      Loop& loop = Loop::running();
      if (q_->putter_ != nullptr)
        usage_error("ThreadSafeQueue.put(): only one task may wait to put at a time");
      task_ = &loop.suspend_current(h);
      q_->putter_ = this;
      q_->bind(loop);
      loop.add_external_source();
      q_->put_loop_.store(&loop, std::memory_order_seq_cst);
      // Store-load (Dekker) with the consumer's `head_ store; put_loop_ load`. Both sides are seq_cst, so
      // either this load sees the room made or the consumer sees us and posts; push()'s acquire load of head_
      // then reads a value at least this new. (A load, not a fence: ThreadSanitizer models no fences.)
      (void)q_->head_.load(std::memory_order_seq_cst);
      if (q_->push(value_)) {  // the consumer made room while we were binding
        q_->detach_putter();
        loop.make_ready(*task_);
      }
    }
    void await_resume() const noexcept {}

   private:
    friend class ThreadSafeQueue;
    ThreadSafeQueue* q_;
    TaskBase* task_ = nullptr;
    T value_;
  };

  class GetAwaiter {
   public:
    explicit GetAwaiter(ThreadSafeQueue& q) noexcept : q_(&q) {}
    GetAwaiter(const GetAwaiter&) = delete;
    ~GetAwaiter() {
      if (q_ == nullptr) return;
      if (q_->getter_ == this) {
        q_->detach_getter();  // cancelled while waiting
      } else if (item_ && !resumed_) {
        q_->stash(std::move(*item_));  // handed an item but cancelled before resuming: keep it, first in line
      }
    }
    bool await_ready() {
      item_ = q_->get_sync();
      return item_.has_value();
    }
    void await_suspend(std::coroutine_handle<> h) {
      Loop& loop = Loop::running();
      if (q_->getter_ != nullptr)
        usage_error("ThreadSafeQueue.get(): only one task may wait to get at a time");
      task_ = &loop.suspend_current(h);
      q_->getter_ = this;
      q_->bind(loop);
      loop.add_external_source();
      q_->get_loop_.store(&loop, std::memory_order_seq_cst);
      // Store-load (Dekker) with the producer's `tail_ store; get_loop_ load`: see PutAwaiter.
      (void)q_->tail_.load(std::memory_order_seq_cst);
      if ((item_ = q_->pop_ring())) {  // the producer put one while we were binding
        q_->detach_getter();
        loop.make_ready(*task_);
      }
    }
    T await_resume() {
      resumed_ = true;
      return std::move(*item_);
    }

   private:
    friend class ThreadSafeQueue;
    ThreadSafeQueue* q_;
    TaskBase* task_ = nullptr;
    std::optional<T> item_;
    bool resumed_ = false;
  };

  /// Waits while full, then enqueues `v`. Loop side only; see the cancel-safety note above.
  PutAwaiter put(T v) {
    return PutAwaiter(*this, std::move(v));
  }
  /// Waits while empty, then gives the oldest item. Loop side only; see the cancel-safety note above.
  GetAwaiter get() noexcept {
    return GetAwaiter(*this);
  }

 private:
  union Slot {
    Slot() noexcept {}
    ~Slot() {}
    T value;
  };

  static std::uint32_t next(std::uint32_t i) noexcept {
    return i + 1 == kWrap ? 0 : i + 1;
  }
  static std::uint32_t distance(std::uint32_t h, std::uint32_t t) noexcept {
    return t >= h ? t - h : t + kWrap - h;
  }
  Slot& slot(std::uint32_t i) noexcept {
    return ring_[i < kCap ? i : i - kCap];
  }

  /// Producer: moves from `v` only when there is room.
  bool push(T& v) {
    const std::uint32_t t = tail_.load(std::memory_order_relaxed);
    const std::uint32_t h = head_.load(std::memory_order_acquire);
    if (distance(h, t) == kCap) return false;
    ::new (static_cast<void*>(&slot(t).value)) T(std::move(v));
    tail_.store(next(t), std::memory_order_seq_cst);
#if AIOPI_HOSTED
    tail_.notify_all();  // a get_blocking() thread
#endif
    if (Loop* loop = get_loop_.load(std::memory_order_seq_cst)) loop->post_threadsafe(get_node_);
    return true;
  }
  /// Consumer: the oldest item of the ring.
  std::optional<T> pop_ring() {
    const std::uint32_t h = head_.load(std::memory_order_relaxed);
    const std::uint32_t t = tail_.load(std::memory_order_acquire);
    if (h == t) return std::nullopt;
    T& v = slot(h).value;
    std::optional<T> out(std::move(v));
    v.~T();
    head_.store(next(h), std::memory_order_seq_cst);
#if AIOPI_HOSTED
    head_.notify_all();  // a put_blocking() thread
#endif
    if (Loop* loop = put_loop_.load(std::memory_order_seq_cst)) loop->post_threadsafe(put_node_);
    return out;
  }

  void stash(T&& v) {
    if (GetAwaiter* g = getter_) {  // another task began waiting meanwhile: the item is its, in order
      g->item_.emplace(std::move(v));
      detach_getter();
      g->task_->loop().make_ready(*g->task_);
      return;
    }
    stash_.emplace(std::move(v));
    stashed_.store(true, std::memory_order_release);
  }
  std::optional<T> take_stash() {
    std::optional<T> out(std::move(stash_));
    stash_.reset();
    stashed_.store(false, std::memory_order_release);
    return out;
  }

  void bind(Loop& loop) {
    if (bound_ == nullptr) bound_ = &loop;
    if (bound_ != &loop) usage_error("ThreadSafeQueue: awaited from a second event loop");
  }
  void detach_getter() noexcept {
    getter_ = nullptr;
    get_loop_.store(nullptr, std::memory_order_seq_cst);
    bound_->remove_external_source();
  }
  void detach_putter() noexcept {
    putter_ = nullptr;
    put_loop_.store(nullptr, std::memory_order_seq_cst);
    bound_->remove_external_source();
  }

  struct Node : ForeignWake {
    Node(ThreadSafeQueue* q, Fn fn) noexcept : ForeignWake(fn), owner(q) {}
    ThreadSafeQueue* owner;
  };
  // Loop thread: the producer put something (a getter may be waiting).
  static void on_item(ForeignWake& n) noexcept {
    ThreadSafeQueue& q = *static_cast<Node&>(n).owner;
    GetAwaiter* g = q.getter_;
    if (g == nullptr) return;
    g->item_ = q.pop_ring();
    if (!g->item_) return;  // already taken by get_sync(): keep waiting
    q.detach_getter();
    g->task_->loop().make_ready(*g->task_);
  }
  // Loop thread: the consumer took something (a putter may be waiting).
  static void on_room(ForeignWake& n) noexcept {
    ThreadSafeQueue& q = *static_cast<Node&>(n).owner;
    PutAwaiter* p = q.putter_;
    if (p == nullptr || !q.push(p->value_)) return;
    q.detach_putter();
    p->task_->loop().make_ready(*p->task_);
  }

  Slot ring_[N];
  std::atomic<std::uint32_t> head_{0};  // consumer-owned
#if AIOPI_HOSTED
  char pad_[64];  // keeps the indices off one cache line (not alignas: coroutine frames are not over-aligned)
#endif
  std::atomic<std::uint32_t> tail_{0};    // producer-owned
  std::atomic<Loop*> get_loop_{nullptr};  // set while a task waits in get()
  std::atomic<Loop*> put_loop_{nullptr};  // set while a task waits in put()
  std::atomic<bool> stashed_{false};
  std::optional<T> stash_;  // consumer side: an item handed to a get() that was cancelled before resuming
  Loop* bound_ = nullptr;   // the loop of the awaiting side
  GetAwaiter* getter_ = nullptr;
  PutAwaiter* putter_ = nullptr;
  Node get_node_{this, &ThreadSafeQueue::on_item};
  Node put_node_{this, &ThreadSafeQueue::on_room};
};

}  // namespace aiopi
