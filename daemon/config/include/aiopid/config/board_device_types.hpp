// Devices on a remote board (`board = "NAME"`, a Raspberry Pi Pico running aiopi-pico on the other end of a
// UART: docs/design/pico-tether.md). The device types the Pico runs (digital_out, digital_in, pwm, adc,
// pushbutton, htu21d) get a second parameter schema, DeviceType::board_params, with the keys of the tether
// protocol (`pin`, `channel`, `sda` / `scl`, `debounce_ms`, ...) instead of the Linux ones (`chip` / `line`,
// `bus`, ...), plus the few the daemon keeps for itself (`safe_state`, `duty`). The device table's `board`
// key selects it (TableSchema::alternate_key).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aiopid/config/device_type.hpp"
#include "aiopid/config/node.hpp"

namespace aiopid::config {

/// Fills `type.board_params` if the Pico runs that type (DeviceTypeRegistry::add calls it).
void add_board_params(DeviceType& type);

/// The GPIO pins (and the temperature sensor) a device on `board` holds: "pin 15 of board 'pico1'".
std::vector<ResourceClaim> board_device_claims(std::string_view board, const Node& params,
                                               const std::string& path);

/// Whether the daemon keeps `key` of a board device for itself rather than sending it in `devices.open`.
bool daemon_only_board_key(std::string_view key) noexcept;

/// The params of `devices.open` for a board device: its validated params without the daemon's own keys.
Node board_open_params(const Node& params);

}  // namespace aiopid::config
