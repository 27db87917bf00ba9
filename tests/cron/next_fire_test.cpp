// Directed cases: leap days, month lengths, DST gaps and repeats, the mday/wday rules, fixed offsets.
// Expected values were worked out by hand and checked against Python's zoneinfo.
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
using test::zone;
using Strings = std::vector<std::string>;

const TimeZone& kUtc = utc_zone();

// ------------------------------------------------------------------------------------------- leap days

TEST(NextFire, LeapDayWaitsForALeapYear) {
  EXPECT_EQ(next1("month=2 mday=29 hrs=0", "2025-01-01T00:00:00Z", kUtc), "2028-02-29T00:00:00+00:00");
  EXPECT_EQ(next1("0 0 29 2 *", "2024-02-29T00:00:00Z", kUtc), "2028-02-29T00:00:00+00:00");
  EXPECT_EQ(next1("0 0 29 2 *", "2024-02-28T23:59:59Z", kUtc), "2024-02-29T00:00:00+00:00");
  // 2100 is not a leap year; 2400 is.
  EXPECT_EQ(next1("0 0 29 2 *", "2096-03-01T00:00:00Z", kUtc), "2104-02-29T00:00:00+00:00");
  EXPECT_EQ(next1("0 0 29 2 *", "2399-01-01T00:00:00Z", kUtc), "2400-02-29T00:00:00+00:00");
}

TEST(NextFire, LeapDayOnAWeekdayTakesDecades) {
  // Both must match in the key=value form: a 29 February that is a Monday (2016, then 2044).
  EXPECT_EQ(next1("mday=29 month=2 wday=mon hrs=0", "2016-03-01T00:00:00Z", kUtc),
            "2044-02-29T00:00:00+00:00");
  // Classic cron ORs them: any Monday in February, or the 29th.
  EXPECT_EQ(next1("0 0 29 2 mon", "2025-01-01T00:00:00Z", kUtc), "2025-02-03T00:00:00+00:00");
}

TEST(NextFire, EveryLeapDayWeekdayOccursInTheCycle) {
  for (int wd = 0; wd < 7; ++wd) {
    Spec s = must_parse("mday=29 month=2 hrs=0");
    s.wday = WeekdaySet::of(wd);
    EXPECT_TRUE(next_fire(s, at("2025-01-01T00:00:00Z"), kUtc).has_value()) << wd;
  }
}

// ---------------------------------------------------------------------------------------- month lengths

TEST(NextFire, ThirtyFirstSkipsShortMonths) {
  EXPECT_EQ(next_n("0 0 31 * *", "2025-01-01T00:00:00Z", kUtc, 8),
            (Strings{"2025-01-31T00:00:00+00:00", "2025-03-31T00:00:00+00:00", "2025-05-31T00:00:00+00:00",
                     "2025-07-31T00:00:00+00:00", "2025-08-31T00:00:00+00:00", "2025-10-31T00:00:00+00:00",
                     "2025-12-31T00:00:00+00:00", "2026-01-31T00:00:00+00:00"}));
}

TEST(NextFire, ThirtiethNeverLandsInMarchEarly) {
  // The seed answers 2 March here (it asks mktime for 30 February).
  EXPECT_EQ(next1("mday=30", "2025-01-31T12:00:00Z", kUtc), "2025-03-30T03:00:00+00:00");
  EXPECT_EQ(next1("mday=30", "2024-01-31T12:00:00Z", kUtc), "2024-03-30T03:00:00+00:00");
  EXPECT_EQ(next1("0 0 30 * *", "2025-04-30T00:00:00Z", kUtc), "2025-05-30T00:00:00+00:00");
}

TEST(NextFire, LastDaysOfMonthsAsARange) {
  // 29-31: February gets its 29th only in leap years; 30-day months their 29th and 30th.
  EXPECT_EQ(next_n("0 0 29-31 * *", "2025-02-01T00:00:00Z", kUtc, 4),
            (Strings{"2025-03-29T00:00:00+00:00", "2025-03-30T00:00:00+00:00", "2025-03-31T00:00:00+00:00",
                     "2025-04-29T00:00:00+00:00"}));
  EXPECT_EQ(next_n("0 0 29-31 2 *", "2024-01-01T00:00:00Z", kUtc, 2),
            (Strings{"2024-02-29T00:00:00+00:00", "2028-02-29T00:00:00+00:00"}));
}

TEST(NextFire, RollsOverYearEnd) {
  EXPECT_EQ(next1("59 59 23 31 12 *", "2025-12-31T23:59:59Z", kUtc), "2026-12-31T23:59:59+00:00");
  EXPECT_EQ(next1("* * * * * *", "2025-12-31T23:59:59Z", kUtc), "2026-01-01T00:00:00+00:00");
  EXPECT_EQ(next1("0 0 1 1 *", "2025-06-01T00:00:00Z", kUtc), "2026-01-01T00:00:00+00:00");
}

TEST(NextFire, StrictlyAfter) {
  EXPECT_EQ(next1("0 0 * * *", "2025-06-01T00:00:00Z", kUtc), "2025-06-02T00:00:00+00:00");
  EXPECT_EQ(next1("0 0 * * *", "2025-05-31T23:59:59Z", kUtc), "2025-06-01T00:00:00+00:00");
  EXPECT_EQ(next1("*/10 * * * * *", "2025-06-01T00:00:00Z", kUtc), "2025-06-01T00:00:10+00:00");
}

TEST(NextFire, NeverAndOutOfRange) {
  Spec impossible = must_parse("0 0 1 * *");
  impossible.mday = MonthDaySet::of(31);
  impossible.month = MonthSet::of(2);
  EXPECT_FALSE(next_fire(impossible, at("2025-01-01T00:00:00Z"), kUtc).has_value());
  Spec empty = Spec{};
  empty.hrs = HourSet{};
  EXPECT_FALSE(next_fire(empty, at("2025-01-01T00:00:00Z"), kUtc).has_value());
  EXPECT_FALSE(next_fire(Spec{}, kLatestSupported, kUtc).has_value());
  EXPECT_TRUE(next_fire(Spec{}, kLatestSupported - std::chrono::seconds{1}, kUtc).has_value());
  EXPECT_FALSE(next_fire(Spec{}, kEarliestSupported - std::chrono::seconds{1}, kUtc).has_value());
  Instant out[4];
  EXPECT_EQ(next_fires(impossible, at("2025-01-01T00:00:00Z"), kUtc, out), 0U);
}

TEST(NextFire, NextFiresHonoursTimes) {
  const Spec s = must_parse("mday=1-7 wday=mon times=3");
  Instant out[10];
  ASSERT_EQ(next_fires(s, at("2025-01-01T00:00:00Z"), kUtc, out), 3U);
  EXPECT_EQ(test::iso(out[0], kUtc), "2025-01-06T03:00:00+00:00");
  EXPECT_EQ(test::iso(out[1], kUtc), "2025-02-03T03:00:00+00:00");
  EXPECT_EQ(test::iso(out[2], kUtc), "2025-03-03T03:00:00+00:00");
  EXPECT_EQ(next_fires(s, at("2025-01-01T00:00:00Z"), kUtc, std::span<Instant>(out, 2)), 2U);
}

// ------------------------------------------------------------------------------------ mday/wday rules

TEST(NextFire, CronOrsRestrictedDayFields) {
  // "the 13th, or any Friday": July 2025 has Fridays 4, 11, 18, 25 and the 13th is a Sunday.
  EXPECT_EQ(next_n("0 0 13 * 5", "2025-07-01T00:00:00Z", kUtc, 5),
            (Strings{"2025-07-04T00:00:00+00:00", "2025-07-11T00:00:00+00:00", "2025-07-13T00:00:00+00:00",
                     "2025-07-18T00:00:00+00:00", "2025-07-25T00:00:00+00:00"}));
  // A full range written without '*' is still "restricted": every day qualifies.
  EXPECT_EQ(next1("0 0 1-31 * 5", "2025-07-01T00:00:00Z", kUtc), "2025-07-02T00:00:00+00:00");
}

TEST(NextFire, CronAndsWhenADayFieldHasAStar) {
  // */2 contains '*': odd days that are Fridays (4 July is even, 11 July odd).
  EXPECT_EQ(next1("0 0 */2 * 5", "2025-07-01T00:00:00Z", kUtc), "2025-07-11T00:00:00+00:00");
  EXPECT_EQ(next1("0 0 ? * fri", "2025-07-01T00:00:00Z", kUtc), "2025-07-04T00:00:00+00:00");
  EXPECT_EQ(next1("0 0 13 * ?", "2025-07-01T00:00:00Z", kUtc), "2025-07-13T00:00:00+00:00");
}

TEST(NextFire, KeyValueAndsTheDayFields) {
  // Friday the 13th: June 2025, then February 2026.
  EXPECT_EQ(next_n("mday=13 wday=fri hrs=0", "2025-01-01T00:00:00Z", kUtc, 2),
            (Strings{"2025-06-13T00:00:00+00:00", "2026-02-13T00:00:00+00:00"}));
  // First Monday of the month.
  EXPECT_EQ(next_n("mday=1-7 wday=mon hrs=9", "2025-07-01T00:00:00Z", kUtc, 2),
            (Strings{"2025-07-07T09:00:00+00:00", "2025-08-04T09:00:00+00:00"}));
  // Last Sunday of March (a DST rule): days 25-31.
  EXPECT_EQ(next1("mday=25-31 month=3 wday=sun hrs=1", "2025-01-01T00:00:00Z", kUtc),
            "2025-03-30T01:00:00+00:00");
}

// --------------------------------------------------------------------------------- DST: Europe/London
// 2025-03-30 01:00 GMT -> 02:00 BST at 01:00Z (01:00-01:59 local do not exist).
// 2025-10-26 02:00 BST -> 01:00 GMT at 01:00Z (01:00-01:59 local happen twice).

TEST(DstLondon, GapTimeFiresAtTheTransition) {
  const TimeZone& london = zone("Europe/London");
  EXPECT_EQ(next_n("30 1 * * *", "2025-03-29T12:00:00Z", london, 3),
            (Strings{"2025-03-30T02:00:00+01:00", "2025-03-31T01:30:00+01:00", "2025-04-01T01:30:00+01:00"}));
  // 02:00 itself exists: it is the transition instant.
  EXPECT_EQ(next1("0 2 * * *", "2025-03-29T12:00:00Z", london), "2025-03-30T02:00:00+01:00");
}

TEST(DstLondon, ManyGapTimesFireOnceTogether) {
  const TimeZone& london = zone("Europe/London");
  // Every minute: 00:59 GMT, then one fire at the transition for 01:00..01:59 and 02:00, then 02:01 BST.
  EXPECT_EQ(next_n("* * * * *", "2025-03-30T00:58:30Z", london, 3),
            (Strings{"2025-03-30T00:59:00+00:00", "2025-03-30T02:00:00+01:00", "2025-03-30T02:01:00+01:00"}));
  EXPECT_EQ(next_n("hrs=1 mins=0,15,30,45", "2025-03-29T12:00:00Z", london, 2),
            (Strings{"2025-03-30T02:00:00+01:00", "2025-03-31T01:00:00+01:00"}));
  // Every second through the gap: 00:59:59 GMT, then the transition, then 02:00:01 BST.
  EXPECT_EQ(next_n("* * * * * *", "2025-03-30T00:59:58Z", london, 3),
            (Strings{"2025-03-30T00:59:59+00:00", "2025-03-30T02:00:00+01:00", "2025-03-30T02:00:01+01:00"}));
}

TEST(DstLondon, RepeatedTimeFiresOnceAtFirstOccurrence) {
  const TimeZone& london = zone("Europe/London");
  EXPECT_EQ(next_n("30 1 * * *", "2025-10-25T12:00:00Z", london, 2),
            (Strings{"2025-10-26T01:30:00+01:00", "2025-10-27T01:30:00+00:00"}));
  // Every 15 minutes: 01:45 BST, then nothing during the second 01:xx, then 02:00 GMT.
  EXPECT_EQ(next_n("*/15 * * * *", "2025-10-26T00:40:00Z", london, 3),
            (Strings{"2025-10-26T01:45:00+01:00", "2025-10-26T02:00:00+00:00", "2025-10-26T02:15:00+00:00"}));
  // From the last second of the first pass.
  EXPECT_EQ(next1("* * * * *", "2025-10-26T00:59:59Z", london), "2025-10-26T02:00:00+00:00");
}

TEST(DstLondon, StartingInsideTheSecondPass) {
  const TimeZone& london = zone("Europe/London");
  EXPECT_EQ(next1("*/15 * * * *", "2025-10-26T01:10:00Z", london), "2025-10-26T02:00:00+00:00");
  EXPECT_EQ(next1("30 1 * * *", "2025-10-26T01:10:00Z", london), "2025-10-27T01:30:00+00:00");
  EXPECT_EQ(next1("0 * * * *", "2025-10-26T01:00:00Z", london), "2025-10-26T02:00:00+00:00");
  EXPECT_EQ(next1("* * * * * *", "2025-10-26T01:59:59Z", london), "2025-10-26T02:00:00+00:00");
}

// ------------------------------------------------------------------------------ DST: America/New_York
// 2025-03-09 02:00 EST -> 03:00 EDT at 07:00Z; 2025-11-02 02:00 EDT -> 01:00 EST at 06:00Z.

TEST(DstNewYork, Gap) {
  const TimeZone& ny = zone("America/New_York");
  EXPECT_EQ(next_n("30 2 * * *", "2025-03-08T12:00:00Z", ny, 2),
            (Strings{"2025-03-09T03:00:00-04:00", "2025-03-10T02:30:00-04:00"}));
  EXPECT_EQ(next_n("0 */30 * * * *", "2025-03-09T06:20:00Z", ny, 3),
            (Strings{"2025-03-09T01:30:00-05:00", "2025-03-09T03:00:00-04:00", "2025-03-09T03:30:00-04:00"}));
}

TEST(DstNewYork, Overlap) {
  const TimeZone& ny = zone("America/New_York");
  EXPECT_EQ(next_n("0 30 1 * * *", "2025-11-01T12:00:00Z", ny, 2),
            (Strings{"2025-11-02T01:30:00-04:00", "2025-11-03T01:30:00-05:00"}));
  EXPECT_EQ(next_n("0 * * * *", "2025-11-02T04:30:00Z", ny, 3),
            (Strings{"2025-11-02T01:00:00-04:00", "2025-11-02T02:00:00-05:00", "2025-11-02T03:00:00-05:00"}));
  EXPECT_EQ(next1("0 0 2 * * *", "2025-11-01T12:00:00Z", ny), "2025-11-02T02:00:00-05:00");
}

// ---------------------------------------------------------------------------- DST: Australia/Lord_Howe
// A 30-minute shift. 2025-04-06 02:00 (+11) -> 01:30 (+10:30) at 2025-04-05T15:00Z (01:30-01:59 twice);
// 2025-10-05 02:00 (+10:30) -> 02:30 (+11) at 2025-10-04T15:30Z (02:00-02:29 do not exist).

TEST(DstLordHowe, HalfHourGap) {
  const TimeZone& lh = zone("Australia/Lord_Howe");
  EXPECT_EQ(next_n("15 2 * * *", "2025-10-04T00:00:00Z", lh, 2),
            (Strings{"2025-10-05T02:30:00+11:00", "2025-10-06T02:15:00+11:00"}));
  EXPECT_EQ(next_n("*/20 * * * *", "2025-10-04T15:05:00Z", lh, 3),
            (Strings{"2025-10-05T01:40:00+10:30", "2025-10-05T02:30:00+11:00", "2025-10-05T02:40:00+11:00"}));
}

TEST(DstLordHowe, HalfHourRepeat) {
  const TimeZone& lh = zone("Australia/Lord_Howe");
  EXPECT_EQ(next_n("45 1 * * *", "2025-04-05T00:00:00Z", lh, 2),
            (Strings{"2025-04-06T01:45:00+11:00", "2025-04-07T01:45:00+10:30"}));
  EXPECT_EQ(next_n("*/10 * * * *", "2025-04-05T14:55:00Z", lh, 2),
            (Strings{"2025-04-06T02:00:00+10:30", "2025-04-06T02:10:00+10:30"}));
}

// ------------------------------------------------------------------------------------------ efficiency

/// Counts the calls next_fire makes into a zone.
class CountingZone final : public TimeZone {
 public:
  explicit CountingZone(const TimeZone& inner) : inner_(inner) {}
  std::string_view name() const noexcept override { return inner_.name(); }
  UtcOffsetInfo offset_at(Instant t) const noexcept override {
    ++calls;
    return inner_.offset_at(t);
  }
  LocalMapping from_local(LocalSeconds l) const noexcept override {
    ++calls;
    return inner_.from_local(l);
  }
  mutable int calls = 0;

 private:
  const TimeZone& inner_;
};

TEST(NextFireCost, FewZoneCallsEvenAcrossDecadesOrRepeatedHours) {
  CountingZone london(zone("Europe/London"));
  struct Case {
    const char* spec;
    const char* after;
    const char* expected;
  } cases[] = {
      // Starting in the second pass of the repeated hour: jumps to its end, no match-by-match rejection.
      {"* * * * * *", "2025-10-26T01:00:00Z", "2025-10-26T02:00:00+00:00"},
      {"mday=29 month=2 wday=mon hrs=0", "2016-03-01T00:00:00Z", "2044-02-29T00:00:00+00:00"},
      {"0 0 31 12 *", "2025-01-01T00:00:00Z", "2025-12-31T00:00:00+00:00"},
  };
  for (const Case& c : cases) {
    const Spec spec = must_parse(c.spec);
    const Instant after = at(c.after);
    london.calls = 0;
    const auto fire = next_fire(spec, after, london);
    EXPECT_LE(london.calls, 3) << c.spec;
    EXPECT_EQ(test::iso(fire, london), c.expected) << c.spec;
  }
}

// ------------------------------------------------------------------------------------ fixed offsets

TEST(FixedOffset, Kathmandu) {
  const auto offset = parse_utc_offset("+05:45");
  ASSERT_TRUE(offset.has_value());
  const FixedOffsetZone ktm(*offset);
  EXPECT_EQ(ktm.name(), "+05:45");
  EXPECT_EQ(next1("0 0 * * *", "2025-01-01T00:00:00Z", ktm), "2025-01-02T00:00:00+05:45");
  EXPECT_EQ(next1("0 0 * * *", "2025-01-01T00:00:00Z", zone("Asia/Kathmandu")), "2025-01-02T00:00:00+05:45");
  EXPECT_EQ(next_fire(must_parse("0 0 * * *"), at("2025-01-01T00:00:00Z"), ktm), at("2025-01-01T18:15:00Z"));
}

TEST(FixedOffset, ParsingAndNames) {
  EXPECT_EQ(parse_utc_offset("UTC"), std::chrono::seconds{0});
  EXPECT_EQ(parse_utc_offset("Z"), std::chrono::seconds{0});
  EXPECT_EQ(parse_utc_offset("-03:00"), std::chrono::seconds{-3 * 3600});
  EXPECT_EQ(parse_utc_offset("+0545"), std::chrono::seconds{5 * 3600 + 45 * 60});
  EXPECT_EQ(parse_utc_offset("UTC+2"), std::chrono::seconds{2 * 3600});
  EXPECT_EQ(parse_utc_offset("+14"), std::chrono::seconds{14 * 3600});
  EXPECT_FALSE(parse_utc_offset("+19:00").has_value());
  EXPECT_FALSE(parse_utc_offset("+05:60").has_value());
  EXPECT_FALSE(parse_utc_offset("Europe/London").has_value());
  EXPECT_FALSE(parse_utc_offset("+").has_value());
  EXPECT_EQ(utc_zone().name(), "UTC");
  EXPECT_EQ(FixedOffsetZone(std::chrono::seconds{-9000}).name(), "-02:30");
  EXPECT_FALSE(FixedOffsetZone::make(std::chrono::hours{19}).has_value());
}

}  // namespace
}  // namespace aiopi::cron
