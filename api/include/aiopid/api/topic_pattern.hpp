// Subscription patterns over notification topics (docs/design/remote-api.md, "Notifications"). A topic is
// `KIND.NAME.WHAT` ("device.door.edge", "log.warn"); a pattern is a glob over its dot-separated segments:
// `*` matches any run of characters within one segment, a whole segment `**` matches any number of segments
// (none included). A pattern also matches the topic with its first segment (the kind) removed, so `door.*`
// matches both `device.door.edge` and `event.door.set`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace aiopid::api {

/// Limits of one pattern (a client cannot make matching expensive).
inline constexpr std::size_t kMaxPatternLength = 256;
inline constexpr std::size_t kMaxPatternSegments = 16;

/// Why `pattern` is not a valid pattern, or nullopt when it is. Valid: 1 to kMaxPatternLength characters,
/// non-empty segments made of letters, digits, `_`, `-` and `*`; `**` only as a whole segment and never
/// twice in a row.
[[nodiscard]] std::optional<std::string> topic_pattern_error(std::string_view pattern);

/// Whether `topic` is matched by the (valid) `pattern`, directly or with the topic's kind removed.
/// Allocation-free.
[[nodiscard]] bool topic_matches(std::string_view pattern, std::string_view topic) noexcept;

/// Log levels as topics name them (`log.LEVEL`): trace 0, debug 1, info 2, warn 3, error 4, critical 5.
[[nodiscard]] std::optional<int> log_level_from_name(std::string_view name) noexcept;
[[nodiscard]] std::string_view log_level_name(int level) noexcept;
/// For a `log.LEVEL` topic, its level; nullopt for any other topic (or an unknown level).
[[nodiscard]] std::optional<int> log_level_of_topic(std::string_view topic) noexcept;

}  // namespace aiopid::api
