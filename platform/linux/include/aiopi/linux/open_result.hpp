// What opening a Linux device gives: the device, or an OpenError whose message a user can act on.
//
// The HAL's IoError carries a static `what` (it must work on the RP2040, without allocation). Opening a
// device on Linux happens once, at start-up, and its failures need more: the name that was asked for, what
// exists instead, and the group that grants access. So the Linux backends' open functions return
// OpenResult<T>, with the IoError kind (and errno) for programs and a full message for people:
//
//   auto chip = os_linux::GpioChip::open("pinctrl-bcm2711");
//   if (!chip) { spdlog::error("{}", chip.error().message); return 1; }
//   // "GPIO chip 'pinctrl-bcm2711' not found; chips here: gpiochip0 [pinctrl-bcm2835] (58 lines)"
#pragma once

#include <cerrno>
#include <memory>
#include <string>
#include <utility>

#include "aiopi/hal/error.hpp"
#include "aiopi/panic.hpp"

namespace aiopi::os_linux {

struct OpenError {
  hal::IoError error;   // kind and errno; `what` is a short static summary
  std::string message;  // the whole story: what was asked, what went wrong, what to do
};

/// Builds an OpenError from a kind, an errno (0 for none) and a message.
inline OpenError open_error(hal::IoErrc kind, std::string message, int sys_errno = 0,
                            const char* what = "open failed") {
  return OpenError{hal::io_error(kind, what, sys_errno), std::move(message)};
}

/// An opened device (owned) or the reason it could not be opened.
template <class T>
class [[nodiscard]] OpenResult {
 public:
  OpenResult(std::unique_ptr<T> device) noexcept : device_(std::move(device)) {  // NOLINT: `return ptr;`
    if (!device_) usage_error("OpenResult: constructed from a null device");
  }
  template <class U>
  OpenResult(std::unique_ptr<U> device) noexcept
      : OpenResult(std::unique_ptr<T>(std::move(device))) {}          // NOLINT
  OpenResult(OpenError error) noexcept : error_(std::move(error)) {}  // NOLINT: `return open_error(...);`

  bool ok() const noexcept { return device_ != nullptr; }
  explicit operator bool() const noexcept { return ok(); }

  T& operator*() const { return *get(); }
  T* operator->() const { return get(); }
  T* get() const {
    if (!device_) usage_error("OpenResult: the device did not open (see error().message)");
    return device_.get();
  }
  /// Takes ownership of the device.
  std::unique_ptr<T> take() {
    get();
    return std::move(device_);
  }

  const OpenError& error() const noexcept { return error_; }

 private:
  std::unique_ptr<T> device_;
  OpenError error_{};
};

/// The IoErrc for an errno from open()/ioctl() on a device node.
constexpr hal::IoErrc errc_from_errno(int e) noexcept {
  switch (e) {
    case 0:
      return hal::IoErrc::ok;
    case ENOENT:
    case ENXIO:
    case ENODEV:
      return hal::IoErrc::not_found;
    case EPERM:
    case EACCES:
      return hal::IoErrc::permission;
    case EBUSY:
      return hal::IoErrc::busy;
    case EINVAL:
      return hal::IoErrc::invalid_argument;
    case EOPNOTSUPP:
      return hal::IoErrc::unsupported;
    case ETIMEDOUT:
      return hal::IoErrc::timeout;
    default:
      return hal::IoErrc::io;
  }
}

}  // namespace aiopi::os_linux
