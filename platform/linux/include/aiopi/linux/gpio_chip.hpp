// Linux GPIO chips through the kernel's GPIO character device (/dev/gpiochipN).
//
// Find a chip by what stays the same across boots and models — its label — rather than its number, which
// changed on the Pi 5 with kernel 6.6.45 (gpiochip4 -> gpiochip0):
//
//   auto chip = os_linux::GpioChip::open("pinctrl-bcm2711");   // or "gpiochip0", "/dev/gpiochip0", "0"
//   if (!chip) { std::fprintf(stderr, "%s\n", chip.error().message.c_str()); return 1; }
//   auto button = chip->request_input(loop, "GPIO17", {.edges = hal::EdgeMode::falling,
//                                                      .bias = hal::Bias::pull_up}, "doorbell");
//   auto led = chip->request_output("GPIO27", {.initial = false}, "doorbell");
//
// Lines are named ("GPIO17") or numbered by offset ("17"); a name is tried first, then an offset. A name
// that matches only without regard to case ("gpio17") is accepted when exactly one line matches so. On the
// Pi's header chips "GPIO<n>" always means offset n (pi_bcm_gpio_offset), whatever the line is called.
//
// Failures are OpenResult errors whose message a user can act on: a missing chip lists the chips there are,
// a missing line lists line names, permission denied names the `gpio` group (and the udev rule that gives
// it the devices), a line in use says by which consumer.
//
// Underneath is libgpiod, behind a small internal interface (src/gpio/gpio_driver.hpp) that a libgpiod 2.x
// backend can implement; the build picks the backend from the libgpiod it finds (gpio_backend_name()).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/linux/gpio_info.hpp"
#include "aiopi/linux/gpio_line.hpp"
#include "aiopi/linux/open_result.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::os_linux {

namespace gpio_driver {
class Chip;
}

/// Which line a name or offset designates, or why none does.
struct GpioLineLookup {
  unsigned offset = 0;
  bool found = false;
  OpenError error;  // when not found: what was asked, which names exist
  explicit operator bool() const noexcept { return found; }
};

class GpioChip {
 public:
  /// Opens a chip by label, name ("gpiochip0"), path (anything with a '/') or number, looking for chips in
  /// `dev_dir`.
  static OpenResult<GpioChip> open(std::string_view which, std::string_view dev_dir = "/dev");

  GpioChip(const GpioChip&) = delete;
  GpioChip& operator=(const GpioChip&) = delete;
  ~GpioChip();

  const GpioChipInfo& info() const noexcept { return info_; }
  /// "gpiochip0 [pinctrl-bcm2711]".
  std::string display_name() const;

  /// Every line's info, in offset order.
  hal::IoResult<std::vector<GpioLineInfo>> lines() const;
  /// One line's info.
  hal::IoResult<GpioLineInfo> line_info(unsigned offset) const;
  /// The line named or numbered `line`.
  GpioLineLookup find_line(std::string_view line) const;

  /// Requests `line` as an input. With edge detection its edges are read in `loop`'s epoll, which must run
  /// on the Linux backend. `consumer` is the name other programs see the line used by.
  OpenResult<GpioInput> request_input(Loop& loop, std::string_view line, const hal::InputConfig& config,
                                      std::string_view consumer = "aiopi");
  /// Requests `line` as an output driven to config.initial (logical level) at once.
  OpenResult<GpioOutput> request_output(std::string_view line, const hal::OutputConfig& config,
                                        std::string_view consumer = "aiopi");

 private:
  GpioChip(std::shared_ptr<gpio_driver::Chip> chip, GpioChipInfo info) noexcept;
  OpenError request_error(int err, unsigned offset, std::string_view asked, const char* what) const;
  std::string line_description(unsigned offset, std::string_view asked) const;

  std::shared_ptr<gpio_driver::Chip> chip_;
  GpioChipInfo info_;
};

/// On the Raspberry Pi's header chips (labels pinctrl-bcm2835, pinctrl-bcm2711, pinctrl-rp1) a line's offset
/// is its BCM GPIO number, so "GPIO17" (any case) is offset 17 there even where the device tree names the
/// line after its function (a Pi 4's GPIO2 is "SDA1", GPIO14 "TXD1"). Nothing for other chips or other names.
std::optional<unsigned> pi_bcm_gpio_offset(std::string_view chip_label, std::string_view line);

/// Every GPIO chip in `dev_dir` (gpiochipN entries), in number order; chips that cannot be opened are listed
/// with their errno.
std::vector<GpioChipListing> list_gpio_chips(std::string_view dev_dir = "/dev");

/// The library the GPIO backend was built on, e.g. "libgpiod 1.6.3".
std::string gpio_backend_name();

}  // namespace aiopi::os_linux
