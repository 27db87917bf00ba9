#include "aiopid/config/log_level.hpp"

#include <array>
#include <string>

namespace aiopid::config {
namespace {
constexpr std::array<std::string_view, 7> kNames = {"trace", "debug",    "info", "warn",
                                                    "error", "critical", "off"};
}  // namespace

std::string_view to_string(LogLevel level) noexcept {
  return kNames[static_cast<std::size_t>(level)];
}

std::optional<LogLevel> parse_log_level(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == text) return static_cast<LogLevel>(i);
  return std::nullopt;
}

const std::vector<std::string>& log_level_names() {
  static const std::vector<std::string> names(kNames.begin(), kNames.end());
  return names;
}

}  // namespace aiopid::config
