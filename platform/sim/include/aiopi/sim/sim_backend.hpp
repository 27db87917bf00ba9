// The simulated board's loop backend: a virtual clock that jumps straight to the next deadline.
// Tests of a year of cron schedules or a long-press of a button run in milliseconds and always the same way.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "aiopi/backend.hpp"

namespace aiopi::sim {

class SimBackend final : public Backend {
 public:
  explicit SimBackend(TimePoint start = TimePoint{}) noexcept : now_(start) {}

  TimePoint now() noexcept override { return now_; }
  void wait(TimePoint deadline) noexcept override;
  void wake() noexcept override;
  /// With nothing ready, no timer armed and no thread declared, nothing can ever happen: say so.
  bool idle_is_deadlock() const noexcept override { return true; }
  std::uint64_t profile_ns() noexcept override;

  /// Wall clock of the simulated board: an offset from the virtual monotonic clock (starts at the epoch).
  std::int64_t wall_now_us() noexcept override { return wall_offset_us_ + now_.time_since_epoch().count(); }
  /// Sets the wall clock without telling anyone, e.g. before the loop runs.
  void set_wall_clock_quietly(std::int64_t utc_us) noexcept {
    wall_offset_us_ = utc_us - now_.time_since_epoch().count();
  }
  /// Steps the wall clock as NTP or a user would, and tells the loop (wall-clock sleepers recompute).
  void step_wall_clock(std::int64_t utc_us) noexcept;

  /// Moves the virtual clock forward (outside a running loop, e.g. between test steps).
  void advance(Duration d) noexcept { now_ += d; }
  /// How many times the loop slept (the clock jumped or the loop blocked for a thread).
  std::uint64_t jumps() const noexcept { return jumps_; }

 private:
  TimePoint now_;
  std::int64_t wall_offset_us_ = 0;
  std::uint64_t jumps_ = 0;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
};

}  // namespace aiopi::sim
