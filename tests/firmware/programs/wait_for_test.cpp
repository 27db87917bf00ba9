// wait_for_scenario.hpp on the RP2040: its lines go to UART0 (each "\n" as "\r\n").
#include "aiopi/rp2040/console.hpp"
#include "wait_for_scenario.hpp"

namespace {
void uart_out(std::string_view text) {
  for (char c : text) {
    if (c == '\n') {
      aiopi::rp2040::console_write("\r\n");
    } else {
      aiopi::rp2040::console_write(std::string_view(&c, 1));
    }
  }
}
}  // namespace

int main() {
  return aiopi::run(wait_for_scenario::run(uart_out));
}
