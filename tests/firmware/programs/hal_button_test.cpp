// drivers::Pushbutton on an rp2040::GpioInput in the emulator (tests/firmware/hal_button.test.mjs): GP14,
// active low with the pull-up (a button to ground); every event the observer sees is printed with its
// timestamp: "button EVENT T_US PRESSED". Ends after 5 s.
#include "aiopi/aiopi.hpp"
#include "aiopi/drivers/pushbutton.hpp"
#include "aiopi/rp2040/console.hpp"
#include "aiopi/rp2040/gpio.hpp"

namespace rp = aiopi::rp2040;
namespace hal = aiopi::hal;
namespace drv = aiopi::drivers;

namespace {

aiopi::Task<int> button_test() {
  rp::GpioInput pin(aiopi::Loop::running(), 14,
                    {.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_up, .active_low = true});
  drv::Pushbutton button(pin);
  button.set_observer([](const drv::ButtonReport& r) {
    rp::console_write("button ");
    rp::console_write(drv::to_string(r.event));
    rp::console_write(" ");
    rp::console_write_u32(static_cast<std::uint32_t>(r.t_us));
    rp::console_write(r.pressed ? " 1\r\n" : " 0\r\n");
  });
  rp::console_write("button ready\r\n");
  co_await aiopi::sleep_ms(5000);
  co_return 0;
}

}  // namespace

int main() {
  return aiopi::run(button_test());
}
