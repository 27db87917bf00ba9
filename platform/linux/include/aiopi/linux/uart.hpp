// The Linux UART: a hal::Uart over a serial device (/dev/ttyAMA0, /dev/serial0, /dev/ttyUSB0, a pty...)
// through termios, on an FdStream in the loop's epoll set.
//
//   auto uart = os_linux::Uart::open(loop, "/dev/serial0", {.baud = 9600});
//   if (!uart) { std::fprintf(stderr, "%s\n", uart.error().message.c_str()); return 1; }
//   auto line = co_await uart->reader().readline(buf);
//
// The port is put in raw mode (cfmakeraw: no echo, no line editing, no CR/LF translation, no signals;
// VMIN 1 / VTIME 0 so that a non-blocking read with nothing to read is EAGAIN and a read of 0 can only be a
// hang-up), with the receiver enabled and modem lines ignored (CLOCAL), then the UartConfig: the baud rate
// (one of the standard rates, kStandardBauds), 5-8 data bits, parity none / even / odd, 1 or 2 stop bits,
// flow control none / RTS-CTS (CRTSCTS) / XON-XOFF (IXON | IXOFF). The port is opened exclusively (TIOCEXCL,
// and an advisory flock(LOCK_EX | LOCK_NB) that root does not bypass): a second open fails with "busy" (as
// root: a second open by anything that also locks, such as another aiopid).
//
// What a user sees when opening fails (OpenError::message):
//  * missing device: "UART '/dev/ttyUSB0' not found; serial ports here: ttyAMA0, ttyS0-ttyS3, serial0 ->
//    ttyAMA0" (or that there are none, with how to enable the Pi's UART);
//  * EACCES: "... permission denied; the 'dialout' group grants access to serial ports: sudo usermod -aG
//    dialout $USER, then log in again";
//  * a baud rate that is not standard: "... 12345 baud is not supported; use one of 50, 75, 110, ...";
//  * not a tty: "... is not a serial port (not a terminal device)".
// An unplugged adapter (or the far end of a pty closed) ends reads with IoErrc::closed after the bytes
// already received, and writes with IoErrc::closed: a task reading it ends cleanly.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/hal/uart.hpp"
#include "aiopi/linux/fd_stream.hpp"
#include "aiopi/linux/open_result.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::os_linux {

struct UartOptions {
  hal::BufferSizes buffers{};  // 4 KiB each way
  bool exclusive = true;       // TIOCEXCL + flock(LOCK_EX)
};

class Uart final : public hal::Uart {
 public:
  /// The baud rates termios has a constant for (B50 ... B4000000).
  static std::span<const std::uint32_t> standard_bauds() noexcept;

  /// Opens `path` on `loop` (which must run on the Linux backend) with `config`.
  static OpenResult<Uart> open(Loop& loop, std::string_view path, const hal::UartConfig& config = {},
                               const UartOptions& options = {});

  hal::StreamReader& reader() noexcept override { return stream_.reader(); }
  hal::StreamWriter& writer() noexcept override { return stream_.writer(); }
  const hal::UartConfig& config() const noexcept override { return config_; }
  /// Applies new settings at once (TCSANOW). invalid_argument for a baud rate that is not standard or a
  /// field out of range; io if the driver refuses (the old settings stay).
  hal::IoResult<void> set_config(const hal::UartConfig& config) override;

  const std::string& path() const noexcept { return path_; }
  int fd() const noexcept { return stream_.fd(); }

  Uart(Loop& loop, int fd, std::string path, const hal::UartConfig& config, const UartOptions& options);

 private:
  std::string path_;
  hal::UartConfig config_;
  FdStream stream_;
};

/// The serial ports that exist: /dev/ttyAMA*, ttyS*, ttyUSB*, ttyACM*, and the serial0 / serial1 links as
/// "serial0 -> ttyAMA0". Sorted, numbers in numeric order. `dev_dir` is for tests.
std::vector<std::string> list_serial_ports(const std::string& dev_dir = "/dev");
/// The list as one line, runs of numbered ports folded: "ttyAMA0, ttyS0-ttyS31, serial0 -> ttyAMA0".
std::string describe_serial_ports(const std::vector<std::string>& ports);
/// The message for a failed open of `path` with `err` (what Uart::open reports), naming what exists in
/// `dev_dir` or the group that grants access.
std::string uart_open_message(std::string_view path, int err, const std::string& dev_dir = "/dev");

}  // namespace aiopi::os_linux
