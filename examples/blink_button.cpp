// blink_button: an LED blinks; a button changes how.
//
//   click         the next blink rate: 1 Hz, 2 Hz, 4 Hz, then 1 Hz again
//   long press    stops blinking (the LED goes off)
//   double click  stops blinking, or starts it again
//
// Wiring (GPIO numbers; the same source runs on the Pico, the Raspberry Pi and the simulated board):
//   GPIO25  LED (on the Pico: its own LED), to ground through ~330 ohm on the Pi
//   GPIO14  push button to ground (the internal pull-up holds it high)
//
// The button is a drivers::Pushbutton in suppress mode, so a click is its release that was neither part of
// a double click nor the end of a long press (it is reported once the double-click window has passed).
#include "aiopi/aiopi.hpp"
#include "aiopi/board.hpp"
#include "aiopi/drivers/pushbutton.hpp"

namespace {

using namespace std::chrono_literals;
namespace board = aiopi::board;
namespace hal = aiopi::hal;

constexpr unsigned kLedGpio = 25;
constexpr unsigned kButtonGpio = 14;
/// Half a blink period per rate (the LED toggles this often): 1 Hz, 2 Hz, 4 Hz.
constexpr aiopi::Duration kHalfPeriods[] = {500ms, 250ms, 125ms};
constexpr unsigned kRates = sizeof(kHalfPeriods) / sizeof(kHalfPeriods[0]);

struct Blink {
  unsigned rate = 0;
  bool running = true;
};

void next_rate(Blink& blink) {
  blink.rate = (blink.rate + 1) % kRates;
}
void stop(Blink& blink) {
  blink.running = false;
}
void start_or_stop(Blink& blink) {
  blink.running = !blink.running;
}

aiopi::Task<> blinker(board::Output& led, Blink& blink) {
  for (;;) {
    (void)(blink.running ? led.toggle() : led.set(false));
    co_await aiopi::sleep(kHalfPeriods[blink.rate]);
  }
}

aiopi::Task<int> blink_button() {
  board::Output led(kLedGpio);
  if (!led.ok()) co_return board::fail("blink_button: the LED line", led.message());
  board::Input pin(kButtonGpio, {.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_up});
  if (!pin.ok()) co_return board::fail("blink_button: the button line", pin.message());

  Blink blink;
  aiopi::drivers::Pushbutton button(pin, {.suppress = true});
  button.release_func(next_rate, std::ref(blink));
  button.long_func(stop, std::ref(blink));
  button.double_func(start_or_stop, std::ref(blink));
  co_await blinker(led, blink);
  co_return 0;
}

}  // namespace

int main() {
  return board::run(blink_button());
}
