// OneShot: a driver's one-shot timer on the loop (the seed's internal Delay_ms of a button), armed for an
// absolute time so that "long_press_ms after the press" counts from the edge's timestamp, not from when the
// driver's task ran. A member of its driver: nothing to allocate, and destroying it disarms it.
#pragma once

#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/time.hpp"

namespace aiopi::drivers::detail {

template <class Owner>
class OneShot : private TimerNode {
 public:
  /// `handler(owner)` runs at expiry, on the loop's thread while it processes its timers (running() is
  /// already false then).
  using Handler = void (*)(Owner& owner);

  OneShot(Owner& owner, Handler handler) noexcept
      : TimerNode(&OneShot::fire), owner_(&owner), handler_(handler) {}

  /// (Re)arms for `deadline` (a time already passed fires at the loop's next timer check).
  void start_at(Loop& loop, TimePoint deadline) noexcept {
    stop();
    loop_ = &loop;
    loop.arm(*this, deadline);
  }
  void stop() noexcept {
    if (armed()) loop_->disarm(*this);
  }
  bool running() const noexcept { return armed(); }

 private:
  static void fire(TimerNode& node) noexcept {
    auto& self = static_cast<OneShot&>(node);
    // A loop being destroyed expires every timer: run no driver logic (no user code) then.
    if (!self.loop_->is_running()) return;
    self.handler_(*self.owner_);
  }

  Owner* owner_;
  Handler handler_;
  Loop* loop_ = nullptr;
};

}  // namespace aiopi::drivers::detail
