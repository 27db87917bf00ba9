// A schedule's time zone from its config text: "local" (the machine's), a fixed offset ("UTC", "+05:30") or
// an IANA name. The config layer has validated it; a zone that vanished since (tzdata removed) falls back to
// UTC with the reason in `error`. (TimeZone's destructor is protected: zones are held by value.)
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "aiopi/cron/fixed_offset_zone.hpp"
#include "aiopi/cron/iana_zone.hpp"
#include "aiopi/cron/time_zone.hpp"

namespace aiopid::runtime {

struct ResolvedZone {
  std::variant<aiopi::cron::FixedOffsetZone, aiopi::cron::IanaZone> holder;
  std::string error;
  [[nodiscard]] const aiopi::cron::TimeZone& zone() const noexcept {
    return std::visit([](const auto& z) -> const aiopi::cron::TimeZone& { return z; }, holder);
  }
};

ResolvedZone resolve_zone(std::string_view text);

}  // namespace aiopid::runtime
