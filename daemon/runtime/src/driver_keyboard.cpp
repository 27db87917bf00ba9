// The `keypad` device type: the Keyboard driver as a MatrixDevice (matrix_device.hpp). On the sim board,
// `sim_key_every` puts a simulated matrix behind the lines (sim_key_matrix.hpp) and presses `sim_key`.
#include "aiopi/drivers/keyboard.hpp"
#include "matrix_device.hpp"

namespace aiopid::runtime::driver_support {

Opened<DriverDevice> open_keyboard(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                   DriverSink& sink) {
  aiopi::drivers::KeyboardConfig config;
  config.db_delay = ms_of(device.params, "debounce", 50);
  return open_matrix_device<aiopi::drivers::Keyboard, aiopi::drivers::KeyboardReport>(loop, board, device,
                                                                                      config, sink);
}

}  // namespace aiopid::runtime::driver_support
