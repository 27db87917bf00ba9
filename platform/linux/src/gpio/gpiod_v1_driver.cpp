// The GPIO driver on libgpiod 1.6 (Debian 12, Raspberry Pi OS bookworm), which speaks the kernel's uAPI v1:
// a line handle (GPIO_GET_LINEHANDLE_IOCTL) for plain inputs and outputs, one line event request
// (GPIO_GET_LINEEVENT_IOCTL) per input with edge detection, whose fd delivers the events.
//
// libgpiod 1.6 keeps one gpiod_line object per offset in its gpiod_chip, and closing the chip releases
// every line requested through it; so each Line holds a shared reference to its chip.
#include <fcntl.h>
#include <gpiod.h>

#include <cerrno>
#include <memory>
#include <utility>

#include "gpio_driver.hpp"

namespace aiopi::os_linux::gpio_driver {
namespace {

class GpiodV1Chip final : public Chip, public std::enable_shared_from_this<GpiodV1Chip> {
 public:
  GpiodV1Chip(gpiod_chip* chip, std::string path) : chip_(chip) {
    info_.name = gpiod_chip_name(chip);
    info_.label = gpiod_chip_label(chip);
    info_.path = std::move(path);
    info_.num_lines = gpiod_chip_num_lines(chip);
  }
  ~GpiodV1Chip() override { gpiod_chip_close(chip_); }

  const GpioChipInfo& info() const noexcept override { return info_; }
  int line_info(unsigned offset, GpioLineInfo& out) override;
  int request_input(unsigned offset, const hal::InputConfig& config, const std::string& consumer,
                    std::unique_ptr<Line>& out) override;
  int request_output(unsigned offset, const hal::OutputConfig& config, const std::string& consumer,
                     std::unique_ptr<Line>& out) override;

 private:
  /// The line object of `offset` (its info refreshed from the kernel), or null with errno set.
  gpiod_line* line(unsigned offset) noexcept { return gpiod_chip_get_line(chip_, offset); }

  gpiod_chip* chip_;
  GpioChipInfo info_;
};

class GpiodV1Line final : public Line {
 public:
  GpiodV1Line(std::shared_ptr<GpiodV1Chip> chip, gpiod_line* line, int event_fd) noexcept
      : chip_(std::move(chip)), line_(line), event_fd_(event_fd) {}
  ~GpiodV1Line() override { gpiod_line_release(line_); }

  int get_value() noexcept override {
    const int v = gpiod_line_get_value(line_);
    return v < 0 ? -errno : v;
  }
  int set_value(bool level) noexcept override {
    return gpiod_line_set_value(line_, level ? 1 : 0) < 0 ? -errno : 0;
  }
  int event_fd() const noexcept override { return event_fd_; }
  int read_edges(std::span<RawEdge> out) noexcept override {
    if (event_fd_ < 0) return -EPERM;
    gpiod_line_event events[16];
    const unsigned want = out.size() < 16 ? static_cast<unsigned>(out.size()) : 16u;
    const int n = gpiod_line_event_read_fd_multiple(event_fd_, events, want);
    if (n < 0) return errno == EAGAIN ? 0 : -errno;
    for (int i = 0; i < n; ++i) {
      out[static_cast<std::size_t>(i)] = RawEdge{
          events[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE ? hal::Edge::rising : hal::Edge::falling,
          static_cast<std::int64_t>(events[i].ts.tv_sec) * 1'000'000'000 + events[i].ts.tv_nsec};
    }
    return n;
  }

 private:
  std::shared_ptr<GpiodV1Chip> chip_;
  gpiod_line* line_;
  int event_fd_;
};

int bias_flags(hal::Bias bias) noexcept {
  switch (bias) {
    case hal::Bias::as_is:
      return 0;
    case hal::Bias::off:
      return GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
    case hal::Bias::pull_up:
      return GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
    case hal::Bias::pull_down:
      return GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
  }
  return 0;
}

int request_type(hal::EdgeMode edges) noexcept {
  switch (edges) {
    case hal::EdgeMode::none:
      return GPIOD_LINE_REQUEST_DIRECTION_INPUT;
    case hal::EdgeMode::rising:
      return GPIOD_LINE_REQUEST_EVENT_RISING_EDGE;
    case hal::EdgeMode::falling:
      return GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE;
    case hal::EdgeMode::both:
      return GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES;
  }
  return GPIOD_LINE_REQUEST_DIRECTION_INPUT;
}

int GpiodV1Chip::line_info(unsigned offset, GpioLineInfo& out) {
  gpiod_line* l = line(offset);
  if (l == nullptr) return errno;
  out.offset = offset;
  const char* name = gpiod_line_name(l);
  const char* consumer = gpiod_line_consumer(l);
  out.name = name != nullptr ? name : "";
  out.consumer = consumer != nullptr ? consumer : "";
  out.used = gpiod_line_is_used(l);
  out.output = gpiod_line_direction(l) == GPIOD_LINE_DIRECTION_OUTPUT;
  out.active_low = gpiod_line_active_state(l) == GPIOD_LINE_ACTIVE_STATE_LOW;
  switch (gpiod_line_bias(l)) {
    case GPIOD_LINE_BIAS_DISABLE:
      out.bias = hal::Bias::off;
      break;
    case GPIOD_LINE_BIAS_PULL_UP:
      out.bias = hal::Bias::pull_up;
      break;
    case GPIOD_LINE_BIAS_PULL_DOWN:
      out.bias = hal::Bias::pull_down;
      break;
    default:
      out.bias = hal::Bias::as_is;
      break;
  }
  out.drive = gpiod_line_is_open_drain(l)    ? hal::Drive::open_drain
              : gpiod_line_is_open_source(l) ? hal::Drive::open_source
                                             : hal::Drive::push_pull;
  return 0;
}

int GpiodV1Chip::request_input(unsigned offset, const hal::InputConfig& config, const std::string& consumer,
                               std::unique_ptr<Line>& out) {
  gpiod_line* l = line(offset);
  if (l == nullptr) return errno;
  gpiod_line_request_config rc{};
  rc.consumer = consumer.c_str();
  rc.request_type = request_type(config.edges);
  rc.flags = bias_flags(config.bias) | (config.active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0);
  if (gpiod_line_request(l, &rc, 0) != 0) return errno;
  int fd = -1;
  if (config.edges != hal::EdgeMode::none) {
    fd = gpiod_line_event_get_fd(l);
    // The kernel makes the event fd blocking; the loop reads it until EAGAIN.
    const int flags = fd < 0 ? -1 : fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
      const int e = errno;
      gpiod_line_release(l);
      return e;
    }
  }
  out = std::make_unique<GpiodV1Line>(shared_from_this(), l, fd);
  return 0;
}

int GpiodV1Chip::request_output(unsigned offset, const hal::OutputConfig& config, const std::string& consumer,
                                std::unique_ptr<Line>& out) {
  gpiod_line* l = line(offset);
  if (l == nullptr) return errno;
  gpiod_line_request_config rc{};
  rc.consumer = consumer.c_str();
  rc.request_type = GPIOD_LINE_REQUEST_DIRECTION_OUTPUT;
  rc.flags = (config.active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0) |
             (config.drive == hal::Drive::open_drain    ? GPIOD_LINE_REQUEST_FLAG_OPEN_DRAIN
              : config.drive == hal::Drive::open_source ? GPIOD_LINE_REQUEST_FLAG_OPEN_SOURCE
                                                        : 0);
  if (gpiod_line_request(l, &rc, config.initial ? 1 : 0) != 0) return errno;
  out = std::make_unique<GpiodV1Line>(shared_from_this(), l, -1);
  return 0;
}

}  // namespace

int open_chip(const std::string& path, std::shared_ptr<Chip>& out) {
  gpiod_chip* chip = gpiod_chip_open(path.c_str());
  if (chip == nullptr) return errno != 0 ? errno : ENODEV;
  out = std::make_shared<GpiodV1Chip>(chip, path);
  return 0;
}

std::string backend_name() {
  return std::string("libgpiod ") + gpiod_version_string();
}

}  // namespace aiopi::os_linux::gpio_driver
