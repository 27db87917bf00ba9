#include "aiopi/rp2040/clocks.hpp"

#include "aiopi/rp2040/regs.hpp"

namespace aiopi::rp2040 {
namespace {

// XOSC (§2.16.7).
constexpr Addr kXoscCtrl = kXoscBase + 0x00;
constexpr Addr kXoscStatus = kXoscBase + 0x04;
constexpr Addr kXoscStartup = kXoscBase + 0x0c;
constexpr std::uint32_t kXoscFreqRange1To15MHz = 0xaa0;
constexpr std::uint32_t kXoscEnable = 0xfabu << 12;
constexpr std::uint32_t kXoscStable = 1u << 31;
// STARTUP.DELAY counts 256 XOSC cycles: about 1 ms at 12 MHz (§2.16.3).
constexpr std::uint32_t kXoscStartupDelay = (kXoscHz / 1000 + 128) / 256;

// PLL (§2.18.4).
constexpr Addr kPllCs = kPllSysBase + 0x0;
constexpr Addr kPllPwr = kPllSysBase + 0x4;
constexpr Addr kPllFbdiv = kPllSysBase + 0x8;
constexpr Addr kPllPrim = kPllSysBase + 0xc;
constexpr std::uint32_t kPllLock = 1u << 31;
constexpr std::uint32_t kPllPwrPd = 1u << 0;
constexpr std::uint32_t kPllPwrPostdivPd = 1u << 3;
constexpr std::uint32_t kPllPwrVcoPd = 1u << 5;
// 12 MHz * 125 = 1500 MHz VCO (within 750-1600), / 6 / 2 = 125 MHz.
constexpr std::uint32_t kPllFbdivValue = 125;
constexpr std::uint32_t kPllPostdiv1 = 6;
constexpr std::uint32_t kPllPostdiv2 = 2;

// CLOCKS (§2.15.7): CTRL, DIV, SELECTED of each clock.
constexpr Addr kClkRefCtrl = kClocksBase + 0x30;
constexpr Addr kClkRefDiv = kClocksBase + 0x34;
constexpr Addr kClkRefSelected = kClocksBase + 0x38;
constexpr Addr kClkSysCtrl = kClocksBase + 0x3c;
constexpr Addr kClkSysDiv = kClocksBase + 0x40;
constexpr Addr kClkSysSelected = kClocksBase + 0x44;
constexpr Addr kClkPeriCtrl = kClocksBase + 0x48;
constexpr Addr kClkSysResusCtrl = kClocksBase + 0x78;
constexpr std::uint32_t kClkRefSrcXosc = 2;           // CLK_REF_CTRL.SRC
constexpr std::uint32_t kClkSysSrcAux = 1;            // CLK_SYS_CTRL.SRC: clksrc_clk_sys_aux
constexpr std::uint32_t kClkSysAuxPllSys = 0u << 5;   // CLK_SYS_CTRL.AUXSRC
constexpr std::uint32_t kClkPeriEnable = 1u << 11;    // CLK_PERI_CTRL.ENABLE
constexpr std::uint32_t kClkPeriAuxClkSys = 0u << 5;  // CLK_PERI_CTRL.AUXSRC
constexpr std::uint32_t kDivOne = 1u << 8;            // DIV.INT = 1

// WATCHDOG TICK (§4.7.6): the tick for TIMER is clk_ref / CYCLES.
constexpr Addr kWatchdogTick = kWatchdogBase + 0x2c;
constexpr std::uint32_t kTickEnable = 1u << 9;

// SysTick (ARMv6-M B3.3): CSR.ENABLE, CSR.CLKSOURCE = the processor clock; a 24-bit down-counter.
constexpr Addr kSystCsr = kPpbBase + 0xe010;
constexpr Addr kSystRvr = kPpbBase + 0xe014;
constexpr Addr kSystCvr = kPpbBase + 0xe018;
constexpr std::uint32_t kSystEnable = 1u << 0;
constexpr std::uint32_t kSystProcessorClock = 1u << 2;
constexpr std::uint32_t kSystMask = 0xffffff;
constexpr Addr kTimerRawLow = kTimerBase + 0x28;

std::uint32_t g_clk_sys_hz = 0;

}  // namespace

void init_clocks() noexcept {
  if (g_clk_sys_hz != 0) return;
  reg(kClkSysResusCtrl) = 0;
  // Run clk_sys from clk_ref and clk_ref from the ROSC (their reset state) while the sources change.
  reg_clear(kClkSysCtrl, 1);
  while (reg(kClkSysSelected) != 1u) {
  }
  reg_clear(kClkRefCtrl, 3);
  while (reg(kClkRefSelected) != 1u) {
  }

  reg(kXoscCtrl) = kXoscFreqRange1To15MHz;
  reg(kXoscStartup) = kXoscStartupDelay;
  reg_set(kXoscCtrl, kXoscEnable);
  while ((reg(kXoscStatus) & kXoscStable) == 0) {
  }

  unreset(resets::kPllSys);
  reg(kPllCs) = 1;  // REFDIV = 1
  reg(kPllFbdiv) = kPllFbdivValue;
  reg_clear(kPllPwr, kPllPwrPd | kPllPwrVcoPd);
  while ((reg(kPllCs) & kPllLock) == 0) {
  }
  reg(kPllPrim) = (kPllPostdiv1 << 16) | (kPllPostdiv2 << 12);
  reg_clear(kPllPwr, kPllPwrPostdivPd);

  reg(kClkRefCtrl) = kClkRefSrcXosc;
  reg(kClkRefDiv) = kDivOne;
  while (reg(kClkRefSelected) != (1u << kClkRefSrcXosc)) {
  }
  // The glitchless mux switches to the auxiliary source only after AUXSRC has settled on pll_sys.
  reg(kClkSysCtrl) = kClkSysAuxPllSys;
  reg(kClkSysCtrl) = kClkSysAuxPllSys | kClkSysSrcAux;
  reg(kClkSysDiv) = kDivOne;
  while (reg(kClkSysSelected) != (1u << kClkSysSrcAux)) {
  }
  reg(kClkPeriCtrl) = kClkPeriEnable | kClkPeriAuxClkSys;

  reg(kWatchdogTick) = kTickEnable | (kXoscHz / 1'000'000);
  unreset(resets::kTimer);
  g_clk_sys_hz = kXoscHz / 1 * kPllFbdivValue / (kPllPostdiv1 * kPllPostdiv2);
}

std::uint32_t clk_sys_hz() noexcept {
  return g_clk_sys_hz;
}
std::uint32_t measure_clk_sys_hz() noexcept {
  constexpr std::uint32_t kWindowUs = 1000;  // 125 000 cycles at 125 MHz: well inside SysTick's 24 bits
  reg(kSystRvr) = kSystMask;
  reg(kSystCvr) = 0;
  reg(kSystCsr) = kSystProcessorClock | kSystEnable;
  // Start on a tick edge of the TIMER so that the window is whole microseconds.
  const std::uint32_t before = reg(kTimerRawLow);
  std::uint32_t start;
  while ((start = reg(kTimerRawLow)) == before) {
  }
  const std::uint32_t count0 = reg(kSystCvr);
  while (reg(kTimerRawLow) - start < kWindowUs) {
  }
  const std::uint32_t count1 = reg(kSystCvr);
  reg(kSystCsr) = 0;
  return ((count0 - count1) & kSystMask) * (1'000'000 / kWindowUs);
}

std::uint32_t clk_peri_hz() noexcept {
  return g_clk_sys_hz;
}

}  // namespace aiopi::rp2040
