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

// The MCU-capable primitives, instantiated so the gate proves their templates build for Cortex-M0+ too.
aiopi::Task<int> primitives_tour() {
  aiopi::RingbufQueue<int, 4> ring;
  aiopi::Queue<int> queue(4);
  aiopi::Semaphore sem(1);
  aiopi::Delay_ms watchdog(50);
  watchdog.trigger();
  (void)ring.put_nowait(1);
  (void)queue.put_nowait(2);
  {
    auto permit = co_await sem;
    co_await watchdog.wait();
  }
  co_return co_await ring.get() + co_await queue.get();
}

aiopi::Task<int> gate_main() {
  if (co_await primitives_tour() != 3) co_return -2;
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
