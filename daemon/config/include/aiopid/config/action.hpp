// One step of a task: the small action vocabulary a user writes in `actions = [...]`, validated and typed.
//
//   { set = "led", value = true }            { set = "fan", value = 0.4 }     { set = "dac", register =
//   "out", value = 7 } { toggle = "led" }                       { pulse = "led", duration = "200ms" } { sleep
//   = "500ms" } { set_event = "door" }   { clear_event = "door" } { wait_event = "door", timeout = "30s",
//   on_timeout = [ { log = "still open" } ] } { start = "report" }     { cancel = "blink" } { log = "button
//   pressed", level = "info" } { publish = "alarms", message = "door open" }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "aiopid/config/duration.hpp"
#include "aiopid/config/log_level.hpp"
#include "aiopid/config/source.hpp"

namespace aiopid::config {

enum class Verb : std::uint8_t {
  set,          ///< write `value` to a device output (or register)
  toggle,       ///< invert a boolean output
  pulse,        ///< boolean output active for `duration`, then inactive
  sleep,        ///< wait `duration`
  set_event,    ///< set an event (tasks started by it start)
  clear_event,  ///< clear an event
  wait_event,   ///< wait until an event is set; with `timeout`, run `on_timeout` if it is not
  start,        ///< start a task (no effect if it is already running)
  cancel,       ///< cancel a task's run in progress
  log,          ///< write `message` to the log at `level`
  publish,      ///< publish `message` on `topic` (API subscribers, later MQTT)
};

/// The key that names the verb in TOML ("set", "wait_event", ...).
std::string_view verb_name(Verb verb) noexcept;
/// Every verb in declaration order.
const std::vector<Verb>& all_verbs();

/// What `set` writes: a logical level, a duty cycle / number, or a register value.
using ActionValue = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

struct Action {
  Verb verb = Verb::sleep;
  Location where;
  /// The device (set, toggle, pulse), event (set_event, clear_event, wait_event), task (start, cancel) or
  /// topic (publish) the verb names; empty for sleep and log.
  std::string target;
  ActionValue value{};                ///< set
  std::string register_name;          ///< set on a register device
  std::int64_t row = 0;               ///< set on a text device: the first row the text's lines go to
  Duration duration{0};               ///< pulse, sleep
  std::optional<Duration> timeout{};  ///< wait_event
  std::vector<Action> on_timeout{};   ///< wait_event: run when the timeout expires, then the task goes on
  std::string message;                ///< log, publish
  LogLevel level = LogLevel::info;    ///< log
};

}  // namespace aiopid::config
