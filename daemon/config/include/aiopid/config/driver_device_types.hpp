// The device types of the drivers in drivers/ (pushbutton, switch, encoder, adc_trigger, keypad,
// switch_array, gps, htu21d, nec_ir, hd44780): their parameters, the events they raise (`on = "EVENT"` in an
// event table) and what `set` writes (hd44780: text). aiopid registers them next to the built-in types.
#pragma once

#include "aiopid/config/device_registry.hpp"

namespace aiopid::config {

void register_driver_device_types(DeviceTypeRegistry& registry);

/// Every type aiopid knows: the built-in ones and the drivers'.
DeviceTypeRegistry aiopid_device_registry();

}  // namespace aiopid::config
