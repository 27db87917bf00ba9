// Durations as people write them: what is accepted, and exactly where and why the rest is refused.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "aiopid/config/duration.hpp"

namespace aiopid::config {
namespace {

using namespace std::chrono_literals;

Duration ok(std::string_view text) {
  const auto d = parse_duration(text);
  EXPECT_TRUE(d.ok()) << "'" << text << "': " << (d.ok() ? "" : d.error().message);
  return d.ok() ? *d : Duration{-1};
}

void refused(std::string_view text, std::size_t offset, std::string_view message) {
  const auto d = parse_duration(text);
  ASSERT_FALSE(d.ok()) << "accepted '" << text << "'";
  EXPECT_EQ(d.error().offset, offset) << text;
  EXPECT_EQ(d.error().message, message) << text;
}

TEST(Duration, EveryUnit) {
  EXPECT_EQ(ok("10us"), 10us);
  EXPECT_EQ(ok("10\xC2\xB5s"), 10us);
  EXPECT_EQ(ok("250ms"), 250ms);
  EXPECT_EQ(ok("3s"), 3s);
  EXPECT_EQ(ok("5m"), 5min);
  EXPECT_EQ(ok("5min"), 5min);
  EXPECT_EQ(ok("4h"), 4h);
  EXPECT_EQ(ok("2d"), 48h);
  EXPECT_EQ(ok("0s"), 0us);
}

TEST(Duration, FractionsDownToAMicrosecond) {
  EXPECT_EQ(ok("1.5s"), 1500ms);
  EXPECT_EQ(ok("0.25h"), 15min);
  EXPECT_EQ(ok("0.001ms"), 1us);
  EXPECT_EQ(ok("1.000000s"), 1s);
  EXPECT_EQ(ok("0.0000010000000000000000s"), 1us);  // trailing zeros beyond any precision are harmless
}

TEST(Duration, CompoundsLargestUnitFirstWithOptionalSpaces) {
  EXPECT_EQ(ok("1h30m"), 90min);
  EXPECT_EQ(ok("2m 30s"), 150s);
  EXPECT_EQ(ok("1d 2h 3m 4s 5ms 6us"), 26h + 3min + 4s + 5ms + 6us);
  EXPECT_EQ(ok("90 s"), 90s);
  EXPECT_EQ(ok(" 1s "), 1s);
}

TEST(Duration, ErrorsSayWhereAndWhy) {
  refused("", 0, "empty duration; write a number and a unit, e.g. \"250ms\", \"1.5s\" or \"4h\"");
  refused("   ", 0, "empty duration; write a number and a unit, e.g. \"250ms\", \"1.5s\" or \"4h\"");
  refused("250", 3, "missing unit after '250' (us, ms, s, m, h or d)");
  refused("1.5 ", 4, "missing unit after '1.5' (us, ms, s, m, h or d)");
  refused("5 sec", 2, "unknown unit 'sec' (us, ms, s, m, h or d)");
  refused("5S", 1, "unknown unit 'S' (us, ms, s, m, h or d)");
  refused("30s1m", 4,
          "'m' after 's': write each unit once, from the largest to the smallest (e.g. \"1h30m\")");
  refused("1h1h", 3,
          "'h' after 'h': write each unit once, from the largest to the smallest (e.g. \"1h30m\")");
  refused("0.5us", 0, "more precise than a microsecond");
  refused("1.0000005ms", 0, "more precise than a microsecond");
  refused("-5s", 0, "a duration cannot be negative");
  refused("1s -5s", 3, "a duration cannot be negative");
  refused("1.s", 2, "expected digits after '.'");
  refused(".5s", 0, "expected a number");
  refused("abc", 0, "expected a number");
  refused("1s,2ms", 2, "expected a number");
  refused("99999999999999999999s", 0, "too large a duration");
  refused("200000000d", 0, "too large a duration");
}

TEST(Duration, FormatsInTheLargestExactUnit) {
  EXPECT_EQ(format_duration(0us), "0s");
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(90s), "90s");
  EXPECT_EQ(format_duration(4h), "4h");
  EXPECT_EQ(format_duration(24h), "1d");
  EXPECT_EQ(format_duration(1us), "1us");
}

TEST(Duration, FormatThenParseIsTheIdentity) {
  for (const Duration d : {Duration{0}, Duration{1}, Duration{999}, Duration{1000}, Duration{1'000'001},
                           Duration{60'000'000}, Duration{86'400'000'000}, Duration{123'456'789'012}}) {
    EXPECT_EQ(ok(format_duration(d)), d) << format_duration(d);
  }
}

}  // namespace
}  // namespace aiopid::config
