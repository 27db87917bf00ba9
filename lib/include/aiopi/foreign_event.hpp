// The loop-side half shared by Message and ThreadSafeEvent: an Event-like flag with many waiters (tasks and
// listeners) that other threads, and ISRs on the MCU, signal only through atomics and a ForeignWake node.
//
// Protocol: a signaller publishes its data with a seq_cst atomic operation, then reads the bound loop
// (seq_cst) and posts the node to it. The loop side binds the loop (seq_cst store) before it looks at the
// published data (seq_cst exchange), so a signal racing with the first wait is seen by one side or the other,
// never lost. Every loop-side member first "absorbs" what was published (moves it into loop-side state and
// releases the waiters), so a set() that happened before is_set(), clear() or wait() is always taken into
// account by it.
#pragma once

#include <atomic>
#include <coroutine>

#include "aiopi/detail/foreign_wake.hpp"
#include "aiopi/detail/listener.hpp"
#include "aiopi/detail/wait_list.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"

namespace aiopi::detail {

class ForeignEventCore {
 public:
  ForeignEventCore(const ForeignEventCore&) = delete;
  ForeignEventCore& operator=(const ForeignEventCore&) = delete;

 protected:
  using AbsorbFn = void (*)(ForeignEventCore& self) noexcept;
  explicit ForeignEventCore(AbsorbFn absorb_fn) noexcept : node_(this), absorb_(absorb_fn) {}
  ~ForeignEventCore() {
    // A task still waiting (it will be unwound later) finds itself unlinked by the list's destructor.
    if (external_) drop_external();
  }

  /// For the derived destructor, while the object is still whole: run a post still queued in the loop's inbox
  /// so that the inbox never points at a dead node.
  void retire() noexcept {
    Loop* loop = loop_.load(std::memory_order_acquire);
    if (loop != nullptr && node_.queued()) loop->drain_inbox();
  }

  /// Thread- and ISR-safe: ask the bound loop, if any, to absorb soon.
  void poke() noexcept {
    if (Loop* loop = loop_.load(std::memory_order_seq_cst)) loop->post_threadsafe(node_);
  }

  /// Loop thread: binds to `loop` (on the first wait). Waiting from two loops is a usage error.
  void bind(Loop& loop) {
    Loop* bound = loop_.load(std::memory_order_relaxed);
    if (bound == &loop) return;
    if (bound != nullptr) usage_error("Message/ThreadSafeEvent: waited on from a second event loop");
    loop_.store(&loop, std::memory_order_seq_cst);
  }

  void absorb() noexcept { absorb_(*this); }

  /// Loop thread: a task or listener starts waiting (the object is bound).
  void enqueue(WaitNode& w) noexcept {
    waiters_.push_back(w);
    if (!external_) {
      external_ = true;
      loop_.load(std::memory_order_relaxed)->add_external_source();
    }
  }
  /// Loop thread: a waiter leaves before being released (cancelled) or a listener is withdrawn.
  void leave(WaitNode& w) noexcept {
    w.unlink();
    if (external_ && waiters_.empty()) drop_external();
  }
  /// Loop thread: sets the flag and releases every waiter, in FIFO order.
  void fire() noexcept {
    set_ = true;
    if (external_) drop_external();
    while (!waiters_.empty())
      wake_waiter(waiters_.pop_front());
  }

  bool set_ = false;  // loop-side state (valid after absorb())

  /// The waiting half shared by the awaiters of Message and ThreadSafeEvent; they add await_resume.
  class WaitAwaiterBase : private WaitNode {
   public:
    explicit WaitAwaiterBase(ForeignEventCore& core) noexcept : core_(core) {}
    WaitAwaiterBase(const WaitAwaiterBase&) = delete;
    ~WaitAwaiterBase() {
      if (linked()) core_.leave(*this);  // cancelled while waiting
    }
    bool await_ready() noexcept {
      core_.absorb();
      return core_.set_;
    }
    void await_suspend(std::coroutine_handle<> h) {
      Loop& loop = Loop::running();
      task = &loop.suspend_current(h);
      core_.bind(loop);
      core_.enqueue(*this);
      core_.absorb();  // a set() that raced with binding the loop may not have posted: look again
    }

   protected:
    ForeignEventCore& core_;
  };

 private:
  struct Node : ForeignWake {
    explicit Node(ForeignEventCore* o) noexcept : ForeignWake(&Node::run), owner(o) {}
    static void run(ForeignWake& n) noexcept { static_cast<Node&>(n).owner->absorb(); }
    ForeignEventCore* owner;
  };
  void drop_external() noexcept {
    external_ = false;
    loop_.load(std::memory_order_relaxed)->remove_external_source();
  }

  Node node_;
  AbsorbFn absorb_;
  std::atomic<Loop*> loop_{nullptr};
  WaitList<> waiters_;
  bool external_ = false;  // an external source is declared on the loop while anything waits
};

}  // namespace aiopi::detail
