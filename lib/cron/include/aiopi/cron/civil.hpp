// Proleptic Gregorian calendar arithmetic: days <-> year/month/day, weekdays, month lengths.
// Pure constexpr functions on plain integers; no time zone is involved here.
#pragma once

#include <cstdint>

namespace aiopi::cron {

/// A calendar date and wall-clock time without a time zone ("civil" or "local" time).
/// month 1..12, day 1..31, hour 0..23, minute 0..59, second 0..59.
struct CivilTime {
  std::int32_t year = 1970;
  std::int32_t month = 1;
  std::int32_t day = 1;
  std::int32_t hour = 0;
  std::int32_t minute = 0;
  std::int32_t second = 0;

  friend constexpr bool operator==(const CivilTime&, const CivilTime&) = default;
};

/// Weekday numbering used everywhere inside aiopi::cron: 0 = Monday ... 6 = Sunday (as the seed's `wday`).
inline constexpr int kMonday = 0;
inline constexpr int kSunday = 6;

inline constexpr std::int64_t kSecondsPerDay = 86400;

namespace detail {
/// Floor division for a positive divisor (C++ `/` truncates toward zero).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b < 0) ? q - 1 : q;
}
constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) noexcept {
  return a - floor_div(a, b) * b;
}
}  // namespace detail

constexpr bool is_leap_year(std::int64_t year) noexcept {
  return (year % 4 == 0) && (year % 100 != 0 || year % 400 == 0);
}

/// Number of days in `month` (1..12) of `year`: February has 29 days in leap years.
constexpr int days_in_month(std::int64_t year, int month) noexcept {
  constexpr int kLengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kLengths[month - 1];
}

/// Days since 1970-01-01 of the given date (negative before it).
/// The year is counted from 1 March so that the leap day is the last day of the counted year; the calendar
/// repeats every 400 years (146097 days), which keeps all divisions on small non-negative numbers.
constexpr std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept {
  const std::int64_t y = month <= 2 ? year - 1 : year;
  const std::int64_t cycle = detail::floor_div(y, 400);
  const std::int64_t year_of_cycle = y - cycle * 400;                           // 0..399
  const std::int64_t month_from_march = month > 2 ? month - 3 : month + 9;      // 0 = March .. 11 = February
  const std::int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;  // 0..365 from 1 March
  const std::int64_t day_of_cycle =
      year_of_cycle * 365 + year_of_cycle / 4 - year_of_cycle / 100 + day_of_year;  // 0..146096
  constexpr std::int64_t kDaysFromMarch0000To1970 = 719468;
  return cycle * 146097 + day_of_cycle - kDaysFromMarch0000To1970;
}

struct CivilDate {
  std::int64_t year;
  int month;
  int day;
};

/// Inverse of days_from_civil.
constexpr CivilDate civil_from_days(std::int64_t days) noexcept {
  const std::int64_t shifted = days + 719468;
  const std::int64_t cycle = detail::floor_div(shifted, 146097);
  const std::int64_t day_of_cycle = shifted - cycle * 146097;  // 0..146096
  // Years of the cycle, correcting for the leap days that the 4/100/400 rules insert.
  const std::int64_t year_of_cycle =
      (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36524 - day_of_cycle / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);  // from 1 March
  const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month = static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  const std::int64_t year = year_of_cycle + cycle * 400 + (month <= 2 ? 1 : 0);
  return CivilDate{year, month, day};
}

/// Weekday of a day count: 0 = Monday ... 6 = Sunday. 1970-01-01 was a Thursday.
constexpr int weekday_from_days(std::int64_t days) noexcept {
  return static_cast<int>(detail::floor_mod(days + 3, 7));
}

/// Seconds since 1970-01-01T00:00:00 of a civil time (no zone: the caller decides what the count means).
constexpr std::int64_t seconds_from_civil(const CivilTime& t) noexcept {
  return days_from_civil(t.year, t.month, t.day) * kSecondsPerDay + t.hour * 3600 + t.minute * 60 + t.second;
}

/// Inverse of seconds_from_civil. Years outside int32 are not supported.
constexpr CivilTime civil_from_seconds(std::int64_t seconds) noexcept {
  const std::int64_t days = detail::floor_div(seconds, kSecondsPerDay);
  const auto of_day = static_cast<std::int32_t>(seconds - days * kSecondsPerDay);
  const CivilDate date = civil_from_days(days);
  return CivilTime{static_cast<std::int32_t>(date.year),
                   date.month,
                   date.day,
                   of_day / 3600,  //
                   (of_day / 60) % 60,
                   of_day % 60};  //
}

}  // namespace aiopi::cron
