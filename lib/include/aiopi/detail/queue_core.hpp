// The waiting logic shared by Queue and RingbufQueue. Internal: use queue.hpp / ringbuf_queue.hpp.
//
// Hand-off rules (what makes every get/put cancel-safe and FIFO-fair):
//  * Items never leave the buffer until a getter actually runs. When an item arrives while getters wait, the
//    first waiting getter is woken holding a *claim*: one of the items is reserved for it, so a newcomer
//    cannot take it (no barging). When it runs it takes the oldest item. If it is cancelled before it runs,
//    its claim goes to the next waiting getter, or lapses: the item stays at the front where it always was.
//    Nothing is lost and the order of items never changes.
//  * A putter that must wait keeps its item in its awaiter. When space appears, the first waiting putter's
//    item is moved into the buffer at once and the putter is woken with its put complete. A putter cancelled
//    while waiting has enqueued nothing; one cancelled after being woken has already enqueued its item.
//    Either way there is no hole and no duplicate.
//  * Invariants: getters wait only while every item is claimed; putters wait only while the buffer is full.
#pragma once

#include <coroutine>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>

#include "aiopi/detail/wait_list.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"

namespace aiopi::detail {

struct NoTaskCount {};
struct TaskCount {
  std::size_t unfinished = 0;
  WaitList<> joiners;
};

template <class T, class Buffer, bool kCountTasks>
class QueueCore {
 public:
  using value_type = T;

  QueueCore(const QueueCore&) = delete;
  QueueCore& operator=(const QueueCore&) = delete;

  /// Items in the queue, including any already promised to a woken getter that has not run yet.
  std::size_t qsize() const noexcept { return buf_.size(); }
  /// True when a get_nowait() would find nothing: no items, or every item is promised to a woken getter.
  bool empty() const noexcept { return buf_.size() <= claims_; }
  /// True when a put_nowait() would find no room (always false for an unbounded Queue).
  bool full() const noexcept { return buf_.full(); }

  class [[nodiscard]] GetAwaiter : private WaitNode {
   public:
    explicit GetAwaiter(QueueCore& q) noexcept : q_(&q) {}
    GetAwaiter(const GetAwaiter&) = delete;
    GetAwaiter& operator=(const GetAwaiter&) = delete;
    ~GetAwaiter() {
      // Woken with a claim but unwound before running: the claim passes on, the item stays at the front.
      if (state_ == State::claimed && q_ != nullptr) q_->drop_claim(*this);
    }
    bool await_ready() const noexcept { return q_->getters_.empty() && !q_->empty(); }
    void await_suspend(std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      q_->getters_.push_back(*this);
      state_ = State::waiting;
    }
    T await_resume() {
      if (state_ == State::claimed) {
        if (q_ == nullptr) usage_error("Queue: destroyed while a woken getter had not run yet");
        unlink();
        --q_->claims_;
      }
      state_ = State::done;
      return q_->take();
    }

   private:
    friend QueueCore;
    enum class State : unsigned char { idle, waiting, claimed, done };
    QueueCore* q_;
    State state_ = State::idle;
  };

  class [[nodiscard]] PutAwaiter : private WaitNode {
   public:
    template <class U>
    PutAwaiter(QueueCore& q, U&& item) : q_(&q), item_(std::forward<U>(item)) {}
    PutAwaiter(const PutAwaiter&) = delete;
    PutAwaiter& operator=(const PutAwaiter&) = delete;
    bool await_ready() {
      if (!q_->putters_.empty() || q_->buf_.full()) return false;
      q_->add(std::move(item_));
      return true;
    }
    void await_suspend(std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      q_->putters_.push_back(*this);
    }
    void await_resume() const noexcept {}

   private:
    friend QueueCore;
    QueueCore* q_;
    T item_;
  };

  /// `T v = co_await q.get();` waits until an item is available (FIFO among waiting getters). Cancel-safe: a
  /// cancelled getter takes nothing, and an item already promised to it stays first in the queue.
  GetAwaiter get() noexcept { return GetAwaiter(*this); }
  /// `co_await q` is `co_await q.get()`: the spelling of Python's `async for item in q` is
  /// `for (;;) { T item = co_await q; ... }`.
  GetAwaiter operator co_await() noexcept { return GetAwaiter(*this); }

  /// `co_await q.put(v);` waits while the queue is full (FIFO among waiting putters). Cancel-safe: cancelled
  /// while waiting, nothing was enqueued; once woken, the item is already in the queue.
  PutAwaiter put(T item) { return PutAwaiter(*this, std::move(item)); }

  /// The oldest item a newcomer may take, or nothing (see empty()).
  std::optional<T> get_nowait() {
    if (empty()) return std::nullopt;
    return take();
  }

 protected:
  template <class... A>
  explicit QueueCore(A&&... buffer_args) : buf_(std::forward<A>(buffer_args)...) {}
  ~QueueCore() {
    // Tasks still waiting (they will be cancelled or destroyed later) must not reach back into this object.
    for (WaitNode& n : getters_)
      static_cast<GetAwaiter&>(n).q_ = nullptr;
    for (WaitNode& n : claimed_)
      static_cast<GetAwaiter&>(n).q_ = nullptr;
  }

  /// Appends an item (precondition: room) and hands a claim to the first waiting getter.
  template <class U>
  void add(U&& item) {
    buf_.push_back(std::forward<U>(item));
    after_add();
  }
  void after_add() noexcept {
    if constexpr (kCountTasks) ++count_.unfinished;
    grant_first_getter();
  }
  /// Removes the oldest item; the room it leaves goes to the first waiting putter at once.
  T take() noexcept {
    T item = buf_.pop_front();
    if (!putters_.empty()) {
      auto& p = static_cast<PutAwaiter&>(putters_.pop_front());
      buf_.push_back(std::move(p.item_));
      after_add();
      p.task->loop().make_ready(*p.task);
    }
    return item;
  }

  Buffer buf_;
  [[no_unique_address]] std::conditional_t<kCountTasks, TaskCount, NoTaskCount> count_;

 private:
  /// Wakes the first waiting getter with a claim on an unclaimed item (by the invariant there is one).
  void grant_first_getter() noexcept {
    if (getters_.empty()) return;
    auto& g = static_cast<GetAwaiter&>(getters_.pop_front());
    claimed_.push_back(g);
    ++claims_;
    g.state_ = GetAwaiter::State::claimed;
    g.task->loop().make_ready(*g.task);
  }
  void drop_claim(GetAwaiter& g) noexcept {
    g.unlink();
    --claims_;
    grant_first_getter();
  }

  WaitList<> getters_;  // suspended, nothing promised yet (FIFO)
  WaitList<> claimed_;  // woken with a claim, not yet run
  WaitList<> putters_;  // suspended with their item, waiting for room (FIFO)
  std::size_t claims_ = 0;
};

}  // namespace aiopi::detail
