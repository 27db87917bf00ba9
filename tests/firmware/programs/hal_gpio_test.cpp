// rp2040::GpioOutput / GpioInput in the emulator (tests/firmware/hal_gpio.test.mjs drives and checks):
//  1. GP2 push-pull toggles every 1 ms (the harness times the transitions); GP6 open drain: low = driven,
//     high = released.
//  2. Edges on GP3 (both, pull-down) and GP7 (active low, logical rising only = electrical falling), each
//     printed with its timestamp and seq: "edge P R|F T_US SEQ".
//  3. Two edges while interrupts are masked: both reported, in order, with one timestamp.
//  4. The staging ring overflows while the loop is busy: 32 edges arrive, the rest are counted as dropped.
//  5. release() wakes a waiting reader with closed.
#include "aiopi/aiopi.hpp"
#include "aiopi/rp2040/console.hpp"
#include "aiopi/rp2040/gpio.hpp"
#include "aiopi/rp2040/pins.hpp"
#include "aiopi/rp2040/regs.hpp"

namespace rp = aiopi::rp2040;
namespace hal = aiopi::hal;
using namespace std::chrono_literals;

namespace {

void say(std::string_view s) {
  rp::console_write(s);
}
void num(std::uint32_t v) {
  rp::console_write_u32(v);
}

void print_edge(unsigned pin, const hal::EdgeEvent& e) {
  say("edge ");
  num(pin);
  say(e.edge == hal::Edge::rising ? " R " : " F ");
  num(static_cast<std::uint32_t>(e.timestamp_us));
  say(" ");
  num(e.seq);
  say("\r\n");
}

// Busy for `us` microseconds without yielding (the loop cannot drain the staging ring meanwhile).
void spin_us(std::int64_t us) {
  const std::int64_t end = aiopi::Loop::running().now().time_since_epoch().count() + us;
  while (aiopi::Loop::running().now().time_since_epoch().count() < end) {
  }
}

aiopi::Task<int> gpio_test() {
  aiopi::Loop& loop = aiopi::Loop::running();
  // 1. outputs
  rp::GpioOutput out(2);
  for (int i = 0; i < 6; ++i) {
    (void)out.set(i % 2 == 0);
    co_await aiopi::sleep_ms(1);
  }
  rp::GpioOutput od(6, {.initial = true, .drive = hal::Drive::open_drain});
  say("od released\r\n");
  co_await aiopi::sleep_ms(1);
  (void)od.set(false);
  say("od low\r\n");
  co_await aiopi::sleep_ms(1);
  (void)od.set(true);
  say("od released\r\n");
  co_await aiopi::sleep_ms(1);

  // 2. inputs
  rp::GpioInput in(loop, 3, {.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_down});
  rp::GpioInput inv(loop, 7,
                    {.edges = hal::EdgeMode::rising, .bias = hal::Bias::pull_up, .active_low = true});
  say("ready\r\n");
  for (int i = 0; i < 4; ++i) {
    hal::IoResult<hal::EdgeEvent> e = co_await in.next_edge();
    if (!e) co_return 10;
    print_edge(3, *e);
  }
  for (int i = 0; i < 2; ++i) {
    hal::IoResult<hal::EdgeEvent> e = co_await inv.next_edge();
    if (!e) co_return 11;
    print_edge(7, *e);
  }
  say("value 3 ");
  num(in.value().value_or(true));
  say(" 7 ");
  num(inv.value().value_or(true));
  say("\r\n");

  // 3. two edges inside one masked section
  {
    say("masked\r\n");
    rp::IrqGuard guard;
    spin_us(1000);
  }
  for (int i = 0; i < 2; ++i) {
    hal::IoResult<hal::EdgeEvent> e = co_await in.next_edge();
    if (!e) co_return 12;
    print_edge(3, *e);
  }

  // 4. overflow of the staging ring
  say("busy\r\n");
  spin_us(3000);
  co_await aiopi::sleep_ms(1);  // the loop drains now
  unsigned got = 0;
  std::uint32_t last_seq = 0;
  while (std::optional<hal::EdgeEvent> e = in.next_edge_nowait()) {
    ++got;
    last_seq = e->seq;
  }
  say("overflow got ");
  num(got);
  say(" dropped ");
  num(in.dropped());
  say(" last ");
  num(last_seq);
  say("\r\n");

  // 5. release wakes a waiting reader
  auto waiter = aiopi::create_task([](rp::GpioInput& i) -> aiopi::Task<int> {
    hal::IoResult<hal::EdgeEvent> e = co_await i.next_edge();
    co_return e ? 0 : static_cast<int>(e.error().kind);
  }(in));
  co_await aiopi::sleep_ms(1);
  in.release();
  const int kind = co_await waiter;
  say("released ");
  say(hal::to_string(static_cast<hal::IoErrc>(kind)));
  say("\r\n");
  co_return 0;
}

}  // namespace

int main() {
  return aiopi::run(gpio_test());
}
