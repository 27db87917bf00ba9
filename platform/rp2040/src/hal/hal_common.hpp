// Pieces the RP2040 HAL sources share: the TIMER's microseconds read from an ISR, pin-number checks.
#pragma once

#include <cstdint>

#include "aiopi/panic.hpp"
#include "aiopi/rp2040/pins.hpp"
#include "aiopi/rp2040/regs.hpp"

namespace aiopi::rp2040::hal_detail {

// TIMER (datasheet §4.6.5): TIMERAWH / TIMERAWL read the 64-bit microsecond counter without the latch that
// TIMELR/TIMEHR use, so an ISR reading them cannot disturb a latched read the loop is in the middle of.
inline constexpr Addr kTimerRawH = kTimerBase + 0x24;
inline constexpr Addr kTimerRawL = kTimerBase + 0x28;

/// Microseconds since boot (the loop's clock): high, low, high again until the high word did not move.
inline std::int64_t timer_now_us() noexcept {
  std::uint32_t hi = reg(kTimerRawH);
  for (;;) {
    const std::uint32_t lo = reg(kTimerRawL);
    const std::uint32_t hi2 = reg(kTimerRawH);
    if (hi2 == hi) return static_cast<std::int64_t>((static_cast<std::uint64_t>(hi) << 32) | lo);
    hi = hi2;
  }
}

inline void check_pin(unsigned pin, const char* what) {
  if (pin >= pins::kCount) usage_error(what);
}

}  // namespace aiopi::rp2040::hal_detail

namespace aiopi::rp2040::hal_detail {
/// clk_sys and clk_peri as the startup code sets them (XOSC 12 MHz -> PLL_SYS 1500 MHz / 6 / 2).
inline constexpr std::uint32_t kClkSysHz = 125'000'000;
inline constexpr std::uint32_t kClkPeriHz = kClkSysHz;
}  // namespace aiopi::rp2040::hal_detail

namespace aiopi::rp2040::hal_detail {
/// Reads a register for its side effect (clear-on-read): `(void)reg(a)` in C++ does not access a volatile.
inline void read_to_clear(Addr addr) noexcept {
  const std::uint32_t v = reg(addr);
  static_cast<void>(v);
}
}  // namespace aiopi::rp2040::hal_detail
