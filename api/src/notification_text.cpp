#include "aiopid/api/notification_text.hpp"

#include <chrono>
#include <cstdio>

namespace aiopid::api {
namespace {

std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string NotificationText::with_seq(std::uint64_t seq) const {
  std::string text;
  text.reserve(head.size() + 20 + tail.size());
  text += head;
  text += std::to_string(seq);
  text += tail;
  return text;
}

NotificationText notification_text(const Notification& n) {
  NotificationText text;
  text.head = R"({"jsonrpc":"2.0","method":"notify","params":{"seq":)";
  text.tail = R"(,"topic":)" + dump(Json(n.topic)) + R"(,"mono_us":)" + std::to_string(n.mono_us) +
              R"(,"time":")" + rfc3339_utc(n.wall_us) + R"(","data":)" + dump(n.data) + "}}";
  return text;
}

std::string dropped_text(std::uint64_t seq, std::uint64_t dropped) {
  return R"({"jsonrpc":"2.0","method":"notify","params":{"seq":)" + std::to_string(seq) +
         R"(,"topic":"dropped","data":{"dropped":)" + std::to_string(dropped) + "}}}";
}

std::string rfc3339_utc(std::int64_t wall_us) {
  using namespace std::chrono;
  const sys_time<microseconds> t{microseconds(wall_us)};
  const sys_days day = floor<days>(t);
  const year_month_day date{day};
  const hh_mm_ss<microseconds> time{t - day};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()), static_cast<long long>(time.subseconds().count()));
  return buffer;
}

}  // namespace aiopid::api
