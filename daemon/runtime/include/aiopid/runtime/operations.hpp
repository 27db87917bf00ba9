// What the runtime's operations for the remote API give back: success, or why not (OpErrc + a message for a
// person), never an exception. The codes map one to one onto the API's application errors
// (docs/design/remote-api.md: -32004 not_found, -32005 conflict, -32006 unavailable, -32602 bad_value,
// -32007 reload_failed).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "aiopi/cron/time_zone.hpp"
#include "aiopi/time.hpp"

namespace aiopid::runtime {

enum class OpErrc : std::uint8_t {
  ok,
  not_found,      ///< no device / event / task / schedule of that name
  conflict,       ///< does not apply to it or not now: setting an input, starting a running task
  unavailable,    ///< the device is not open (the message has its open error), or the daemon is stopping
  bad_value,      ///< the value does not fit: a duty outside 0..1, a bool for a pwm, an unknown register
  reload_failed,  ///< the new configuration has errors (ReloadOutcome::errors)
};
const char* to_string(OpErrc code) noexcept;

struct OpResult {
  OpErrc code = OpErrc::ok;
  std::string message;  ///< why, when code != ok: "device porch is an input"
  explicit operator bool() const noexcept { return code == OpErrc::ok; }
  static OpResult fail(OpErrc code, std::string message) { return {code, std::move(message)}; }
};

/// A register write (set_device on an i2c_register_device): the raw value, range-checked by its width.
struct RegisterWrite {
  std::string register_name;
  std::int64_t value = 0;
};
/// Text for a character display (hd44780): its lines (split at '\n') go to the rows from `row` on.
struct TextWrite {
  std::int64_t row = 0;
  std::string text;
};
/// What set_device writes: a level (digital_out), a duty 0..1 (pwm), a register (i2c_register_device) or
/// text (hd44780).
using SetValue = std::variant<bool, double, RegisterWrite, TextWrite>;

/// One register as read: raw and times its scale.
struct RegisterReading {
  std::string name;
  std::int64_t raw = 0;
  double value = 0.0;
};
/// One named value of a driver device (a temperature, a latitude, a position) with its unit ("°C", "%RH",
/// "deg", "m", "km/h"; empty: none). monostate: not measured yet.
using ReadingValue = std::variant<std::monostate, bool, std::int64_t, double, std::string>;
struct Reading {
  std::string name;
  ReadingValue value{};
  std::string unit;
};

/// An event a driver device raised ("press", "double", "fix", "code"), with its data, and when it happened
/// on the loop's monotonic clock.
struct DriverEvent {
  std::string name;
  std::vector<Reading> data;
  aiopi::TimePoint at{};
};

/// A device's current reading: digital_in / digital_out a level, adc / pwm a number, uart_line_reader its
/// last line, i2c_register_device its registers (in name order), a driver device its named readings.
using DeviceReading =
    std::variant<bool, double, std::string, std::vector<RegisterReading>, std::vector<Reading>>;

struct ReadResult {
  OpResult status;
  DeviceReading reading{false};
};

/// The next fires of a schedule in its zone.
struct NextFires {
  OpResult status;
  std::vector<aiopi::cron::Instant> instants;  ///< UTC, whole seconds
  std::vector<std::string> local;              ///< the same, ISO 8601 with the zone's offset
};

/// What a reload did: applied (summary in the message) or refused (errors, one per line of the config's
/// diagnostics: FILE:LINE:COL: error: KEY.PATH: MESSAGE).
struct ReloadOutcome {
  OpResult status;
  int added = 0, changed = 0, removed = 0, kept = 0;
  std::vector<std::string> errors;
};

/// The daemon's figures for `daemon.info`.
struct DaemonInfo {
  aiopi::TimePoint started{};                            ///< the runtime's start on the loop's clock
  std::chrono::system_clock::time_point started_wall{};  ///< the same on the loop's wall clock
  aiopi::Duration uptime{0};
  /// How late the watchdog's last sleep woke (only while systemd's watchdog is on; nullopt otherwise).
  std::optional<aiopi::Duration> watchdog_lag;
  /// The largest such lag seen since the start.
  std::optional<aiopi::Duration> watchdog_lag_max;
  bool profiling = false;  ///< whether task runs are measured (Runtime::set_profiling)
};

}  // namespace aiopid::runtime
