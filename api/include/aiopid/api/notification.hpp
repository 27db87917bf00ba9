// A notification the daemon publishes (a device change, an event, a task's state, a schedule fire, a log
// line) and the sink it is published to. The sink is the API server: publish() is thread-safe and returns at
// once; the server numbers it per connection (seq) and fans it out to the matching subscriptions.
#pragma once

#include <cstdint>
#include <string>

#include "aiopid/api/json.hpp"

namespace aiopid::api {

struct Notification {
  std::string topic;     ///< KIND.NAME.WHAT, e.g. "device.door.edge"; "log.warn"
  Json data;             ///< topic-specific payload
  std::int64_t mono_us;  ///< CLOCK_MONOTONIC when it happened (the loop's clock on Linux), microseconds
  std::int64_t wall_us;  ///< CLOCK_REALTIME when it happened, microseconds since the Unix epoch (UTC)
};

class NotificationSink {
 public:
  virtual ~NotificationSink() = default;
  /// Thread-safe; never blocks on a client.
  virtual void publish(Notification n) = 0;
};

}  // namespace aiopid::api
