#include "aiopi/rp2040/console.hpp"

#include "aiopi/panic.hpp"
#include "aiopi/rp2040/clocks.hpp"
#include "aiopi/rp2040/regs.hpp"

namespace aiopi::rp2040 {
namespace {

// UART0 (PL011, §4.2.8).
constexpr Addr kUartDr = kUart0Base + 0x000;
constexpr Addr kUartFr = kUart0Base + 0x018;
constexpr Addr kUartIbrd = kUart0Base + 0x024;
constexpr Addr kUartFbrd = kUart0Base + 0x028;
constexpr Addr kUartLcrH = kUart0Base + 0x02c;
constexpr Addr kUartCr = kUart0Base + 0x030;
constexpr std::uint32_t kFrBusy = 1u << 3;
constexpr std::uint32_t kFrRxEmpty = 1u << 4;
constexpr std::uint32_t kFrTxFull = 1u << 5;
constexpr std::uint32_t kFrTxEmpty = 1u << 7;
constexpr std::uint32_t kCrEnable = 1u << 0;
constexpr std::uint32_t kCrTx = 1u << 8;
constexpr std::uint32_t kCrRx = 1u << 9;
constexpr std::uint32_t kLcrH8BitsFifo = (3u << 5) | (1u << 4);  // WLEN = 8 bits, FEN
constexpr std::uint32_t kBaud = 115200;

// GP0 = UART0 TX, GP1 = UART0 RX: IO_BANK0 GPIOn_CTRL.FUNCSEL = 2 (§2.19.2), pads with input enabled and
// output not disabled (§2.19.6.3).
constexpr std::uint32_t kFuncselUart = 2;
constexpr std::uint32_t kPadInputEnable = 1u << 6;
constexpr std::uint32_t kPadOutputDisable = 1u << 7;

void pin_to_uart(unsigned pin) noexcept {
  const Addr pad = kPadsBank0Base + 0x04 + 4 * pin;
  reg(pad) = (reg(pad) | kPadInputEnable) & ~kPadOutputDisable;
  reg(kIoBank0Base + 0x04 + 8 * pin) = kFuncselUart;
}

}  // namespace

void console_init() noexcept {
  if ((reg(kUartCr) & kCrEnable) != 0) return;  // already up (by us or by the UART driver)
  unreset(resets::kUart0 | resets::kIoBank0 | resets::kPadsBank0);
  std::uint32_t clk = clk_peri_hz();
  if (clk == 0) {
    init_clocks();
    clk = clk_peri_hz();
  }
  // Baud divisor in 1/64ths, rounded (§4.2.7.1): 125 MHz -> IBRD 67, FBRD 52.
  const std::uint32_t div128 = 8 * clk / kBaud;
  reg(kUartIbrd) = div128 >> 7;
  reg(kUartFbrd) = ((div128 & 0x7f) + 1) / 2;
  reg(kUartLcrH) = kLcrH8BitsFifo;  // after the divisors: writing LCR_H latches them
  reg(kUartCr) = kCrEnable | kCrTx | kCrRx;
  pin_to_uart(0);
  pin_to_uart(1);
}

void console_write(std::string_view text) noexcept {
  console_init();
  for (char c : text) {
    while ((reg(kUartFr) & kFrTxFull) != 0) {
    }
    reg(kUartDr) = static_cast<unsigned char>(c);
  }
}

std::size_t format_u32(std::uint32_t value, char* out) noexcept {
  char digits[10];
  std::size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = digits[n - 1 - i];
  return n;
}

void console_write_u32(std::uint32_t value) noexcept {
  char buf[11];
  console_write(std::string_view(buf, format_u32(value, buf)));
}

void console_write_hex(std::uint32_t value) noexcept {
  char buf[10] = {'0', 'x'};
  for (int i = 0; i < 8; ++i)
    buf[2 + i] = "0123456789abcdef"[(value >> (28 - 4 * i)) & 0xf];
  console_write(std::string_view(buf, sizeof(buf)));
}

int console_read_byte() noexcept {
  console_init();
  if ((reg(kUartFr) & kFrRxEmpty) != 0) return -1;
  return static_cast<int>(reg(kUartDr) & 0xff);
}

void console_flush() noexcept {
  while ((reg(kUartFr) & (kFrBusy | kFrTxEmpty)) != kFrTxEmpty) {
  }
}

}  // namespace aiopi::rp2040

// For the C parts of the port (libc_overrides.c).
extern "C" void aiopi_console_write_c(const char* text, std::size_t size) {
  aiopi::rp2040::console_write(std::string_view(text, size));
}
extern "C" [[noreturn]] void aiopi_panic_c(const char* message) {
  aiopi::panic(message);
}
