#include "aiopi/cron/parse.hpp"

#include <cstddef>
#include <cstdint>

#include "field_parser.hpp"

namespace aiopi::cron {
namespace {

using detail::FieldDef;
using detail::Names;

// Field order as written in a 6-field cron string.
enum Field : int { kSecs, kMins, kHrs, kMday, kMonth, kWday, kFieldCount };

constexpr FieldDef kCronFields[kFieldCount] = {
    {"secs", 0, 59, 59, Names::kNone, false, "value out of range 0-59"},
    {"mins", 0, 59, 59, Names::kNone, false, "value out of range 0-59"},
    {"hrs", 0, 23, 23, Names::kNone, false, "value out of range 0-23"},
    {"mday", 1, 31, 31, Names::kNone, true, "value out of range 1-31"},
    {"month", 1, 12, 12, Names::kMonth, false, "value out of range 1-12 (or jan..dec)"},
    {"wday", 0, 7, 6, Names::kWeekdayCron, true, "value out of range 0-7 (0 and 7 = Sunday; or sun..sat)"},
};

constexpr FieldDef kSeedFields[kFieldCount] = {
    {"secs", 0, 59, 59, Names::kNone, false, "value out of range 0-59"},
    {"mins", 0, 59, 59, Names::kNone, false, "value out of range 0-59"},
    {"hrs", 0, 23, 23, Names::kNone, false, "value out of range 0-23"},
    {"mday", 1, 31, 31, Names::kNone, false, "value out of range 1-31"},
    {"month", 1, 12, 12, Names::kMonth, false, "value out of range 1-12 (or jan..dec)"},
    {"wday", 0, 6, 6, Names::kWeekdaySeed, false, "value out of range 0-6 (0 = Monday; or mon..sun)"},
};

void store(Spec& spec, int field, std::uint64_t bits) noexcept {
  switch (field) {
    case kSecs:
      spec.secs = SecondSet::from_bits(bits);
      break;
    case kMins:
      spec.mins = MinuteSet::from_bits(bits);
      break;
    case kHrs:
      spec.hrs = HourSet::from_bits(bits);
      break;
    case kMday:
      spec.mday = MonthDaySet::from_bits(bits);
      break;
    case kMonth:
      spec.month = MonthSet::from_bits(bits);
      break;
    default:
      spec.wday = WeekdaySet::from_bits(bits);
      break;
  }
}

// A whitespace-separated token of the input.
struct Token {
  std::size_t offset = 0;
  std::string_view text;
};

/// Rejects specs that can never fire (a day of month that no selected month has), pointing at `where`.
bool check_possible(const Spec& spec, const Token& where, std::string_view field,
                    ParseError& error) noexcept {
  if (can_ever_fire(spec)) return true;
  error = ParseError{field, where.offset, where.text.empty() ? 1 : where.text.size(),
                     "never fires: no selected month has this day of month"};
  return false;
}

struct Macro {
  std::string_view name;
  std::string_view expansion;
};

constexpr Macro kMacros[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},  {"@midnight", "0 0 * * *"}, {"@hourly", "0 * * * *"},
};

}  // namespace

Result<Spec> parse_cron(std::string_view text) noexcept {
  Token tokens[kFieldCount + 1];
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && detail::is_space(text[i]))
      ++i;
    if (i >= text.size()) break;
    const std::size_t start = i;
    while (i < text.size() && !detail::is_space(text[i]))
      ++i;
    if (count < kFieldCount + 1)
      tokens[count] = Token{start, std::string_view{text.data() + start, i - start}};
    ++count;
  }
  if (count == 0) return ParseError{"spec", 0, 1, "empty schedule"};

  if (tokens[0].text.front() == '@') {
    if (count > 1)
      return ParseError{"spec", tokens[1].offset, tokens[1].text.size(), "unexpected text after the macro"};
    if (detail::equals_folded(tokens[0].text, "@reboot")) {
      return ParseError{"spec", tokens[0].offset, tokens[0].text.size(),
                        "@reboot is not a calendar schedule"};
    }
    for (const Macro& m : kMacros) {
      if (detail::equals_folded(tokens[0].text, m.name)) return parse_cron(m.expansion);
    }
    return ParseError{"spec", tokens[0].offset, tokens[0].text.size(),
                      "unknown macro (@yearly @annually @monthly @weekly @daily @midnight @hourly)"};
  }

  if (count != 5 && count != 6) {
    const std::size_t at = count > 6 ? tokens[6].offset : text.size();
    return ParseError{"spec", at, count > 6 ? tokens[6].text.size() : 1,
                      count > 6 ? "too many fields: expected 5 (min hour mday month wday) or 6 (sec first)"
                                : "too few fields: expected 5 (min hour mday month wday) or 6 (sec first)"};
  }

  Spec spec;
  spec.secs = SecondSet::of(0);
  const int first_field = count == 6 ? kSecs : kMins;
  bool wildcard[kFieldCount] = {};
  for (int f = first_field; f < kFieldCount; ++f) {
    const Token& token = tokens[f - first_field];
    const auto value = detail::parse_field(token.text, token.offset, kCronFields[f]);
    if (!value) return value.error();
    wildcard[f] = value->wildcard;
    store(spec, f, f == kWday ? detail::cron_weekdays_to_seed(value->bits) : value->bits);
  }
  // Classic cron (crontab(5)): if both day fields are restricted — neither contains '*' — a day matches when
  // either matches. Otherwise both must (a '*' field matches every day anyway).
  spec.day_rule = (!wildcard[kMday] && !wildcard[kWday]) ? DayRule::kEither : DayRule::kBoth;

  ParseError error{};
  if (!check_possible(spec, tokens[kMday - first_field], "mday", error)) return error;
  return spec;
}

Result<Spec> parse_keyvalue(std::string_view text) noexcept {
  constexpr std::string_view kKeys[] = {"secs", "mins", "hrs", "mday", "month", "wday", "times"};
  constexpr int kTimes = kFieldCount;

  // The seed's defaults: every day at 03:00:00.
  Spec spec;
  spec.secs = SecondSet::of(0);
  spec.mins = MinuteSet::of(0);
  spec.hrs = HourSet::of(3);
  spec.day_rule = DayRule::kBoth;

  bool seen[kFieldCount + 1] = {};
  Token where[kFieldCount + 1] = {};
  std::size_t i = 0;
  std::size_t pairs = 0;
  const auto skip_space = [&] {
    while (i < text.size() && detail::is_space(text[i]))
      ++i;
  };
  skip_space();
  while (i < text.size()) {
    const std::size_t key_start = i;
    while (i < text.size() && !detail::is_space(text[i]) && text[i] != '=')
      ++i;
    const std::string_view key{text.data() + key_start, i - key_start};
    if (key.empty()) return ParseError{"spec", key_start, 1, "expected a key before '='"};
    int field = -1;
    for (int k = 0; k <= kTimes; ++k) {
      if (detail::equals_folded(key, kKeys[k])) field = k;
    }
    if (field < 0) {
      return ParseError{"spec", key_start, key.size(),
                        "unknown key (expected secs, mins, hrs, mday, month, wday or times)"};
    }
    const std::string_view name = kKeys[field];
    skip_space();
    if (i >= text.size() || text[i] != '=') return ParseError{name, i, 1, "expected '=' after the key"};
    ++i;
    skip_space();
    const std::size_t value_start = i;
    while (i < text.size() && !detail::is_space(text[i]))
      ++i;
    const std::string_view value{text.data() + value_start, i - value_start};
    if (value.empty()) return ParseError{name, value_start, 1, "missing value after '='"};
    if (seen[field]) return ParseError{name, key_start, key.size(), "key given twice"};
    seen[field] = true;
    where[field] = Token{value_start, value};
    ++pairs;

    if (field == kTimes) {
      std::uint64_t n = 0;
      for (std::size_t k = 0; k < value.size(); ++k) {
        const char c = value[k];
        if (c < '0' || c > '9') return ParseError{name, value_start + k, 1, "times must be a whole number"};
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
        if (n > 0xFFFFFFFFU) return ParseError{name, value_start, value.size(), "times is too large"};
      }
      if (n == 0) {
        return ParseError{name, value_start, value.size(),
                          "times must be at least 1 (leave it out for no limit)"};
      }
      spec.times = static_cast<std::uint32_t>(n);
    } else {
      const auto parsed = detail::parse_field(value, value_start, kSeedFields[field]);
      if (!parsed) return parsed.error();
      store(spec, field, parsed->bits);
    }
    skip_space();
  }
  if (pairs == 0) return ParseError{"spec", 0, 1, "empty schedule"};

  ParseError error{};
  const bool by_mday = seen[kMday];
  if (!check_possible(spec, by_mday ? where[kMday] : where[kMonth], by_mday ? "mday" : "month", error)) {
    return error;
  }
  return spec;
}

Result<Spec> parse_spec(std::string_view text) noexcept {
  return text.find('=') != std::string_view::npos ? parse_keyvalue(text) : parse_cron(text);
}

}  // namespace aiopi::cron
