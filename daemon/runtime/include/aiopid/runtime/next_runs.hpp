// `aiopid --next-runs [NAME] [--count N]`: each schedule's next fires, in its zone (ISO 8601 with offset).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/cron/time_zone.hpp"
#include "aiopid/config/config.hpp"

namespace aiopid::runtime {

/// The next `count` fire instants of `schedule` in `zone` after `from` (fewer if it never fires again).
std::vector<aiopi::cron::Instant> next_fire_times(const config::ScheduleConfig& schedule,
                                                  const aiopi::cron::TimeZone& zone,
                                                  aiopi::cron::Instant from, int count);
/// `at` as ISO 8601 in `zone`, with its offset: "2026-12-06T07:30:00+01:00".
std::string format_fire_time(aiopi::cron::Instant at, const aiopi::cron::TimeZone& zone);

/// Prints the next `count` fires of every schedule (or only `name`). Returns false if `name` is unknown.
bool print_next_runs(const config::Config& config, std::string_view name, int count, std::FILE* out);

}  // namespace aiopid::runtime
