// rp2040::AdcChannel and rp2040::PwmOutput in the emulator (tests/firmware/hal_adc_pwm.test.mjs):
//  ADC: channels 0 and 2 (GP26, GP28) and the temperature sensor read the values the harness set;
//  PWM: GP15 (slice 7 B) at 1 kHz, 25 % then 75 %, then disabled (low); GP2 (slice 1 A) at 20 us / 5 us;
//  out-of-range settings are invalid_argument. Register values and results as lines on the console.
#include "aiopi/aiopi.hpp"
#include "aiopi/rp2040/adc.hpp"
#include "aiopi/rp2040/console.hpp"
#include "aiopi/rp2040/pwm.hpp"

namespace rp = aiopi::rp2040;
namespace hal = aiopi::hal;

namespace {

void say(std::string_view s) {
  rp::console_write(s);
}
void num(std::uint32_t v) {
  rp::console_write_u32(v);
}

void print_pwm(std::string_view name, const rp::PwmOutput& p) {
  say(name);
  say(" top ");
  num(p.top());
  say(" div16 ");
  num(p.div16());
  say(" cc ");
  num(p.cc());
  say(" period ");
  num(static_cast<std::uint32_t>(p.period_ns()));
  say(" duty ");
  num(static_cast<std::uint32_t>(p.duty_ns()));
  say("\r\n");
}

aiopi::Task<int> adc_pwm_test() {
  rp::AdcChannel a0(0);
  rp::AdcChannel a2(2);
  rp::AdcChannel temp(rp::AdcChannel::kTemperature);
  for (rp::AdcChannel* a : {&a0, &a2, &temp}) {
    hal::IoResult<std::uint16_t> raw = a->read_raw();
    hal::IoResult<std::uint16_t> u16 = a->read_u16();
    if (!raw || !u16) co_return 1;
    say("adc ");
    num(a->channel());
    say(" raw ");
    num(*raw);
    say(" u16 ");
    num(*u16);
    say("\r\n");
  }
  hal::IoResult<float> tv = temp.read_volts();
  if (!tv) co_return 2;
  say("celsius x100 ");
  num(static_cast<std::uint32_t>(rp::AdcChannel::celsius(*tv) * 100.0f + 0.5f));
  say("\r\n");

  rp::PwmOutput pwm(15);
  if (pwm.enable(true)) co_return 3;  // no period yet
  if (!pwm.set_freq(1000) || !pwm.set_duty_u16(16384) || !pwm.enable(true)) co_return 4;
  print_pwm("pwm25", pwm);
  co_await aiopi::sleep_ms(5);
  if (!pwm.set_duty_u16(49151)) co_return 5;
  print_pwm("pwm75", pwm);
  co_await aiopi::sleep_ms(5);
  if (!pwm.enable(false)) co_return 6;
  say("pwm off\r\n");
  co_await aiopi::sleep_ms(1);

  rp::PwmOutput fast(2);
  if (!fast.set_period_ns(20'000) || !fast.set_duty_ns(5'000) || !fast.enable(true)) co_return 7;
  print_pwm("fast", fast);
  co_await aiopi::sleep_ms(1);
  hal::IoResult<void> too_long = fast.set_period_ns(200'000'000);
  hal::IoResult<void> duty_over = fast.set_duty_ns(30'000);
  hal::IoResult<void> below_duty = fast.set_period_ns(1'000);
  say("invalid ");
  say(hal::to_string(too_long.error().kind));
  say(" ");
  say(hal::to_string(duty_over.error().kind));
  say(" ");
  say(hal::to_string(below_duty.error().kind));
  say("\r\n");
  // The longest period: DIV 255 15/16, TOP 65535 (about 134 ms).
  if (!fast.set_duty_ns(0) || !fast.set_period_ns(134'000'000)) co_return 8;
  print_pwm("slow", fast);

  // GP14 is channel A of GP15's slice: its period is the slice's; GP15 keeps its duty in nanoseconds.
  rp::PwmOutput sibling(14);
  if (!sibling.set_period_ns(2'000'000) || !sibling.set_duty_u16(32768)) co_return 9;
  say("shared a ");
  num(static_cast<std::uint32_t>(sibling.period_ns()));
  say(" ");
  num(static_cast<std::uint32_t>(sibling.duty_ns()));
  say(" b ");
  num(static_cast<std::uint32_t>(pwm.period_ns()));
  say(" ");
  num(static_cast<std::uint32_t>(pwm.duty_ns()));
  say("\r\n");
  co_return 0;
}

}  // namespace

int main() {
  return aiopi::run(adc_pwm_test());
}
