// The HAL's UART (hal::Uart: a ByteStream with line settings) on the RP2040's PL011 UARTs.
//
//   static hal::StreamStorage<256, 256> console_buf;
//   rp2040::Uart console(loop, 0, 1, console_buf, {.baud = 115200});   // UART0 on GP0 (TX) / GP1 (RX)
//   auto line = co_await console.reader().readline(buf);
//   (void)console.writer().write(hal::as_bytes("ok\n"));
//
// Uart(loop, tx_pin, rx_pin, rx_storage, tx_storage, config = {}) or Uart(loop, tx_pin, rx_pin, storage,
//   config): the instance follows from the pins (UART0: TX on GP0/12/16/28, RX on GP1/13/17/29; UART1: TX on
//   GP4/8/20/24, RX on GP5/9/21/25; other pins, or pins of different instances, are a usage error). The
//   pins get FUNCSEL 2; RX gets its pad's input enable and a pull-up (an idle line reads high, no noise
//   from a floating pin). Both FIFOs are on; one Uart per instance.
// How bytes move: the RX / RX-timeout interrupt empties the 32-byte hardware FIFO into a fixed staging ring
//   (kIsrRxCapacity) and posts a ForeignWake; the loop moves the bytes into the reader's ring. When the
//   reader's ring is full the bytes wait in the staging ring; when that is full too the interrupt is masked
//   and the hardware FIFO fills (then overruns, counted). The writer's ring is copied into the TX FIFO on
//   the loop's thread; the TX interrupt (FIFO down to half) only masks itself and wakes the loop to refill.
// Line errors (framing, parity, break, overrun, staging overflow) do not end the stream: a byte received
//   with a framing/parity/break error is dropped, every error is counted (line_errors()), and
//   take_error() gives the first one since the last call as an IoError (overflow for overruns, io for the
//   others).
// set_config: baud rates whose divisor fits (about 30 Bd to 7.8 MBd at clk_peri 125 MHz; 115200 gives
//   IBRD 67 FBRD 52), 5..8 data bits, parity, 1 or 2 stop bits; flow control other than none is
//   invalid_argument (no CTS/RTS pins are given).
// Shared UART0: the panic handler writes UART0 by polling; an active Uart on it keeps its settings.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "aiopi/detail/foreign_wake.hpp"
#include "aiopi/hal/stream.hpp"
#include "aiopi/hal/uart.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::rp2040 {

class Uart final : public hal::Uart, private hal::ByteTransport {
 public:
  /// Bytes staged between the RX interrupt and the loop.
  static constexpr std::size_t kIsrRxCapacity = 64;

  struct LineErrors {
    std::uint32_t overrun = 0;  // the hardware FIFO, or the staging ring, had no room
    std::uint32_t framing = 0;
    std::uint32_t parity = 0;
    std::uint32_t breaks = 0;
  };

  Uart(Loop& loop, unsigned tx_pin, unsigned rx_pin, std::span<std::uint8_t> rx_storage,
       std::span<std::uint8_t> tx_storage, const hal::UartConfig& config = {}) noexcept;
  template <std::size_t Rx, std::size_t Tx>
  Uart(Loop& loop, unsigned tx_pin, unsigned rx_pin, hal::StreamStorage<Rx, Tx>& storage,
       const hal::UartConfig& config = {}) noexcept
      : Uart(loop, tx_pin, rx_pin, storage.rx, storage.tx, config) {}
  /// Masks the interrupts, disables the UART, gives the pins back.
  ~Uart() override;

  hal::StreamReader& reader() noexcept override { return reader_; }
  hal::StreamWriter& writer() noexcept override { return writer_; }
  const hal::UartConfig& config() const noexcept override { return config_; }
  hal::IoResult<void> set_config(const hal::UartConfig& config) override;

  /// 0 for UART0, 1 for UART1.
  unsigned index() const noexcept { return index_; }
  LineErrors line_errors() const noexcept;
  /// The first line error since the last call, or success.
  hal::IoResult<void> take_error() noexcept;

  /// The interrupt's work (called by aiopi_isr_uart0/1).
  void on_irq() noexcept;

 private:
  struct Wake : ForeignWake {
    explicit Wake(Uart* u) noexcept : ForeignWake(&Uart::on_wake), owner(u) {}
    Uart* owner;
  };
  static void on_wake(ForeignWake& w) noexcept;
  void resume_reading() noexcept override { service_rx(); }
  void write_ready() noexcept override { service_tx(); }
  void close() noexcept override;
  void service_rx() noexcept;
  void service_tx() noexcept;

  Loop& loop_;
  unsigned index_;
  std::uintptr_t base_;
  unsigned tx_pin_;
  unsigned rx_pin_;
  hal::UartConfig config_{};
  hal::StreamReader reader_;
  hal::StreamWriter writer_;
  Wake wake_{this};
  bool closing_ = false;

  // ISR -> loop: received bytes (one producer, one consumer), the counts of line errors.
  std::array<std::uint8_t, kIsrRxCapacity> staged_{};
  std::atomic<std::uint32_t> rx_head_{0};
  std::atomic<std::uint32_t> rx_tail_{0};
  std::atomic<bool> rx_held_{false};  // RX interrupts masked because the staging ring was full
  std::atomic<std::uint32_t> overrun_{0}, framing_{0}, parity_{0}, breaks_{0};
  std::atomic<std::uint8_t> first_error_{0};  // 0 none, else the DR error bit (loop clears it)
};

}  // namespace aiopi::rp2040
