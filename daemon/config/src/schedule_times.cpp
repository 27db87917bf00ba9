#include "aiopid/config/schedule_times.hpp"

#include <algorithm>
#include <set>

namespace aiopid::config {

TimeOfDay time_of_day_value(const Node& value) {
  if (value.is(Node::Kind::time_of_day)) return value.as_time();
  const auto t = parse_time_of_day(value.as_string());
  return t ? *t : TimeOfDay{};
}

namespace {

std::string list(const std::set<int>& values) {
  std::string out;
  for (const int v : values) {
    if (!out.empty()) out += ',';
    out += std::to_string(v);
  }
  return out;
}

}  // namespace

Parsed<std::string> schedule_times_to_keyvalue(const std::vector<TimeOfDay>& times, std::string_view days) {
  std::set<int> hours, minutes, seconds;
  std::set<TimeOfDay> distinct(times.begin(), times.end());
  for (const TimeOfDay& t : distinct) {
    hours.insert(t.hour);
    minutes.insert(t.minute);
    seconds.insert(t.second);
  }
  if (distinct.empty()) return TextError{0, "needs at least one time"};
  if (hours.size() * minutes.size() * seconds.size() != distinct.size()) {
    return TextError{0,
                     "these times are not one calendar spec (every hour listed with every minute listed); "
                     "write one schedule per time, or a cron string"};
  }
  std::string text = "secs=" + list(seconds) + " mins=" + list(minutes) + " hrs=" + list(hours);
  if (!days.empty()) {
    text += " wday=";
    text += days;
  }
  return text;
}

std::size_t days_offset_in_keyvalue(const std::string& keyvalue) {
  const std::size_t at = keyvalue.find(" wday=");
  return at == std::string::npos ? keyvalue.size() : at + 6;
}

}  // namespace aiopid::config
