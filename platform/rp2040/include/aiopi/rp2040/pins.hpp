// Pin multiplexing of the RP2040's user bank (GPIO0..29): which peripheral drives a pin (IO_BANK0 FUNCSEL),
// its pad (input enable, output disable, pulls, drive strength; PADS_BANK0) and the SIO registers that
// software-controlled pins use. Shared by the HAL classes (gpio, uart, i2c, adc, pwm) and the firmware.
//
//   rp2040::pins::PadConfig pad{.input_enable = true, .pull_up = true};
//   rp2040::pins::configure_pad(4, pad);
//   rp2040::pins::set_function(4, rp2040::pins::Function::i2c);
#pragma once

#include <cstdint>

#include "aiopi/rp2040/regs.hpp"

namespace aiopi::rp2040::pins {

/// GPIOs of the user bank.
inline constexpr unsigned kCount = 30;

/// IO_BANK0 GPIOx_CTRL.FUNCSEL values (datasheet §2.19.2, "Function Select" table).
enum class Function : std::uint32_t {
  spi = 1,
  uart = 2,
  i2c = 3,
  pwm = 4,
  sio = 5,
  pio0 = 6,
  pio1 = 7,
  usb = 9,
  null = 0x1f,  // no peripheral: the pad's output is disabled (what the ADC pins want)
};

// IO_BANK0 registers (§2.19.6.1): per GPIO a STATUS/CTRL pair 8 bytes apart; the raw interrupts and the
// processor-0 enables are in four registers of eight GPIOs, four bits each (LEVEL_LOW, LEVEL_HIGH,
// EDGE_LOW, EDGE_HIGH).
inline constexpr Addr gpio_ctrl(unsigned pin) noexcept {
  return kIoBank0Base + 0x004 + 8 * pin;
}
inline constexpr Addr kIntr0 = kIoBank0Base + 0x0f0;       // INTR0..3: raw, edge bits write-1-to-clear
inline constexpr Addr kProc0Inte0 = kIoBank0Base + 0x100;  // PROC0_INTE0..3
inline constexpr Addr kProc0Ints0 = kIoBank0Base + 0x120;  // PROC0_INTS0..3: raw & enable
inline constexpr std::uint32_t kEdgeLow = 1u << 2;
inline constexpr std::uint32_t kEdgeHigh = 1u << 3;
/// The register (0..3) and bit shift of a GPIO's four interrupt bits.
inline constexpr unsigned irq_reg(unsigned pin) noexcept {
  return pin / 8;
}
inline constexpr unsigned irq_shift(unsigned pin) noexcept {
  return 4 * (pin % 8);
}

// PADS_BANK0 GPIOx (§2.19.6.3): reset value 0x56 (IE, 4 mA, pull-down, Schmitt trigger).
inline constexpr Addr pad(unsigned pin) noexcept {
  return kPadsBank0Base + 0x04 + 4 * pin;
}
inline constexpr std::uint32_t kPadSlewFast = 1u << 0;
inline constexpr std::uint32_t kPadSchmitt = 1u << 1;
inline constexpr std::uint32_t kPadPullDown = 1u << 2;  // PDE
inline constexpr std::uint32_t kPadPullUp = 1u << 3;    // PUE
inline constexpr std::uint32_t kPadDriveShift = 4;      // DRIVE[5:4]: 0 = 2 mA, 1 = 4 mA, 2 = 8 mA, 3 = 12 mA
inline constexpr std::uint32_t kPadInputEnable = 1u << 6;
inline constexpr std::uint32_t kPadOutputDisable = 1u << 7;

// SIO (§2.3.1.7): the GPIOs under software control (FUNCSEL 5), one bit per pin, with atomic set/clear
// registers of their own (SIO is not an APB block: it has no +0x2000 aliases).
inline constexpr Addr kSioGpioIn = kSioBase + 0x004;
inline constexpr Addr kSioGpioOutSet = kSioBase + 0x014;
inline constexpr Addr kSioGpioOutClr = kSioBase + 0x018;
inline constexpr Addr kSioGpioOeSet = kSioBase + 0x024;
inline constexpr Addr kSioGpioOeClr = kSioBase + 0x028;

struct PadConfig {
  bool input_enable = true;
  bool output_disable = false;
  bool pull_up = false;
  bool pull_down = false;
  bool schmitt = true;
  unsigned drive = 1;  // 4 mA, the reset value
};

/// Writes a pad's whole control register.
inline void configure_pad(unsigned pin, const PadConfig& c) noexcept {
  std::uint32_t v = (c.drive & 3u) << kPadDriveShift;
  if (c.input_enable) v |= kPadInputEnable;
  if (c.output_disable) v |= kPadOutputDisable;
  if (c.pull_up) v |= kPadPullUp;
  if (c.pull_down) v |= kPadPullDown;
  if (c.schmitt) v |= kPadSchmitt;
  reg(pad(pin)) = v;
}

/// Hands a pin to a peripheral (CTRL: FUNCSEL, no overrides).
inline void set_function(unsigned pin, Function f) noexcept {
  reg(gpio_ctrl(pin)) = static_cast<std::uint32_t>(f);
}

/// Takes IO_BANK0 and PADS_BANK0 out of reset (idempotent; the startup code normally has done it).
inline void unreset_io() noexcept {
  unreset(resets::kIoBank0 | resets::kPadsBank0);
}

/// The electrical level of a pin (SIO GPIO_IN), whatever function drives it.
inline bool level(unsigned pin) noexcept {
  return ((reg(kSioGpioIn) >> pin) & 1u) != 0;
}

}  // namespace aiopi::rp2040::pins
