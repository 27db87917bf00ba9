// The `sim` board: every device is made on the simulated board's HAL (SimDigitalInput / SimDigitalOutput),
// running on the real-time Linux loop, so the daemon runs anywhere. Inputs can be pressed by the runtime
// (`sim_press_every`).
#pragma once

#include <memory>

#include "aiopid/runtime/board.hpp"

namespace aiopid::runtime {

std::unique_ptr<Board> make_sim_board();

}  // namespace aiopid::runtime
