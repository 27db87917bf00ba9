// The seed's verified cron vectors (seed-features.md §3.6, UTC), rewritten for aiopi's key=value form, plus
// regression tests for the four listed seed bugs. Differences of semantics are marked where they occur.
//
// The seed's cron(f)(now) returns the wait until the first match *at or after* now; next_fire is strictly
// after, so "at or after now" is next_fire(now - 1 s). None of the 15 vectors matches exactly at the base
// time, so they are checked directly.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cron_test_support.hpp"

namespace aiopi::cron {
namespace {

using test::at;
using test::must_parse;
using test::next1;
using test::next_n;

const TimeZone& kUtc = utc_zone();
constexpr const char* kBase = "2020-07-30T03:00:00Z";  // Thursday (weekday 3)

struct Vector {
  const char* spec;
  const char* base;
  const char* expected;
};

TEST(SeedVectors, CronTestPy) {
  const Vector vectors[] = {
      {"wday=4 hrs=1,2 mins=5", kBase, "2020-07-31T01:05:00+00:00"},
      {"hrs=1,2 mins=5", kBase, "2020-07-31T01:05:00+00:00"},
      {"wday=4 mins=5", kBase, "2020-07-31T03:05:00+00:00"},
      {"hrs=5,23 mins=58", kBase, "2020-07-30T05:58:00+00:00"},
      {"month=1 wday=6", kBase, "2021-01-03T03:00:00+00:00"},
      {"month=2 mday=20", kBase, "2021-02-20T03:00:00+00:00"},
      {"month=12 mday=25 hrs=1 mins=30", kBase, "2020-12-25T01:30:00+00:00"},
      {"month=12 wday=6 hrs=23 mins=5 secs=15", kBase, "2020-12-06T23:05:15+00:00"},
      {"month=10", kBase, "2020-10-01T03:00:00+00:00"},
      {"month=7 hrs=9", kBase, "2020-07-30T09:00:00+00:00"},
      // Seed `month=2, mday=8, wday=6`: the seed searches "the first Sunday on or after the 8th" (its
      // "second Sunday" idiom). aiopi ANDs mday and wday, so the idiom is written as the week 8-14.
      {"month=2 mday=8-14 wday=6", kBase, "2021-02-14T03:00:00+00:00"},
      // Seed `month=2, mday=22, wday=6`, likewise: the Sunday of 22-28 February.
      {"month=2 mday=22-28 wday=6", kBase, "2021-02-28T03:00:00+00:00"},
      {"month=7,10 hrs=1 mins=59", "2020-07-31T03:00:00Z", "2020-10-01T01:59:00+00:00"},  // base + 1 day
      {"month=7,1 mday=1", kBase, "2021-01-01T03:00:00+00:00"},
      {"month=7,3 wday=2,6", kBase, "2021-03-03T03:00:00+00:00"},
  };
  for (const Vector& v : vectors) {
    EXPECT_EQ(next1(v.spec, v.base, kUtc), v.expected) << v.spec;
  }
}

TEST(SeedVectors, MdayAndWdayAreAndedHere) {
  // The literal seed spellings mean "the 8th (22nd) when it is a Sunday" in aiopi: next in 2026.
  EXPECT_EQ(next1("month=2 mday=8 wday=6", kBase, kUtc), "2026-02-08T03:00:00+00:00");
  EXPECT_EQ(next1("month=2 mday=22 wday=6", kBase, kUtc), "2026-02-22T03:00:00+00:00");
}

TEST(SeedVectors, ExtraProbes) {
  // An exact match is "now" for the seed (wait 0): the first fire at or after t is next_fire(t - 1 s).
  const Instant t = at("2020-07-30T03:00:00Z");
  EXPECT_EQ(next_fire(must_parse("hrs=3"), t - std::chrono::seconds{1}, kUtc), t);
  EXPECT_EQ(next1("hrs=3", "2020-07-31T23:59:50Z", kUtc), "2020-08-01T03:00:00+00:00");  // defaults
  EXPECT_EQ(next1("secs=0,30 mins=* hrs=*", "2020-07-30T15:20:05Z", kUtc), "2020-07-30T15:20:30+00:00");
  // wday=2 is Wednesday: from 02:00 on a Wednesday the same day at 03:00, from 04:00 the next week.
  EXPECT_EQ(next1("wday=2", "2020-07-29T02:00:00Z", kUtc), "2020-07-29T03:00:00+00:00");
  EXPECT_EQ(next1("wday=2", "2020-07-29T04:00:00Z", kUtc), "2020-08-05T03:00:00+00:00");
  EXPECT_EQ(next1("wday=0,5", "2023-03-29T15:20:00Z", kUtc), "2023-04-01T03:00:00+00:00");
  // Seed errors that are still errors here.
  EXPECT_FALSE(parse_keyvalue("hrs=24").has_value());
  EXPECT_FALSE(parse_keyvalue("month=2 mday=30").has_value());
  // Seed errors that are not: secs=None (here secs=*, every second) and secs=(0,5) (bug 4 below).
  EXPECT_TRUE(parse_keyvalue("secs=*").has_value());
  EXPECT_TRUE(parse_keyvalue("secs=0,5").has_value());
}

TEST(SeedVectors, SimulatePy) {
  // Start Wed 2023-03-29 15:20:00: hrs=0 mins=59 -> Thu 00:59; then ten fires of
  // wday=(0,5) hrs=(1,10) mins=range(0,60,15).
  EXPECT_EQ(next1("hrs=0 mins=59", "2023-03-29T15:20:00Z", kUtc), "2023-03-30T00:59:00+00:00");
  EXPECT_EQ(next_n("wday=0,5 hrs=1,10 mins=0-59/15", "2023-03-30T00:59:00Z", kUtc, 10),
            (std::vector<std::string>{"2023-04-01T01:00:00+00:00", "2023-04-01T01:15:00+00:00",
                                      "2023-04-01T01:30:00+00:00", "2023-04-01T01:45:00+00:00",
                                      "2023-04-01T10:00:00+00:00", "2023-04-01T10:15:00+00:00",
                                      "2023-04-01T10:30:00+00:00", "2023-04-01T10:45:00+00:00",
                                      "2023-04-03T01:00:00+00:00", "2023-04-03T01:15:00+00:00"}));
}

// The four seed bugs listed in seed-features.md §3.1/§3.2 and the issue — each fixed, each pinned here.

TEST(SeedBugs, Bug1FebruaryIsNotAlways28Days) {
  ASSERT_TRUE(parse_keyvalue("month=2 mday=29").has_value());  // the seed rejects this spec
  EXPECT_EQ(next1("month=2 mday=29", "2025-01-01T00:00:00Z", kUtc), "2028-02-29T03:00:00+00:00");
  EXPECT_EQ(next1("month=2 mday=28", "2024-02-28T12:00:00Z", kUtc), "2025-02-28T03:00:00+00:00");
}

TEST(SeedBugs, Bug2FirstListMemberIsNotSkipped) {
  // At 07:05 with hrs=3 and minutes 0,15,30,45 the seed answers 03:15 next day.
  EXPECT_EQ(next1("hrs=3 mins=0,15,30,45", "2020-07-30T07:05:00Z", kUtc), "2020-07-31T03:00:00+00:00");
  EXPECT_EQ(next1("hrs=3 mins=0-59/15", "2020-07-30T07:05:00Z", kUtc), "2020-07-31T03:00:00+00:00");
}

TEST(SeedBugs, Bug3Mday30NeverLandsOn2March) {
  EXPECT_EQ(next1("mday=30", "2021-01-31T12:00:00Z", kUtc), "2021-03-30T03:00:00+00:00");
}

TEST(SeedBugs, Bug4SecondsNeedNotBeTenApart) {
  EXPECT_EQ(next_n("secs=0,5 mins=* hrs=*", "2020-07-30T15:20:00Z", kUtc, 3),
            (std::vector<std::string>{"2020-07-30T15:20:05+00:00", "2020-07-30T15:21:00+00:00",
                                      "2020-07-30T15:21:05+00:00"}));
  EXPECT_EQ(next_n("* * * * * *", "2020-07-30T15:20:00Z", kUtc, 2),
            (std::vector<std::string>{"2020-07-30T15:20:01+00:00", "2020-07-30T15:20:02+00:00"}));
}

}  // namespace
}  // namespace aiopi::cron
