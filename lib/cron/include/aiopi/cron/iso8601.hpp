// ISO 8601 / RFC 3339 date-times with a UTC offset: "2025-03-30T02:00:00+01:00".
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string_view>

#include "aiopi/cron/result.hpp"
#include "aiopi/cron/time_zone.hpp"

namespace aiopi::cron {

/// Longest text format_iso8601 writes, without the NUL ("-YYYYY-MM-DDTHH:MM:SS+HH:MM:SS").
inline constexpr std::size_t kIso8601MaxLength = 31;

/// Writes `t` as local time at `offset` with the offset: "2025-03-30T02:00:00+01:00" ("+00:00" for UTC; an
/// offset with seconds, found only in old LMT history, is written "+HH:MM:SS"). NUL-terminates when it fits.
/// Returns the length of the text (at most kIso8601MaxLength); writes nothing if out is too small.
std::size_t format_iso8601(Instant t, std::chrono::seconds offset, std::span<char> out) noexcept;

/// Writes `t` in `zone` (its offset at that instant).
std::size_t format_iso8601(Instant t, const TimeZone& zone, std::span<char> out) noexcept;

/// A parsed date-time: either an instant (an offset or 'Z' was given) or a zone-less local time.
struct IsoDateTime {
  LocalSeconds local{};
  bool has_offset = false;
  std::chrono::seconds offset{0};

  /// The instant it names; without an offset, resolved in `zone` by the DST rules (TimeZone::resolve).
  [[nodiscard]] Instant instant(const TimeZone& zone) const noexcept {
    return has_offset ? Instant{local.time_since_epoch() - offset} : zone.resolve(local);
  }
};

/// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM", "YYYY-MM-DDTHH:MM:SS" ('T', 't' or one space between date and
/// time), optionally followed by "Z", "z", "+HH:MM", "+HHMM" or "+HH" (or '-'). Errors name field "time".
Result<IsoDateTime> parse_iso8601(std::string_view text) noexcept;

}  // namespace aiopi::cron
