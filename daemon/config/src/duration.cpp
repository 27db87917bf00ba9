#include "aiopid/config/duration.hpp"

#include <array>
#include <cstdint>
#include <limits>

namespace aiopid::config {
namespace {

__extension__ typedef __int128 Wide;  // exact products of a fraction and a unit (64-bit would overflow)

struct Unit {
  std::string_view text;
  int rank;  // larger units rank higher; units must be written in decreasing rank
  std::int64_t micros;
};

constexpr std::array<Unit, 8> kUnits = {{
    {"d", 5, 86'400'000'000},
    {"h", 4, 3'600'000'000},
    {"min", 3, 60'000'000},
    {"m", 3, 60'000'000},
    {"s", 2, 1'000'000},
    {"ms", 1, 1'000},
    {"us", 0, 1},
    {"\xC2\xB5s", 0, 1},  // µs
}};

constexpr std::string_view kUnitList = "us, ms, s, m, h or d";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_unit_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\xC2' || c == '\xB5';
}

TextError error(std::size_t offset, std::string message) {
  return TextError{offset, std::move(message)};
}

}  // namespace

Parsed<Duration> parse_duration(std::string_view text) {
  const std::size_t n = text.size();
  std::size_t i = 0;
  const auto skip_spaces = [&] {
    while (i < n && text[i] == ' ')
      ++i;
  };
  skip_spaces();
  if (i == n)
    return error(0, "empty duration; write a number and a unit, e.g. \"250ms\", \"1.5s\" or \"4h\"");

  Wide total = 0;
  int last_rank = std::numeric_limits<int>::max();
  std::string_view last_unit;
  constexpr Wide kMax = std::numeric_limits<std::int64_t>::max();
  while (i < n) {
    if (text[i] == '-') return error(i, "a duration cannot be negative");
    if (!is_digit(text[i])) return error(i, "expected a number");
    const std::size_t number_start = i;
    Wide whole = 0;
    while (i < n && is_digit(text[i])) {
      whole = whole * 10 + (text[i] - '0');
      if (whole > kMax) return error(number_start, "too large a duration");
      ++i;
    }
    Wide fraction = 0, scale = 1;
    if (i < n && text[i] == '.') {
      ++i;
      if (i == n || !is_digit(text[i])) return error(i, "expected digits after '.'");
      while (i < n && is_digit(text[i])) {
        if (scale < Wide{1'000'000'000'000'000'000}) {
          fraction = fraction * 10 + (text[i] - '0');
          scale *= 10;
        } else if (text[i] != '0') {
          return error(number_start, "more precise than a microsecond");
        }
        ++i;
      }
    }
    const std::string_view number = text.substr(number_start, i - number_start);
    skip_spaces();
    const std::size_t unit_start = i;
    while (i < n && is_unit_char(text[i]))
      ++i;
    const std::string_view unit_text = text.substr(unit_start, i - unit_start);
    if (unit_text.empty()) {
      return error(unit_start,
                   "missing unit after '" + std::string(number) + "' (" + std::string(kUnitList) + ")");
    }
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits)
      if (u.text == unit_text) unit = &u;
    if (unit == nullptr) {
      return error(unit_start,
                   "unknown unit '" + std::string(unit_text) + "' (" + std::string(kUnitList) + ")");
    }
    if (unit->rank >= last_rank) {
      return error(unit_start,
                   "'" + std::string(unit_text) + "' after '" + std::string(last_unit) +
                       "': write each unit once, from the largest to the smallest (e.g. \"1h30m\")");
    }
    if (fraction * unit->micros % scale != 0) return error(number_start, "more precise than a microsecond");
    total += whole * unit->micros + fraction * unit->micros / scale;
    if (total > kMax) return error(number_start, "too large a duration");
    last_rank = unit->rank;
    last_unit = unit_text;
    skip_spaces();
  }
  return Duration{static_cast<std::int64_t>(total)};
}

std::string format_duration(Duration d) {
  const std::int64_t us = d.count();
  if (us == 0) return "0s";
  if (us < 0) return "-" + format_duration(-d);
  static constexpr std::array<std::pair<std::string_view, std::int64_t>, 6> kOut = {{{"d", 86'400'000'000},
                                                                                     {"h", 3'600'000'000},
                                                                                     {"m", 60'000'000},
                                                                                     {"s", 1'000'000},
                                                                                     {"ms", 1'000},
                                                                                     {"us", 1}}};
  for (const auto& [name, micros] : kOut) {
    if (us % micros == 0) return std::to_string(us / micros) + std::string(name);
  }
  return std::to_string(us) + "us";
}

}  // namespace aiopid::config
