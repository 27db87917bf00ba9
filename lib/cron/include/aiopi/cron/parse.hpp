// The two text forms of a schedule (see docs/scheduling.md for the full grammar and semantics).
//
//   cron:       "*/5 * * * *"         5 fields: minute hour day-of-month month day-of-week (second = 0)
//               "0,30 */5 * * * *"    6 fields: second first
//               "@daily"              @yearly @annually @monthly @weekly @daily @midnight @hourly
//   key=value:  "hrs=4 mins=10 wday=mon,fri"   the seed's keywords secs mins hrs mday month wday times
//
// Both return a Spec or a ParseError naming the field and the 0-based character offset. Neither allocates.
#pragma once

#include <string_view>

#include "aiopi/cron/result.hpp"
#include "aiopi/cron/spec.hpp"

namespace aiopi::cron {

/// Classic cron (5 fields) or cron with seconds (6 fields). Day of week 0-7, 0 and 7 = Sunday, names
/// sun..sat. Day of month and day of week combine with OR when both are restricted (neither contains `*` or
/// `?`), otherwise with AND (DayRule). `times` is left 0 (unlimited).
Result<Spec> parse_cron(std::string_view text) noexcept;

/// The seed's keywords: secs, mins, hrs, mday, month, wday (0 = Monday .. 6 = Sunday, names mon..sun) and
/// times. Fields not given take the seed's defaults: secs=0 mins=0 hrs=3, the rest `*` — so "wday=mon" fires
/// at 03:00:00 on Mondays. mday and wday must both match (DayRule::kBoth).
Result<Spec> parse_keyvalue(std::string_view text) noexcept;

/// Either form: text containing '=' is the key=value form, anything else a cron string.
Result<Spec> parse_spec(std::string_view text) noexcept;

}  // namespace aiopi::cron
