// Cycle counts of the scheduler on the RP2040, measured by the harness (bench.bench.mjs): GP4 rises when a
// measured section starts and falls when it ends; the harness reads the core's cycle counter at each edge.
// Between the sections the program prints "<name> ops=<n> allocs=<frame allocations in the section>".
//   yield:     two tasks, each doing co_await aiopi::sleep(0) kRounds times (op = one yield)
//   yield_now: the same with co_await aiopi::yield_now() (no timer node in the frame)
//   event:     ping-pong of two tasks through two Events (op = one round trip: two wake-ups)
//   create:    create_task + co_await of a task that returns at once (op = one task)
//   timer:     one task doing co_await sleep_ms(1) kTimerRounds times (op = one timed sleep: the timer armed,
//              the backend's WFI, the ALARM0 interrupt, expiry and the task resumed; the harness counts only
//              cycles executed, so the millisecond asleep costs nothing)
//   edge:      a task awaiting next_edge() on GP6 (rising edges) raises GP7 as the first thing it does after
//              the await; the harness drives GP6 high while the core sleeps in the loop's WFI and counts the
//              cycles from that edge to GP7 rising (op = one edge -> task resumed). GP7 falls again right
//              away, which tells the harness to schedule the next edge.
#include "aiopi/aiopi.hpp"
#include "aiopi/rp2040/console.hpp"
#include "aiopi/rp2040/frame_pool.hpp"
#include "aiopi/rp2040/gpio.hpp"
#include "aiopi/rp2040/regs.hpp"

namespace rp = aiopi::rp2040;

namespace {

constexpr unsigned kMarker = 4;
constexpr unsigned kEdgeInput = 6;
constexpr unsigned kResumed = 7;
constexpr int kRounds = 2000;
constexpr int kEdgeRounds = 200;
constexpr int kTimerRounds = 200;

void marker_init() noexcept {
  rp::unreset(rp::resets::kIoBank0 | rp::resets::kPadsBank0);
  for (unsigned pin : {kMarker, kResumed}) {
    rp::reg(rp::kIoBank0Base + 0x04 + 8 * pin) = 5;  // FUNCSEL = SIO
    rp::reg(rp::kSioBase + 0x024) = 1u << pin;       // GPIO_OE_SET
  }
}
void marker(bool on, unsigned pin = kMarker) noexcept {
  rp::reg(rp::kSioBase + (on ? 0x014 : 0x018)) = 1u << pin;  // GPIO_OUT_SET / GPIO_OUT_CLR
}

std::size_t g_allocs_at_start = 0;
void begin() noexcept {
  g_allocs_at_start = rp::frame_pool().stats().allocations;
  marker(true);
}
void end(const char* name, int ops) noexcept {
  marker(false);
  rp::console_write(name);
  rp::console_write(" ops=");
  rp::console_write_u32(static_cast<std::uint32_t>(ops));
  rp::console_write(" allocs=");
  rp::console_write_u32(static_cast<std::uint32_t>(rp::frame_pool().stats().allocations - g_allocs_at_start));
  rp::console_write("\r\n");
}

aiopi::Task<> yielder() {
  for (int i = 0; i < kRounds; ++i)
    co_await aiopi::sleep(aiopi::Duration(0));
}

aiopi::Task<> yield_nower() {
  for (int i = 0; i < kRounds; ++i)
    co_await aiopi::yield_now();
}

aiopi::Task<> pinger(aiopi::Event& ping, aiopi::Event& pong) {
  for (int i = 0; i < kRounds; ++i) {
    ping.set();
    co_await pong.wait();
    pong.clear();
  }
}

aiopi::Task<> ponger(aiopi::Event& ping, aiopi::Event& pong) {
  for (int i = 0; i < kRounds; ++i) {
    co_await ping.wait();
    ping.clear();
    pong.set();
  }
}

aiopi::Task<int> nothing() {
  co_return 1;
}

// One edge per round; GP7's rise is the first store after the await (the harness counts up to it).
aiopi::Task<int> edges(aiopi::Loop& loop) {
  rp::GpioInput input(loop, kEdgeInput,
                      {.edges = aiopi::hal::EdgeMode::rising, .bias = aiopi::hal::Bias::pull_down});
  begin();
  marker(true, kResumed);  // armed: the harness schedules the first edge when GP7 falls
  marker(false, kResumed);
  int got = 0;
  for (int i = 0; i < kEdgeRounds; ++i) {
    auto e = co_await input.next_edge();
    marker(true, kResumed);
    marker(false, kResumed);
    if (e) ++got;
  }
  co_return got;
}

aiopi::Task<int> bench() {
  {
    // Both tasks exist before the measurement, so their frames are not counted.
    auto a = aiopi::create_task(yielder());
    auto b = aiopi::create_task(yielder());
    begin();
    co_await a;
    co_await b;
    end("yield", 2 * kRounds);
  }
  {
    auto a = aiopi::create_task(yield_nower());
    auto b = aiopi::create_task(yield_nower());
    begin();
    co_await a;
    co_await b;
    end("yield_now", 2 * kRounds);
  }
  {
    aiopi::Event ping, pong;
    auto a = aiopi::create_task(pinger(ping, pong));
    auto b = aiopi::create_task(ponger(ping, pong));
    begin();
    co_await a;
    co_await b;
    end("event", kRounds);
  }
  {
    int sum = 0;
    begin();
    for (int i = 0; i < kRounds; ++i)
      sum += co_await aiopi::create_task(nothing());
    end("create", kRounds);
    if (sum != kRounds) co_return 1;
  }
  {
    begin();
    for (int i = 0; i < kTimerRounds; ++i)
      co_await aiopi::sleep_ms(1);
    end("timer", kTimerRounds);
  }
  {
    const int got = co_await edges(*aiopi::Loop::current());
    marker(false);
    rp::console_write("edge ops=");
    rp::console_write_u32(static_cast<std::uint32_t>(kEdgeRounds));
    rp::console_write(" allocs=");
    rp::console_write_u32(
        static_cast<std::uint32_t>(rp::frame_pool().stats().allocations - g_allocs_at_start));
    rp::console_write("\r\n");
    if (got != kEdgeRounds) co_return 2;
  }
  co_return 0;
}

}  // namespace

int main() {
  marker_init();
  return aiopi::run(bench());
}
