#include "aiopi/linux/gpio_line.hpp"

#include <sys/epoll.h>

#include <cerrno>
#include <ctime>

#include "aiopi/linux/gpio_event_clock.hpp"
#include "aiopi/linux/open_result.hpp"
#include "gpio_driver.hpp"

namespace aiopi::os_linux {
namespace {

// Reads per wake-up: a line flooded with edges must not keep the loop from its other work. What is left is
// reported again by the next epoll_wait (the registration is level-triggered).
constexpr int kMaxReadsPerWake = 8;

std::int64_t clock_ns(clockid_t clock) noexcept {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

// ---- GpioInput -------------------------------------------------------------------------------------------

GpioInput::GpioInput(const hal::InputConfig& config, std::unique_ptr<gpio_driver::Line> line, unsigned offset,
                     std::string description)
    : hal::DigitalInput(config),
      IoWatch(&GpioInput::on_readable),
      line_(std::move(line)),
      offset_(offset),
      description_(std::move(description)) {}

GpioInput::~GpioInput() {
  release();
}

int GpioInput::start_watch(LinuxBackend& backend) {
  event_fd_ = line_->event_fd();
  if (event_fd_ < 0) return EBADF;
  const int err = backend.watch(event_fd_, EPOLLIN, *this);
  if (err == 0) backend_ = &backend;
  return err;
}

void GpioInput::stop_watch() noexcept {
  if (backend_ != nullptr) {
    backend_->unwatch(event_fd_);
    backend_ = nullptr;
  }
}

void GpioInput::on_readable(IoWatch& w, std::uint32_t events) noexcept {
  auto& self = static_cast<GpioInput&>(w);
  if (self.backend_ == nullptr) return;
  if (!self.drain()) return;
  if ((events & (EPOLLERR | EPOLLHUP)) != 0 && (events & EPOLLIN) == 0) {
    // Hung up with nothing to read: the chip is gone. Re-arming would report the same forever.
    self.stop_watch();
    self.edge_queue().close(hal::io_error(
        hal::IoErrc::io, "next_edge: the GPIO line's event fd hung up (the chip went away?)", ENODEV));
    return;
  }
  const int err = self.backend_->rewatch(self.event_fd_, EPOLLIN, self);
  if (err != 0) {
    self.stop_watch();
    self.edge_queue().close(
        hal::io_error(hal::IoErrc::io, "next_edge: re-arming the GPIO line's event fd in epoll failed", err));
  }
}

bool GpioInput::drain() noexcept {
  gpio_driver::RawEdge edges[kKernelFifoCapacity];
  const std::int64_t mono = clock_ns(CLOCK_MONOTONIC);
  const std::int64_t real = clock_ns(CLOCK_REALTIME);
  for (int reads = 0; reads < kMaxReadsPerWake; ++reads) {
    const int n = line_->read_edges(edges);
    if (n < 0) {
      stop_watch();
      edge_queue().close(hal::io_error(
          hal::IoErrc::io, "next_edge: reading the GPIO line's events failed (the chip went away?)", -n));
      return false;
    }
    if (n == 0) return true;
    for (int i = 0; i < n; ++i)
      edge_queue().push(edges[i].edge, gpio_event_time_us(edges[i].timestamp_ns, mono, real));
    if (n == kKernelFifoCapacity) {
      // The FIFO was full: the kernel may have discarded edges after these, without a count (see the header).
      ++kernel_overflows_;
      edge_queue().push_lost(1);
    }
  }
  return true;
}

hal::IoResult<bool> GpioInput::value() {
  if (line_ == nullptr) return hal::io_error(hal::IoErrc::closed, "GPIO value: the line was released");
  const int v = line_->get_value();
  if (v < 0) return hal::io_error(errc_from_errno(-v), "GPIO value: reading the line failed", -v);
  return v != 0;
}

void GpioInput::release() noexcept {
  if (line_ == nullptr) return;
  stop_watch();
  line_.reset();
  edge_queue().close();
}

// ---- GpioOutput ------------------------------------------------------------------------------------------

GpioOutput::GpioOutput(const hal::OutputConfig& config, std::unique_ptr<gpio_driver::Line> line,
                       unsigned offset, std::string description)
    : hal::DigitalOutput(config),
      line_(std::move(line)),
      offset_(offset),
      level_(config.initial),
      description_(std::move(description)) {}

GpioOutput::~GpioOutput() = default;

hal::IoResult<void> GpioOutput::set(bool level) {
  if (line_ == nullptr) return hal::io_error(hal::IoErrc::closed, "GPIO set: the line was released");
  const int err = line_->set_value(level);
  if (err < 0) return hal::io_error(errc_from_errno(-err), "GPIO set: writing the line failed", -err);
  level_ = level;
  return {};
}

hal::IoResult<bool> GpioOutput::get() {
  if (line_ == nullptr) return hal::io_error(hal::IoErrc::closed, "GPIO get: the line was released");
  return level_;
}

void GpioOutput::release() noexcept {
  line_.reset();
}

}  // namespace aiopi::os_linux
