// The `switch_array` device type: the SwArray driver as a MatrixDevice (matrix_device.hpp), with its event
// selection (`events`, `suppress`). On the sim board, `sim_key_every` puts a simulated matrix behind the
// lines (sim_key_matrix.hpp) and presses `sim_key`.
#include <cstdint>
#include <string>

#include "aiopi/drivers/sw_array.hpp"
#include "matrix_device.hpp"

namespace aiopid::runtime::driver_support {

Opened<DriverDevice> open_sw_array(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                   DriverSink& sink) {
  const Node& p = device.params;
  aiopi::drivers::SwArrayConfig config;
  config.debounce_ms = ms_of(p, "debounce", 50);
  config.long_press_ms = ms_of(p, "long_press", 1000);
  config.double_click_ms = ms_of(p, "double_click", 400);
  std::uint8_t cfg = 0;
  if (const Node* events = p.find("events")) {
    for (const Node& e : events->items()) {
      const std::string& name = e.as_string();
      cfg |= name == "close"  ? aiopi::drivers::SwArray::CLOSE
             : name == "open" ? aiopi::drivers::SwArray::OPEN
             : name == "long" ? aiopi::drivers::SwArray::LONG
                              : aiopi::drivers::SwArray::DOUBLE;
    }
  }
  if (cfg == 0) cfg = aiopi::drivers::SwArray::CLOSE | aiopi::drivers::SwArray::OPEN;
  if (p.get_bool("suppress", false)) cfg |= aiopi::drivers::SwArray::SUPPRESS;
  config.cfg = cfg;
  return open_matrix_device<aiopi::drivers::SwArray, aiopi::drivers::SwArrayReport>(loop, board, device,
                                                                                    config, sink);
}

}  // namespace aiopid::runtime::driver_support
