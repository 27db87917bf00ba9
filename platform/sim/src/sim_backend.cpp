#include "aiopi/sim/sim_backend.hpp"

#include <chrono>

#include "aiopi/loop.hpp"

namespace aiopi::sim {

void SimBackend::wait(TimePoint deadline) noexcept {
  std::unique_lock<std::mutex> lock(mutex_);
  if (woken_ || deadline <= now_) {
    woken_ = false;
    return;
  }
  ++jumps_;
  if (deadline == TimePoint::max()) {
    // Only reached when a thread has declared it may still wake the loop: block until it does.
    cv_.wait(lock, [this] { return woken_; });
    woken_ = false;
    return;
  }
  now_ = deadline;
}

void SimBackend::step_wall_clock(std::int64_t utc_us) noexcept {
  set_wall_clock_quietly(utc_us);
  if (Loop* l = loop()) l->wall_clock_changed();
}

void SimBackend::wake() noexcept {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  cv_.notify_one();
}

std::uint64_t SimBackend::profile_ns() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace aiopi::sim
