// The friendly schedule form: `at = ["07:30", "19:30"]` with an optional `days = "mon-fri"`, turned into the
// scheduler's key=value text ("secs=0 mins=30 hrs=7,19 wday=mon-fri") so that lib/cron parses and checks it.
//
// One schedule is one calendar spec, i.e. a set of hours × a set of minutes × a set of seconds. A list of
// times is accepted when it is exactly such a product (07:30 and 19:30 are; 07:30 and 19:00 are not: they
// would also fire at 07:00 and 19:30) — otherwise write two schedules or a cron string.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aiopid/config/node.hpp"
#include "aiopid/config/parsed.hpp"
#include "aiopid/config/time_of_day.hpp"

namespace aiopid::config {

/// The time of a validated time-of-day value (a "07:30" string or a TOML local time).
TimeOfDay time_of_day_value(const Node& value);

/// The key=value text for `times` and `days` (empty: every day). An error's offset is meaningless: it is
/// about the list as a whole.
Parsed<std::string> schedule_times_to_keyvalue(const std::vector<TimeOfDay>& times, std::string_view days);

/// Where the `days` text starts in the result (to map the cron parser's offsets back into `days`).
std::size_t days_offset_in_keyvalue(const std::string& keyvalue);

}  // namespace aiopid::config
