// The board facade on the Pico (include/aiopi/board.hpp): what is not inline.
#include "aiopi/board.hpp"

#include "aiopi/rp2040/console.hpp"

namespace aiopi::board {

int fail(const char* what, const char* message) {
  rp2040::console_write(what);
  if (*message != '\0') {
    rp2040::console_write(": ");
    rp2040::console_write(message);
  }
  rp2040::console_write("\r\n");
  rp2040::console_flush();
  return 1;
}

}  // namespace aiopi::board
