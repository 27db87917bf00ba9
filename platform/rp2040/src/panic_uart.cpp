// How the firmware stops: a panic, a hard fault, or main returning. Each writes one line on UART0 by polling
// (works with interrupts off and before any driver), then executes BKPT, where a debugger or the emulator
// stops. On silicon without a debugger, BKPT escalates to a HardFault: the handler sees the panic in progress
// and resets the chip through the watchdog (a firmware that panics restarts, like a watchdog would make it),
// or, after main returned, sleeps with interrupts off.
#include <cstdint>

#include "aiopi/panic.hpp"
#include "aiopi/rp2040/console.hpp"
#include "aiopi/rp2040/regs.hpp"
#include "aiopi/rp2040/startup.hpp"

namespace aiopi::rp2040 {
namespace {

enum class Stop : std::uint32_t { running, panicking, exited };
volatile Stop g_stop = Stop::running;
char g_fault_message[48];

// PSM WDSEL (§2.13.5): what a watchdog reset resets; everything but ROSC and XOSC, as the SDK does.
constexpr Addr kPsmWdsel = kPsmBase + 0x8;
constexpr std::uint32_t kPsmAllButOscillators = 0x1fffc;
constexpr Addr kWatchdogCtrl = kWatchdogBase + 0x0;
constexpr std::uint32_t kWatchdogTrigger = 1u << 31;

[[noreturn]] void uart_panic(const char* message) {
  __asm__ volatile("cpsid i" ::: "memory");
  if (g_stop == Stop::panicking) watchdog_reboot();  // a panic while reporting one: do not recurse
  g_stop = Stop::panicking;
  console_write("#panic: ");
  console_write(message);
  console_write("\r\n");
  console_flush();
  for (;;)
    __asm__ volatile("bkpt #1" ::: "memory");
}

// Where a hard fault returns to (thread context again), so that it reports through the ordinary panic path.
[[noreturn]] void fault_trampoline() {
  uart_panic(g_fault_message);
}

void put_hex(char* out, std::uint32_t value) noexcept {
  for (int i = 0; i < 8; ++i)
    out[i] = "0123456789abcdef"[(value >> (28 - 4 * i)) & 0xf];
}

}  // namespace

void watchdog_reboot() noexcept {
  __asm__ volatile("cpsid i" ::: "memory");
  reg(kPsmWdsel) = kPsmAllButOscillators;
  reg_set(kWatchdogCtrl, kWatchdogTrigger);
  for (;;) {
  }
}

void install_panic_handler() noexcept {
  set_panic_handler(uart_panic);
}

}  // namespace aiopi::rp2040

using namespace aiopi::rp2040;

extern "C" {

// frame: the registers the core stacked (r0-r3, r12, lr, pc, xpsr). Reached from aiopi_isr_hardfault by a
// tail branch, so returning here is the exception return.
void aiopi_hard_fault(std::uint32_t* frame) {
  if (g_stop == Stop::panicking) watchdog_reboot();  // the BKPT of a panic, without a debugger
  if (g_stop == Stop::exited) {
    for (;;)
      __asm__ volatile("cpsid i\n wfi" ::: "memory");
  }
  // "hard fault at pc=0x12345678" and return into the trampoline, in thread context as the program was.
  static constexpr char kText[] = "hard fault at pc=0x";
  for (std::size_t i = 0; i < sizeof(kText) - 1; ++i)
    g_fault_message[i] = kText[i];
  put_hex(g_fault_message + sizeof(kText) - 1, frame[6]);
  g_fault_message[sizeof(kText) - 1 + 8] = '\0';
  frame[6] = reinterpret_cast<std::uint32_t>(&fault_trampoline) & ~1u;
  frame[7] = 1u << 24;  // xPSR: Thumb state, no exception number
}

// Called by the start-up code with main's result.
[[noreturn]] void aiopi_exit(int code) {
  __asm__ volatile("cpsid i" ::: "memory");
  console_write("#exit: ");
  if (code < 0) {
    console_write("-");
    console_write_u32(static_cast<std::uint32_t>(-code));
  } else {
    console_write_u32(static_cast<std::uint32_t>(code));
  }
  console_write("\r\n");
  console_flush();
  g_stop = Stop::exited;
  for (;;)
    __asm__ volatile("bkpt #0" ::: "memory");
}
}
