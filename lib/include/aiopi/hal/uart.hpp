// The UART of the HAL: a ByteStream with line settings (UartConfig). Backends: the simulated UART with a
// scripted peer (platform/sim), termios on Linux (platform/linux), the RP2040's PL011 later.
//
//   hal::UartConfig gps{.baud = 9600};                          // 8N1, no flow control
//   hal::UartConfig modem{.baud = 115200, .flow = hal::FlowControl::rtscts};
//   hal::UartConfig odd{.baud = 19200, .data_bits = 7, .parity = hal::Parity::even, .stop_bits = 2};
#pragma once

#include <cstdint>

#include "aiopi/hal/error.hpp"
#include "aiopi/hal/stream.hpp"

namespace aiopi::hal {

enum class Parity : unsigned char { none, even, odd };
enum class FlowControl : unsigned char { none, rtscts, xonxoff };

constexpr const char* to_string(Parity p) noexcept {
  return p == Parity::none ? "none" : p == Parity::even ? "even" : "odd";
}
constexpr const char* to_string(FlowControl f) noexcept {
  return f == FlowControl::none ? "none" : f == FlowControl::rtscts ? "rtscts" : "xonxoff";
}

struct UartConfig {
  std::uint32_t baud = 115200;
  std::uint8_t data_bits = 8;  // 5..8
  Parity parity = Parity::none;
  std::uint8_t stop_bits = 1;  // 1 or 2
  FlowControl flow = FlowControl::none;
  friend constexpr bool operator==(const UartConfig&, const UartConfig&) = default;
};

/// Checks the fields every backend shares (data bits 5..8, stop bits 1 or 2, a baud rate above 0); which
/// baud rates exist is the backend's to say. IoErrc::invalid_argument names the field.
constexpr IoResult<void> validate(const UartConfig& c) noexcept {
  if (c.baud == 0) return io_error(IoErrc::invalid_argument, "UART: the baud rate must be above 0");
  if (c.data_bits < 5 || c.data_bits > 8)
    return io_error(IoErrc::invalid_argument, "UART: data bits must be 5, 6, 7 or 8");
  if (c.stop_bits != 1 && c.stop_bits != 2)
    return io_error(IoErrc::invalid_argument, "UART: stop bits must be 1 or 2");
  if (c.parity != Parity::none && c.parity != Parity::even && c.parity != Parity::odd)
    return io_error(IoErrc::invalid_argument, "UART: parity must be none, even or odd");
  if (c.flow != FlowControl::none && c.flow != FlowControl::rtscts && c.flow != FlowControl::xonxoff)
    return io_error(IoErrc::invalid_argument, "UART: flow control must be none, rtscts or xonxoff");
  return {};
}

/// A serial port: its byte stream and its line settings.
class Uart : public ByteStream {
 public:
  virtual const UartConfig& config() const noexcept = 0;
  /// Applies new settings now, without waiting for queued bytes (drain() with limits 0 first to change
  /// speed between messages). invalid_argument for settings the backend cannot do; nothing changes then.
  virtual IoResult<void> set_config(const UartConfig& config) = 0;
};

}  // namespace aiopi::hal
