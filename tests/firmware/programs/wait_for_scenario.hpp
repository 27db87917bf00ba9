// wait_for and cancellation, as a script that prints what happens and when: the same source runs on the
// RP2040 (wait_for_test.cpp, in the emulator) and on the host's virtual-clock board (wait_for_host.cpp, built
// and run by tools/firmware-tests), and both must print exactly wait_for.test.mjs's expected lines. Only the
// portable core is used; `out` writes text.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "aiopi/aiopi.hpp"

namespace wait_for_scenario {

using Out = void (*)(std::string_view);
using namespace std::chrono_literals;

inline Out g_out = nullptr;
inline aiopi::TimePoint g_t0{};

inline void put_number(std::int64_t v) {
  char buf[24];
  int n = 0;
  const bool negative = v < 0;
  std::uint64_t u = negative ? static_cast<std::uint64_t>(-v) : static_cast<std::uint64_t>(v);
  do {
    buf[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (negative) g_out("-");
  char text[24];
  for (int i = 0; i < n; ++i)
    text[i] = buf[n - 1 - i];
  g_out(std::string_view(text, static_cast<std::size_t>(n)));
}

/// "<ms since start> <text>\n", the time in whole milliseconds of the loop's clock.
inline void line(std::string_view text) {
  const auto elapsed = aiopi::Loop::running().now() - g_t0;
  put_number(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
  g_out(" ");
  g_out(text);
  g_out("\n");
}
inline void line(std::string_view text, std::int64_t value) {
  const auto elapsed = aiopi::Loop::running().now() - g_t0;
  put_number(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
  g_out(" ");
  g_out(text);
  put_number(value);
  g_out("\n");
}

/// Says when the frame it lives in unwinds (a cancelled task's destructors run).
struct Probe {
  std::string_view name;
  ~Probe() { line(name); }
};

inline aiopi::Task<int> work(std::string_view unwound, int ms, int value) {
  Probe probe{unwound};
  co_await aiopi::sleep_ms(ms);
  co_return value;
}

inline aiopi::Task<int> waits_long(std::string_view unwound) {
  Probe probe{unwound};
  auto r = co_await aiopi::wait_for(work("inner unwound", 1000, 5), 500ms);
  line("never: outer resumed after its cancel", r.timed_out());
  co_return 0;
}

inline aiopi::Task<int> run(Out out) {
  g_out = out;
  g_t0 = aiopi::Loop::running().now();
  line("start");

  // 1. The time limit passes: the victim is cancelled and has unwound before wait_for returns.
  auto r1 = co_await aiopi::wait_for(work("slow unwound", 50, 1), 10ms);
  line("slow timed_out=", r1.timed_out());

  // 2. The awaitable finishes in time: its value.
  auto r2 = co_await aiopi::wait_for(work("fast unwound", 5, 2), 100ms);
  line("fast timed_out=", r2.timed_out());
  if (!r2.timed_out()) line("fast value=", *r2);

  // 3. Cancelling a task: it unwinds when it next runs; its outcome says cancelled.
  auto victim = aiopi::create_task(work("victim unwound", 1000, 3));
  co_await aiopi::sleep_ms(10);
  line("cancel()=", victim.cancel());
  auto o3 = co_await victim.wait_outcome();
  line("victim cancelled=", o3.cancelled());

  // 4. wait_for on an existing task: on timeout that task is cancelled too (asyncio).
  auto handle = aiopi::create_task(work("handle unwound", 100, 4));
  auto r4 = co_await aiopi::wait_for(handle, 20ms);
  line("handle timed_out=", r4.timed_out());
  line("handle cancelled=", handle.cancelled());

  // 5. Cancelling the task that waits in wait_for cancels its victim; the victim unwinds first.
  auto outer = aiopi::create_task(waits_long("outer unwound"));
  co_await aiopi::sleep_ms(5);
  outer.cancel();
  auto o5 = co_await outer.wait_outcome();
  line("outer cancelled=", o5.cancelled());

  // 6. A zero time limit on something not ready times out at once.
  auto r6 = co_await aiopi::wait_for(work("zero unwound", 1, 6), 0ms);
  line("zero timed_out=", r6.timed_out());

  // 7. wait_for of a task that is already done returns its value without waiting.
  auto done = aiopi::create_task(work("done unwound", 0, 7));
  co_await aiopi::sleep_ms(1);
  auto r7 = co_await aiopi::wait_for(done, 10ms);
  line("done value=", r7.timed_out() ? -1 : *r7);
  line("end");
  co_return 0;
}

}  // namespace wait_for_scenario
