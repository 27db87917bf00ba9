// The text of a `notify` message as one connection sends it (its own seq), and of the "dropped" report a slow
// client gets before its next notification (docs/design/remote-api.md, "Notifications").
#pragma once

#include <cstdint>
#include <string>

#include "aiopid/api/notification.hpp"

namespace aiopid::api::detail {

[[nodiscard]] std::string notification_text(const Notification& n, std::uint64_t seq);
[[nodiscard]] std::string dropped_text(std::uint64_t seq, std::uint64_t dropped);

}  // namespace aiopid::api::detail
