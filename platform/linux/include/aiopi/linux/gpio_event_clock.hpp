// The loop's time of a GPIO edge from the kernel's event timestamp.
//
// The Linux loop's clock is CLOCK_MONOTONIC in microseconds (LinuxBackend::now()). The GPIO uAPI v1 (the one
// libgpiod 1.6 uses) stamps events with CLOCK_MONOTONIC nanoseconds since Linux 5.7 and with CLOCK_REALTIME
// before; uAPI v2 uses CLOCK_MONOTONIC unless asked otherwise. So the usual conversion is a division, and a
// stamp from an old kernel is recognised by being further ahead of the monotonic clock than any edge can be
// (an edge is never in the future; a day's margin absorbs any skew) and moved onto the monotonic clock by
// the offset between the two clocks now.
#pragma once

#include <cstdint>

namespace aiopi::os_linux {

/// Loop microseconds of an edge stamped `event_ns` by the kernel, given both clocks now (nanoseconds).
constexpr std::int64_t gpio_event_time_us(std::int64_t event_ns, std::int64_t monotonic_now_ns,
                                          std::int64_t realtime_now_ns) noexcept {
  constexpr std::int64_t kDayNs = 86'400'000'000'000;
  if (event_ns > monotonic_now_ns + kDayNs) event_ns -= realtime_now_ns - monotonic_now_ns;
  return event_ns / 1000;
}

}  // namespace aiopi::os_linux
