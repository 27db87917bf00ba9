// A wall-clock time of day as people write it: "07:30", "7:30", "23:59:59" (24-hour clock, H or HH, then MM,
// optionally :SS). Errors carry the offset of the offending character.
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "aiopid/config/parsed.hpp"

namespace aiopid::config {

struct TimeOfDay {
  int hour = 0;    ///< 0-23
  int minute = 0;  ///< 0-59
  int second = 0;  ///< 0-59

  [[nodiscard]] constexpr int seconds_since_midnight() const noexcept {
    return hour * 3600 + minute * 60 + second;
  }
  friend constexpr auto operator<=>(const TimeOfDay&, const TimeOfDay&) = default;
};

Parsed<TimeOfDay> parse_time_of_day(std::string_view text);

/// "07:30" when the seconds are zero, else "07:30:15".
std::string format_time_of_day(TimeOfDay t);

}  // namespace aiopid::config
