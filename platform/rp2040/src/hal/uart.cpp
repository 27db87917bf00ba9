// rp2040::Uart: the PL011 UARTs behind hal::Uart (see uart.hpp).
#include "aiopi/rp2040/uart.hpp"

#include "aiopi/rp2040/pins.hpp"
#include "aiopi/rp2040/regs.hpp"
#include "hal_common.hpp"

namespace aiopi::rp2040 {
namespace {

// PL011 registers (datasheet §4.2.8).
constexpr Addr kDr = 0x000;    // UARTDR: data [7:0], FE 8, PE 9, BE 10, OE 11
constexpr Addr kRsr = 0x004;   // UARTRSR: the same errors; a write clears them
constexpr Addr kFr = 0x018;    // UARTFR
constexpr Addr kIbrd = 0x024;  // UARTIBRD
constexpr Addr kFbrd = 0x028;  // UARTFBRD
constexpr Addr kLcrH = 0x02c;  // UARTLCR_H: latches IBRD/FBRD when written
constexpr Addr kCr = 0x030;    // UARTCR
constexpr Addr kIfls = 0x034;  // UARTIFLS
constexpr Addr kImsc = 0x038;  // UARTIMSC
constexpr Addr kMis = 0x040;   // UARTMIS
constexpr Addr kIcr = 0x044;   // UARTICR

constexpr std::uint32_t kDrFe = 1u << 8, kDrPe = 1u << 9, kDrBe = 1u << 10, kDrOe = 1u << 11;
constexpr std::uint32_t kFrBusy = 1u << 3, kFrRxfe = 1u << 4, kFrTxff = 1u << 5;
constexpr std::uint32_t kLcrPen = 1u << 1, kLcrEps = 1u << 2, kLcrStp2 = 1u << 3, kLcrFen = 1u << 4;
constexpr std::uint32_t kCrUarten = 1u << 0, kCrTxe = 1u << 8, kCrRxe = 1u << 9;
// Interrupt bits (IMSC / RIS / MIS / ICR): RX 4, TX 5, RX timeout 6, framing 7, parity 8, break 9,
// overrun 10.
constexpr std::uint32_t kIntRx = 1u << 4, kIntTx = 1u << 5, kIntRt = 1u << 6;
constexpr std::uint32_t kIntErrors = (1u << 7) | (1u << 8) | (1u << 9) | (1u << 10);

Uart* g_uarts[2] = {nullptr, nullptr};

// GPIO function table (§2.19.2): UART0 on GP0-3, 12-19, 28-29; UART1 on GP4-11, 20-27; within each group
// of four pins TX is the first and RX the second.
constexpr unsigned uart_of(unsigned pin) noexcept {
  return ((pin + 4) / 8) % 2;
}

struct Divisors {
  std::uint32_t ibrd;
  std::uint32_t fbrd;
};
// §4.2.7.1: divisor = clk_peri / (16 * baud) as a 16.6 fixed-point number, rounded to the nearest 1/64.
constexpr bool divisors(std::uint32_t baud, Divisors& out) noexcept {
  const std::uint64_t div128 = (8ull * hal_detail::kClkPeriHz) / baud;  // the divisor in 1/128ths
  std::uint32_t ibrd = static_cast<std::uint32_t>(div128 >> 7);
  std::uint32_t fbrd = static_cast<std::uint32_t>(((div128 & 0x7f) + 1) / 2);
  if (fbrd == 64) {
    ++ibrd;
    fbrd = 0;
  }
  if (ibrd == 0 || ibrd > 0xffff || (ibrd == 0xffff && fbrd != 0)) return false;
  out = Divisors{ibrd, fbrd};
  return true;
}
static_assert([] {
  Divisors d{};
  return divisors(115200, d) && d.ibrd == 67 && d.fbrd == 52;
}());

}  // namespace

Uart::Uart(Loop& loop, unsigned tx_pin, unsigned rx_pin, std::span<std::uint8_t> rx_storage,
           std::span<std::uint8_t> tx_storage, const hal::UartConfig& config) noexcept
    : loop_(loop),
      index_(uart_of(tx_pin)),
      base_(uart_of(tx_pin) == 0 ? kUart0Base : kUart1Base),
      tx_pin_(tx_pin),
      rx_pin_(rx_pin),
      reader_(rx_storage, this),
      writer_(tx_storage, this) {
  hal_detail::check_pin(tx_pin, "rp2040::Uart: TX pin beyond GPIO29");
  hal_detail::check_pin(rx_pin, "rp2040::Uart: RX pin beyond GPIO29");
  if (tx_pin % 4 != 0 || rx_pin % 4 != 1 || uart_of(rx_pin) != index_)
    usage_error("rp2040::Uart: the pins are not the TX and RX of one UART (e.g. GP0/GP1, GP4/GP5)");
  if (g_uarts[index_] != nullptr) usage_error("rp2040::Uart: that UART is already open");
  hal::IoResult<void> ok = hal::validate(config);
  if (!ok) usage_error(ok.error().what);

  pins::unreset_io();
  unreset(index_ == 0 ? resets::kUart0 : resets::kUart1);
  g_uarts[index_] = this;
  if (!set_config(config)) usage_error("rp2040::Uart: settings the UART cannot do");
  pins::configure_pad(tx_pin, pins::PadConfig{.input_enable = false});
  pins::configure_pad(rx_pin, pins::PadConfig{.input_enable = true, .pull_up = true});
  pins::set_function(tx_pin, pins::Function::uart);
  pins::set_function(rx_pin, pins::Function::uart);

  // Interrupts at half-full FIFOs (IFLS: TXIFLSEL [2:0], RXIFLSEL [5:3], 2 = 1/2); the RX timeout covers
  // what stays below the threshold.
  reg(base_ + kIfls) = (2u << 3) | 2u;
  reg(base_ + kIcr) = 0x7ff;
  reg(base_ + kImsc) = kIntRx | kIntRt | kIntErrors;
  loop_.add_external_source();
  irq_enable(index_ == 0 ? Irq::uart0 : Irq::uart1);
}

Uart::~Uart() {
  irq_disable(index_ == 0 ? Irq::uart0 : Irq::uart1);
  reg(base_ + kImsc) = 0;
  reg(base_ + kCr) = 0;
  pins::set_function(tx_pin_, pins::Function::null);
  pins::set_function(rx_pin_, pins::Function::null);
  g_uarts[index_] = nullptr;
  loop_.drain_inbox();  // no post may still point at wake_
  loop_.remove_external_source();
}

hal::IoResult<void> Uart::set_config(const hal::UartConfig& c) {
  hal::IoResult<void> ok = hal::validate(c);
  if (!ok) return ok;
  if (c.flow != hal::FlowControl::none)
    return hal::io_error(hal::IoErrc::invalid_argument,
                         "rp2040::Uart: flow control needs CTS/RTS pins (not supported; use none)");
  Divisors d{};
  if (!divisors(c.baud, d))
    return hal::io_error(hal::IoErrc::invalid_argument, "rp2040::Uart: baud rate out of the divisor's range");
  std::uint32_t lcr = kLcrFen | (static_cast<std::uint32_t>(c.data_bits - 5) << 5);  // WLEN [6:5]
  if (c.parity != hal::Parity::none) lcr |= kLcrPen;
  if (c.parity == hal::Parity::even) lcr |= kLcrEps;
  if (c.stop_bits == 2) lcr |= kLcrStp2;

  // §4.2.8 UARTCR: disable, let the character on the wire finish, reprogram, enable.
  reg(base_ + kCr) = 0;
  for (unsigned spin = 0; spin < 200000 && (reg(base_ + kFr) & kFrBusy) != 0; ++spin) {
  }
  reg(base_ + kIbrd) = d.ibrd;
  reg(base_ + kFbrd) = d.fbrd;
  reg(base_ + kLcrH) = lcr;  // after the divisors: this write latches them
  reg(base_ + kCr) = kCrUarten | kCrTxe | kCrRxe;
  config_ = c;
  return {};
}

Uart::LineErrors Uart::line_errors() const noexcept {
  return LineErrors{overrun_.load(std::memory_order_relaxed), framing_.load(std::memory_order_relaxed),
                    parity_.load(std::memory_order_relaxed), breaks_.load(std::memory_order_relaxed)};
}

hal::IoResult<void> Uart::take_error() noexcept {
  std::uint8_t e;
  {
    IrqGuard guard;
    e = first_error_.load(std::memory_order_relaxed);
    first_error_.store(0, std::memory_order_relaxed);
  }
  const std::uint32_t bit = static_cast<std::uint32_t>(e) << 8;
  if (bit == 0) return {};
  if (bit == kDrOe)
    return hal::io_error(hal::IoErrc::overflow, "rp2040::Uart: receive overrun (bytes were lost)");
  if (bit == kDrBe) return hal::io_error(hal::IoErrc::io, "rp2040::Uart: break received");
  if (bit == kDrPe) return hal::io_error(hal::IoErrc::io, "rp2040::Uart: parity error (byte dropped)");
  return hal::io_error(hal::IoErrc::io, "rp2040::Uart: framing error (byte dropped)");
}

// ---- ISR side ------------------------------------------------------------------------------------------

void Uart::on_irq() noexcept {
  const std::uint32_t mis = reg(base_ + kMis);
  auto count = [this](std::atomic<std::uint32_t>& c, std::uint32_t dr_bit) {
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);  // the ISR is the only writer
    if (first_error_.load(std::memory_order_relaxed) == 0)
      first_error_.store(static_cast<std::uint8_t>(dr_bit >> 8), std::memory_order_relaxed);
  };
  if ((mis & (kIntRx | kIntRt | kIntErrors)) != 0) {
    std::uint32_t tail = rx_tail_.load(std::memory_order_relaxed);
    bool errors = false;
    while ((reg(base_ + kFr) & kFrRxfe) == 0) {
      if (tail - rx_head_.load(std::memory_order_acquire) >= kIsrRxCapacity) {
        // No room: leave the rest in the FIFO and stop listening until the loop has taken bytes.
        reg_clear(base_ + kImsc, kIntRx | kIntRt);
        rx_held_.store(true, std::memory_order_relaxed);
        break;
      }
      const std::uint32_t dr = reg(base_ + kDr);
      if ((dr & (kDrOe | kDrBe | kDrFe | kDrPe)) != 0) errors = true;
      if ((dr & kDrOe) != 0) count(overrun_, kDrOe);  // the byte itself is good; earlier ones were lost
      if ((dr & kDrBe) != 0) {
        count(breaks_, kDrBe);
        continue;
      }
      if ((dr & kDrFe) != 0) {
        count(framing_, kDrFe);
        continue;
      }
      if ((dr & kDrPe) != 0) {
        count(parity_, kDrPe);
        continue;
      }
      staged_[tail % kIsrRxCapacity] = static_cast<std::uint8_t>(dr);
      ++tail;
      rx_tail_.store(tail, std::memory_order_release);
    }
    reg(base_ + kIcr) = kIntRt | kIntErrors;  // RX clears itself as the FIFO empties; RT and errors do not
    if (errors) reg(base_ + kRsr) = 0;        // UARTRSR/ECR: a write clears the sticky copies of the errors
  }
  if ((mis & kIntTx) != 0) reg_clear(base_ + kImsc, kIntTx);  // the loop refills the FIFO
  loop_.post_threadsafe(wake_);
}

// ---- loop side -----------------------------------------------------------------------------------------

void Uart::on_wake(ForeignWake& w) noexcept {
  Uart& u = *static_cast<Wake&>(w).owner;
  u.service_rx();
  u.service_tx();
}

void Uart::service_rx() noexcept {
  std::uint32_t head = rx_head_.load(std::memory_order_relaxed);
  for (;;) {
    const std::uint32_t tail = rx_tail_.load(std::memory_order_acquire);
    if (head == tail) break;
    std::span<std::uint8_t> room = reader_.write_space();
    if (room.empty()) break;  // the reader is full: resume_reading() comes back here
    std::size_t n = 0;
    while (n < room.size() && head != tail) {
      room[n++] = staged_[head % kIsrRxCapacity];
      ++head;
    }
    rx_head_.store(head, std::memory_order_release);
    reader_.received(n);
  }
  if (rx_held_.load(std::memory_order_relaxed) &&
      rx_tail_.load(std::memory_order_acquire) - head < kIsrRxCapacity) {
    rx_held_.store(false, std::memory_order_relaxed);
    reg_set(base_ + kImsc, kIntRx | kIntRt);  // what waited in the FIFO raises the interrupt again
  }
}

void Uart::service_tx() noexcept {
  for (;;) {
    std::span<const std::uint8_t> run = writer_.pending();
    if (run.empty()) break;
    std::size_t n = 0;
    while (n < run.size() && (reg(base_ + kFr) & kFrTxff) == 0)
      reg(base_ + kDr) = run[n++];
    writer_.sent(n);  // may queue more (a waiting write_all)
    if (n < run.size()) {
      reg_set(base_ + kImsc, kIntTx);  // FIFO full: its interrupt wakes us at half
      return;
    }
  }
  if (closing_) {
    closing_ = false;
    writer_.closed();
    reader_.feed_eof();
  }
}

void Uart::close() noexcept {
  closing_ = true;
  service_tx();
}

}  // namespace aiopi::rp2040

// UART0 / UART1 (IRQ 20 / 21, §2.3.2).
extern "C" void aiopi_isr_uart0() {
  if (aiopi::rp2040::g_uarts[0] != nullptr) aiopi::rp2040::g_uarts[0]->on_irq();
}
extern "C" void aiopi_isr_uart1() {
  if (aiopi::rp2040::g_uarts[1] != nullptr) aiopi::rp2040::g_uarts[1]->on_irq();
}
