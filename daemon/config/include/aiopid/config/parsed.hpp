// The result of parsing a short text (a duration, a time of day): the value, or where in the text it went
// wrong and why. Exception-free, so the same code builds in the -fno-exceptions preset.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace aiopid::config {

struct TextError {
  std::size_t offset = 0;  ///< 0-based offset of the first offending character (== size for "ends too early")
  std::string message;
};

template <class T>
class [[nodiscard]] Parsed {
 public:
  Parsed(T value) : value_(std::move(value)) {}          // NOLINT: implicit, like std::expected
  Parsed(TextError error) : error_(std::move(error)) {}  // NOLINT

  [[nodiscard]] bool ok() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  /// Precondition: ok().
  [[nodiscard]] const T& value() const { return *value_; }
  const T& operator*() const { return *value_; }
  const T* operator->() const { return &*value_; }
  /// Precondition: !ok().
  [[nodiscard]] const TextError& error() const noexcept { return error_; }

 private:
  std::optional<T> value_;
  TextError error_;
};

}  // namespace aiopid::config
