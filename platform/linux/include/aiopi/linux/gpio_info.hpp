// What the Linux GPIO backend reports about chips and lines: for listing them (aiopi-io chips / lines), and
// for the messages that name what exists when a chip or line asked for does not.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aiopi/hal/digital.hpp"

namespace aiopi::os_linux {

/// One GPIO chip (a /dev/gpiochipN character device).
struct GpioChipInfo {
  std::string name;   // "gpiochip0"
  std::string label;  // "pinctrl-bcm2711": what the driver calls it; stable across boots, unlike the number
  std::string path;   // "/dev/gpiochip0"
  unsigned num_lines = 0;
};

/// A chip found while listing: its info, or the errno that kept it from opening (then only name and path
/// are known).
struct GpioChipListing {
  GpioChipInfo info;
  int open_errno = 0;
  bool ok() const noexcept { return open_errno == 0; }
};

/// One line of a chip as the kernel describes it.
struct GpioLineInfo {
  unsigned offset = 0;
  std::string name;      // "GPIO17"; empty when the driver gives none
  std::string consumer;  // who requested it; empty when free
  bool used = false;     // requested by someone (or reserved by the kernel)
  bool output = false;
  bool active_low = false;
  hal::Bias bias = hal::Bias::as_is;
  hal::Drive drive = hal::Drive::push_pull;
};

/// "gpiochip0 [pinctrl-bcm2711] (58 lines)", or "gpiochip0 (cannot open: Permission denied)".
std::string describe(const GpioChipListing& chip);

/// "chips here: gpiochip0 [pinctrl-bcm2835] (54 lines), gpiochip1 [raspberrypi-exp-gpio] (8 lines)", or
/// "no GPIO chips found (...)" when the list is empty.
std::string describe_chips(const std::vector<GpioChipListing>& chips, std::string_view dev_dir = "/dev");

}  // namespace aiopi::os_linux
