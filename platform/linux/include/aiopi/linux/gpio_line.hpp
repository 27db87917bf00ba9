// Requested GPIO lines on Linux: GpioInput (a hal::DigitalInput whose edges come from the kernel) and
// GpioOutput (a hal::DigitalOutput). Made by GpioChip::request_input / request_output (gpio_chip.hpp).
//
// Edges: the request's event fd stays registered in the loop's epoll for as long as the line is held (one
// registration, re-armed after each wake-up, not one per wait). Each time the fd is readable every pending
// kernel event is read — the kernel's v1 event FIFO holds only 16 — and pushed into the input's edge ring
// with the kernel's timestamp converted to loop microseconds (gpio_event_clock.hpp), so a reader learns when
// the edge happened, not when it woke.
//
// Edges the kernel lost: with the v1 uAPI (libgpiod 1.6) a full FIFO discards newer edges without counting
// them. A read that finds the FIFO full (16 events at once) therefore counts one lost edge after those 16:
// dropped() goes up by one and seq skips a number, meaning "at least one edge may be missing here". It is
// exact for a burst of 17, low for longer bursts (the kernel does not say how many) and one too many for a
// burst of exactly 16. kernel_overflows() counts such reads. Edges lost because the HAL's own ring (64) was
// full are counted exactly, as on every backend.
//
// Lifetime: a line must be released or destroyed before the loop it was requested on. The chip may go
// first: a requested line keeps its chip open.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "aiopi/hal/digital.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::os_linux {

namespace gpio_driver {
class Line;
}

class GpioInput final : public hal::DigitalInput, private IoWatch {
 public:
  /// Events the kernel's uAPI v1 FIFO holds per line.
  static constexpr int kKernelFifoCapacity = 16;

  ~GpioInput() override;

  hal::IoResult<bool> value() override;

  /// Gives the line back to the kernel: tasks waiting in next_edge() resume with IoErrc::closed (edges
  /// already queued are delivered first), value() fails with it. Idempotent.
  void release() noexcept;
  bool released() const noexcept { return line_ == nullptr; }

  /// Reads that found the kernel's event FIFO full (see the top of the file).
  std::uint32_t kernel_overflows() const noexcept { return kernel_overflows_; }
  /// Which line this is: "sim3 (offset 3 of gpiochip1 [aiopi-sim0])".
  const std::string& description() const noexcept { return description_; }
  unsigned offset() const noexcept { return offset_; }

 private:
  friend class GpioChip;
  GpioInput(const hal::InputConfig& config, std::unique_ptr<gpio_driver::Line> line, unsigned offset,
            std::string description);
  /// Registers the event fd in `loop`'s epoll; 0 or an errno.
  int start_watch(LinuxBackend& backend);
  static void on_readable(IoWatch& self, std::uint32_t events) noexcept;
  /// Reads every pending event; false when the fd failed (the queue is then closed).
  bool drain() noexcept;
  void stop_watch() noexcept;

  std::unique_ptr<gpio_driver::Line> line_;
  LinuxBackend* backend_ = nullptr;
  int event_fd_ = -1;
  unsigned offset_;
  std::uint32_t kernel_overflows_ = 0;
  std::string description_;
};

class GpioOutput final : public hal::DigitalOutput {
 public:
  ~GpioOutput() override;

  hal::IoResult<void> set(bool level) override;
  /// The logical level last set (see hal::DigitalOutput::get).
  hal::IoResult<bool> get() override;

  /// Gives the line back to the kernel (what level it then keeps is up to the chip's driver). Idempotent;
  /// set() and get() fail with IoErrc::closed afterwards.
  void release() noexcept;
  bool released() const noexcept { return line_ == nullptr; }

  const std::string& description() const noexcept { return description_; }
  unsigned offset() const noexcept { return offset_; }

 private:
  friend class GpioChip;
  GpioOutput(const hal::OutputConfig& config, std::unique_ptr<gpio_driver::Line> line, unsigned offset,
             std::string description);

  std::unique_ptr<gpio_driver::Line> line_;
  unsigned offset_;
  bool level_;
  std::string description_;
};

}  // namespace aiopi::os_linux
