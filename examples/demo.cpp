// aiopi-demo: a tour of the core runtime on a simulated board.
//
// A blinker toggles an LED, a sensor produces readings that a consumer waits for with a timeout, the sensor
// stalls once (the consumer times out and recovers), and after a while the blinker is cancelled: its RAII
// guard switches the LED off as the frame unwinds. On the simulated board the clock jumps from deadline to
// deadline, so four seconds of board time pass in a blink; --realtime runs the same program on epoll.
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "aiopi/aiopi.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/sim/sim_backend.hpp"

using namespace std::chrono_literals;
using aiopi::Task;

namespace {

aiopi::Loop* g_loop = nullptr;
aiopi::TimePoint g_start;

__attribute__((format(printf, 1, 2))) void say(const char* fmt, ...) {
  const long ms = static_cast<long>((g_loop->now() - g_start).count() / 1000);
  std::printf("[%6ld ms] ", ms);
  va_list args;
  va_start(args, fmt);
  std::vprintf(fmt, args);
  va_end(args);
  std::printf("\n");
}

struct Led {
  bool on = false;
  void set(bool v) { on = v; }
};

/// Switches the LED off however the blinker ends: returning, or being cancelled.
struct LedOffOnExit {
  Led& led;
  ~LedOffOnExit() {
    led.set(false);
    say("blinker cancelled: LED forced off by its guard");
  }
};

Task<> blinker(Led& led) {
  LedOffOnExit guard{led};
  for (int n = 0;; ++n) {
    led.set(!led.on);
    if (n % 4 == 0) say("LED %s", led.on ? "on" : "off");
    co_await aiopi::sleep(250ms);
  }
}

struct Sensor {
  aiopi::Event ready;
  int value = 0;
  bool stalled = false;
};

Task<> sensor(Sensor& s) {
  for (int reading = 1;; ++reading) {
    co_await aiopi::sleep(100ms);
    if (reading == 12) {
      say("sensor stalls for 750 ms");
      co_await aiopi::sleep(750ms);
    }
    s.value = reading * 10;
    s.ready.set();
  }
}

Task<int> next_reading(Sensor& s) {
  co_await s.ready.wait();
  s.ready.clear();
  co_return s.value;
}

Task<int> consumer(Sensor& s) {
  int received = 0, timeouts = 0;
  while (received < 25) {
    auto r = co_await aiopi::wait_for(next_reading(s), 300ms);
    if (r.timed_out()) {
      ++timeouts;
      say("sensor read timed out after 300 ms (%d so far)", timeouts);
      continue;
    }
    ++received;
    if (received % 5 == 0) say("reading #%d = %d", received, *r);
  }
  co_return timeouts;
}

Task<int> demo_main() {
  Led led;
  Sensor s;
  auto blink = aiopi::create_task(blinker(led), "blinker");
  auto sense = aiopi::create_task(sensor(s), "sensor");
  auto consume = aiopi::create_task(consumer(s), "consumer");

  co_await aiopi::sleep(2s);
  say("main: cancelling the blinker");
  blink.cancel();
  const int timeouts = co_await consume;
  sense.cancel();
  co_await aiopi::gather_outcomes(blink, sense);

  say("task %-8s ran %u times, %s", blink.name(), blink.run_count(),
      blink.cancelled() ? "cancelled" : "done");
  say("task %-8s ran %u times, %s", sense.name(), sense.run_count(),
      sense.cancelled() ? "cancelled" : "done");
  say("task %-8s ran %u times, %s", consume.name(), consume.run_count(),
      consume.cancelled() ? "cancelled" : "done");
  co_return timeouts;
}

}  // namespace

int main(int argc, char** argv) {
  const bool realtime = argc > 1 && std::strcmp(argv[1], "--realtime") == 0;
  if (argc > 1 && !realtime) {
    std::fprintf(stderr, "usage: aiopi-demo [--realtime]\n");
    return 2;
  }
  aiopi::sim::SimBackend sim_board;
  aiopi::os_linux::LinuxBackend epoll_backend;
  aiopi::Backend& backend = realtime ? static_cast<aiopi::Backend&>(epoll_backend) : sim_board;
  aiopi::Loop loop(backend);
  g_loop = &loop;
  g_start = loop.now();
  std::printf("aiopi demo on the %s\n",
              realtime ? "Linux epoll loop (real time)" : "simulated board (virtual time)");
  const int timeouts = loop.run_until_complete(demo_main());
  say("demo finished with %d timeout(s)", timeouts);
  return timeouts == 2 ? 0 : 1;
}
