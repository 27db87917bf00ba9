// The `linux` board: devices opened through the Linux backends (GPIO on libgpiod when it was built).
// Opening failures carry the backend's actionable message (missing chip, busy line, permissions).
#pragma once

#include <memory>

#include "aiopid/runtime/board.hpp"

namespace aiopid::runtime {

std::unique_ptr<Board> make_linux_board();

}  // namespace aiopid::runtime
