// IANA time zones ("Europe/London", "Australia/Lord_Howe", links such as "US/Eastern") from the OS tz
// database, through howardhinnant-date. Host only (target aiopi_cron_tz); this header does not include date.
#pragma once

#include <optional>
#include <string_view>

#include "aiopi/cron/time_zone.hpp"

namespace date {
class time_zone;
}  // namespace date

namespace aiopi::cron {

/// A zone of the OS database. Cheap to copy (a pointer into the process-wide database, which lives until
/// exit).
///
/// Limitation inherited from date's USE_OS_TZDB reader: it uses the transitions listed in the zoneinfo files
/// and not their POSIX-TZ footer, so with Debian's "fat" files DST rules are exact up to 2037; after the last
/// listed transition a zone keeps its last offset (usually standard time).
class IanaZone final : public TimeZone {
 public:
  /// Finds a zone by name; nullopt if it is unknown or the database cannot be read. Never throws.
  static std::optional<IanaZone> locate(std::string_view name) noexcept;
  /// The machine's zone (/etc/localtime); nullopt if it cannot be determined.
  static std::optional<IanaZone> system() noexcept;
  /// The database version string ("2025b"; "unknown" when the OS does not record it), empty on failure.
  static std::string_view database_version() noexcept;

  [[nodiscard]] std::string_view name() const noexcept override;
  [[nodiscard]] UtcOffsetInfo offset_at(Instant t) const noexcept override;
  [[nodiscard]] LocalMapping from_local(LocalSeconds local) const noexcept override;

 private:
  explicit IanaZone(const date::time_zone* zone) noexcept : zone_(zone) {}
  const date::time_zone* zone_;
};

}  // namespace aiopi::cron
