// Boot test: reached main through the stand-in bootrom and boot2; says so on UART0 with the clock it set and
// the clock it measures (SysTick against the TIMER),
// blinks GP25 (the Pico's LED) ten times every 100 ms by aiopi::sleep, then returns 0 ("#exit: 0").
#include "aiopi/aiopi.hpp"
#include "aiopi/rp2040/clocks.hpp"
#include "aiopi/rp2040/console.hpp"
#include "aiopi/rp2040/regs.hpp"

namespace rp = aiopi::rp2040;
using namespace std::chrono_literals;

namespace {

constexpr unsigned kLed = 25;

void led_init() noexcept {
  rp::unreset(rp::resets::kIoBank0 | rp::resets::kPadsBank0);
  rp::reg(rp::kIoBank0Base + 0x04 + 8 * kLed) = 5;  // FUNCSEL = SIO
  rp::reg(rp::kSioBase + 0x024) = 1u << kLed;       // GPIO_OE_SET
}
void led(bool on) noexcept {
  rp::reg(rp::kSioBase + (on ? 0x014 : 0x018)) = 1u << kLed;  // GPIO_OUT_SET / GPIO_OUT_CLR
}

aiopi::Task<int> blink() {
  for (int i = 0; i < 10; ++i) {
    led(true);
    co_await aiopi::sleep_ms(50);
    led(false);
    co_await aiopi::sleep_ms(50);
  }
  co_return 0;
}

}  // namespace

int main() {
  rp::console_write("aiopi boot: clk_sys=");
  rp::console_write_u32(rp::clk_sys_hz());
  rp::console_write(" measured=");
  rp::console_write_u32(rp::measure_clk_sys_hz());
  rp::console_write("\r\n");
  led_init();
  return aiopi::run(blink());
}
