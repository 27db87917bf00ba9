// The small time zone interface the calendar maths runs against. lib/ ships UTC and fixed offsets
// (fixed_offset_zone.hpp); IANA zones (Europe/London, ...) are a host-only adapter (lib/cron/iana).
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "aiopi/cron/civil.hpp"

namespace aiopi::cron {

/// A UTC instant, whole seconds since 1970-01-01T00:00:00Z (leap seconds not counted, as POSIX time).
using Instant = std::chrono::sys_seconds;
/// A local wall-clock reading, whole seconds since 1970-01-01T00:00:00 local (no zone attached).
using LocalSeconds = std::chrono::local_seconds;

/// Bounds for "since forever" / "until forever": far outside any supported date, yet safe to subtract.
inline constexpr Instant kForeverPast{std::chrono::seconds{-(std::int64_t{1} << 60)}};
inline constexpr Instant kForeverFuture{std::chrono::seconds{std::int64_t{1} << 60}};

/// The UTC offset in force at an instant and the period over which it stays in force.
struct UtcOffsetInfo {
  std::chrono::seconds offset{0};  ///< local = UTC + offset (east of Greenwich is positive)
  Instant begin = kForeverPast;    ///< first instant with this offset
  Instant end = kForeverFuture;    ///< first instant after the period (the next transition)
};

/// How a local wall-clock reading maps back to UTC.
struct LocalMapping {
  enum class Kind : std::uint8_t {
    kUnique,     ///< the reading occurs once: `first`
    kGap,        ///< the reading never occurs (clocks jumped over it): `first` = the transition instant,
                 ///< i.e. the first instant after the gap
    kAmbiguous,  ///< the reading occurs twice (clocks went back): `first` < `second`
  };
  Kind kind = Kind::kUnique;
  Instant first{};
  Instant second{};  ///< the later occurrence if ambiguous; otherwise equal to `first`
};

/// A time zone: UTC offsets over time. Implementations must be consistent: offset_at(t).offset is constant on
/// [begin, end), and from_local agrees with offset_at. Calls must not allocate or throw.
///
/// Zones are used by reference and owned by their concrete type (FixedOffsetZone, IanaZone, ...): the
/// destructor is protected and non-virtual, so implementations stay trivially destructible (a static UTC
/// zone needs no exit-time destructor on the MCU) and a zone cannot be deleted through this interface.
class TimeZone {
 public:
  /// A display name: "UTC", "+05:45", "Europe/London".
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  /// The offset in force at `t` and its period.
  [[nodiscard]] virtual UtcOffsetInfo offset_at(Instant t) const noexcept = 0;
  /// The UTC instant(s) at which the local clock shows `local`.
  [[nodiscard]] virtual LocalMapping from_local(LocalSeconds local) const noexcept = 0;

  /// The local wall-clock reading at `t`.
  [[nodiscard]] LocalSeconds to_local(Instant t) const noexcept {
    return LocalSeconds{t.time_since_epoch() + offset_at(t).offset};
  }

  /// The instant a schedule uses for a local time, by aiopi's DST rules: a reading inside a gap maps to the
  /// first instant after the gap; a reading that occurs twice maps to its first occurrence.
  [[nodiscard]] Instant resolve(LocalSeconds local) const noexcept { return from_local(local).first; }

 protected:
  TimeZone() = default;
  TimeZone(const TimeZone&) = default;
  TimeZone& operator=(const TimeZone&) = default;
  ~TimeZone() = default;
};

/// Local civil fields at an instant plus the offset in force.
struct ZonedTime {
  CivilTime local;
  std::chrono::seconds offset{0};
};

/// Breaks an instant down into local civil time in `zone`.
inline ZonedTime zoned_time(const TimeZone& zone, Instant t) noexcept {
  const auto offset = zone.offset_at(t).offset;
  return ZonedTime{civil_from_seconds((t.time_since_epoch() + offset).count()), offset};
}

}  // namespace aiopi::cron
