// What the start-up code does before main (src/startup.cpp), and how a program ends.
//
// Reset: .data copied from flash, .bss zeroed, clocks up (clocks.hpp), the panic handler installed (a
// "#panic: <message>" line on UART0, then BKPT), the frame pool installed as the frame allocator, static
// constructors, then `int main()`. When main returns the firmware writes "#exit: <code>" on UART0 and stops
// with BKPT #0 (the test harness ends the run there; on a board without a debugger the core then sleeps with
// interrupts off).
//
// BKPT immediates: 0 = main returned, 1 = panic. On silicon without a debugger a BKPT escalates to a
// HardFault; the HardFault handler recognises a panic in progress and resets the chip through the watchdog.
#pragma once

#include <cstdint>

namespace aiopi::rp2040 {

inline constexpr std::uint8_t kBkptExit = 0;
inline constexpr std::uint8_t kBkptPanic = 1;

/// Installs the UART0 panic handler (the start-up code does, before static constructors).
void install_panic_handler() noexcept;

/// The main stack (8 KB, rp2040.ld) has guard words at its bottom, written at reset; overflowing the stack
/// overwrites them (and whatever lies below: the top of the frame pool). The loop backend checks them before
/// each sleep and panics "stack overflow ..." (cheap: four loads); call it elsewhere to check sooner.
void check_stack_guard() noexcept;

/// Resets the chip through the watchdog (everything but the oscillators), as a panic on silicon does.
[[noreturn]] void watchdog_reboot() noexcept;

}  // namespace aiopi::rp2040
