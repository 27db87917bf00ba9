// The vector table (ARMv6-M, 16 system exceptions + 32 device interrupts; the RP2040 uses IRQs 0-25,
// datasheet §2.3.2). Every handler is a weak alias of a default that panics naming the exception, so a driver
// defines the strong `extern "C" void aiopi_isr_<name>()` for its interrupt (names = the rp2040::Irq
// enumerators in regs.hpp) and everything else reports instead of jumping to nowhere.
#include <cstdint>

#include "aiopi/panic.hpp"
#include "aiopi/rp2040/console.hpp"

extern "C" {
extern std::uint32_t __stack_top;
[[noreturn]] void aiopi_reset_handler();
void aiopi_hard_fault(std::uint32_t* frame);

namespace {
char g_unhandled[40] = "unhandled exception ";
}

void aiopi_isr_default() {
  std::uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  // "unhandled exception <n>": n = 16 + IRQ number for device interrupts.
  const std::size_t prefix = 20;
  const std::size_t n = aiopi::rp2040::format_u32(ipsr & 0x3f, g_unhandled + prefix);
  g_unhandled[prefix + n] = '\0';
  aiopi::panic(g_unhandled);
}

// The stacked frame is on MSP or PSP (EXC_RETURN bit 2); the C handler returns through the EXC_RETURN in lr.
__attribute__((naked)) void aiopi_isr_hardfault() {
  __asm__ volatile(
      "movs r0, #4\n"
      "mov r1, lr\n"
      "tst r0, r1\n"
      "bne 1f\n"
      "mrs r0, msp\n"
      "b 2f\n"
      "1: mrs r0, psp\n"
      "2: ldr r2, =aiopi_hard_fault\n"  // a register branch: b reaches only +-2 KiB on ARMv6-M
      "bx r2\n"
      ".ltorg\n");
}

#define AIOPI_WEAK_ISR(name) void name() __attribute__((weak, alias("aiopi_isr_default")))
AIOPI_WEAK_ISR(aiopi_isr_nmi);
AIOPI_WEAK_ISR(aiopi_isr_svcall);
AIOPI_WEAK_ISR(aiopi_isr_pendsv);
AIOPI_WEAK_ISR(aiopi_isr_systick);
AIOPI_WEAK_ISR(aiopi_isr_timer0);
AIOPI_WEAK_ISR(aiopi_isr_timer1);
AIOPI_WEAK_ISR(aiopi_isr_timer2);
AIOPI_WEAK_ISR(aiopi_isr_timer3);
AIOPI_WEAK_ISR(aiopi_isr_pwm_wrap);
AIOPI_WEAK_ISR(aiopi_isr_usbctrl);
AIOPI_WEAK_ISR(aiopi_isr_xip);
AIOPI_WEAK_ISR(aiopi_isr_pio0_0);
AIOPI_WEAK_ISR(aiopi_isr_pio0_1);
AIOPI_WEAK_ISR(aiopi_isr_pio1_0);
AIOPI_WEAK_ISR(aiopi_isr_pio1_1);
AIOPI_WEAK_ISR(aiopi_isr_dma_0);
AIOPI_WEAK_ISR(aiopi_isr_dma_1);
AIOPI_WEAK_ISR(aiopi_isr_io_bank0);
AIOPI_WEAK_ISR(aiopi_isr_io_qspi);
AIOPI_WEAK_ISR(aiopi_isr_sio_proc0);
AIOPI_WEAK_ISR(aiopi_isr_sio_proc1);
AIOPI_WEAK_ISR(aiopi_isr_clocks);
AIOPI_WEAK_ISR(aiopi_isr_spi0);
AIOPI_WEAK_ISR(aiopi_isr_spi1);
AIOPI_WEAK_ISR(aiopi_isr_uart0);
AIOPI_WEAK_ISR(aiopi_isr_uart1);
AIOPI_WEAK_ISR(aiopi_isr_adc_fifo);
AIOPI_WEAK_ISR(aiopi_isr_i2c0);
AIOPI_WEAK_ISR(aiopi_isr_i2c1);
AIOPI_WEAK_ISR(aiopi_isr_rtc);
#undef AIOPI_WEAK_ISR

using Vector = void (*)();
__attribute__((section(".vectors"), used)) const Vector aiopi_vectors[48] = {
    reinterpret_cast<Vector>(&__stack_top),
    aiopi_reset_handler,
    aiopi_isr_nmi,
    aiopi_isr_hardfault,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,  // reserved on ARMv6-M
    aiopi_isr_svcall,
    nullptr,
    nullptr,  // reserved
    aiopi_isr_pendsv,
    aiopi_isr_systick,
    // Device interrupts 0-25 (rp2040::Irq), then 26-31, which the RP2040 does not have.
    aiopi_isr_timer0,
    aiopi_isr_timer1,
    aiopi_isr_timer2,
    aiopi_isr_timer3,
    aiopi_isr_pwm_wrap,
    aiopi_isr_usbctrl,
    aiopi_isr_xip,
    aiopi_isr_pio0_0,
    aiopi_isr_pio0_1,
    aiopi_isr_pio1_0,
    aiopi_isr_pio1_1,
    aiopi_isr_dma_0,
    aiopi_isr_dma_1,
    aiopi_isr_io_bank0,
    aiopi_isr_io_qspi,
    aiopi_isr_sio_proc0,
    aiopi_isr_sio_proc1,
    aiopi_isr_clocks,
    aiopi_isr_spi0,
    aiopi_isr_spi1,
    aiopi_isr_uart0,
    aiopi_isr_uart1,
    aiopi_isr_adc_fifo,
    aiopi_isr_i2c0,
    aiopi_isr_i2c1,
    aiopi_isr_rtc,
    aiopi_isr_default,
    aiopi_isr_default,
    aiopi_isr_default,
    aiopi_isr_default,
    aiopi_isr_default,
    aiopi_isr_default,
};
}
