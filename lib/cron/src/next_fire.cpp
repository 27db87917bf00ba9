#include "aiopi/cron/next_fire.hpp"

#include <bit>

namespace aiopi::cron {
namespace {

/// Longest clock set-back any zone has had (the real maximum is 2 hours); bounds a cheap check.
constexpr std::chrono::seconds kLongestRepeat{24 * 3600};

/// next_local_match without the can_ever_fire() check (the caller has done it), searching up to the end of
/// the year `years_ahead` after the year of `from`.
std::optional<LocalSeconds> find_local(const Spec& spec, LocalSeconds from,
                                       std::int64_t years_ahead) noexcept {
  const CivilTime start = civil_from_seconds(from.time_since_epoch().count());
  const std::int64_t last_year = start.year + years_ahead;
  std::int64_t year = start.year;
  int month = start.month;
  int day = start.day;  // may run to 32: "past the end of the month"
  int hour = start.hour;
  int minute = start.minute;
  int second = start.second;

  // Firing days of (cached_year, cached_month), recomputed only when the month changes.
  std::int64_t cached_year = year - 1;
  int cached_month = 0;
  std::uint32_t firing_days = 0;

  const auto next_month = [&] {
    const int m = spec.month.next(month + 1);
    if (m < 0) {
      ++year;
      month = spec.month.first();
    } else {
      month = m;
    }
    day = 1;
    hour = minute = second = 0;
  };

  for (;;) {
    if (year > last_year) return std::nullopt;
    if (!spec.month.contains(month)) {
      next_month();
      continue;
    }
    if (year != cached_year || month != cached_month) {
      cached_year = year;
      cached_month = month;
      firing_days = firing_days_of_month(spec, year, month);
    }
    const std::uint32_t remaining = day > 31 ? 0U : firing_days & (~std::uint32_t{0} << day);
    if (remaining == 0) {
      next_month();
      continue;
    }
    const int d = std::countr_zero(remaining);
    if (d != day) {
      day = d;
      hour = minute = second = 0;
    }
    const int h = spec.hrs.next(hour);
    if (h < 0) {
      ++day;
      hour = minute = second = 0;
      continue;
    }
    if (h != hour) {
      hour = h;
      minute = second = 0;
    }
    const int m = spec.mins.next(minute);
    if (m < 0) {
      ++hour;  // 24 is handled by hrs.next() returning -1 next round
      minute = second = 0;
      continue;
    }
    if (m != minute) {
      minute = m;
      second = 0;
    }
    const int s = spec.secs.next(second);
    if (s < 0) {
      ++minute;  // 60 is handled by mins.next() returning -1 next round
      second = 0;
      continue;
    }
    const CivilTime found{static_cast<std::int32_t>(year), month, day, hour, minute, s};
    return LocalSeconds{std::chrono::seconds{seconds_from_civil(found)}};
  }
}

}  // namespace

std::optional<LocalSeconds> next_local_match(const Spec& spec, LocalSeconds from,
                                             std::int64_t last_year) noexcept {
  if (!can_ever_fire(spec)) return std::nullopt;
  return find_local(spec, from, last_year - civil_from_seconds(from.time_since_epoch().count()).year);
}

std::optional<Instant> next_fire(const Spec& spec, Instant after, const TimeZone& zone) noexcept {
  if (after < kEarliestSupported || after > kLatestSupported || !can_ever_fire(spec)) return std::nullopt;

  const UtcOffsetInfo now = zone.offset_at(after);
  LocalSeconds from{after.time_since_epoch() + now.offset + std::chrono::seconds{1}};
  // In the second pass of a repeated hour (clocks went back at now.begin and `after` is less than the
  // set-back past it) every local time up to the end of the repetition already fired on its first pass:
  // start the search where the repetition ends instead of rejecting its matches one by one below.
  if (after - now.begin < kLongestRepeat) {
    const auto before = zone.offset_at(now.begin - std::chrono::seconds{1}).offset;
    const auto repeat = before - now.offset;
    if (repeat > std::chrono::seconds{0} && after - now.begin < repeat) {
      from = LocalSeconds{now.begin.time_since_epoch() + before};
    }
  }

  for (;;) {
    const auto local = find_local(spec, from, kSearchHorizonYears);
    if (!local) return std::nullopt;
    // Gap: `first` is the transition instant; ambiguous: `first` is the first occurrence.
    const Instant t = zone.from_local(*local).first;
    if (t > kLatestSupported) return std::nullopt;
    if (t > after) return t;
    // A first occurrence at or before `after`. Not reached for consistent zones thanks to the jump above;
    // kept so that correctness never depends on it.
    from = *local + std::chrono::seconds{1};
  }
}

std::size_t next_fires(const Spec& spec, Instant after, const TimeZone& zone,
                       std::span<Instant> out) noexcept {
  std::size_t limit = out.size();
  if (spec.times != 0 && spec.times < limit) limit = spec.times;
  std::size_t n = 0;
  while (n < limit) {
    const auto t = next_fire(spec, after, zone);
    if (!t) break;
    out[n++] = *t;
    after = *t;
  }
  return n;
}

}  // namespace aiopi::cron
