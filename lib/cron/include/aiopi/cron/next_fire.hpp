// When does a schedule fire next? Pure, allocation-free, in any TimeZone.
//
// DST rules (docs/scheduling.md "Daylight saving time"):
//  * a matching local time that does not exist (inside a spring-forward gap) fires at the first instant after
//    the gap — the transition instant. All matching times in one gap therefore fire once, together, there.
//  * a matching local time that exists twice (fall-back) fires once, at its first occurrence; nothing fires
//    during the second pass of the repeated hour.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "aiopi/cron/spec.hpp"
#include "aiopi/cron/time_zone.hpp"

namespace aiopi::cron {

/// The search looks at most this many years ahead of `after` — one full Gregorian cycle, after which the
/// calendar (dates and weekdays) repeats exactly. So "no fire within the horizon" means "never".
inline constexpr int kSearchHorizonYears = 400;

/// The supported range, for `after` and for results: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
inline constexpr Instant kEarliestSupported{std::chrono::seconds{-62135596800}};
inline constexpr Instant kLatestSupported{std::chrono::seconds{253402300799}};

/// The first fire instant strictly after `after`, or nullopt if the spec never fires (an empty field, a day
/// that does not exist such as 31 February, nothing in kSearchHorizonYears) or the answer would be outside
/// the supported range.
/// Ignores spec.times (a pure function cannot know how often the schedule has fired already).
/// Cost: a few calendar steps (month -> day -> hour -> minute -> second, never second-by-second) plus two or
/// three calls into `zone`.
std::optional<Instant> next_fire(const Spec& spec, Instant after, const TimeZone& zone) noexcept;

/// The next fire instants after `after`, in order, written to `out`. Stops at out.size(), at spec.times
/// (when non-zero: a schedule started at `after` fires at most that often) or when the spec never fires
/// again. Returns how many were written.
std::size_t next_fires(const Spec& spec, Instant after, const TimeZone& zone,
                       std::span<Instant> out) noexcept;

/// The first local time >= `from` (local seconds) that matches the spec, ignoring time zones; nullopt if
/// none before the local year `last_year` ends. The calendar half of next_fire, exposed for tests and tools.
std::optional<LocalSeconds> next_local_match(const Spec& spec, LocalSeconds from,
                                             std::int64_t last_year) noexcept;

}  // namespace aiopi::cron
