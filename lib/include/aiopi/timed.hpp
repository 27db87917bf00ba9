// The result of a wait with a time limit: a value, or "timed out" — a value too, so no exception is needed.
#pragma once

#include <optional>
#include <utility>

#include "aiopi/outcome.hpp"
#include "aiopi/panic.hpp"

namespace aiopi {

template <class T>
class [[nodiscard]] Timed {
 public:
  using value_type = StoredType<T>;

  static Timed timeout() noexcept { return Timed(); }
  template <class... Args>
  static Timed completed(Args&&... args) {
    Timed t;
    t.value_.emplace(std::forward<Args>(args)...);
    return t;
  }

  bool timed_out() const noexcept { return !value_.has_value(); }
  explicit operator bool() const noexcept { return value_.has_value(); }

  value_type& value() & {
    if (!value_) usage_error("Timed::value(): the wait timed out");
    return *value_;
  }
  value_type&& value() && {
    if (!value_) usage_error("Timed::value(): the wait timed out");
    return std::move(*value_);
  }
  value_type& operator*() & { return value(); }
  value_type* operator->() { return &value(); }

 private:
  Timed() noexcept = default;
  std::optional<value_type> value_;
};

}  // namespace aiopi
