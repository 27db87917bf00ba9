#pragma once
// What aiopid remembers across restarts, and its file format.
//
// The file is text, one record per line, with a version header and a closing checksum line, so a truncated or
// damaged file is always recognised (a cut anywhere loses or breaks the `end` line):
//
//   aiopid-state 1
//   schedule <name> <unix seconds of the last fire>
//   output <name> on|off|<number>
//   event <name> set|clear
//   end <record count> <CRC-32 of every byte before this line, 8 hex digits>
//
// Names are written with %XX escapes for '%', spaces, control characters and DEL, so any name round-trips.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace aiopid::state {

/// A retained output value: a digital level or a number (PWM duty, an analogue setting...).
using OutputValue = std::variant<bool, double>;

struct State {
  /// Per schedule, the instant it last fired (cron::ScheduleState::last_fire; give it back as
  /// cron::ScheduleOptions::last_fired so the missed-fire policy sees what was missed while stopped).
  std::map<std::string, std::chrono::sys_seconds> schedule_last_fire;
  /// Per output device with retained values, the value it had.
  std::map<std::string, OutputValue> outputs;
  /// Per event declared persistent, whether it was set.
  std::map<std::string, bool> events;

  bool operator==(const State&) const = default;
};

inline constexpr int kFormatVersion = 1;

/// The file's text for `state`.
std::string serialize(const State& state);

/// Either a state or why the text is not one (`line` is 1-based, 0 = the file as a whole).
struct ParseResult {
  std::optional<State> state;
  std::string error;
  std::size_t line = 0;
};
ParseResult parse(std::string_view text);

/// CRC-32 (IEEE 802.3, the zlib one).
std::uint32_t crc32(std::string_view bytes) noexcept;

}  // namespace aiopid::state
