// Calendar arithmetic against libstdc++'s <chrono> calendar (an independent implementation).
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "aiopi/cron/civil.hpp"
#include "aiopi/cron/field_set.hpp"

namespace aiopi::cron {
namespace {

namespace chr = std::chrono;

TEST(Civil, KnownDays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(1, 1, 1), -719162);
  EXPECT_EQ(weekday_from_days(0), 3);                              // Thursday
  EXPECT_EQ(weekday_from_days(days_from_civil(2025, 3, 30)), 6);   // Sunday
  EXPECT_EQ(weekday_from_days(days_from_civil(1969, 12, 29)), 0);  // Monday
  static_assert(days_from_civil(2024, 2, 29) + 1 == days_from_civil(2024, 3, 1));
}

TEST(Civil, MonthLengths) {
  EXPECT_EQ(days_in_month(2023, 2), 28);
  EXPECT_EQ(days_in_month(2024, 2), 29);
  EXPECT_EQ(days_in_month(1900, 2), 28);
  EXPECT_EQ(days_in_month(2000, 2), 29);
  EXPECT_EQ(days_in_month(2100, 2), 28);
  EXPECT_EQ(days_in_month(2025, 4), 30);
  EXPECT_EQ(days_in_month(2025, 12), 31);
  int total = 0;
  for (int m = 1; m <= 12; ++m)
    total += days_in_month(2024, m);
  EXPECT_EQ(total, 366);
}

TEST(Civil, MatchesChronoCalendar) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> pick(-800000, 3000000);  // years ~ -220 .. 10183
  for (int i = 0; i < 100000; ++i) {
    const std::int64_t d = pick(rng);
    const chr::year_month_day ymd{chr::sys_days{chr::days{d}}};
    const CivilDate c = civil_from_days(d);
    ASSERT_EQ(c.year, static_cast<int>(ymd.year()));
    ASSERT_EQ(c.month, static_cast<int>(static_cast<unsigned>(ymd.month())));
    ASSERT_EQ(c.day, static_cast<int>(static_cast<unsigned>(ymd.day())));
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), d);
    const chr::weekday wd{chr::sys_days{chr::days{d}}};
    ASSERT_EQ(weekday_from_days(d), static_cast<int>(wd.iso_encoding()) - 1);
  }
}

TEST(Civil, SecondsRoundTrip) {
  const CivilTime t{2025, 3, 30, 1, 59, 59};
  EXPECT_EQ(seconds_from_civil(t), 1743299999);
  EXPECT_EQ(civil_from_seconds(1743299999), t);
  EXPECT_EQ(civil_from_seconds(-1), (CivilTime{1969, 12, 31, 23, 59, 59}));
}

TEST(FieldSet, Basics) {
  MinuteSet s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.next(0), -1);
  s.add_range(0, 59, 15);
  EXPECT_EQ(s.count(), 4);
  EXPECT_EQ(s.next(0), 0);
  EXPECT_EQ(s.next(1), 15);
  EXPECT_EQ(s.next(46), -1);
  EXPECT_EQ(s.next(60), -1);
  EXPECT_EQ(s.last(), 45);
  EXPECT_FALSE(s.add(60));
  EXPECT_TRUE(MonthDaySet::any().contains(31));
  EXPECT_FALSE(MonthDaySet::any().contains(0));
  EXPECT_EQ(MonthDaySet::any().next(0), 1);
  EXPECT_TRUE(WeekdaySet::any().is_any());
  EXPECT_EQ(WeekdaySet::any().count(), 7);
  EXPECT_EQ(MonthSet::from_bits(~std::uint64_t{0}), MonthSet::any());
}

}  // namespace
}  // namespace aiopi::cron
