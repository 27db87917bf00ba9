#include "aiopi/cron/iana_zone.hpp"

#include <date/tz.h>

#include <exception>

namespace aiopi::cron {
namespace {

Instant clamp(date::sys_seconds t) noexcept {
  const Instant v{t.time_since_epoch()};
  if (v < kForeverPast) return kForeverPast;
  if (v > kForeverFuture) return kForeverFuture;
  return v;
}

/// Loads the zone's data now (date reads a zone file lazily on first use), so later calls cannot fail.
bool preload(const date::time_zone* zone) {
  (void)zone->get_info(date::sys_seconds{});
  return true;
}

}  // namespace

std::optional<IanaZone> IanaZone::locate(std::string_view name) noexcept {
  try {
    const date::time_zone* zone = date::locate_zone(name);
    if (zone == nullptr || !preload(zone)) return std::nullopt;
    return IanaZone(zone);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<IanaZone> IanaZone::system() noexcept {
  try {
    const date::time_zone* zone = date::current_zone();
    if (zone == nullptr || !preload(zone)) return std::nullopt;
    return IanaZone(zone);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string_view IanaZone::database_version() noexcept {
  try {
    return date::get_tzdb().version;
  } catch (const std::exception&) {
    return {};
  }
}

std::string_view IanaZone::name() const noexcept {
  return zone_->name();
}

UtcOffsetInfo IanaZone::offset_at(Instant t) const noexcept {
  try {
    const date::sys_info info = zone_->get_info(date::sys_seconds{t.time_since_epoch()});
    return UtcOffsetInfo{info.offset, clamp(info.begin), clamp(info.end)};
  } catch (const std::exception&) {
    return UtcOffsetInfo{};  // unreachable after preload(); UTC rather than a crash
  }
}

LocalMapping IanaZone::from_local(LocalSeconds local) const noexcept {
  try {
    const date::local_seconds l{local.time_since_epoch()};
    const date::local_info info = zone_->get_info(l);
    const Instant first{local.time_since_epoch() - info.first.offset};
    switch (info.result) {
      case date::local_info::unique:
        return LocalMapping{LocalMapping::Kind::kUnique, first, first};
      case date::local_info::nonexistent: {
        const Instant transition = clamp(info.second.begin);
        return LocalMapping{LocalMapping::Kind::kGap, transition, transition};
      }
      case date::local_info::ambiguous:
        return LocalMapping{LocalMapping::Kind::kAmbiguous, first,
                            Instant{local.time_since_epoch() - info.second.offset}};
    }
    return LocalMapping{LocalMapping::Kind::kUnique, first, first};
  } catch (const std::exception&) {
    const Instant t{local.time_since_epoch()};
    return LocalMapping{LocalMapping::Kind::kUnique, t, t};
  }
}

}  // namespace aiopi::cron
