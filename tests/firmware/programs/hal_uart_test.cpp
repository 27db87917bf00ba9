// rp2040::Uart in the emulator (tests/firmware/hal_uart.test.mjs): UART1 on GP4/GP5 at 115200 echoes each
// line through the stream API (readline, write_all, drain). "baud\n" switches to 9600 (and echoes at the new
// rate); "blast\n" sends 600 bytes; "hold\n" stops reading for 60 ms, then echoes the next 340 bytes;
// "quit\n" ends the program after reporting the line errors on the console (UART0).
#include <string_view>

#include "aiopi/aiopi.hpp"
#include "aiopi/rp2040/console.hpp"
#include "aiopi/rp2040/uart.hpp"

namespace rp = aiopi::rp2040;
namespace hal = aiopi::hal;

namespace {

hal::StreamStorage<256, 256> g_storage;

bool is(std::span<const std::uint8_t> line, std::string_view text) {
  return std::string_view(reinterpret_cast<const char*>(line.data()), line.size()) == text;
}

aiopi::Task<int> uart_test() {
  rp::Uart port(aiopi::Loop::running(), 4, 5, g_storage, {.baud = 115200});
  rp::console_write("uart ready\r\n");
  std::array<std::uint8_t, 256> buf;
  unsigned lines = 0;
  for (;;) {
    hal::IoResult<std::span<std::uint8_t>> line = co_await port.reader().readline(buf);
    if (!line || line->empty()) co_return 1;
    if (is(*line, "quit\n")) break;
    if (is(*line, "hold\n")) {
      // Not reading for 60 ms while 340 bytes arrive: the reader's ring (256) and the staging ring (64) fill,
      // the RX interrupt is masked and the rest waits in the hardware FIFO; nothing may be lost.
      co_await aiopi::sleep_ms(60);
      static std::array<std::uint8_t, 170> half;  // readexactly takes at most the ring's capacity
      for (int i = 0; i < 2; ++i) {
        hal::IoResult<std::span<std::uint8_t>> got = co_await port.reader().readexactly(half);
        if (!got) co_return 5;
        if (!co_await port.writer().write_all(*got)) co_return 6;
      }
      continue;
    }
    if (is(*line, "blast\n")) {
      // 600 bytes through a 256-byte writer: write_all waits for room while the TX interrupt refills the
      // FIFO.
      static std::array<std::uint8_t, 600> blast;
      for (std::size_t i = 0; i < blast.size(); ++i)
        blast[i] = static_cast<std::uint8_t>('a' + i % 26);
      if (!co_await port.writer().write_all(blast)) co_return 7;
      port.writer().set_write_buffer_limits(0);
      if (!co_await port.writer().drain()) co_return 8;
      rp::console_write("blast sent\r\n");
      continue;
    }
    if (is(*line, "baud\n")) {
      if (!port.set_config({.baud = 9600})) co_return 2;
      rp::console_write("baud 9600\r\n");
      continue;
    }
    if (!co_await port.writer().write_all(*line)) co_return 3;
    if (!co_await port.writer().drain()) co_return 4;
    ++lines;
  }
  const rp::Uart::LineErrors e = port.line_errors();
  rp::console_write("lines ");
  rp::console_write_u32(lines);
  rp::console_write(" overrun ");
  rp::console_write_u32(e.overrun);
  rp::console_write(" framing ");
  rp::console_write_u32(e.framing);
  rp::console_write(" take_error ");
  const hal::IoResult<void> first = port.take_error();
  rp::console_write(hal::to_string(first.error().kind));  // "ok" when there was none
  rp::console_write(" then ");
  rp::console_write(hal::to_string(port.take_error().error().kind));
  rp::console_write("\r\n");
  co_return 0;
}

}  // namespace

int main() {
  return aiopi::run(uart_test());
}
