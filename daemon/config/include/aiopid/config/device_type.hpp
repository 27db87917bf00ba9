// A device type: what a `[devices.NAME]` table with `type = "..."` accepts and what it can do. Each type
// brings its own parameter schema, the conditions under which it raises events, what the `set` / `toggle` /
// `pulse` actions do to it, and the board resources it holds exclusively (so that two devices on one GPIO
// line are refused). The built-in types are in builtin_device_types.hpp; drivers add theirs to the same
// registry (device_registry.hpp) without any change to the loader.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aiopid/config/node.hpp"
#include "aiopid/config/schema.hpp"

namespace aiopid::config {

/// What `set` writes to a device.
enum class OutputKind : std::uint8_t {
  none,            ///< not an output: `set` is refused
  boolean,         ///< `value = true | false` (a logical level: active / inactive)
  level,           ///< `value = 0.0 .. 1.0` (a PWM duty cycle)
  register_value,  ///< `register = "NAME", value = INTEGER` (a writable register of the device)
  text,            ///< `value = "TEXT"`, optionally `row = N` (a character display's rows)
};

/// A board resource a device holds alone (a GPIO line, a PWM channel, an I2C address, a serial port).
struct ResourceClaim {
  std::string resource;  ///< canonical key; equal keys conflict, e.g. "gpio|gpiochip0|17"
  std::string what;      ///< for messages: "line 17 of GPIO chip 'gpiochip0'"
  Location where;        ///< the value that makes the claim
  std::string path;
};

class Validator;

struct DeviceType {
  std::string name;  ///< the `type` value, e.g. "digital_out"
  std::string doc;
  /// The device table's keys besides `type` and `description`.
  TableSchema params;
  /// The device table's keys besides `type`, `description` and `board` when the device is on a remote board
  /// (`board = "NAME"`, a Pico: board_device_types.hpp); no fields = the type cannot be on one.
  TableSchema board_params;
  /// Event conditions: variants chosen by the key present in the event table (e.g. `edge`, `above`);
  /// no variants = the device raises no events.
  TableSchema conditions;
  OutputKind output = OutputKind::none;
  /// `toggle` and `pulse` apply (a boolean output).
  bool pulsable = false;

  /// The resources the validated `params` hold (none if unset).
  std::function<std::vector<ResourceClaim>(const Node& params, const std::string& path)> claims{};
  /// Checks an event's condition (already valid by `conditions`) against the device's validated params,
  /// e.g. an edge the input is not set up to detect.
  std::function<void(std::string_view device, const Node& params, const Node& condition,
                     const std::string& path, Validator& v)>
      check_condition{};
  /// Checks a `set` action aimed at this device beyond what `output` says (register devices: the register
  /// exists, is writable and the value fits).
  std::function<void(std::string_view device, const Node& params, const Node& action, const std::string& path,
                     Validator& v)>
      check_set{};

  /// Storage for the schemas `params` and `conditions` point to (variants, nested tables).
  std::vector<std::unique_ptr<TableSchema>> owned{};
  TableSchema& own(TableSchema schema);
};

}  // namespace aiopid::config
