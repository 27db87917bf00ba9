// as_completed (asyncio.as_completed): the tasks of a set, one at a time, in the order they finish.
//
//   aiopi::AsCompleted<int> done(std::move(tasks));          // or as_completed(a(), b(), c())
//   while (auto h = co_await done.next()) {                  // std::optional<TaskHandle<int>>
//     use(h->result());
//   }
//
// Tasks and awaitables are started as child tasks of the AsCompleted object and never outlive it: destroying
// it (for example because the task that owns it was cancelled) unwinds the children still running. Handles
// passed in were started elsewhere and are left alone. next() is cancel-safe: a completion is recorded when
// it happens, so a cancelled next() (or one raced with wait_for) loses none. One task may wait at a time.
#pragma once

#include <coroutine>
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "aiopi/gather.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi {

template <class T>
class AsCompleted {
  struct Slot : CompletionWaiter {
    Slot() noexcept : CompletionWaiter(&AsCompleted::on_done) {}
    AsCompleted* owner = nullptr;
    std::size_t index = 0;
  };

 public:
  explicit AsCompleted(std::vector<detail::GatherChild<T>> children)
      : children_(std::move(children)), slots_(children_.size()) {
    order_.reserve(children_.size());
    for (std::size_t i = 0; i < children_.size(); ++i) {
      slots_[i].owner = this;
      slots_[i].index = i;
      TaskBase& t = children_[i].handle.base();
      if (t.done()) {
        order_.push_back(i);
      } else {
        t.add_completion_waiter(slots_[i]);
      }
    }
  }
  AsCompleted(const AsCompleted&) = delete;
  AsCompleted& operator=(const AsCompleted&) = delete;
  ~AsCompleted() {
    for (Slot& s : slots_)
      s.CompletionWaiter::unlink();
    for (auto& c : children_) {
      TaskBase& t = c.handle.base();
      if (c.started && !t.done()) t.loop().unwind_now(t);
    }
  }

  /// How many tasks the set holds, and how many next() has not handed out yet.
  std::size_t size() const noexcept { return children_.size(); }
  std::size_t remaining() const noexcept { return children_.size() - delivered_; }

  class NextAwaiter {
   public:
    explicit NextAwaiter(AsCompleted& owner) noexcept : owner_(&owner) {}
    NextAwaiter(const NextAwaiter&) = delete;
    ~NextAwaiter() {
      if (owner_->waiter_ == this) owner_->waiter_ = nullptr;
    }
    bool await_ready() const noexcept { return owner_->available(); }
    void await_suspend(std::coroutine_handle<> h) {
      if (owner_->waiter_ != nullptr) usage_error("AsCompleted.next(): only one task may wait at a time");
      task_ = &Loop::running().suspend_current(h);
      owner_->waiter_ = this;
    }
    /// The next finished task (whatever its outcome), or nothing once every task was handed out.
    std::optional<TaskHandle<T>> await_resume() {
      if (owner_->waiter_ == this) owner_->waiter_ = nullptr;
      if (owner_->delivered_ == owner_->children_.size()) return std::nullopt;
      return owner_->children_[owner_->order_[owner_->delivered_++]].handle;
    }

   private:
    friend class AsCompleted;
    AsCompleted* owner_;
    TaskBase* task_ = nullptr;
  };
  NextAwaiter next() noexcept { return NextAwaiter(*this); }

 private:
  bool available() const noexcept { return delivered_ < order_.size() || delivered_ == children_.size(); }

  static void on_done(CompletionWaiter& w, TaskBase&) noexcept {
    auto& slot = static_cast<Slot&>(w);
    AsCompleted& self = *slot.owner;
    self.order_.push_back(slot.index);  // reserved up front: never allocates here
    if (self.waiter_ != nullptr) {
      TaskBase& t = *self.waiter_->task_;
      self.waiter_ = nullptr;
      t.loop().make_ready(t);
    }
  }

  std::vector<detail::GatherChild<T>> children_;
  std::vector<Slot> slots_;
  std::vector<std::size_t> order_;  // indices of finished children, in finishing order
  std::size_t delivered_ = 0;
  NextAwaiter* waiter_ = nullptr;
};

/// An AsCompleted over Tasks or awaitables (started as children) and/or TaskHandles of one result type.
template <detail::Gatherable A, detail::Gatherable... As>
auto as_completed(A&& first, As&&... rest) {
  using T = detail::child_value_t<A>;
  std::vector<detail::GatherChild<T>> children;
  children.reserve(1 + sizeof...(As));
  children.push_back(detail::as_child(std::forward<A>(first)));
  (children.push_back(detail::as_child(std::forward<As>(rest))), ...);
  return AsCompleted<T>(std::move(children));
}
template <class T>
AsCompleted<T> as_completed(std::vector<Task<T>> tasks) {
  std::vector<detail::GatherChild<T>> children;
  children.reserve(tasks.size());
  for (auto& t : tasks)
    children.push_back(detail::as_child(std::move(t)));
  return AsCompleted<T>(std::move(children));
}
template <class T>
AsCompleted<T> as_completed(const std::vector<TaskHandle<T>>& handles) {
  std::vector<detail::GatherChild<T>> children;
  children.reserve(handles.size());
  for (auto& h : handles)
    children.push_back(detail::as_child(h));
  return AsCompleted<T>(std::move(children));
}

}  // namespace aiopi
