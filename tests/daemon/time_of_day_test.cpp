// Times of day ("07:30"): accepted forms, exact errors, formatting.
#include <gtest/gtest.h>

#include <string_view>

#include "aiopid/config/time_of_day.hpp"

namespace aiopid::config {
namespace {

TimeOfDay ok(std::string_view text) {
  const auto t = parse_time_of_day(text);
  EXPECT_TRUE(t.ok()) << "'" << text << "': " << (t.ok() ? "" : t.error().message);
  return t.ok() ? *t : TimeOfDay{-1, -1, -1};
}

void refused(std::string_view text, std::size_t offset, std::string_view message) {
  const auto t = parse_time_of_day(text);
  ASSERT_FALSE(t.ok()) << "accepted '" << text << "'";
  EXPECT_EQ(t.error().offset, offset) << text;
  EXPECT_EQ(t.error().message, message) << text;
}

TEST(TimeOfDay, HoursMinutesAndOptionalSeconds) {
  EXPECT_EQ(ok("07:30"), (TimeOfDay{7, 30, 0}));
  EXPECT_EQ(ok("7:30"), (TimeOfDay{7, 30, 0}));
  EXPECT_EQ(ok("00:00"), (TimeOfDay{0, 0, 0}));
  EXPECT_EQ(ok("23:59:59"), (TimeOfDay{23, 59, 59}));
  EXPECT_EQ(ok("12:00:01").seconds_since_midnight(), 12 * 3600 + 1);
}

TEST(TimeOfDay, ErrorsSayWhereAndWhy) {
  refused("", 0, "empty time; write HH:MM or HH:MM:SS, e.g. \"07:30\"");
  refused("24:00", 0, "hour 24 is not 0-23");
  refused("x7:30", 0, "expected an hour (0-23)");
  refused("0730", 2, "expected ':' after the hour (HH:MM)");
  refused("07", 2, "expected ':' after the hour (HH:MM)");
  refused("7:5", 2, "expected two-digit minutes (00-59)");
  refused("07:60", 3, "minutes 60 is not 00-59");
  refused("07:30:6", 6, "expected two-digit seconds (00-59)");
  refused("07:30:61", 6, "seconds 61 is not 00-59");
  refused("7:30pm", 4, "unexpected 'pm' after the time (24-hour HH:MM[:SS])");
  refused("07:30 ", 5, "unexpected ' ' after the time (24-hour HH:MM[:SS])");
}

TEST(TimeOfDay, FormatsWithSecondsOnlyWhenNeeded) {
  EXPECT_EQ(format_time_of_day({7, 30, 0}), "07:30");
  EXPECT_EQ(format_time_of_day({23, 5, 9}), "23:05:09");
  EXPECT_EQ(ok(format_time_of_day({9, 1, 2})), (TimeOfDay{9, 1, 2}));
}

}  // namespace
}  // namespace aiopid::config
