// The device types every board offers: digital_in, digital_out, pwm, adc, i2c_register_device and
// uart_line_reader. Their keys are documented in docs/daemon.md (generated from these schemas).
#pragma once

#include "aiopid/config/device_registry.hpp"

namespace aiopid::config {

void register_builtin_device_types(DeviceTypeRegistry& registry);

/// A registry holding the built-in types only (what aiopid uses until drivers register theirs).
DeviceTypeRegistry builtin_device_registry();

}  // namespace aiopid::config
