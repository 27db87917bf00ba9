// The one time base of the core: 64-bit monotonic microseconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <ratio>
#include <type_traits>

namespace aiopi {

/// Durations are signed 64-bit microseconds: 292,000 years of range, no wrap-around arithmetic needed.
using Duration = std::chrono::microseconds;

/// The monotonic clock of the running loop. On Linux it is CLOCK_MONOTONIC, on the simulated board a virtual
/// clock that jumps to the next deadline, on the RP2040 the 1 MHz TIMER. `now()` reads the current loop's
/// backend.
struct MonotonicClock {
  using rep = std::int64_t;
  using period = std::micro;
  using duration = Duration;
  using time_point = std::chrono::time_point<MonotonicClock, Duration>;
  static constexpr bool is_steady = true;
  static time_point now() noexcept;
};

using TimePoint = MonotonicClock::time_point;

/// Current time of the running loop (same as MonotonicClock::now()).
inline TimePoint now() noexcept {
  return MonotonicClock::now();
}

/// a + d without overflow: a deadline "forever" saturates instead of wrapping into the past.
constexpr TimePoint saturating_add(TimePoint a, Duration d) noexcept {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  const auto base = a.time_since_epoch().count();
  const auto add = d.count();
  if (add > 0 && base > kMax - add) return TimePoint(Duration(kMax));
  return a + d;
}

/// Converts any std::chrono duration to whole microseconds, rounding up so a wait is never shorter than
/// asked. Saturates: a duration beyond the range of Duration (sleep_ms(INT64_MAX), hours::max()) becomes
/// Duration::max() ("never") instead of overflowing. Integer arithmetic only: no soft float on the MCU.
template <class Rep, class Period>
constexpr Duration to_duration_ceil(std::chrono::duration<Rep, Period> d) noexcept {
  using Ratio = std::ratio_divide<Period, std::micro>;  // microseconds per tick = num / den
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  if constexpr (std::is_floating_point_v<Rep>) {
    const Rep us = d.count() * static_cast<Rep>(Ratio::num) / static_cast<Rep>(Ratio::den);
    if (us >= static_cast<Rep>(kMax)) return Duration::max();
    if (us <= -static_cast<Rep>(kMax)) return Duration::min();
  } else if constexpr (Ratio::num > Ratio::den) {
    // Coarser than a microsecond: the conversion multiplies by num, which must not overflow.
    constexpr std::int64_t kLimit = kMax / Ratio::num;
    if constexpr (std::is_signed_v<Rep>) {
      if (static_cast<std::intmax_t>(d.count()) > kLimit) return Duration::max();
      if (static_cast<std::intmax_t>(d.count()) < -kLimit) return Duration::min();
    } else {
      if (static_cast<std::uintmax_t>(d.count()) > static_cast<std::uintmax_t>(kLimit))
        return Duration::max();
    }
  }
  return std::chrono::ceil<Duration>(d);
}

}  // namespace aiopi
