// Durations as people write them: "250ms", "1.5s", "4h", "1h30m", "2m 30s".
//
//   duration := group (space* group)*      group := number space* unit
//   number   := digits ("." digits)?       unit  := "us" | "µs" | "ms" | "s" | "m" | "min" | "h" | "d"
//
// Units go from largest to smallest, each at most once ("1h30m", not "30m1h"). The resolution is one
// microsecond (aiopi::Duration); a value more precise than that, a negative one, a bare number without a
// unit and anything beyond the range of Duration are errors with the offset of the offending character.
#pragma once

#include <string>
#include <string_view>

#include "aiopi/time.hpp"
#include "aiopid/config/parsed.hpp"

namespace aiopid::config {

using aiopi::Duration;

Parsed<Duration> parse_duration(std::string_view text);

/// The shortest canonical text: the duration in the largest unit that divides it exactly ("90s", "1500ms",
/// "4h", "0s"), so that parse_duration(format_duration(d)) == d.
std::string format_duration(Duration d);

}  // namespace aiopid::config
