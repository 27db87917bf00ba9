// The RP2040's clock tree as the port sets it up before main (datasheet §2.15-2.18): XOSC 12 MHz -> PLL_SYS
// (VCO 1500 MHz, /6, /2) = 125 MHz clk_sys; clk_ref = XOSC; clk_peri = clk_sys; the WATCHDOG tick divides
// clk_ref by 12, so the TIMER counts microseconds.
#pragma once

#include <cstdint>

namespace aiopi::rp2040 {

inline constexpr std::uint32_t kXoscHz = 12'000'000;

/// Brings the clocks up (called by the start-up code before static constructors; idempotent).
void init_clocks() noexcept;

/// clk_sys and clk_peri in Hz as configured (0 before init_clocks()).
std::uint32_t clk_sys_hz() noexcept;
std::uint32_t clk_peri_hz() noexcept;

/// clk_sys as measured: SysTick (clocked by the core) counted over 1000 us of the TIMER (clocked from the
/// XOSC through the WATCHDOG tick). A self-test of the clock tree for a board (and of the emulator's model);
/// takes about 1 ms, uses SysTick and leaves it off.
std::uint32_t measure_clk_sys_hz() noexcept;

}  // namespace aiopi::rp2040
