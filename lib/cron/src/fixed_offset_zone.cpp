#include "aiopi/cron/fixed_offset_zone.hpp"

namespace aiopi::cron {
namespace {

constinit const FixedOffsetZone kUtc{};

constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

}  // namespace

const FixedOffsetZone& utc_zone() noexcept {
  return kUtc;
}

std::optional<std::chrono::seconds> parse_utc_offset(std::string_view text) noexcept {
  if (text == "Z" || text == "z" || text == "UTC" || text == "utc" || text == "GMT")
    return std::chrono::seconds{0};
  if (text.starts_with("UTC") || text.starts_with("utc") || text.starts_with("GMT")) text.remove_prefix(3);
  if (text.size() < 2 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  const bool negative = text[0] == '-';
  text.remove_prefix(1);

  // Hours: one or two digits, then optionally ":MM" or "MM".
  std::size_t i = 0;
  int hours = 0;
  while (i < text.size() && i < 2 && is_digit(text[i]))
    hours = hours * 10 + (text[i++] - '0');
  if (i == 0) return std::nullopt;
  int minutes = 0;
  if (i < text.size()) {
    if (text[i] == ':') ++i;
    if (text.size() - i != 2 || !is_digit(text[i]) || !is_digit(text[i + 1])) return std::nullopt;
    minutes = (text[i] - '0') * 10 + (text[i + 1] - '0');
    if (minutes > 59) return std::nullopt;
  }
  const std::chrono::seconds offset{(hours * 3600 + minutes * 60) * (negative ? -1 : 1)};
  if (offset > FixedOffsetZone::kMaxOffset || offset < -FixedOffsetZone::kMaxOffset) return std::nullopt;
  return offset;
}

}  // namespace aiopi::cron
