// Shared helpers for the cron tests: instants from text, zones by name, parsing that must succeed.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/cron/fixed_offset_zone.hpp"
#include "aiopi/cron/iana_zone.hpp"
#include "aiopi/cron/iso8601.hpp"
#include "aiopi/cron/next_fire.hpp"
#include "aiopi/cron/parse.hpp"

namespace aiopi::cron::test {

/// An instant from ISO 8601 text with an offset ("2025-03-30T01:00:00Z"); aborts the test on bad text.
inline Instant at(std::string_view text) {
  const auto parsed = parse_iso8601(text);
  EXPECT_TRUE(parsed.has_value()) << "bad time in test: " << text;
  if (!parsed) return Instant{};
  EXPECT_TRUE(parsed->has_offset) << "test times need an offset: " << text;
  return parsed->instant(utc_zone());
}

/// ISO 8601 text of an instant in a zone ("2025-03-30T02:00:00+01:00").
inline std::string iso(Instant t, const TimeZone& zone) {
  char buffer[kIso8601MaxLength + 1];
  const std::size_t n = format_iso8601(t, zone, buffer);
  return std::string(buffer, n);
}
inline std::string iso(std::optional<Instant> t, const TimeZone& zone) {
  return t ? iso(*t, zone) : "none";
}

/// An IANA zone (cached for the process); fails the test if the OS database lacks it.
inline const TimeZone& zone(const std::string& name) {
  static std::map<std::string, std::unique_ptr<IanaZone>> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    auto located = IanaZone::locate(name);
    if (!located) {
      ADD_FAILURE() << "time zone " << name << " not in the OS tz database (install tzdata)";
      return utc_zone();
    }
    it = cache.emplace(name, std::make_unique<IanaZone>(*located)).first;
  }
  return *it->second;
}

/// Parses either form; fails the test (and returns an every-second spec) on error.
inline Spec must_parse(std::string_view text) {
  const auto parsed = parse_spec(text);
  if (!parsed) {
    char message[200];
    format_error(parsed.error(), message);
    ADD_FAILURE() << "cannot parse '" << text << "': " << message;
    return Spec{};
  }
  return *parsed;
}

/// The next `n` fire times after `after` as ISO text in `tz` (for compact expectations).
inline std::vector<std::string> next_n(std::string_view spec_text, std::string_view after, const TimeZone& tz,
                                       std::size_t n) {
  const Spec spec = must_parse(spec_text);
  std::vector<Instant> out(n);
  out.resize(next_fires(spec, at(after), tz, out));
  std::vector<std::string> text;
  for (const Instant t : out)
    text.push_back(iso(t, tz));
  return text;
}

/// The next fire after `after` as ISO text in `tz`, or "none".
inline std::string next1(std::string_view spec_text, std::string_view after, const TimeZone& tz) {
  return iso(next_fire(must_parse(spec_text), at(after), tz), tz);
}

}  // namespace aiopi::cron::test
