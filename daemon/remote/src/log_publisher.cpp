#include "aiopid/remote/log_publisher.hpp"

#include <chrono>
#include <string>

namespace aiopid::remote {

const char* log_topic_level(spdlog::level::level_enum level) noexcept {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "info";
  }
}

void LogPublisher::sink_it_(const spdlog::details::log_msg& msg) {
  api::NotificationSink* target = sink_.load(std::memory_order_acquire);
  if (target == nullptr || msg.level == spdlog::level::off) return;
  api::Notification n;
  n.topic = std::string("log.") + log_topic_level(msg.level);
  n.data = api::Json{{"logger", std::string(msg.logger_name.data(), msg.logger_name.size())},
                     {"message", std::string(msg.payload.data(), msg.payload.size())}};
  const auto wall =
      std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
  timespec mono{};
  ::clock_gettime(CLOCK_MONOTONIC, &mono);
  timespec real{};
  ::clock_gettime(CLOCK_REALTIME, &real);
  const std::int64_t mono_now = static_cast<std::int64_t>(mono.tv_sec) * 1'000'000 + mono.tv_nsec / 1000;
  const std::int64_t wall_now = static_cast<std::int64_t>(real.tv_sec) * 1'000'000 + real.tv_nsec / 1000;
  n.wall_us = static_cast<std::int64_t>(wall);
  n.mono_us = mono_now - (wall_now - n.wall_us);
  target->publish(std::move(n));
}

}  // namespace aiopid::remote
