// Log levels as the config names them (spdlog's levels).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace aiopid::config {

enum class LogLevel : std::uint8_t { trace, debug, info, warn, error, critical, off };

std::string_view to_string(LogLevel level) noexcept;
std::optional<LogLevel> parse_log_level(std::string_view text) noexcept;
/// "trace", "debug", ... in order.
const std::vector<std::string>& log_level_names();

}  // namespace aiopid::config
