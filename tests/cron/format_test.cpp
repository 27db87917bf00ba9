// ISO 8601 in and out, and describe() (normalized key=value text).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "aiopi/cron/describe.hpp"
#include "cron_test_support.hpp"

namespace aiopi::cron {
namespace {

using std::chrono::seconds;

std::string describe_text(const Spec& s) {
  char buffer[kDescribeMaxLength];
  const std::size_t n = describe(s, buffer);
  EXPECT_LT(n, sizeof buffer);
  return std::string(buffer, n);
}

TEST(Iso8601, Formats) {
  const Instant t = test::at("2025-03-30T01:00:00Z");
  char buffer[kIso8601MaxLength + 1];
  EXPECT_EQ(std::string(buffer, format_iso8601(t, seconds{3600}, buffer)), "2025-03-30T02:00:00+01:00");
  EXPECT_EQ(std::string(buffer, format_iso8601(t, seconds{0}, buffer)), "2025-03-30T01:00:00+00:00");
  EXPECT_EQ(std::string(buffer, format_iso8601(t, seconds{-(3 * 3600 + 1800)}, buffer)),
            "2025-03-29T21:30:00-03:30");
  EXPECT_EQ(std::string(buffer, format_iso8601(t, seconds{-75}, buffer)), "2025-03-30T00:58:45-00:01:15");
  char tiny[10];
  EXPECT_EQ(format_iso8601(t, seconds{0}, tiny), 0U);
}

TEST(Iso8601, Parses) {
  const auto a = parse_iso8601("2025-03-30T02:00:00+01:00");
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(a->has_offset);
  EXPECT_EQ(a->instant(utc_zone()), test::at("2025-03-30T01:00:00Z"));
  EXPECT_EQ(parse_iso8601("2025-03-30 01:00:00z")->instant(utc_zone()), test::at("2025-03-30T01:00:00Z"));
  EXPECT_EQ(parse_iso8601("2025-03-30T06:45+0545")->instant(utc_zone()), test::at("2025-03-30T01:00:00Z"));
  EXPECT_EQ(parse_iso8601("2025-03-30T04:00-03")->instant(utc_zone()), test::at("2025-03-30T07:00:00Z"));
  // Without an offset: local time in the zone given, by the DST rules.
  const auto local = parse_iso8601("2025-10-26T01:30:00");
  ASSERT_TRUE(local.has_value());
  EXPECT_FALSE(local->has_offset);
  EXPECT_EQ(local->instant(test::zone("Europe/London")),
            test::at("2025-10-26T00:30:00Z"));  // first occurrence
  EXPECT_EQ(parse_iso8601("2025-03-30T01:30")->instant(test::zone("Europe/London")),
            test::at("2025-03-30T01:00:00Z"));  // in the gap: the transition
  EXPECT_EQ(parse_iso8601("2024-02-29")->instant(utc_zone()), test::at("2024-02-29T00:00:00Z"));
}

TEST(Iso8601, Errors) {
  struct Case {
    const char* text;
    std::size_t offset;
    const char* part;
  } cases[] = {
      {"", 0, "year"},
      {"2025-3-30", 6, "month"},
      {"2025-13-01", 5, "month out of range"},
      {"2025-02-29", 8, "does not exist"},
      {"2025-04-31T00:00", 8, "does not exist"},
      {"2025-04-30T24:00", 11, "hour out of range"},
      {"2025-04-30T23:60", 14, "minutes out of range"},
      {"2025-04-30T23:59:60", 17, "seconds out of range"},
      {"2025-04-30T23", 13, "expected ':'"},
      {"2025-04-30T23:59:59+1", 21, "offset hour"},
      {"2025-04-30T23:59:59 UTC", 19, "unexpected character"},
      {"2025-04-30x", 10, "unexpected character"},
  };
  for (const Case& c : cases) {
    const auto r = parse_iso8601(c.text);
    ASSERT_FALSE(r.has_value()) << c.text;
    EXPECT_EQ(r.error().field, "time");
    EXPECT_EQ(r.error().offset, c.offset) << c.text;
    EXPECT_NE(r.error().message.find(c.part), std::string_view::npos) << c.text << ": " << r.error().message;
  }
}

TEST(Describe, WritesEveryFieldNormalized) {
  EXPECT_EQ(describe_text(test::must_parse("wday=mon")), "secs=0 mins=0 hrs=3 mday=* month=* wday=mon");
  EXPECT_EQ(describe_text(test::must_parse("*/5 * * * 1-5")),
            "secs=0 mins=*/5 hrs=* mday=* month=* wday=mon-fri");
  EXPECT_EQ(describe_text(test::must_parse("0 0 1,15 jan,jul mon")),
            "secs=0 mins=0 hrs=0 mday=1,15 month=jan,jul wday=mon (mday or wday)");
  EXPECT_EQ(describe_text(test::must_parse("mday=1-7 wday=mon times=3 mins=10-50/20")),
            "secs=0 mins=10-50/20 hrs=3 mday=1-7 month=* wday=mon times=3");
  EXPECT_EQ(describe_text(test::must_parse("0 0 * * 0,6")),
            "secs=0 mins=0 hrs=0 mday=* month=* wday=sat,sun");
  EXPECT_EQ(describe_text(test::must_parse("1,2,3,5 * * * *")),
            "secs=0 mins=1-3,5 hrs=* mday=* month=* wday=*");
}

TEST(Describe, RoundTripsThroughTheKeyValueParser) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 3000; ++i) {
    Spec s;
    s.secs = SecondSet::from_bits(rng());
    s.mins = MinuteSet::from_bits(rng() | 1);
    s.hrs = HourSet::from_bits(rng() | 1);
    s.mday = MonthDaySet::from_bits(rng() | 2);
    s.month = MonthSet::from_bits(rng() | 2);
    s.wday = WeekdaySet::from_bits(rng() | 1);
    if (s.secs.empty()) s.secs = SecondSet::of(0);
    s.times = static_cast<std::uint32_t>(rng() % 3);
    const std::string text = describe_text(s);
    const auto back = parse_keyvalue(text);
    ASSERT_TRUE(back.has_value()) << text;
    ASSERT_EQ(*back, s) << text;
  }
}

}  // namespace
}  // namespace aiopi::cron
