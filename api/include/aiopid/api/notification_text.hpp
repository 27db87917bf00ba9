// The wire text of notifications (docs/design/remote-api.md, "Notifications"):
//   {"jsonrpc":"2.0","method":"notify","params":{"seq":42,"topic":"device.door.edge","mono_us":123456789,
//    "time":"2026-12-06T10:15:02.123456Z","data":{"level":true}}}
// `seq` differs per connection, so a notification is serialised once, around its seq: each connection's text
// is head + seq + tail.
#pragma once

#include <cstdint>
#include <string>

#include "aiopid/api/notification.hpp"

namespace aiopid::api {

struct NotificationText {
  std::string head;  ///< `{"jsonrpc":"2.0","method":"notify","params":{"seq":`
  std::string tail;  ///< `,"topic":…,"mono_us":…,"time":…,"data":…}}`
  [[nodiscard]] std::string with_seq(std::uint64_t seq) const;
};

/// Serialises `n` once (invalid UTF-8 in strings is replaced by U+FFFD rather than failing).
[[nodiscard]] NotificationText notification_text(const Notification& n);

/// The notification that tells a client `dropped` notifications were dropped before this one (it takes a
/// seq of its own):
/// {"jsonrpc":"2.0","method":"notify","params":{"seq":N,"topic":"dropped","data":{"dropped":17}}}
[[nodiscard]] std::string dropped_text(std::uint64_t seq, std::uint64_t dropped);

/// RFC 3339 UTC with microseconds: "2026-12-06T10:15:02.123456Z" (`wall_us`: microseconds since the epoch).
[[nodiscard]] std::string rfc3339_utc(std::int64_t wall_us);

}  // namespace aiopid::api
