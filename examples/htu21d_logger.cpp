// htu21d_logger: temperature and humidity from an HTU21D (or Si7021) every 2 s, as lines on the UART:
//
//   T=21.3C RH=45.0%
//
// Wiring (GPIO numbers; the same source runs on the Pico, the Raspberry Pi and the simulated board):
//   Pico: I2C0 SDA GP4, SCL GP5 (4.7 kohm pull-ups to 3V3 unless the breakout has them); UART0 TX GP0, RX GP1
//   Pi:   the header's I2C (SDA GPIO2, SCL GPIO3: /dev/i2c-1, dtparam=i2c_arm=on); the lines go to
//         /dev/serial0 (TXD GPIO14, RXD GPIO15) — AIOPI_UART0=/dev/ttyUSB0 (or a pty) sends them elsewhere
//
// The driver's background task measures every 2 s; this program prints its latest values on its own 2 s
// schedule, as micropython-async's htu21d example does. A failing sensor (unplugged: NACK; a bad CRC) gives
// an "HTU21D error" line instead, and the logger carries on.
#include <cstdint>
#include <string_view>

#include "aiopi/aiopi.hpp"
#include "aiopi/board.hpp"
#include "aiopi/drivers/htu21d.hpp"

namespace {

using namespace std::chrono_literals;
namespace board = aiopi::board;
namespace drivers = aiopi::drivers;

constexpr unsigned kI2cBus = 0, kSdaGpio = 4, kSclGpio = 5;
constexpr unsigned kUart = 0, kTxGpio = 0, kRxGpio = 1;
constexpr std::uint32_t kBaud = 115200;
constexpr auto kLogEvery = 2s;

/// A line of text built in place: no printf (float formatting would cost the Pico ~10 KB of flash). Text
/// that does not fit is cut; the line end always fits.
class Line {
 public:
  Line& operator<<(std::string_view text) {
    for (char c : text)
      if (size_ < kMax) buf_[size_++] = c;
    return *this;
  }
  /// `value` with one decimal, rounded half away from zero ("-3.5", "21.3").
  Line& tenths(float value) {
    const bool negative = value < 0;
    const auto scaled = static_cast<std::int32_t>((negative ? -value : value) * 10.0f + 0.5f);
    if (negative && scaled != 0) *this << "-";
    char digits[12];
    int n = 0;
    for (std::int32_t whole = scaled / 10; n == 0 || whole != 0; whole /= 10)
      digits[n++] = static_cast<char>('0' + whole % 10);
    while (n > 0)
      *this << std::string_view(&digits[--n], 1);
    const char decimal[2] = {'.', static_cast<char>('0' + scaled % 10)};
    return *this << std::string_view(decimal, 2);
  }
  /// The line with its end ("\r\n": a serial terminal's).
  std::string_view finish() {
    buf_[size_] = '\r';
    buf_[size_ + 1] = '\n';
    return {buf_, size_ + 2};
  }

 private:
  static constexpr std::size_t kMax = 126;
  char buf_[kMax + 2];
  std::size_t size_ = 0;
};

aiopi::Task<int> htu21d_logger() {
  board::Uart uart(kUart, kTxGpio, kRxGpio, kBaud);
  if (!uart.ok()) co_return board::fail("htu21d_logger: the UART", uart.message());
  board::I2c i2c(kI2cBus, kSdaGpio, kSclGpio, 100'000);
  if (!i2c.ok()) co_return board::fail("htu21d_logger: the I2C bus", i2c.message());

  drivers::HTU21D htu(i2c, {.read_delay_ms = 2000});  // its task starts at once (inside a running loop)
  for (;;) {
    co_await aiopi::sleep(kLogEvery);
    Line line;
    if (!htu.last_error().ok()) {
      line << "HTU21D error: " << htu.last_error().what;
    } else if (htu.temperature() && htu.humidity()) {
      line << "T=";
      line.tenths(*htu.temperature()) << "C RH=";
      line.tenths(*htu.humidity()) << "%";
    } else {
      continue;  // no measurement yet
    }
    if (!uart.writer().write(line.finish())) co_return board::fail("htu21d_logger: writing to the UART");
    if (!co_await uart.writer().drain()) co_return board::fail("htu21d_logger: the UART failed");
  }
}

}  // namespace

int main() {
  return board::run(htu21d_logger());
}
