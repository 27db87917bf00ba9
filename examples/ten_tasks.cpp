// ten_tasks: the size yardstick of issue 13 ("a 10-task, 3-driver program: <= 64 KB flash, <= 32 KB RAM") —
// a small but complete controller: a heartbeat LED, a button that switches the output on and off, a knob
// that sets a PWM duty, an HTU21D read every 2 s, and a status line on the UART.
//
// Its ten tasks: main; the heartbeat; the uptime counter; the button's events; the knob's follower; the
// status logger; and the drivers' own — Pushbutton's debouncer, Encoder's two line readers, HTU21D's
// measurement cycle.
//
// Wiring (GPIO numbers; the same source runs on the Pico, the Raspberry Pi and the simulated board):
//   GPIO25 LED; GPIO20 button to ground; GPIO21 / GPIO22 encoder A / B (C to ground); GPIO18 PWM out;
//   I2C0 SDA GP4 / SCL GP5 (the Pi: GPIO2 / GPIO3, /dev/i2c-1); UART0 TX GP0 / RX GP1 (the Pi: /dev/serial0)
#include <cstdint>
#include <string_view>

#include "aiopi/aiopi.hpp"
#include "aiopi/board.hpp"
#include "aiopi/drivers/encoder.hpp"
#include "aiopi/drivers/htu21d.hpp"
#include "aiopi/drivers/pushbutton.hpp"

namespace {

using namespace std::chrono_literals;
namespace board = aiopi::board;
namespace drivers = aiopi::drivers;
namespace hal = aiopi::hal;

constexpr std::int64_t kSteps = 20;  // the knob: 0..100 % in 5 % steps

struct State {
  bool output_on = true;
  std::int64_t step = 10;
  std::uint32_t uptime_s = 0;
  std::uint32_t clicks = 0;
};

/// Appends decimal text (no printf: it would cost the Pico ~10 KB of flash).
struct Text {
  char buf[96];
  std::size_t n = 0;
  Text& operator<<(std::string_view s) {
    for (char c : s)
      if (n < sizeof(buf)) buf[n++] = c;
    return *this;
  }
  Text& operator<<(std::int32_t v) {
    if (v < 0) {
      *this << "-";
      v = -v;
    }
    char d[12];
    int k = 0;
    do {
      d[k++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (k > 0)
      *this << std::string_view(&d[--k], 1);
    return *this;
  }
  Text& tenths(float v) {
    const auto t = static_cast<std::int32_t>(v * 10.0f + (v < 0 ? -0.5f : 0.5f));
    if (t < 0 && t > -10) *this << "-";
    *this << t / 10 << ".";
    return *this << (t < 0 ? -t : t) % 10;
  }
};

aiopi::Task<> heartbeat(board::Output& led) {
  for (;;) {
    (void)led.toggle();
    co_await aiopi::sleep(500ms);
  }
}

aiopi::Task<> uptime(State& s) {
  for (;;) {
    co_await aiopi::sleep(1s);
    ++s.uptime_s;
  }
}

void apply(board::Pwm& pwm, const State& s) {
  (void)pwm.set_duty_u16(s.output_on ? static_cast<std::uint16_t>(s.step * 65535 / kSteps) : 0);
}

// Each task owns the devices only it uses, so no coroutine frame grows beyond the Pico's frame pool's largest
// block (8 KB): an input's edge ring is ~1 KB, the encoder's staging rings 2 KB, the UART's rings 512 bytes.

aiopi::Task<> button_events(board::Pwm& pwm, State& s) {
  board::Input pin(20, {.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_up});
  if (!pin.ok()) co_return (void) board::fail("ten_tasks: the button", pin.message());
  drivers::Pushbutton button(pin);  // its debouncing task starts here
  button.press_func(nullptr);       // the bound Event `press`
  for (;;) {
    co_await button.press.wait();
    button.press.clear();
    ++s.clicks;
    s.output_on = !s.output_on;
    apply(pwm, s);
  }
}

aiopi::Task<> knob_follower(board::Pwm& pwm, State& s) {
  constexpr hal::InputConfig kContact{.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_up};
  board::Input a(21, kContact);
  board::Input b(22, kContact);
  if (!a.ok() || !b.ok())
    co_return (void) board::fail("ten_tasks: the encoder", a.ok() ? b.message() : a.message());
  drivers::Encoder knob(a, b, {.v = s.step, .div = 4, .vmin = 0, .vmax = kSteps, .delay_ms = 20});
  if (!knob.start()) co_return (void) board::fail("ten_tasks: the encoder");  // its two line readers
  for (;;) {
    s.step = co_await knob.next_value();
    apply(pwm, s);
  }
}

aiopi::Task<int> status(const State& s) {
  board::Uart uart(0, 0, 1, 115200);
  if (!uart.ok()) co_return board::fail("ten_tasks: the UART", uart.message());
  board::I2c i2c(0, 4, 5, 100'000);
  if (!i2c.ok()) co_return board::fail("ten_tasks: the I2C bus", i2c.message());
  drivers::HTU21D htu(i2c, {.read_delay_ms = 2000});  // its measurement task starts here
  for (;;) {
    co_await aiopi::sleep(2s);
    Text t;
    t << "up " << static_cast<std::int32_t>(s.uptime_s) << " s, out " << (s.output_on ? "on" : "off") << " "
      << static_cast<std::int32_t>(s.step * 5) << "%, clicks " << static_cast<std::int32_t>(s.clicks);
    if (htu.temperature() && htu.humidity()) {
      t << ", T=";
      t.tenths(*htu.temperature()) << "C RH=";
      t.tenths(*htu.humidity()) << "%";
    }
    t << "\r\n";
    if (!uart.writer().write(std::string_view(t.buf, t.n))) co_return board::fail("ten_tasks: the UART");
    if (!co_await uart.writer().drain()) co_return board::fail("ten_tasks: the UART");
  }
}

aiopi::Task<int> ten_tasks() {
  board::Output led(25);
  if (!led.ok()) co_return board::fail("ten_tasks: the LED", led.message());
  board::Pwm pwm(18, 1ms);
  if (!pwm.ok()) co_return board::fail("ten_tasks: the PWM output", pwm.message());
  State s;
  apply(pwm, s);

  auto beat = aiopi::create_task(heartbeat(led), "heartbeat");
  auto up = aiopi::create_task(uptime(s), "uptime");
  auto clicks = aiopi::create_task(button_events(pwm, s), "button");
  auto follow = aiopi::create_task(knob_follower(pwm, s), "knob");
  auto report = aiopi::create_task(status(s), "status");
  const int rc = co_await report;  // runs until the UART fails
  for (auto* t : {&beat, &up, &clicks, &follow})
    t->cancel();
  co_await aiopi::gather_outcomes(beat, up, clicks, follow);
  co_return rc;
}

}  // namespace

int main() {
  return board::run(ten_tasks());
}
