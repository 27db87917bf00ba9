// Internal: the value syntax shared by both text forms — `*`, `n`, `a-b`, `*/s`, `a-b/s`, `a/s`, lists.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aiopi/cron/result.hpp"

namespace aiopi::cron::detail {

enum class Names : std::uint8_t {
  kNone,
  kMonth,        // jan=1 .. dec=12
  kWeekdayCron,  // sun=0, mon=1 .. sat=6; "sun" ending a range means 7
  kWeekdaySeed,  // mon=0 .. sun=6
};

struct FieldDef {
  std::string_view name;  // as reported in errors: "secs", "mins", ...
  int lo;                 // smallest accepted number
  int hi;                 // largest accepted number
  int star_hi;            // where `*` (and `a/s`) ends: hi, except 6 for the cron weekday (7 repeats 0)
  Names names;
  bool question_mark;              // `?` means `*` (cron day fields)
  std::string_view range_message;  // e.g. "value out of range 0-59"
};

struct FieldValue {
  std::uint64_t bits;  // bit v = value v (in the field's own numbering)
  bool wildcard;       // the text contained `*` or `?`
};

/// Parses one field's text; `base` is the offset of `text` in the whole input (for error offsets).
Result<FieldValue> parse_field(std::string_view text, std::size_t base, const FieldDef& def) noexcept;

/// Cron weekday bits (0..7, 0 and 7 = Sunday) -> aiopi weekday bits (0 = Monday .. 6 = Sunday).
constexpr std::uint64_t cron_weekdays_to_seed(std::uint64_t cron_bits) noexcept {
  const std::uint64_t sunday = (cron_bits & 1U) | ((cron_bits >> 7) & 1U);
  return ((cron_bits >> 1) & 0x3FU) | (sunday << 6);
}

constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
constexpr char to_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Case-insensitive comparison.
constexpr bool equals_folded(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

}  // namespace aiopi::cron::detail
