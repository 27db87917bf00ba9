#include "timer_poll_backend.hpp"

#include <cstdint>

namespace aiopi::gate {
namespace {
// RP2040 datasheet §4.6: TIMER block at 0x40054000; TIMERAWH at +0x24, TIMERAWL at +0x28 (raw, no latching).
volatile std::uint32_t& reg(std::uintptr_t addr) {
  return *reinterpret_cast<volatile std::uint32_t*>(addr);
}
constexpr std::uintptr_t kTimerRawHigh = 0x40054024;
constexpr std::uintptr_t kTimerRawLow = 0x40054028;
}  // namespace

TimePoint TimerPollBackend::now() noexcept {
  // High-low-high read: retry if the low word wrapped between the two reads of the high word.
  std::uint32_t hi = reg(kTimerRawHigh);
  for (;;) {
    const std::uint32_t lo = reg(kTimerRawLow);
    const std::uint32_t hi2 = reg(kTimerRawHigh);
    if (hi == hi2) return TimePoint(Duration((static_cast<std::int64_t>(hi) << 32) | lo));
    hi = hi2;
  }
}

void TimerPollBackend::wait(TimePoint deadline) noexcept {
  while (!woken_ && now() < deadline) {
  }
  woken_ = false;
}

}  // namespace aiopi::gate
