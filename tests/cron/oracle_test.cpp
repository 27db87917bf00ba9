// Oracle tests: random specs in both text forms, random starts 2024-2030, five zones; next_fire must equal a
// brute-force search that walks UTC time forward and applies the DST rules by their definition.
//
// Reproduce a run with AIOPI_CRON_ORACLE_SEED=<seed> (the seed is printed); AIOPI_CRON_ORACLE_CASES=<n> sets
// the number of specs per zone (default 2,400).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cron_test_support.hpp"

namespace aiopi::cron {
namespace {

namespace chr = std::chrono;
using chr::seconds;

// ------------------------------------------------------------------------------------- the oracle
// Independent of next_fire: it uses <chrono>'s calendar (not civil.hpp), checks each candidate instant
// against the definition of a fire, and only skips a whole local day/hour/minute that cannot match — never
// across a change of UTC offset, so skipping is exact.

class Oracle {
 public:
  Oracle(const Spec& spec, const TimeZone& tz) : spec_(spec), tz_(tz) {}

  /// Does the local wall-clock reading (seconds since 1970-01-01 local) match the spec?
  bool matches_local(std::int64_t local) const {
    const chr::local_seconds l{seconds{local}};
    const auto day = chr::floor<chr::days>(l);
    return day_matches_local(day) && time_matches(static_cast<int>((l - day).count()));
  }

  /// The first fire instant in (after, cap], or nullopt.
  std::optional<Instant> next(Instant after, Instant cap) {
    Instant u = after + seconds{1};
    while (u <= cap) {
      refresh(u);
      // A gap opening exactly at u: local readings [u + prev, u + offset) never happen; matches fire now.
      if (u == period_.begin && prev_ < period_.offset) {
        for (auto s = (u + prev_).time_since_epoch().count();
             s < (u + period_.offset).time_since_epoch().count(); ++s) {
          if (matches_local(s)) return u;
        }
      }
      // The second pass of a repeated stretch: those readings already fired on the first pass.
      if (prev_ > period_.offset && u < period_.begin + (prev_ - period_.offset)) {
        u = std::min(period_.end, period_.begin + (prev_ - period_.offset));
        continue;
      }
      const chr::local_seconds l{u.time_since_epoch() + period_.offset};
      const auto day = chr::floor<chr::days>(l);
      const int of_day = static_cast<int>((l - day).count());
      const int hour = of_day / 3600;
      const int minute = of_day / 60 % 60;
      const int second = of_day % 60;
      if (!day_matches_local(day)) {
        u = std::min(period_.end, u + seconds{86400 - of_day});
      } else if (!spec_.hrs.contains(hour)) {
        u = std::min(period_.end, u + seconds{3600 - minute * 60 - second});
      } else if (!spec_.mins.contains(minute)) {
        u = std::min(period_.end, u + seconds{60 - second});
      } else if (!spec_.secs.contains(second)) {
        u += seconds{1};
      } else {
        return u;
      }
    }
    return std::nullopt;
  }

  /// Is u a fire instant? (Naive, for enumerating a window second by second.)
  bool fires_at(Instant u) {
    refresh(u);
    if (u == period_.begin && prev_ < period_.offset) {
      for (auto s = (u + prev_).time_since_epoch().count();
           s < (u + period_.offset).time_since_epoch().count(); ++s) {
        if (matches_local(s)) return true;
      }
    }
    if (prev_ > period_.offset && u < period_.begin + (prev_ - period_.offset)) return false;
    return matches_local((u + period_.offset).time_since_epoch().count());
  }

 private:
  void refresh(Instant u) {
    if (valid_ && u >= period_.begin && u < period_.end) return;
    period_ = tz_.offset_at(u);
    prev_ = tz_.offset_at(period_.begin - seconds{1}).offset;
    valid_ = true;
  }

  bool day_matches_local(chr::local_days day) const {
    const chr::year_month_day ymd{day};
    const int month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    const int mday = static_cast<int>(static_cast<unsigned>(ymd.day()));
    const int wday = static_cast<int>(chr::weekday{day}.iso_encoding()) - 1;  // 0 = Monday
    if (!spec_.month.contains(month)) return false;
    const bool a = spec_.mday.contains(mday);
    const bool b = spec_.wday.contains(wday);
    return spec_.day_rule == DayRule::kBoth ? (a && b) : (a || b);
  }
  bool time_matches(int of_day) const {
    return spec_.hrs.contains(of_day / 3600) && spec_.mins.contains(of_day / 60 % 60) &&
           spec_.secs.contains(of_day % 60);
  }

  const Spec& spec_;
  const TimeZone& tz_;
  UtcOffsetInfo period_{};
  seconds prev_{0};
  bool valid_ = false;
};

// --------------------------------------------------------------------------------- random specs
// Each generated field carries the text and the set it must parse to, so the parsers are checked too.

enum class Names { kNone, kMonth, kCronWeekday, kSeedWeekday };

constexpr const char* kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* kMonthFull[] = {"January", "February", "March",     "April",   "May",      "June",
                                      "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kSeedDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};  // 0 = Monday
constexpr const char* kCronDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};  // 0 = Sunday

struct GenField {
  std::string text;
  std::uint64_t bits = 0;  // in the text's own numbering (cron weekdays 0..7)
  bool wildcard = false;
};

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(int percent) { return uniform(0, 99) < percent; }
  std::int64_t uniform64(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }

  /// A value of the field, biased toward the interesting ones (DST hours, month ends, February).
  int value(int lo, int hi, std::string_view field) {
    if (field == "hrs" && chance(35)) return uniform(0, 3);
    if (field == "mday" && chance(35)) return uniform(28, 31);
    if (field == "month" && chance(25)) return 2;
    return uniform(lo, hi);
  }

  std::string atom(int v, Names names, bool range_end) {
    switch (names) {
      case Names::kMonth:
        if (chance(30)) return chance(70) ? kMonthNames[v - 1] : kMonthFull[v - 1];
        break;
      case Names::kSeedWeekday:
        if (chance(40)) return kSeedDays[v];
        break;
      case Names::kCronWeekday:
        // "sun" means 0, or 7 when it ends a range; so 7 can be "sun" only as a range end, 0 only elsewhere.
        if (chance(40) && (v % 7 != 0 || (v == 7) == range_end)) return kCronDays[v % 7];
        break;
      case Names::kNone:
        break;
    }
    return std::to_string(v);
  }

  /// star_hi: where '*' ends (6 for cron weekdays, whose 7 repeats 0).
  GenField field(std::string_view name, int lo, int hi, int star_hi, Names names) {
    GenField f;
    const int kind = uniform(0, 99);
    const auto add = [&](int first, int last, int step) {
      for (int v = first; v <= last; v += step)
        f.bits |= std::uint64_t{1} << v;
    };
    if (kind < 30) {
      f.text = "*";
      f.wildcard = true;
      add(lo, star_hi, 1);
    } else if (kind < 50) {
      const int v = value(lo, hi, name);
      f.text = atom(v, names, false);
      add(v, v, 1);
    } else if (kind < 65) {
      const int n = uniform(2, 4);
      for (int i = 0; i < n; ++i) {
        const int v = value(lo, hi, name);
        if (i) f.text += ',';
        f.text += atom(v, names, false);
        add(v, v, 1);
      }
    } else if (kind < 75) {
      int a = value(lo, hi, name);
      int b = value(lo, hi, name);
      if (a > b) std::swap(a, b);
      f.text = atom(a, names, false) + "-" + atom(b, names, true);
      add(a, b, 1);
    } else if (kind < 85) {
      const int step = uniform(1, std::max(1, (star_hi - lo + 1) / 2));
      f.text = "*/" + std::to_string(step);
      f.wildcard = true;
      add(lo, star_hi, step);
    } else if (kind < 95) {
      int a = uniform(lo, hi);
      int b = uniform(lo, hi);
      if (a > b) std::swap(a, b);
      const int step = uniform(1, std::max(1, (b - a) / 2 + 1));
      f.text = atom(a, names, false) + "-" + atom(b, names, true) + "/" + std::to_string(step);
      add(a, b, step);
    } else {
      const int a = uniform(lo, star_hi);
      const int step = uniform(1, std::max(1, (star_hi - lo + 1) / 3));
      f.text = atom(a, names, false) + "/" + std::to_string(step);
      add(a, star_hi, step);
    }
    return f;
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

std::uint64_t cron_to_seed_weekdays(std::uint64_t cron_bits) {
  std::uint64_t out = 0;
  for (int d = 0; d <= 7; ++d) {
    if ((cron_bits >> d) & 1U) out |= std::uint64_t{1} << ((d + 6) % 7);
  }
  return out;
}

struct Case {
  std::string text;
  Spec expected;
};

Case random_cron(Generator& g) {
  Case c;
  Spec& s = c.expected;
  const bool six = g.chance(50);
  std::string text;
  if (six) {
    const GenField secs = g.field("secs", 0, 59, 59, Names::kNone);
    text += secs.text + " ";
    s.secs = SecondSet::from_bits(secs.bits);
  } else {
    s.secs = SecondSet::of(0);
  }
  const GenField mins = g.field("mins", 0, 59, 59, Names::kNone);
  const GenField hrs = g.field("hrs", 0, 23, 23, Names::kNone);
  const GenField mday = g.field("mday", 1, 31, 31, Names::kNone);
  const GenField month = g.field("month", 1, 12, 12, Names::kMonth);
  const GenField wday = g.field("wday", 0, 7, 6, Names::kCronWeekday);
  text += mins.text + " " + hrs.text + " " + mday.text + " " + month.text + " " + wday.text;
  s.mins = MinuteSet::from_bits(mins.bits);
  s.hrs = HourSet::from_bits(hrs.bits);
  s.mday = MonthDaySet::from_bits(mday.bits);
  s.month = MonthSet::from_bits(month.bits);
  s.wday = WeekdaySet::from_bits(cron_to_seed_weekdays(wday.bits));
  s.day_rule = (!mday.wildcard && !wday.wildcard) ? DayRule::kEither : DayRule::kBoth;
  c.text = text;
  return c;
}

Case random_keyvalue(Generator& g) {
  Case c;
  Spec& s = c.expected;
  s.secs = SecondSet::of(0);
  s.mins = MinuteSet::of(0);
  s.hrs = HourSet::of(3);
  s.day_rule = DayRule::kBoth;
  std::vector<std::string> pairs;
  if (g.chance(40)) {
    const GenField f = g.field("secs", 0, 59, 59, Names::kNone);
    pairs.push_back("secs=" + f.text);
    s.secs = SecondSet::from_bits(f.bits);
  }
  if (g.chance(60)) {
    const GenField f = g.field("mins", 0, 59, 59, Names::kNone);
    pairs.push_back("mins=" + f.text);
    s.mins = MinuteSet::from_bits(f.bits);
  }
  if (g.chance(60)) {
    const GenField f = g.field("hrs", 0, 23, 23, Names::kNone);
    pairs.push_back("hrs=" + f.text);
    s.hrs = HourSet::from_bits(f.bits);
  }
  if (g.chance(35)) {
    const GenField f = g.field("mday", 1, 31, 31, Names::kNone);
    pairs.push_back("mday=" + f.text);
    s.mday = MonthDaySet::from_bits(f.bits);
  }
  if (g.chance(30)) {
    const GenField f = g.field("month", 1, 12, 12, Names::kMonth);
    pairs.push_back("month=" + f.text);
    s.month = MonthSet::from_bits(f.bits);
  }
  if (g.chance(35)) {
    const GenField f = g.field("wday", 0, 6, 6, Names::kSeedWeekday);
    pairs.push_back("wday=" + f.text);
    s.wday = WeekdaySet::from_bits(f.bits);
  }
  if (g.chance(10)) {
    const int times = g.uniform(1, 50);
    pairs.push_back("times=" + std::to_string(times));
    s.times = static_cast<std::uint32_t>(times);
  }
  if (pairs.empty()) pairs.push_back("hrs=3");
  std::shuffle(pairs.begin(), pairs.end(), g.rng());
  for (const auto& p : pairs)
    c.text += (c.text.empty() ? "" : (g.chance(20) ? "   " : " ")) + p;
  return c;
}

/// Can a day ever match? (AND rule: some selected month has some selected day, February with 29 days.)
bool possible(const Spec& s) {
  if (s.day_rule == DayRule::kEither) return true;
  constexpr int kLongest[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; ++m) {
    for (int d = 1; d <= kLongest[m]; ++d) {
      if (s.month.contains(m) && s.mday.contains(d)) return true;
    }
  }
  return false;
}

std::uint64_t oracle_seed() {
  if (const char* env = std::getenv("AIOPI_CRON_ORACLE_SEED")) return std::strtoull(env, nullptr, 10);
  return 20250330;
}

/// Offset changes of a zone between 2024 and 2031.
std::vector<Instant> transitions(const TimeZone& tz) {
  std::vector<Instant> out;
  const Instant end = test::at("2031-01-01T00:00:00Z");
  for (Instant t = test::at("2024-01-01T00:00:00Z"); t < end;) {
    const UtcOffsetInfo info = tz.offset_at(t);
    if (info.end >= end) break;
    if (tz.offset_at(info.end).offset != info.offset) out.push_back(info.end);
    t = info.end;
  }
  return out;
}

void run_oracle(const char* zone_name, const TimeZone& tz, int cases) {
  const std::uint64_t seed = oracle_seed() ^ std::hash<std::string>{}(zone_name);
  std::printf("[ oracle   ] zone=%s seed=%llu (base seed %llu) cases=%d\n", zone_name,
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(oracle_seed()), cases);
  Generator g(seed);
  const std::vector<Instant> dst = transitions(tz);
  const std::int64_t lo = test::at("2024-01-01T00:00:00Z").time_since_epoch().count();
  const std::int64_t hi = test::at("2030-12-31T23:59:59Z").time_since_epoch().count();
  const seconds horizon{10LL * 366 * 86400};

  int rejected = 0;
  int fired = 0;
  int failures = 0;
  for (int i = 0; i < cases && failures < 10; ++i) {
    const Case c = g.chance(50) ? random_cron(g) : random_keyvalue(g);
    const auto parsed = parse_spec(c.text);
    if (!possible(c.expected)) {
      // The parser must refuse it, saying it never fires.
      ASSERT_FALSE(parsed.has_value()) << "accepted an impossible spec: " << c.text;
      EXPECT_NE(parsed.error().message.find("never fires"), std::string_view::npos) << c.text;
      ++rejected;
      --i;
      continue;
    }
    if (!parsed) {
      char message[200];
      format_error(parsed.error(), message);
      FAIL() << "rejected a valid spec '" << c.text << "': " << message;
    }
    ASSERT_EQ(*parsed, c.expected) << "parsed differently: " << c.text;

    Instant after{seconds{g.uniform64(lo, hi)}};
    if (!dst.empty() && g.chance(35)) {
      const Instant t = dst[static_cast<std::size_t>(g.uniform(0, static_cast<int>(dst.size()) - 1))];
      after = t + seconds{g.uniform64(-36 * 3600, 2 * 3600)};
    }
    Oracle oracle(*parsed, tz);
    // Two steps: the next fire, and the one after it (catches double fires at a transition).
    for (int step = 0; step < 2; ++step) {
      const Instant cap = after + horizon;
      const auto want = oracle.next(after, cap);
      const auto got = next_fire(*parsed, after, tz);
      const bool agree = want ? (got == want) : (!got || *got > cap);
      if (!agree) {
        ++failures;
        ADD_FAILURE() << "zone " << zone_name << " spec '" << c.text << "' after " << test::iso(after, tz)
                      << " (" << after.time_since_epoch().count() << "): next_fire " << test::iso(got, tz)
                      << ", brute force " << test::iso(want, tz) << " [seed " << seed << ", case " << i
                      << "]";
        break;
      }
      if (!want) break;
      ++fired;
      after = *want;
    }
  }
  std::printf("[ oracle   ] zone=%s fires compared=%d, impossible specs rejected=%d\n", zone_name, fired,
              rejected);
}

/// 2,400 per zone x 5 zones = 12,000 random specs; AIOPI_CRON_ORACLE_CASES=<n> for a longer soak.
int cases_per_zone() {
  if (const char* env = std::getenv("AIOPI_CRON_ORACLE_CASES")) return std::atoi(env);
  return 2400;
}

TEST(Oracle, Utc) {
  run_oracle("UTC", utc_zone(), cases_per_zone());
}
TEST(Oracle, EuropeLondon) {
  run_oracle("Europe/London", test::zone("Europe/London"), cases_per_zone());
}
TEST(Oracle, AmericaNewYork) {
  run_oracle("America/New_York", test::zone("America/New_York"), cases_per_zone());
}
TEST(Oracle, AustraliaLordHowe) {
  run_oracle("Australia/Lord_Howe", test::zone("Australia/Lord_Howe"), cases_per_zone());
}
TEST(Oracle, AsiaKathmandu) {
  run_oracle("Asia/Kathmandu", test::zone("Asia/Kathmandu"), cases_per_zone());
}

// ---------------------------------------------------------------------- DST windows, second by second
// Around every transition 2024-2030 of three zones, the fires that next_fire chains through in a 6-hour
// window must be exactly the instants that a naive second-by-second scan finds.

TEST(Oracle, DstWindowsEnumerateExactly) {
  const char* zones[] = {"Europe/London", "America/New_York", "Australia/Lord_Howe"};
  const char* specs[] = {"* * * * * *",    "* * * * *",      "*/15 * * * *",  "30 1 * * *",
                         "0 30 2 * * *",   "45 1 * * *",     "*/7 1-2 * * *", "secs=*/20 mins=* hrs=1-2",
                         "mins=*/5 hrs=*", "15,45 0-3 * * *"};
  int windows = 0;
  for (const char* name : zones) {
    const TimeZone& tz = test::zone(name);
    for (const Instant t : transitions(tz)) {
      ++windows;
      const Instant from = t - seconds{3 * 3600};
      const Instant to = t + seconds{3 * 3600};
      for (const char* text : specs) {
        const Spec spec = test::must_parse(text);
        Oracle oracle(spec, tz);
        std::vector<Instant> want;
        for (Instant u = from + seconds{1}; u <= to; u += seconds{1}) {
          if (oracle.fires_at(u)) want.push_back(u);
        }
        std::vector<Instant> got;
        for (auto u = next_fire(spec, from, tz); u && *u <= to; u = next_fire(spec, *u, tz))
          got.push_back(*u);
        ASSERT_EQ(got.size(), want.size()) << name << " '" << text << "' around " << test::iso(t, tz);
        for (std::size_t i = 0; i < got.size(); ++i) {
          ASSERT_EQ(got[i], want[i]) << name << " '" << text << "' fire " << i << " around "
                                     << test::iso(t, tz);
        }
      }
    }
  }
  EXPECT_GE(windows, 3 * 14);  // two transitions a year, seven years, three zones
}

}  // namespace
}  // namespace aiopi::cron
