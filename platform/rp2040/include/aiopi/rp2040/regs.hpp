// RP2040 register access shared by the bare-metal port: block base addresses (datasheet §2.2), the atomic
// set/clear/xor aliases every APB/AHB-Lite block has (§2.1.2), and the NVIC. Each peripheral's own register
// offsets live next to the code that drives it.
#pragma once

#include <cstdint>

namespace aiopi::rp2040 {

using Addr = std::uintptr_t;

inline volatile std::uint32_t& reg(Addr addr) noexcept {
  return *reinterpret_cast<volatile std::uint32_t*>(addr);
}
// Writes through the aliases touch only the bits given, so an ISR and the loop never race on a
// read-modify-write of the same register.
inline void reg_xor(Addr addr, std::uint32_t mask) noexcept {
  reg(addr + 0x1000) = mask;
}
inline void reg_set(Addr addr, std::uint32_t mask) noexcept {
  reg(addr + 0x2000) = mask;
}
inline void reg_clear(Addr addr, std::uint32_t mask) noexcept {
  reg(addr + 0x3000) = mask;
}

// Block base addresses.
inline constexpr Addr kXipSsiBase = 0x18000000;
inline constexpr Addr kSysinfoBase = 0x40000000;
inline constexpr Addr kSyscfgBase = 0x40004000;
inline constexpr Addr kClocksBase = 0x40008000;
inline constexpr Addr kResetsBase = 0x4000c000;
inline constexpr Addr kPsmBase = 0x40010000;
inline constexpr Addr kIoBank0Base = 0x40014000;
inline constexpr Addr kPadsBank0Base = 0x4001c000;
inline constexpr Addr kXoscBase = 0x40024000;
inline constexpr Addr kPllSysBase = 0x40028000;
inline constexpr Addr kPllUsbBase = 0x4002c000;
inline constexpr Addr kUart0Base = 0x40034000;
inline constexpr Addr kUart1Base = 0x40038000;
inline constexpr Addr kSpi0Base = 0x4003c000;
inline constexpr Addr kSpi1Base = 0x40040000;
inline constexpr Addr kI2c0Base = 0x40044000;
inline constexpr Addr kI2c1Base = 0x40048000;
inline constexpr Addr kAdcBase = 0x4004c000;
inline constexpr Addr kPwmBase = 0x40050000;
inline constexpr Addr kTimerBase = 0x40054000;
inline constexpr Addr kWatchdogBase = 0x40058000;
inline constexpr Addr kSioBase = 0xd0000000;
inline constexpr Addr kPpbBase = 0xe0000000;

// RESETS (§2.14): bit numbers of RESET / RESET_DONE.
namespace resets {
inline constexpr Addr kReset = kResetsBase + 0x0;
inline constexpr Addr kResetDone = kResetsBase + 0x8;
inline constexpr std::uint32_t kAdc = 1u << 0;
inline constexpr std::uint32_t kI2c0 = 1u << 3;
inline constexpr std::uint32_t kI2c1 = 1u << 4;
inline constexpr std::uint32_t kIoBank0 = 1u << 5;
inline constexpr std::uint32_t kPadsBank0 = 1u << 8;
inline constexpr std::uint32_t kPllSys = 1u << 12;
inline constexpr std::uint32_t kPllUsb = 1u << 13;
inline constexpr std::uint32_t kPwm = 1u << 14;
inline constexpr std::uint32_t kTimer = 1u << 21;
inline constexpr std::uint32_t kUart0 = 1u << 22;
inline constexpr std::uint32_t kUart1 = 1u << 23;
}  // namespace resets

/// Takes the blocks in `mask` out of reset and waits until they report done. The emulator does not model
/// RESETS (a block works while held in reset there), so a missing call here only shows on silicon.
inline void unreset(std::uint32_t mask) noexcept {
  reg_clear(resets::kReset, mask);
  while ((reg(resets::kResetDone) & mask) != mask) {
  }
}

// Interrupt numbers (§2.3.2).
enum class Irq : unsigned {
  timer0 = 0,
  timer1 = 1,
  timer2 = 2,
  timer3 = 3,
  pwm_wrap = 4,
  usbctrl = 5,
  xip = 6,
  pio0_0 = 7,
  pio0_1 = 8,
  pio1_0 = 9,
  pio1_1 = 10,
  dma_0 = 11,
  dma_1 = 12,
  io_bank0 = 13,
  io_qspi = 14,
  sio_proc0 = 15,
  sio_proc1 = 16,
  clocks = 17,
  spi0 = 18,
  spi1 = 19,
  uart0 = 20,
  uart1 = 21,
  adc_fifo = 22,
  i2c0 = 23,
  i2c1 = 24,
  rtc = 25,
};

// Cortex-M0+ NVIC (ARMv6-M): set-enable, clear-enable, clear-pending.
inline void irq_enable(Irq irq) noexcept {
  reg(0xe000e280) = 1u << static_cast<unsigned>(irq);  // ICPR: drop a stale pending state first
  reg(0xe000e100) = 1u << static_cast<unsigned>(irq);  // ISER
}
inline void irq_disable(Irq irq) noexcept {
  reg(0xe000e180) = 1u << static_cast<unsigned>(irq);
}

/// PRIMASK save/restore: the only critical section a single-core M0+ needs against its ISRs.
class IrqGuard {
 public:
  IrqGuard() noexcept { __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(saved_)::"memory"); }
  ~IrqGuard() { __asm__ volatile("msr primask, %0" ::"r"(saved_) : "memory"); }
  IrqGuard(const IrqGuard&) = delete;
  IrqGuard& operator=(const IrqGuard&) = delete;

 private:
  std::uint32_t saved_;
};

}  // namespace aiopi::rp2040
