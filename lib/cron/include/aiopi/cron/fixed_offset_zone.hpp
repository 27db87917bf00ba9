// UTC and fixed-offset time zones (no DST): what the MCU uses, and what a "+05:45" in a config means.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

#include "aiopi/cron/time_zone.hpp"

namespace aiopi::cron {

/// A zone whose offset never changes. Every local time maps to exactly one instant.
class FixedOffsetZone final : public TimeZone {
 public:
  /// Largest accepted offset magnitude (real zones use -12:00 .. +14:00).
  static constexpr std::chrono::seconds kMaxOffset{18 * 3600};

  /// UTC itself (named "UTC").
  constexpr FixedOffsetZone() noexcept : FixedOffsetZone(std::chrono::seconds{0}) {}

  /// A zone at `offset` east of UTC, named like "+05:45" ("UTC" for zero). Offsets beyond kMaxOffset are
  /// clamped to it; use make() to reject them instead.
  explicit constexpr FixedOffsetZone(std::chrono::seconds offset) noexcept
      : offset_(offset > kMaxOffset ? kMaxOffset : (offset < -kMaxOffset ? -kMaxOffset : offset)) {
    format_name();
  }

  /// The zone for `offset`, or nullopt if |offset| > kMaxOffset.
  static constexpr std::optional<FixedOffsetZone> make(std::chrono::seconds offset) noexcept {
    if (offset > kMaxOffset || offset < -kMaxOffset) return std::nullopt;
    return FixedOffsetZone(offset);
  }

  [[nodiscard]] std::chrono::seconds offset() const noexcept { return offset_; }

  [[nodiscard]] std::string_view name() const noexcept override { return {name_, name_length_}; }
  [[nodiscard]] UtcOffsetInfo offset_at(Instant) const noexcept override {
    return UtcOffsetInfo{offset_, kForeverPast, kForeverFuture};
  }
  [[nodiscard]] LocalMapping from_local(LocalSeconds local) const noexcept override {
    const Instant t{local.time_since_epoch() - offset_};
    return LocalMapping{LocalMapping::Kind::kUnique, t, t};
  }

 private:
  constexpr void format_name() noexcept {
    if (offset_.count() == 0) {
      name_[0] = 'U', name_[1] = 'T', name_[2] = 'C';
      name_length_ = 3;
      return;
    }
    const long long total = offset_.count() < 0 ? -offset_.count() : offset_.count();
    const auto hours = static_cast<int>(total / 3600);
    const auto minutes = static_cast<int>(total / 60 % 60);
    const auto seconds = static_cast<int>(total % 60);
    std::size_t n = 0;
    name_[n++] = offset_.count() < 0 ? '-' : '+';
    name_[n++] = static_cast<char>('0' + hours / 10);
    name_[n++] = static_cast<char>('0' + hours % 10);
    name_[n++] = ':';
    name_[n++] = static_cast<char>('0' + minutes / 10);
    name_[n++] = static_cast<char>('0' + minutes % 10);
    if (seconds != 0) {
      name_[n++] = ':';
      name_[n++] = static_cast<char>('0' + seconds / 10);
      name_[n++] = static_cast<char>('0' + seconds % 10);
    }
    name_length_ = n;
  }

  std::chrono::seconds offset_;
  char name_[10] = {};
  std::size_t name_length_ = 0;
};

/// The UTC zone (a statically initialised object; safe to use from anywhere, at any time).
const FixedOffsetZone& utc_zone() noexcept;

/// Parses a fixed offset: "UTC", "Z", "+05:45", "-03:00", "+0545", "+05", "UTC+05:45", "UTC-3".
/// Returns nullopt for anything else or beyond FixedOffsetZone::kMaxOffset.
std::optional<std::chrono::seconds> parse_utc_offset(std::string_view text) noexcept;

}  // namespace aiopi::cron
