// Pieces the RP2040 HAL sources share: pin-number checks, the clock rates, clear-on-read.
#pragma once

#include <cstdint>

#include "aiopi/panic.hpp"
#include "aiopi/rp2040/pins.hpp"
#include "aiopi/rp2040/regs.hpp"

namespace aiopi::rp2040::hal_detail {

/// clk_sys and clk_peri as the start-up code sets them (XOSC 12 MHz -> PLL_SYS 1500 MHz / 6 / 2; clocks.hpp's
/// clk_sys_hz() / clk_peri_hz() at run time): constants here, so divisors are computed at compile time.
inline constexpr std::uint32_t kClkSysHz = 125'000'000;
inline constexpr std::uint32_t kClkPeriHz = kClkSysHz;

inline void check_pin(unsigned pin, const char* what) {
  if (pin >= pins::kCount) usage_error(what);
}

/// Reads a register for its side effect (clear-on-read): `(void)reg(a)` in C++ does not access a volatile.
inline void read_to_clear(Addr addr) noexcept {
  const std::uint32_t v = reg(addr);
  static_cast<void>(v);
}

}  // namespace aiopi::rp2040::hal_detail
