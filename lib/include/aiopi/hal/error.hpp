// Errors of device I/O as values: IoError (what kind, the errno where the OS gave one, what was asked) and
// IoResult<T> (a value or an IoError, a small std::expected). No exceptions: the same code runs on the
// RP2040.
//
//   IoResult<std::uint8_t> r = co_await bus.read_byte_data(0x40, 0x0f);
//   if (!r) log("%s: %s", r.error().what, to_string(r.error().kind));   // "I2C read_byte_data: nack"
//   else use(*r);
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include "aiopi/panic.hpp"

namespace aiopi::hal {

/// What went wrong. `ok` is the kind of a success; every other kind is a failure.
enum class IoErrc : unsigned char {
  ok,
  not_found,         // no such chip, line, bus or device
  busy,              // the line or device is already in use
  permission,        // the OS refused access (a group is missing)
  nack,              // I2C: no device acknowledged the address (or a data byte)
  bus_error,         // I2C: arbitration lost, a stuck bus, a misplaced start/stop
  timeout,           // the operation did not finish within its time limit
  closed,            // the line, bus or port was released or closed
  invalid_argument,  // a value the device or the backend cannot take
  unsupported,       // the backend or the hardware cannot do this
  overflow,          // more data than the buffer or the protocol can hold
  io,                // any other I/O failure (see sys_errno)
};

/// The name of a kind, e.g. "nack", "bus_error". Never null.
constexpr const char* to_string(IoErrc kind) noexcept {
  switch (kind) {
    case IoErrc::ok:
      return "ok";
    case IoErrc::not_found:
      return "not_found";
    case IoErrc::busy:
      return "busy";
    case IoErrc::permission:
      return "permission";
    case IoErrc::nack:
      return "nack";
    case IoErrc::bus_error:
      return "bus_error";
    case IoErrc::timeout:
      return "timeout";
    case IoErrc::closed:
      return "closed";
    case IoErrc::invalid_argument:
      return "invalid_argument";
    case IoErrc::unsupported:
      return "unsupported";
    case IoErrc::overflow:
      return "overflow";
    case IoErrc::io:
      return "io";
  }
  return "unknown";
}

/// One failure. `what` is a static string naming what was asked and what went wrong ("I2C write_read: no
/// device acknowledged the address"); `sys_errno` is the errno the OS reported, 0 where there is none.
struct IoError {
  IoErrc kind = IoErrc::ok;
  int sys_errno = 0;
  const char* what = "";

  constexpr bool ok() const noexcept { return kind == IoErrc::ok; }
  friend constexpr bool operator==(const IoError& a, IoErrc b) noexcept { return a.kind == b; }
};

constexpr IoError io_error(IoErrc kind, const char* what, int sys_errno = 0) noexcept {
  return IoError{kind, sys_errno, what};
}

/// A value or an IoError. `ok()` / `operator bool`, `value()` (a usage error when it holds an error),
/// `error()` (kind `ok` when it holds a value), `value_or()`.
template <class T>
class [[nodiscard]] IoResult {
 public:
  using value_type = T;

  IoResult(const T& v) : value_(v) {}  // NOLINT(google-explicit-constructor): `return value;`
  IoResult(T&& v) noexcept(std::is_nothrow_move_constructible_v<T>) : value_(std::move(v)) {}  // NOLINT
  IoResult(IoError e) noexcept : error_(e) {  // NOLINT: `return io_error(...);`
    if (e.ok()) usage_error("IoResult: constructed from an IoError of kind ok");
  }

  bool ok() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    check();
    return *value_;
  }
  const T& value() const& {
    check();
    return *value_;
  }
  T&& value() && {
    check();
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T value_or(T fallback) const { return ok() ? *value_ : fallback; }

  const IoError& error() const noexcept { return error_; }

 private:
  void check() const {
    if (!value_) usage_error(error_.what[0] != '\0' ? error_.what : "IoResult::value(): holds an error");
  }
  std::optional<T> value_;
  IoError error_{};
};

template <>
class [[nodiscard]] IoResult<void> {
 public:
  using value_type = void;

  IoResult() noexcept = default;
  IoResult(IoError e) noexcept : error_(e) {}  // NOLINT: an IoError of kind ok is a success

  bool ok() const noexcept { return error_.ok(); }
  explicit operator bool() const noexcept { return ok(); }
  void value() const {
    if (!ok()) usage_error(error_.what[0] != '\0' ? error_.what : "IoResult::value(): holds an error");
  }
  const IoError& error() const noexcept { return error_; }

 private:
  IoError error_{};
};

}  // namespace aiopi::hal
