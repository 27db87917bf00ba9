// The parameters and claims device types share (builtin_device_types.cpp defines them): a GPIO line given by
// chip and line, an I2C bus and address, a serial port, `above` / `below` thresholds. The driver device types
// (driver_device_types.hpp) declare their pins, buses and ports with the same keys and messages.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aiopid/config/device_type.hpp"

namespace aiopid::config {

/// "0x40".
std::string hex(std::int64_t v);

/// `chip`: a GPIO chip by label, name or path.
Field chip_field();
/// `line`: a line offset or name (the field's key can be renamed for devices with several lines).
Field line_field();
/// `bias`: as_is, off, pull_up, pull_down.
Field bias_field(const char* default_bias);
/// `active_low`: logical levels.
Field active_low_field();
/// A line given by offset needs its chip.
void check_chip_for_offset(const Node& table, const std::string& path, Validator& v);
/// The GPIO line of `line` (chip + offset, or the line name).
std::vector<ResourceClaim> gpio_line_claim(const Node& params, const std::string& path);

/// `bus`: an I2C bus number or adapter name.
Field i2c_bus_field();
/// The address `address` on the bus `bus`.
std::vector<ResourceClaim> i2c_address_claim(const Node& params, const std::string& path);

/// `port`, `baud`, `data_bits`, `parity`, `stop_bits`, `flow`.
std::vector<Field> uart_port_fields();
/// The serial port `port`.
std::vector<ResourceClaim> serial_port_claim(const Node& params, const std::string& path);

/// `above` / `below` conditions with `hysteresis`, with extra fields (a register, a reading).
void add_threshold_conditions(DeviceType& t, const std::vector<Field>& extra, const char* value_doc);

}  // namespace aiopid::config
