// The internal interface between the GPIO backend (GpioChip, GpioInput, GpioOutput) and the library that
// talks to the kernel. One implementation is compiled in, chosen by CMake from the libgpiod it finds:
// gpiod_v1_driver.cpp for libgpiod 1.6 (Debian 12 / Raspberry Pi OS bookworm). A libgpiod 2.x backend
// (Debian 13) implements the same functions and classes in a file of its own.
//
// Everything reports failures as errnos (0 = success): the backend turns them into messages, so an
// implementation only has to be faithful to what the kernel said.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "aiopi/hal/digital.hpp"
#include "aiopi/linux/gpio_info.hpp"

namespace aiopi::os_linux::gpio_driver {

/// One edge event as the kernel reported it.
struct RawEdge {
  hal::Edge edge;             // logical: the kernel applies active-low
  std::int64_t timestamp_ns;  // the kernel's stamp (CLOCK_MONOTONIC on Linux >= 5.7)
};

/// A requested line. Destroying it releases the line.
class Line {
 public:
  virtual ~Line() = default;
  /// The logical level (0 or 1), or -errno.
  virtual int get_value() noexcept = 0;
  /// 0 or -errno.
  virtual int set_value(bool level) noexcept = 0;
  /// A non-blocking fd that is readable while edge events are pending; -1 without edge detection.
  virtual int event_fd() const noexcept = 0;
  /// Reads pending events into `out` without blocking: how many (at most out.size()), 0 when none are
  /// pending, or -errno. One call never returns more than the kernel's FIFO holds.
  virtual int read_edges(std::span<RawEdge> out) noexcept = 0;
};

/// An open chip. Lines requested from it keep it alive.
class Chip {
 public:
  virtual ~Chip() = default;
  virtual const GpioChipInfo& info() const noexcept = 0;
  /// The kernel's current view of line `offset`: 0 or an errno.
  virtual int line_info(unsigned offset, GpioLineInfo& out) = 0;
  /// Requests line `offset` as an input (with the edge detection, bias and active-low of `config`): 0 and
  /// `out`, or an errno (EBUSY: in use).
  virtual int request_input(unsigned offset, const hal::InputConfig& config, const std::string& consumer,
                            std::unique_ptr<Line>& out) = 0;
  /// Requests line `offset` as an output at config.initial: 0 and `out`, or an errno.
  virtual int request_output(unsigned offset, const hal::OutputConfig& config, const std::string& consumer,
                             std::unique_ptr<Line>& out) = 0;
};

/// Opens the chip at `path`: 0 and `out`, or an errno (ENOENT: no such file; EACCES: permission; ENOTTY or
/// ENODEV: not a GPIO chip).
int open_chip(const std::string& path, std::shared_ptr<Chip>& out);

/// "libgpiod 1.6.3".
std::string backend_name();

}  // namespace aiopi::os_linux::gpio_driver
