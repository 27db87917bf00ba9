// How a task ended, as a value: its result, cancelled, or (where exceptions exist) the exception it raised.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include "aiopi/detail/config.hpp"
#include "aiopi/panic.hpp"

#if AIOPI_HAS_EXCEPTIONS
#include <exception>
#endif

namespace aiopi {

/// Stand-in value for Task<void> results inside tuples and outcomes.
struct Void {
  friend bool operator==(Void, Void) = default;
};

template <class T>
using StoredType = std::conditional_t<std::is_void_v<T>, Void, T>;

enum class OutcomeKind : unsigned char { pending, value, cancelled, failed };

template <class T>
class Outcome {
 public:
  using value_type = StoredType<T>;

  Outcome() = default;
  static Outcome cancelled_outcome() {
    Outcome o;
    o.kind_ = OutcomeKind::cancelled;
    return o;
  }

  OutcomeKind kind() const noexcept { return kind_; }
  bool pending() const noexcept { return kind_ == OutcomeKind::pending; }
  bool has_value() const noexcept { return kind_ == OutcomeKind::value; }
  bool cancelled() const noexcept { return kind_ == OutcomeKind::cancelled; }
  bool failed() const noexcept { return kind_ == OutcomeKind::failed; }

  /// The result; calling it on an outcome without one is a usage error (rethrows the failure if there is
  /// one).
  value_type& value() & {
    check_value();
    return *value_;
  }
  value_type&& value() && {
    check_value();
    return std::move(*value_);
  }

  template <class... Args>
  void set_value(Args&&... args) {
    value_.emplace(std::forward<Args>(args)...);
    kind_ = OutcomeKind::value;
  }
  void set_cancelled() noexcept {
    value_.reset();
    kind_ = OutcomeKind::cancelled;
  }

#if AIOPI_HAS_EXCEPTIONS
  void set_exception(std::exception_ptr e) noexcept {
    value_.reset();
    error_ = std::move(e);
    kind_ = OutcomeKind::failed;
  }
  const std::exception_ptr& exception() const noexcept {
    return error_;
  }
#endif

 private:
  void check_value() const {
#if AIOPI_HAS_EXCEPTIONS
    if (kind_ == OutcomeKind::failed) std::rethrow_exception(error_);
    if (kind_ == OutcomeKind::cancelled) throw CancelledError();
#endif
    if (kind_ != OutcomeKind::value) usage_error("Outcome::value(): the task has no result");
  }

  // Pointer-sized member first, then the small ones: Outcome<void> packs into two words.
#if AIOPI_HAS_EXCEPTIONS
  std::exception_ptr error_;
#endif
  std::optional<value_type> value_;
  OutcomeKind kind_ = OutcomeKind::pending;
};

}  // namespace aiopi
