#include "aiopid/config/time_of_day.hpp"

#include <cstdio>
#include <optional>
#include <string>

namespace aiopid::config {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

Parsed<TimeOfDay> parse_time_of_day(std::string_view text) {
  const std::size_t n = text.size();
  if (n == 0) return TextError{0, "empty time; write HH:MM or HH:MM:SS, e.g. \"07:30\""};
  std::size_t i = 0;
  TimeOfDay t;
  // Hour: one or two digits.
  if (!is_digit(text[i])) return TextError{i, "expected an hour (0-23)"};
  t.hour = text[i++] - '0';
  if (i < n && is_digit(text[i])) t.hour = t.hour * 10 + (text[i++] - '0');
  if (t.hour > 23) return TextError{0, "hour " + std::to_string(t.hour) + " is not 0-23"};
  if (i == n || text[i] != ':') return TextError{i, "expected ':' after the hour (HH:MM)"};
  ++i;
  // Minutes, then optional seconds: exactly two digits each.
  const auto two_digits = [&](int& out, const char* what) -> std::optional<TextError> {
    const std::size_t start = i;
    if (i + 1 >= n || !is_digit(text[i]) || !is_digit(text[i + 1])) {
      return TextError{start, std::string("expected two-digit ") + what + " (00-59)"};
    }
    out = (text[i] - '0') * 10 + (text[i + 1] - '0');
    i += 2;
    if (out > 59) return TextError{start, std::string(what) + " " + std::to_string(out) + " is not 00-59"};
    return std::nullopt;
  };
  if (auto e = two_digits(t.minute, "minutes")) return *e;
  if (i < n && text[i] == ':') {
    ++i;
    if (auto e = two_digits(t.second, "seconds")) return *e;
  }
  if (i < n)
    return TextError{i,
                     "unexpected '" + std::string(text.substr(i)) + "' after the time (24-hour HH:MM[:SS])"};
  return t;
}

std::string format_time_of_day(TimeOfDay t) {
  char buf[16];
  if (t.second == 0) {
    std::snprintf(buf, sizeof buf, "%02d:%02d", t.hour, t.minute);
  } else {
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", t.hour, t.minute, t.second);
  }
  return buf;
}

}  // namespace aiopid::config
