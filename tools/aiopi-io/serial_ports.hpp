// The serial ports a machine has, for `aiopi-io serial-ports`: every tty the kernel backs with a device (a
// UART, a USB adapter, a modem), without the consoles and virtual terminals, and without the 8250
// placeholders a PC kernel makes for ports that are not there (type 0). Shows the Pi's stable names
// (/dev/serial0, /dev/serial1) and /dev/serial/by-id names where udev made them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace aiopi::tools {

struct SerialPort {
  std::string name;                  // "ttyAMA0"
  std::string dev;                   // "/dev/ttyAMA0"
  std::string driver;                // "uart-pl011", "serial8250", "ftdi_sio", "cdc_acm"; empty when unknown
  std::vector<std::string> aliases;  // "/dev/serial0", "/dev/serial/by-id/usb-FTDI_...-if00-port0"
};

/// The ports under `sys_root`/class/tty, with aliases found in `dev_root`, in name order.
std::vector<SerialPort> list_serial_ports(std::string_view sys_root = "/sys",
                                          std::string_view dev_root = "/dev");

}  // namespace aiopi::tools
