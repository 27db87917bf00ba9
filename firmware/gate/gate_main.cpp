// The gate firmware: two tasks and an Event on the unchanged core, as an RP2040 program would use them.
#include "aiopi/aiopi.hpp"
#include "timer_poll_backend.hpp"

namespace aiopi {
Backend& default_backend() {
  static gate::TimerPollBackend backend;
  return backend;
}
}  // namespace aiopi

namespace {

using namespace std::chrono_literals;
volatile std::uint32_t g_blinks = 0;

aiopi::Task<> blinker(aiopi::Event& stop) {
  while (!stop.is_set()) {
    g_blinks = g_blinks + 1;
    co_await aiopi::sleep(250ms);
  }
}

aiopi::Task<int> gate_main() {
  aiopi::Event stop;
  auto blink = aiopi::create_task(blinker(stop), "blinker");
  co_await aiopi::sleep_ms(1000);
  stop.set();
  co_await blink;
  auto r = co_await aiopi::wait_for(blinker(stop), 10ms);
  co_return r.timed_out() ? -1 : static_cast<int>(g_blinks);
}

}  // namespace

// Called by the start-up code (C++ forbids calling main itself).
extern "C" int aiopi_firmware_main() {
  return aiopi::run(gate_main());
}
