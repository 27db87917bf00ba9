// Plain callbacks on the loop: call_soon / call_later / call_at, and the handle that cancels them.
#pragma once

#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/frame_allocator.hpp"
#include "aiopi/task_base.hpp"

namespace aiopi {

class CallbackBase : public Runnable, public TimerNode {
 public:
  CallbackBase() noexcept : Runnable(Kind::callback) {}
  bool cancelled() const noexcept { return cancelled_; }
  bool done() const noexcept { return done_; }
  void add_ref() noexcept { ++refs_; }
  void drop_ref() noexcept {
    if (--refs_ == 0) destroy_(*this);
  }

 protected:
  ~CallbackBase() = default;
  void (*invoke_)(CallbackBase&) = nullptr;
  void (*destroy_)(CallbackBase&) noexcept = nullptr;

 private:
  friend class Loop;
  friend class CallbackHandle;
  Loop* loop_ = nullptr;
  std::uint16_t refs_ = 0;
  bool cancelled_ = false;
  bool done_ = false;
};

namespace detail {
template <class F>
class Callback final : public CallbackBase {
 public:
  explicit Callback(F&& fn) : fn_(std::move(fn)) {
    invoke_ = [](CallbackBase& self) { static_cast<Callback&>(self).fn_(); };
    destroy_ = [](CallbackBase& self) noexcept {
      auto* me = static_cast<Callback*>(&self);
      me->~Callback();
      deallocate_frame(me, sizeof(Callback));
    };
  }

 private:
  F fn_;
};

template <class F>
CallbackBase* make_callback(F&& fn) {
  using Fn = std::decay_t<F>;
  void* mem = allocate_frame(sizeof(Callback<Fn>));
  return new (mem) Callback<Fn>(Fn(std::forward<F>(fn)));
}
}  // namespace detail

/// Handle of a scheduled callback (asyncio's Handle / TimerHandle). Dropping it does not cancel.
class CallbackHandle {
 public:
  CallbackHandle() noexcept = default;
  explicit CallbackHandle(CallbackBase* cb) noexcept : cb_(cb) {
    if (cb_ != nullptr) cb_->add_ref();
  }
  CallbackHandle(const CallbackHandle& o) noexcept : CallbackHandle(o.cb_) {}
  CallbackHandle(CallbackHandle&& o) noexcept : cb_(std::exchange(o.cb_, nullptr)) {}
  CallbackHandle& operator=(CallbackHandle o) noexcept {
    std::swap(cb_, o.cb_);
    return *this;
  }
  ~CallbackHandle() {
    if (cb_ != nullptr) cb_->drop_ref();
  }

  /// Prevents the call if it has not happened yet. Returns false if it already ran or was cancelled.
  bool cancel() noexcept;
  bool cancelled() const noexcept { return cb_ != nullptr && cb_->cancelled(); }
  bool done() const noexcept { return cb_ != nullptr && cb_->done(); }
  /// The deadline of a call_later/call_at callback.
  TimePoint when() const noexcept { return cb_ != nullptr ? cb_->deadline() : TimePoint{}; }

 private:
  CallbackBase* cb_ = nullptr;
};

}  // namespace aiopi
