// A value or a ParseError: the exception-free return type of every parser (an std::expected look-alike for
// trivially copyable values, since C++20 has no std::expected).
#pragma once

#include <cstdlib>
#include <type_traits>
#include <utility>

#include "aiopi/cron/parse_error.hpp"

namespace aiopi::cron {

template <class T>
class [[nodiscard]] Result {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "Result holds small plain values only");

 public:
  constexpr Result(const T& value) noexcept : ok_(true), value_(value) {}  // NOLINT: implicit like expected
  constexpr Result(const ParseError& error) noexcept : ok_(false), error_(error) {}  // NOLINT

  [[nodiscard]] constexpr bool has_value() const noexcept { return ok_; }
  constexpr explicit operator bool() const noexcept { return ok_; }

  /// The value. Precondition: has_value(); violating it aborts (there are no exceptions to throw).
  [[nodiscard]] constexpr const T& value() const noexcept {
    if (!ok_) std::abort();
    return value_;
  }
  constexpr const T& operator*() const noexcept { return value(); }
  constexpr const T* operator->() const noexcept { return &value(); }

  /// The error. Precondition: !has_value(); violating it aborts.
  [[nodiscard]] constexpr const ParseError& error() const noexcept {
    if (ok_) std::abort();
    return error_;
  }

 private:
  bool ok_;
  union {
    T value_;
    ParseError error_;
  };
};

}  // namespace aiopi::cron
