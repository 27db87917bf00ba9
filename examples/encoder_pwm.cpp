// encoder_pwm: a rotary encoder sets a PWM duty (an LED's brightness, a motor's speed) in 5 % steps, from
// 0 % to 100 % and no further either way.
//
// Wiring (GPIO numbers; the same source runs on the Pico, the Raspberry Pi and the simulated board):
//   GPIO2, GPIO3  the encoder's A and B to ground through its contacts, C (common) to ground; the internal
//                 pull-ups hold them high (on the Pi these are also SDA1/SCL1 with 1.8 kohm pull-ups: fine
//                 for an encoder, as long as I2C is not in use)
//   GPIO18        the PWM output, 1 kHz (the Pico's slice 1 A; the Pi's PWM0 channel 0 with
//                 dtoverlay=pwm-2chan — the Pi has hardware PWM only on GPIO12/13/18/19)
//
// One detent of a common knob is four quadrature transitions (div = 4): one click, one 5 % step.
#include <cstdint>

#include "aiopi/aiopi.hpp"
#include "aiopi/board.hpp"
#include "aiopi/drivers/encoder.hpp"

namespace {

using namespace std::chrono_literals;
namespace board = aiopi::board;
namespace hal = aiopi::hal;

constexpr unsigned kEncoderA = 2, kEncoderB = 3;
constexpr unsigned kPwmGpio = 18;
constexpr auto kPwmPeriod = 1ms;
constexpr std::int64_t kSteps = 20;  // 100 % in steps of 5 %

/// The duty of `step` (0..kSteps) as a fraction of 65535.
constexpr std::uint16_t duty_of(std::int64_t step) {
  return static_cast<std::uint16_t>(step * 65535 / kSteps);
}

aiopi::Task<int> encoder_pwm() {
  constexpr hal::InputConfig kContact{.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_up};
  board::Input a(kEncoderA, kContact);
  board::Input b(kEncoderB, kContact);
  if (!a.ok() || !b.ok())
    co_return board::fail("encoder_pwm: the encoder's lines", a.ok() ? b.message() : a.message());
  board::Pwm pwm(kPwmGpio, kPwmPeriod);
  if (!pwm.ok()) co_return board::fail("encoder_pwm: the PWM output", pwm.message());

  aiopi::drivers::Encoder knob(a, b, {.v = 0, .div = 4, .vmin = 0, .vmax = kSteps, .delay_ms = 20});
  if (hal::IoResult<void> started = knob.start(); !started)
    co_return board::fail("encoder_pwm: the encoder", started.error().what);
  for (;;) {
    const std::int64_t step = co_await knob.next_value();
    if (!pwm.set_duty_u16(duty_of(step))) co_return board::fail("encoder_pwm: setting the duty");
  }
}

}  // namespace

int main() {
  return board::run(encoder_pwm());
}
