// The IANA adapter against the C library's own reading of the same database, and the consistency every
// TimeZone must have (from_local agrees with offset_at).
#include <gtest/gtest.h>

#include <time.h>

#include <cstdlib>
#include <random>
#include <string>

#include "cron_test_support.hpp"

namespace aiopi::cron {
namespace {

using std::chrono::seconds;

/// Sets TZ for the C library while alive.
class ScopedTz {
 public:
  explicit ScopedTz(const char* zone) {
    if (const char* old = std::getenv("TZ")) saved_ = old, had_ = true;
    setenv("TZ", zone, 1);
    tzset();
  }
  ~ScopedTz() {
    if (had_) {
      setenv("TZ", saved_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;

 private:
  std::string saved_;
  bool had_ = false;
};

const char* const kZones[] = {"Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
                              "Europe/Dublin", "America/St_Johns", "Pacific/Chatham",     "UTC"};

TEST(IanaZone, OffsetsAgreeWithLibc) {
  std::mt19937_64 rng(11);
  const std::int64_t lo = test::at("1990-01-01T00:00:00Z").time_since_epoch().count();
  const std::int64_t hi = test::at("2036-12-31T00:00:00Z").time_since_epoch().count();
  std::uniform_int_distribution<std::int64_t> pick(lo, hi);
  for (const char* name : kZones) {
    const TimeZone& tz = test::zone(name);
    ScopedTz scoped(name);
    for (int i = 0; i < 3000; ++i) {
      const time_t t = static_cast<time_t>(pick(rng));
      struct tm tm {};
      ASSERT_NE(localtime_r(&t, &tm), nullptr);
      ASSERT_EQ(tz.offset_at(Instant{seconds{t}}).offset.count(), tm.tm_gmtoff) << name << " at " << t;
    }
  }
}

void check_consistent(const TimeZone& tz, std::int64_t local_from, std::int64_t local_to,
                      std::mt19937_64& rng, int samples) {
  std::uniform_int_distribution<std::int64_t> pick(local_from, local_to);
  for (int i = 0; i < samples; ++i) {
    const LocalSeconds l{seconds{pick(rng)}};
    const LocalMapping m = tz.from_local(l);
    switch (m.kind) {
      case LocalMapping::Kind::kUnique:
        ASSERT_EQ(tz.to_local(m.first), l) << tz.name();
        ASSERT_EQ(m.second, m.first);
        break;
      case LocalMapping::Kind::kAmbiguous:
        ASSERT_LT(m.first, m.second);
        ASSERT_EQ(tz.to_local(m.first), l);
        ASSERT_EQ(tz.to_local(m.second), l);
        break;
      case LocalMapping::Kind::kGap:
        // The transition: the clock reads past l now, and read before l one second earlier.
        ASSERT_GT(tz.to_local(m.first), l);
        ASSERT_LT(tz.to_local(m.first - seconds{1}), l);
        ASSERT_EQ(tz.resolve(l), m.first);
        break;
    }
  }
}

TEST(IanaZone, FromLocalIsConsistent) {
  std::mt19937_64 rng(12);
  for (const char* name : kZones) {
    const TimeZone& tz = test::zone(name);
    // Dense sampling near transitions: every transition 2024-2030, +-3 hours.
    for (Instant t = test::at("2024-01-01T00:00:00Z"); t < test::at("2031-01-01T00:00:00Z");) {
      const UtcOffsetInfo info = tz.offset_at(t);
      if (info.end > test::at("2031-01-01T00:00:00Z")) break;
      const std::int64_t local = (info.end + info.offset).time_since_epoch().count();
      check_consistent(tz, local - 3 * 3600, local + 3 * 3600, rng, 500);
      t = info.end;
    }
    check_consistent(tz, 1704067200, 1924905600, rng, 2000);
  }
}

TEST(IanaZone, KnownTransitions) {
  const TimeZone& london = test::zone("Europe/London");
  const UtcOffsetInfo summer = london.offset_at(test::at("2025-07-01T00:00:00Z"));
  EXPECT_EQ(summer.offset, seconds{3600});
  EXPECT_EQ(summer.begin, test::at("2025-03-30T01:00:00Z"));
  EXPECT_EQ(summer.end, test::at("2025-10-26T01:00:00Z"));

  const LocalMapping gap = london.from_local(LocalSeconds{seconds{1743298200}});  // 2025-03-30 01:30 local
  EXPECT_EQ(gap.kind, LocalMapping::Kind::kGap);
  EXPECT_EQ(gap.first, test::at("2025-03-30T01:00:00Z"));

  const LocalMapping twice = london.from_local(LocalSeconds{seconds{1761442200}});  // 2025-10-26 01:30 local
  EXPECT_EQ(twice.kind, LocalMapping::Kind::kAmbiguous);
  EXPECT_EQ(twice.first, test::at("2025-10-26T00:30:00Z"));
  EXPECT_EQ(twice.second, test::at("2025-10-26T01:30:00Z"));
}

TEST(IanaZone, LookupAndNames) {
  EXPECT_FALSE(IanaZone::locate("Nowhere/Special").has_value());
  EXPECT_FALSE(IanaZone::locate("").has_value());
  const auto eastern = IanaZone::locate("US/Eastern");  // a link
  ASSERT_TRUE(eastern.has_value());
  EXPECT_EQ(eastern->offset_at(test::at("2025-01-15T00:00:00Z")).offset, seconds{-5 * 3600});
  EXPECT_EQ(test::zone("Europe/London").name(), "Europe/London");
  EXPECT_FALSE(IanaZone::database_version().empty());
}

TEST(FixedOffsetZone, MatchesKathmanduSince1986) {
  const FixedOffsetZone fixed(seconds{5 * 3600 + 45 * 60});
  const TimeZone& ktm = test::zone("Asia/Kathmandu");
  std::mt19937_64 rng(13);
  std::uniform_int_distribution<std::int64_t> pick(600000000, 1924905600);
  for (int i = 0; i < 1000; ++i) {
    const Instant t{seconds{pick(rng)}};
    ASSERT_EQ(fixed.offset_at(t).offset, ktm.offset_at(t).offset);
    const LocalSeconds l = fixed.to_local(t);
    ASSERT_EQ(fixed.from_local(l).first, t);
    ASSERT_EQ(ktm.from_local(l).first, t);
  }
}

}  // namespace
}  // namespace aiopi::cron
