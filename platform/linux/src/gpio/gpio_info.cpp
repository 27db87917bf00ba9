#include "aiopi/linux/gpio_info.hpp"

#include <cerrno>
#include <cstring>

namespace aiopi::os_linux {

std::string describe(const GpioChipListing& chip) {
  std::string s = chip.info.name;
  if (chip.ok()) {
    s += " [" + chip.info.label + "] (" + std::to_string(chip.info.num_lines) +
         (chip.info.num_lines == 1 ? " line)" : " lines)");
  } else if (chip.open_errno == EACCES || chip.open_errno == EPERM) {
    s += " (cannot open: permission denied)";
  } else if (chip.open_errno == ENOTTY || chip.open_errno == ENODEV) {
    s += " (not a GPIO chip)";
  } else {
    s += std::string(" (cannot open: ") + std::strerror(chip.open_errno) + ")";
  }
  return s;
}

std::string describe_chips(const std::vector<GpioChipListing>& chips, std::string_view dev_dir) {
  if (chips.empty()) {
    return "no GPIO chips found (no gpiochip* in " + std::string(dev_dir) +
           ": not a Raspberry Pi or other board with GPIO, or a kernel without the GPIO character device)";
  }
  std::string s = "chips here: ";
  for (std::size_t i = 0; i < chips.size(); ++i) {
    if (i != 0) s += ", ";
    s += describe(chips[i]);
  }
  return s;
}

}  // namespace aiopi::os_linux
