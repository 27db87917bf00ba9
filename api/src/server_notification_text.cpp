#include "server_notification_text.hpp"

#include <cstdio>
#include <ctime>

namespace aiopid::api::detail {

namespace {

/// "2026-12-06T10:15:02.123456Z"
std::string utc_time(std::int64_t wall_us) {
  std::int64_t secs = wall_us / 1'000'000, micros = wall_us % 1'000'000;
  if (micros < 0) {
    micros += 1'000'000;
    --secs;
  }
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(micros));
  return buf;
}

}  // namespace

std::string notification_text(const Notification& n, std::uint64_t seq) {
  Json params = Json::object();
  params["seq"] = seq;
  params["topic"] = n.topic;
  params["mono_us"] = n.mono_us;
  params["time"] = utc_time(n.wall_us);
  params["data"] = n.data;
  Json message = Json::object();
  message["jsonrpc"] = "2.0";
  message["method"] = "notify";
  message["params"] = std::move(params);
  return message.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string dropped_text(std::uint64_t seq, std::uint64_t dropped) {
  Json message = Json::object();
  message["jsonrpc"] = "2.0";
  message["method"] = "notify";
  message["params"] = {{"seq", seq}, {"topic", "dropped"}, {"data", {{"dropped", dropped}}}};
  return message.dump();
}

}  // namespace aiopid::api::detail
