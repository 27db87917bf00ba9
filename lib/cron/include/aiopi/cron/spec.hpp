// The normalized schedule specification both text forms compile to.
#pragma once

#include <cstdint>

#include "aiopi/cron/civil.hpp"
#include "aiopi/cron/field_set.hpp"

namespace aiopi::cron {

/// How the day-of-month (`mday`) and day-of-week (`wday`) sets combine into "this day matches".
enum class DayRule : std::uint8_t {
  /// Both must match (key=value form always; cron form when either field is written with `*` or `?`).
  kBoth,
  /// Either may match (classic cron when both day fields are restricted, e.g. `0 0 1,15 * mon`).
  kEither,
};

/// A calendar schedule: the set of local wall-clock times (second resolution) at which it fires.
/// A default-constructed Spec matches every second; the parsers fill in their own defaults.
struct Spec {
  SecondSet secs = SecondSet::any();
  MinuteSet mins = MinuteSet::any();
  HourSet hrs = HourSet::any();
  MonthDaySet mday = MonthDaySet::any();
  MonthSet month = MonthSet::any();
  WeekdaySet wday = WeekdaySet::any();  // 0 = Monday ... 6 = Sunday
  DayRule day_rule = DayRule::kBoth;
  /// Fire at most this many times (0 = no limit). Used by the scheduling coroutine and next_fires().
  std::uint32_t times = 0;

  friend constexpr bool operator==(const Spec&, const Spec&) = default;
};

/// True if the date (weekday 0 = Monday) is a firing day of `spec` (month, mday, wday and the day rule).
constexpr bool day_matches(const Spec& spec, int month, int day, int weekday) noexcept {
  if (!spec.month.contains(month)) return false;
  const bool by_mday = spec.mday.contains(day);
  const bool by_wday = spec.wday.contains(weekday);
  return spec.day_rule == DayRule::kBoth ? (by_mday && by_wday) : (by_mday || by_wday);
}

/// True if the local civil time is one of the spec's times (ignores `times` and time zones).
constexpr bool matches(const Spec& spec, const CivilTime& t) noexcept {
  const int weekday = weekday_from_days(days_from_civil(t.year, t.month, t.day));
  return day_matches(spec, t.month, t.day, weekday) && spec.hrs.contains(t.hour) &&
         spec.mins.contains(t.minute) && spec.secs.contains(t.second);
}

/// Bit d (1..31) set for each day of the given month on which `spec` fires (month set not consulted).
/// O(1): the weekday set is rotated to the weekday of the 1st and repeated every 7 bits.
constexpr std::uint32_t firing_days_of_month(const Spec& spec, std::int64_t year, int month) noexcept {
  const int length = days_in_month(year, month);
  const std::uint32_t valid = static_cast<std::uint32_t>(((std::uint64_t{1} << length) - 1) << 1);
  const auto by_mday = static_cast<std::uint32_t>(spec.mday.bits());
  const int first_weekday = weekday_from_days(days_from_civil(year, month, 1));
  const auto week = static_cast<std::uint32_t>(spec.wday.bits());
  // Bit k of `rotated` is set if day k+1 (weekday (first_weekday + k) % 7) is in the weekday set.
  const std::uint32_t rotated =
      ((week >> first_weekday) | (week << (7 - first_weekday))) & std::uint32_t{0x7F};
  // Repeat the 7-bit week at days 1, 8, 15, 22 and 29 (bits past 31 fall off harmlessly).
  const std::uint32_t by_wday = (rotated << 1) * std::uint32_t{0x10204081};
  const std::uint32_t days = spec.day_rule == DayRule::kBoth ? (by_mday & by_wday) : (by_mday | by_wday);
  return days & valid;
}

/// False if the spec can never fire: an empty field, or (when both day fields must match) no selected
/// month has any selected day of month — February counted with 29 days. Every date that exists falls on
/// every weekday somewhere in the 400-year Gregorian cycle, so nothing else can make a spec impossible.
constexpr bool can_ever_fire(const Spec& spec) noexcept {
  if (spec.secs.empty() || spec.mins.empty() || spec.hrs.empty() || spec.month.empty()) return false;
  if (spec.day_rule == DayRule::kEither) return !(spec.mday.empty() && spec.wday.empty());
  if (spec.mday.empty() || spec.wday.empty()) return false;
  for (int m = spec.month.first(); m >= 0; m = spec.month.next(m + 1)) {
    const int longest = m == 2 ? 29 : days_in_month(2001, m);
    if (spec.mday.first() <= longest) return true;
  }
  return false;
}

}  // namespace aiopi::cron
