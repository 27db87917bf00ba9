#include "aiopid/runtime/next_runs.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include "aiopi/cron/iso8601.hpp"
#include "aiopi/cron/next_fire.hpp"
#include "aiopid/runtime/zone.hpp"

namespace aiopid::runtime {

std::vector<aiopi::cron::Instant> next_fire_times(const config::ScheduleConfig& schedule,
                                                  const aiopi::cron::TimeZone& zone,
                                                  aiopi::cron::Instant from, int count) {
  std::vector<aiopi::cron::Instant> fires(static_cast<std::size_t>(std::max(count, 0)));
  fires.resize(aiopi::cron::next_fires(schedule.spec, from, zone, fires));
  return fires;
}

std::string format_fire_time(aiopi::cron::Instant at, const aiopi::cron::TimeZone& zone) {
  char text[64];
  const std::size_t len = aiopi::cron::format_iso8601(at, zone, text);
  return std::string(text, len);
}

bool print_next_runs(const config::Config& config, std::string_view name, int count, std::FILE* out) {
  if (!name.empty() && config.find_schedule(name) == nullptr) return false;
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  for (const config::ScheduleConfig& s : config.schedules) {
    if (!name.empty() && s.name != name) continue;
    const ResolvedZone zone = resolve_zone(s.time_zone);
    std::fprintf(out, "%s (%s, %s)%s%s:\n", s.name.c_str(), s.when.c_str(), s.time_zone.c_str(),
                 s.enabled ? "" : " [disabled]", zone.error.empty() ? "" : (" [" + zone.error + "]").c_str());
    const std::vector<aiopi::cron::Instant> fires =
        next_fire_times(s, zone.zone(), aiopi::cron::Instant{now.time_since_epoch()}, count);
    if (fires.empty()) std::fputs("  never fires again\n", out);
    for (const aiopi::cron::Instant at : fires)
      std::fprintf(out, "  %s\n", format_fire_time(at, zone.zone()).c_str());
  }
  return true;
}

}  // namespace aiopid::runtime
