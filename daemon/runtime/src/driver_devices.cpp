// The driver device types wired onto a board: each driver_<name>.cpp owns the HAL objects the board made and
// the driver of drivers/ on them, turns the driver's observer reports into the sink's events and readings
// (with units), and, on the sim board, runs the stimulus that makes the demo work without hardware. A driver
// that drivers/ does not declare (AIOPID_DRIVER_<NAME>, daemon/runtime/CMakeLists.txt) is not wired.
#include <string>

#include "driver_support.hpp"

namespace aiopid::runtime {

bool is_driver_type(std::string_view type) {
  return type == "htu21d" || type == "pushbutton" || type == "gps" || type == "encoder" || type == "nec_ir" ||
         type == "switch" || type == "adc_trigger" || type == "keypad" || type == "switch_array" ||
         type == "hd44780";
}

Opened<DriverDevice> open_driver_device(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                        DriverSink& sink) {
  using namespace driver_support;
  const std::string_view type = device.type ? std::string_view(device.type->name) : std::string_view();
#if AIOPID_DRIVER_HTU21D
  if (type == "htu21d") return open_htu21d(loop, board, device, sink);
#endif
#if AIOPID_DRIVER_PUSHBUTTON
  if (type == "pushbutton") return open_pushbutton(loop, board, device, sink);
#endif
#if AIOPID_DRIVER_GPS
  if (type == "gps") return open_gps(loop, board, device, sink);
#endif
#if AIOPID_DRIVER_ENCODER
  if (type == "encoder") return open_encoder(loop, board, device, sink);
#endif
#if AIOPID_DRIVER_NEC_IR
  if (type == "nec_ir") return open_nec_ir(loop, board, device, sink);
#endif
#if AIOPID_DRIVER_SWITCH
  if (type == "switch") return open_switch(loop, board, device, sink);
#endif
#if AIOPID_DRIVER_AADC
  if (type == "adc_trigger") return open_aadc(loop, board, device, sink);
#endif
#if AIOPID_DRIVER_KEYBOARD
  if (type == "keypad") return open_keyboard(loop, board, device, sink);
#endif
#if AIOPID_DRIVER_SW_ARRAY
  if (type == "switch_array") return open_sw_array(loop, board, device, sink);
#endif
#if AIOPID_DRIVER_HD44780
  if (type == "hd44780") return open_hd44780(loop, board, device, sink);
#endif
  (void)loop;
  (void)board;
  (void)sink;
  return {nullptr,
          "device type '" + std::string(type) + "' is not wired to a board yet (its driver is missing)"};
}

}  // namespace aiopid::runtime
