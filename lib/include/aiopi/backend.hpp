// The one interface a loop backend implements: tell the time, sleep until a deadline or a wake-up, and be
// woken from elsewhere. Linux (epoll + timerfd + eventfd), the simulated board (virtual clock) and the RP2040
// (TIMER alarm + WFI) implement it.
#pragma once

#include <cstdint>

#include "aiopi/time.hpp"

namespace aiopi {

class Loop;

class Backend {
 public:
  Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  /// Monotonic time in microseconds.
  virtual TimePoint now() noexcept = 0;

  /// Added to every relative deadline so that a timer never fires early: a real clock read truncated to whole
  /// microseconds may be up to one tick behind, a virtual clock is exact.
  virtual Duration timer_slack() const noexcept { return Duration(0); }

  /// Waits until `deadline` has passed, `wake()` is called, or an I/O source the backend watches is ready
  /// (making its waiters ready on the loop). `deadline <= now()` polls without blocking; TimePoint::max()
  /// waits without a time limit.
  virtual void wait(TimePoint deadline) noexcept = 0;

  /// Makes a current or the next `wait()` return early. Safe from any thread (and from ISRs on the MCU).
  virtual void wake() noexcept = 0;

  /// True when the loop has nothing to do and nothing can ever wake it: a virtual clock reports a deadlock
  /// instead of hanging a test; a real backend returns false because another thread or a signal may still
  /// call.
  virtual bool idle_is_deadlock() const noexcept { return false; }

  /// Wall-clock time (UTC), microseconds since the Unix epoch. Unlike now() it can jump (NTP, an RTC set, the
  /// user): a backend that detects a step calls Loop::wall_clock_changed() so wall-clock sleepers recompute.
  /// Backends without a wall clock return 0.
  virtual std::int64_t wall_now_us() noexcept { return 0; }

  /// Nanosecond counter for profiling task run times (any monotonic origin).
  virtual std::uint64_t profile_ns() noexcept = 0;

  /// Identifies the backend type without RTTI: each backend returns the address of its own tag object.
  virtual const void* kind() const noexcept { return nullptr; }

  /// Called once by the Loop that drives this backend.
  virtual void attach(Loop& loop) noexcept { loop_ = &loop; }
  Loop* loop() const noexcept { return loop_; }

 protected:
  ~Backend() = default;

 private:
  Loop* loop_ = nullptr;
};

/// The backend that `aiopi::run()` and `get_event_loop()` use when no loop was created explicitly.
/// Exactly one platform library defines it (platform/linux, platform/sim or platform/rp2040).
Backend& default_backend();

}  // namespace aiopi
