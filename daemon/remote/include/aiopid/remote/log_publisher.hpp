// The daemon's log as notifications: an spdlog sink that publishes every message it is given as `log.LEVEL`
// (`data: {logger, message}`); which levels a client receives is its subscription's `level`. Any thread may
// log; publish() only posts, so a slow client never slows logging.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include <spdlog/sinks/base_sink.h>

#include "aiopid/api/notification.hpp"

namespace aiopid::remote {

class LogPublisher final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void set_sink(api::NotificationSink* to) noexcept { sink_.store(to, std::memory_order_release); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  std::atomic<api::NotificationSink*> sink_{nullptr};
};

/// The topic's last segment for a level: "trace", "debug", "info", "warn", "error", "critical".
const char* log_topic_level(spdlog::level::level_enum level) noexcept;

}  // namespace aiopid::remote
