// Both text forms: what they produce, and exactly where and why they reject text.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "aiopi/cron/parse.hpp"

namespace aiopi::cron {
namespace {

template <class Set>
Set set_of(std::initializer_list<int> values) {
  Set s;
  for (const int v : values)
    s.add(v);
  return s;
}

Spec cron(std::string_view text) {
  const auto r = parse_cron(text);
  EXPECT_TRUE(r.has_value()) << text;
  return r ? *r : Spec{};
}

Spec kv(std::string_view text) {
  const auto r = parse_keyvalue(text);
  EXPECT_TRUE(r.has_value()) << text;
  return r ? *r : Spec{};
}

struct ErrorCase {
  std::string_view text;
  std::string_view field;
  std::size_t offset;
  std::size_t length;
  std::string_view message_part;
};

void expect_error(const Result<Spec>& r, const ErrorCase& c) {
  ASSERT_FALSE(r.has_value()) << "accepted: '" << c.text << "'";
  const ParseError& e = r.error();
  EXPECT_EQ(e.field, c.field) << c.text;
  EXPECT_EQ(e.offset, c.offset) << c.text;
  EXPECT_EQ(e.column(), c.offset + 1) << c.text;
  EXPECT_EQ(e.length, c.length) << c.text;
  EXPECT_NE(e.message.find(c.message_part), std::string_view::npos)
      << c.text << ": message '" << e.message << "' lacks '" << c.message_part << "'";
}

// ---------------------------------------------------------------------------------------------- cron form

TEST(ParseCron, FiveFieldsMeanSecondZero) {
  const Spec s = cron("*/5 * * * *");
  EXPECT_EQ(s.secs, SecondSet::of(0));
  EXPECT_EQ(s.mins, (set_of<MinuteSet>({0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55})));
  EXPECT_TRUE(s.hrs.is_any());
  EXPECT_TRUE(s.mday.is_any());
  EXPECT_TRUE(s.month.is_any());
  EXPECT_TRUE(s.wday.is_any());
  EXPECT_EQ(s.day_rule, DayRule::kBoth);
  EXPECT_EQ(s.times, 0U);
}

TEST(ParseCron, SixFieldsPutSecondsFirst) {
  const Spec s = cron("0,30 */20 4 * * mon-fri");
  EXPECT_EQ(s.secs, (set_of<SecondSet>({0, 30})));
  EXPECT_EQ(s.mins, (set_of<MinuteSet>({0, 20, 40})));
  EXPECT_EQ(s.hrs, HourSet::of(4));
  EXPECT_EQ(s.wday, (set_of<WeekdaySet>({0, 1, 2, 3, 4})));
}

TEST(ParseCron, SundayIsZeroOrSeven) {
  const WeekdaySet sunday = WeekdaySet::of(kSunday);
  EXPECT_EQ(cron("0 0 * * 0").wday, sunday);
  EXPECT_EQ(cron("0 0 * * 7").wday, sunday);
  EXPECT_EQ(cron("0 0 * * sun").wday, sunday);
  EXPECT_EQ(cron("0 0 * * SUNDAY").wday, sunday);
  EXPECT_EQ(cron("0 0 * * 1").wday, WeekdaySet::of(kMonday));
  EXPECT_EQ(cron("0 0 * * fri-sun").wday, (set_of<WeekdaySet>({4, 5, 6})));
  EXPECT_EQ(cron("0 0 * * 5-7").wday, (set_of<WeekdaySet>({4, 5, 6})));
  EXPECT_EQ(cron("0 0 * * sun-tue").wday, (set_of<WeekdaySet>({6, 0, 1})));
  EXPECT_EQ(cron("0 0 * * 0-7").wday, WeekdaySet::any());
  // Sun, Tue, Thu, Sat (0,2,4,6 in cron numbering) as crontab(5) reads */2.
  EXPECT_EQ(cron("0 0 * * */2").wday, (set_of<WeekdaySet>({6, 1, 3, 5})));
}

TEST(ParseCron, NamesListsRangesSteps) {
  EXPECT_EQ(cron("0 0 1 jan,JUL *").month, (set_of<MonthSet>({1, 7})));
  EXPECT_EQ(cron("0 0 1 January-March *").month, (set_of<MonthSet>({1, 2, 3})));
  EXPECT_EQ(cron("0 0 1 */3 *").month, (set_of<MonthSet>({1, 4, 7, 10})));
  EXPECT_EQ(cron("5/15 * * * *").mins, (set_of<MinuteSet>({5, 20, 35, 50})));
  EXPECT_EQ(cron("10-50/20 * * * *").mins, (set_of<MinuteSet>({10, 30, 50})));
  EXPECT_EQ(cron("1,2,10-12,58 * * * *").mins, (set_of<MinuteSet>({1, 2, 10, 11, 12, 58})));
  EXPECT_EQ(cron("0 0 29-31 * *").mday, (set_of<MonthDaySet>({29, 30, 31})));
  EXPECT_EQ(cron("  0   7\t* * *  ").hrs, HourSet::of(7));
  EXPECT_EQ(cron("* * * * * *").secs, SecondSet::any());
}

TEST(ParseCron, Macros) {
  EXPECT_EQ(cron("@daily"), cron("0 0 * * *"));
  EXPECT_EQ(cron("@midnight"), cron("0 0 * * *"));
  EXPECT_EQ(cron("@hourly"), cron("0 * * * *"));
  EXPECT_EQ(cron("@weekly"), cron("0 0 * * sun"));
  EXPECT_EQ(cron("@monthly"), cron("0 0 1 * *"));
  EXPECT_EQ(cron("@yearly"), cron("0 0 1 1 *"));
  EXPECT_EQ(cron("@ANNUALLY"), cron("0 0 1 jan *"));
}

TEST(ParseCron, DayRuleIsOrOnlyWhenBothDayFieldsAreRestricted) {
  EXPECT_EQ(cron("0 0 1 * mon").day_rule, DayRule::kEither);
  EXPECT_EQ(cron("0 0 1-31 * mon").day_rule, DayRule::kEither);  // no '*': restricted, even if full
  EXPECT_EQ(cron("0 0 13 * 5").day_rule, DayRule::kEither);
  EXPECT_EQ(cron("0 0 * * mon").day_rule, DayRule::kBoth);
  EXPECT_EQ(cron("0 0 1 * *").day_rule, DayRule::kBoth);
  EXPECT_EQ(cron("0 0 */2 * mon").day_rule,
            DayRule::kBoth);  // contains '*': crontab(5) treats it as unrestricted
  EXPECT_EQ(cron("0 0 1 * */2").day_rule, DayRule::kBoth);
  EXPECT_EQ(cron("0 0 ? * mon").day_rule, DayRule::kBoth);
  EXPECT_EQ(cron("0 0 1 * ?").day_rule, DayRule::kBoth);
}

TEST(ParseCron, ImpossibleDaysNeedTheOrRule) {
  // 31 February can never happen, but with a restricted weekday the OR rule still fires on Mondays.
  EXPECT_TRUE(parse_cron("0 0 31 2 mon").has_value());
  EXPECT_TRUE(parse_cron("0 0 29 2 *").has_value());  // leap day: fine
}

TEST(ParseCron, Errors) {
  const ErrorCase cases[] = {
      {"", "spec", 0, 1, "empty schedule"},
      {"   ", "spec", 0, 1, "empty schedule"},
      {"* * * *", "spec", 7, 1, "too few fields"},
      {"* * * * * * *", "spec", 12, 1, "too many fields"},
      {"60 * * * *", "mins", 0, 2, "out of range 0-59"},
      {"0 24 * * *", "hrs", 2, 2, "out of range 0-23"},
      {"0 0 0 * *", "mday", 4, 1, "out of range 1-31"},
      {"0 0 * 13 *", "month", 6, 2, "out of range 1-12"},
      {"0 0 * * 8", "wday", 8, 1, "out of range 0-7"},
      {"60 0 0 * * *", "secs", 0, 2, "out of range 0-59"},
      {"0 0 * * frx", "wday", 8, 3, "unknown day name"},
      {"0 0 * foo *", "month", 6, 3, "unknown month name"},
      {"0 0 * * mon-", "wday", 12, 1, "ends too early"},
      {"*/0 * * * *", "mins", 2, 1, "at least 1"},
      {"*/ * * * *", "mins", 2, 1, "step number"},
      {"0 0 * * */9", "wday", 10, 1, "larger than the field"},
      {"5-1 * * * *", "mins", 0, 3, "range start is after its end"},
      {"1,,2 * * * *", "mins", 2, 1, "empty list element"},
      {"1, * * * *", "mins", 2, 1, "empty list element"},
      {"*x * * * *", "mins", 1, 1, "unexpected character"},
      {"0 0 * * 1#2", "wday", 9, 1, "unexpected character"},
      {"0 0 L * *", "mday", 4, 1, "expected a number or '*'"},
      {"a * * * *", "mins", 0, 1, "expected a number or '*'"},
      {"? 0 * * *", "mins", 0, 1, "expected a number or '*'"},
      {"0 0 * * %", "wday", 8, 1, "expected a number, a name or '*'"},
      {"99999999999 * * * *", "mins", 0, 11, "out of range"},
      {"0 0 31 2 *", "mday", 4, 2, "never fires"},
      {"0 0 30,31 feb *", "mday", 4, 5, "never fires"},
      {"0 0 31 4,6,9,11 *", "mday", 4, 2, "never fires"},
      {"@reboot", "spec", 0, 7, "not a calendar schedule"},
      {"@often", "spec", 0, 6, "unknown macro"},
      {"@daily 5", "spec", 7, 1, "after the macro"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    expect_error(parse_cron(c.text), c);
  }
}

// ----------------------------------------------------------------------------------------- key=value form

TEST(ParseKeyValue, SeedDefaultsAreThreeOClock) {
  const Spec s = kv("wday=mon");
  EXPECT_EQ(s.secs, SecondSet::of(0));
  EXPECT_EQ(s.mins, MinuteSet::of(0));
  EXPECT_EQ(s.hrs, HourSet::of(3));
  EXPECT_TRUE(s.mday.is_any());
  EXPECT_TRUE(s.month.is_any());
  EXPECT_EQ(s.wday, WeekdaySet::of(kMonday));
  EXPECT_EQ(s.day_rule, DayRule::kBoth);
}

TEST(ParseKeyValue, Examples) {
  const Spec a = kv("hrs=4 mins=10 wday=mon,fri");
  EXPECT_EQ(a.hrs, HourSet::of(4));
  EXPECT_EQ(a.mins, MinuteSet::of(10));
  EXPECT_EQ(a.secs, SecondSet::of(0));
  EXPECT_EQ(a.wday, (set_of<WeekdaySet>({0, 4})));

  const Spec b = kv("secs=0,30 mins=*/5");
  EXPECT_EQ(b.secs, (set_of<SecondSet>({0, 30})));
  EXPECT_EQ(b.mins.count(), 12);
  EXPECT_EQ(b.hrs, HourSet::of(3));  // the seed's default still applies

  const Spec c = kv("mday=1-7 wday=mon times=3");
  EXPECT_EQ(c.mday, (set_of<MonthDaySet>({1, 2, 3, 4, 5, 6, 7})));
  EXPECT_EQ(c.wday, WeekdaySet::of(kMonday));
  EXPECT_EQ(c.times, 3U);
  EXPECT_EQ(c.day_rule, DayRule::kBoth);

  const Spec d = kv("  mins=*/15   hrs=* ");
  EXPECT_EQ(d.mins, (set_of<MinuteSet>({0, 15, 30, 45})));
  EXPECT_TRUE(d.hrs.is_any());
}

TEST(ParseKeyValue, WeekdaysAreMondayBased) {
  EXPECT_EQ(kv("wday=0").wday, WeekdaySet::of(kMonday));
  EXPECT_EQ(kv("wday=6").wday, WeekdaySet::of(kSunday));
  EXPECT_EQ(kv("wday=sun").wday, WeekdaySet::of(kSunday));
  EXPECT_EQ(kv("wday=mon-sun").wday, WeekdaySet::any());
  EXPECT_EQ(kv("wday=sat,sun").wday, (set_of<WeekdaySet>({5, 6})));
}

TEST(ParseKeyValue, SeedBugsAreNotCopied) {
  EXPECT_TRUE(parse_keyvalue("month=2 mday=29").has_value());                // seed: February always 28 days
  EXPECT_EQ(kv("secs=0,5 mins=* hrs=*").secs, (set_of<SecondSet>({0, 5})));  // seed: >= 10 s apart
  EXPECT_TRUE(kv("secs=*").secs.is_any());  // seed rejected secs=None; here it means every second
  EXPECT_EQ(kv("mday=25-31 wday=sun").mday.count(), 7);  // seed: mday <= 22 with wday
}

TEST(ParseKeyValue, SpacingAndCase) {
  EXPECT_EQ(kv("hrs = 4").hrs, HourSet::of(4));
  EXPECT_EQ(kv("HRS=4 Mins=5").mins, MinuteSet::of(5));
  EXPECT_EQ(kv("month=Feb,dec").month, (set_of<MonthSet>({2, 12})));
}

TEST(ParseKeyValue, Errors) {
  const ErrorCase cases[] = {
      {"", "spec", 0, 1, "empty schedule"},
      {"  ", "spec", 0, 1, "empty schedule"},
      {"hrs=24", "hrs", 4, 2, "out of range 0-23"},
      {"wday=7", "wday", 5, 1, "out of range 0-6"},
      {"secs=60", "secs", 5, 2, "out of range 0-59"},
      {"mins=5 hours=3", "spec", 7, 5, "unknown key"},
      {"hrs 3", "hrs", 4, 1, "expected '='"},
      {"hrs", "hrs", 3, 1, "expected '='"},
      {"hrs=", "hrs", 4, 1, "missing value"},
      {"=4", "spec", 0, 1, "expected a key"},
      {"hrs=4 hrs=5", "hrs", 6, 3, "given twice"},
      {"times=0", "times", 6, 1, "at least 1"},
      {"times=x", "times", 6, 1, "whole number"},
      {"times=5000000000", "times", 6, 10, "too large"},
      {"hrs=4, mins=10", "hrs", 6, 1, "empty list element"},
      {"wday=funday", "wday", 5, 6, "unknown day name"},
      {"mins=0-60/5", "mins", 7, 2, "out of range"},
      {"month=2 mday=30", "mday", 13, 2, "never fires"},
      {"mday=31 month=4,6,9,11", "mday", 5, 2, "never fires"},
      {"mday=31 month=4,6,9,11 wday=mon", "mday", 5, 2, "never fires"},
      {"mday=?", "mday", 5, 1, "expected a number or '*'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    expect_error(parse_keyvalue(c.text), c);
  }
}

TEST(ParseSpec, PicksTheFormByEqualsSign) {
  EXPECT_EQ(parse_spec("hrs=4")->hrs, HourSet::of(4));
  EXPECT_EQ(parse_spec("0 4 * * *")->hrs, HourSet::of(4));
  EXPECT_EQ(parse_spec("0 4 * * *")->mins, MinuteSet::of(0));
  EXPECT_EQ(parse_spec("@hourly")->hrs, HourSet::any());
}

TEST(ParseError, FormatsColumnFieldAndCaret) {
  const auto r = parse_cron("0 0 * * frx");
  ASSERT_FALSE(r.has_value());
  char text[128];
  const std::size_t n = format_error(r.error(), text);
  EXPECT_EQ(std::string(text, n), "column 9 (wday): unknown day name (mon..sun)");
  char caret[128];
  const std::size_t m = format_caret(r.error(), "0 0 * * frx", caret);
  EXPECT_EQ(std::string(caret, m), "0 0 * * frx\n        ^^^\n");
  // Truncation keeps the NUL and reports the full length.
  char small[8];
  EXPECT_EQ(format_error(r.error(), small), n);
  EXPECT_EQ(std::string(small), "column ");
}

}  // namespace
}  // namespace aiopi::cron
