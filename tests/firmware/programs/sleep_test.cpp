// Sleep accuracy and ISR wake-ups in simulated time.
// Phase 1: GP2 toggles around ten sleep_ms(100): the harness timestamps the edges.
// Phase 1b: GP3 toggles at t0 + k * 100 ms for k = 1..10 (sleep_until: absolute deadlines, so the loop's
// own time per turn does not add up).
// Phase 2: TIMER ALARM1 fires 2500 us after it is armed; its ISR sets a ThreadSafeFlag that a task awaits.
// Prints "sleeps=<n>" (how often the backend slept in WFI) and "flag_us=<n>" (arming -> task resumed).
#include "aiopi/aiopi.hpp"
#include "aiopi/rp2040/backend.hpp"
#include "aiopi/rp2040/console.hpp"
#include "aiopi/rp2040/regs.hpp"

namespace rp = aiopi::rp2040;

namespace {

constexpr unsigned kPin = 2;
constexpr unsigned kPinAbsolute = 3;
constexpr rp::Addr kTimerAlarm1 = rp::kTimerBase + 0x14;
constexpr rp::Addr kTimerRawLow = rp::kTimerBase + 0x28;
constexpr rp::Addr kTimerIntr = rp::kTimerBase + 0x34;
constexpr rp::Addr kTimerInte = rp::kTimerBase + 0x38;

aiopi::ThreadSafeFlag g_alarm_flag;

void pin_init(unsigned pin) noexcept {
  rp::unreset(rp::resets::kIoBank0 | rp::resets::kPadsBank0);
  rp::reg(rp::kIoBank0Base + 0x04 + 8 * pin) = 5;  // FUNCSEL = SIO
  rp::reg(rp::kSioBase + 0x024) = 1u << pin;       // GPIO_OE_SET
}
void toggle(unsigned pin = kPin) noexcept {
  rp::reg(rp::kSioBase + 0x01c) = 1u << pin;  // GPIO_OUT_XOR
}

void print(const char* key, std::uint32_t value) {
  rp::console_write(key);
  rp::console_write_u32(value);
  rp::console_write("\r\n");
}

aiopi::Task<int> sleeper() {
  toggle();
  for (int i = 0; i < 10; ++i) {
    co_await aiopi::sleep_ms(100);
    toggle();
  }
  print("sleeps=", rp::backend().sleeps());

  const aiopi::TimePoint t0 = aiopi::Loop::running().now();
  toggle(kPinAbsolute);
  for (int k = 1; k <= 10; ++k) {
    co_await aiopi::sleep_until(t0 + k * std::chrono::milliseconds(100));
    toggle(kPinAbsolute);
  }

  rp::reg_set(kTimerInte, 1u << 1);
  rp::irq_enable(rp::Irq::timer1);
  const std::uint64_t armed = rp::time_us();
  rp::reg(kTimerAlarm1) = rp::reg(kTimerRawLow) + 2500;
  co_await g_alarm_flag.wait();
  print("flag_us=", static_cast<std::uint32_t>(rp::time_us() - armed));
  co_return 0;
}

}  // namespace

extern "C" void aiopi_isr_timer1() {
  rp::reg(kTimerIntr) = 1u << 1;
  g_alarm_flag.set();
}

int main() {
  pin_init(kPin);
  pin_init(kPinAbsolute);
  return aiopi::run(sleeper());
}
