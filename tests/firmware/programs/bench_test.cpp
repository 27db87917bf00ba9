// Cycle counts of the scheduler on the RP2040, measured by the harness (bench.bench.mjs): GP4 rises when a
// measured section starts and falls when it ends; the harness reads the core's cycle counter at each edge.
// Between the sections the program prints "<name> ops=<n> allocs=<frame allocations in the section>".
//   yield:     two tasks, each doing co_await aiopi::sleep(0) kRounds times (op = one yield)
//   event:     ping-pong of two tasks through two Events (op = one round trip: two wake-ups)
//   create:    create_task + co_await of a task that returns at once (op = one task)
#include "aiopi/aiopi.hpp"
#include "aiopi/rp2040/console.hpp"
#include "aiopi/rp2040/frame_pool.hpp"
#include "aiopi/rp2040/regs.hpp"

namespace rp = aiopi::rp2040;

namespace {

constexpr unsigned kMarker = 4;
constexpr int kRounds = 2000;

void marker_init() noexcept {
  rp::unreset(rp::resets::kIoBank0 | rp::resets::kPadsBank0);
  rp::reg(rp::kIoBank0Base + 0x04 + 8 * kMarker) = 5;  // FUNCSEL = SIO
  rp::reg(rp::kSioBase + 0x024) = 1u << kMarker;       // GPIO_OE_SET
}
void marker(bool on) noexcept {
  rp::reg(rp::kSioBase + (on ? 0x014 : 0x018)) = 1u << kMarker;
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
  co_return 0;
}

}  // namespace

int main() {
  marker_init();
  return aiopi::run(bench());
}
