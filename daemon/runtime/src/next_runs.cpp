#include "aiopid/runtime/next_runs.hpp"

#include <chrono>
#include <vector>

#include "aiopi/cron/iso8601.hpp"
#include "aiopi/cron/next_fire.hpp"
#include "aiopid/runtime/zone.hpp"

namespace aiopid::runtime {

bool print_next_runs(const config::Config& config, std::string_view name, int count, std::FILE* out) {
  if (!name.empty() && config.find_schedule(name) == nullptr) return false;
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  for (const config::ScheduleConfig& s : config.schedules) {
    if (!name.empty() && s.name != name) continue;
    const ResolvedZone zone = resolve_zone(s.time_zone);
    std::fprintf(out, "%s (%s, %s)%s%s:\n", s.name.c_str(), s.when.c_str(), s.time_zone.c_str(),
                 s.enabled ? "" : " [disabled]", zone.error.empty() ? "" : (" [" + zone.error + "]").c_str());
    std::vector<aiopi::cron::Instant> fires(static_cast<std::size_t>(count));
    const std::size_t n =
        aiopi::cron::next_fires(s.spec, aiopi::cron::Instant{now.time_since_epoch()}, zone.zone(), fires);
    if (n == 0) std::fputs("  never fires again\n", out);
    for (std::size_t i = 0; i < n; ++i) {
      char text[64];
      const std::size_t len = aiopi::cron::format_iso8601(fires[i], zone.zone(), text);
      std::fprintf(out, "  %.*s\n", static_cast<int>(len), text);
    }
  }
  return true;
}

}  // namespace aiopid::runtime
