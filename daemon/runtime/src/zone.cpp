#include "aiopid/runtime/zone.hpp"

#include <string>

namespace aiopid::runtime {

ResolvedZone resolve_zone(std::string_view text) {
  using aiopi::cron::FixedOffsetZone;
  if (text == "local") {
    if (auto zone = aiopi::cron::IanaZone::system()) return {*zone, {}};
    return {FixedOffsetZone(), "the machine's time zone (/etc/localtime) cannot be determined: using UTC"};
  }
  if (auto offset = aiopi::cron::parse_utc_offset(text)) return {FixedOffsetZone(*offset), {}};
  if (auto zone = aiopi::cron::IanaZone::locate(text)) return {*zone, {}};
  return {FixedOffsetZone(), "unknown time zone '" + std::string(text) + "': using UTC"};
}

}  // namespace aiopid::runtime
