// examples/blink_button.cpp on the simulated board: the LED on GPIO25 blinks at 1 Hz; a click on GPIO14
// (button to ground) doubles the rate, a long press stops it, a double click stops it or starts it again.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_board.hpp"
#include "examples/sim_trace.hpp"
#include "support/co_assert.hpp"

int blink_button_main();

namespace {

using namespace std::chrono_literals;
using aiopi::Task;
using aiopi::examples_test::intervals_ms;
using aiopi::examples_test::now_us;
namespace sim = aiopi::sim;

constexpr unsigned kLed = 25;
constexpr unsigned kButton = 14;

/// A press (the line pulled low) held for `held`, starting now.
void press(sim::SimDigitalInput& button, aiopi::Duration held) {
  button.schedule_edges({{sim::SimBoard::at(0ms), false}, {sim::SimBoard::at(held), true}});
}

/// Two presses of 80 ms, 200 ms apart: a double click.
void double_click(sim::SimDigitalInput& button) {
  button.schedule_edges({{sim::SimBoard::at(0ms), false},
                         {sim::SimBoard::at(80ms), true},
                         {sim::SimBoard::at(200ms), false},
                         {sim::SimBoard::at(280ms), true}});
}

struct Trace {
  std::vector<sim::LevelChange> led;  // the LED's history, copied before the program ends
  std::int64_t t0 = 0;                // when the script started driving (µs)
};

TEST(BlinkButtonExample, BlinksAtOneHertzAndEachClickDoublesTheRateUpToFourHertzThenBackToOne) {
  sim::SimBoard board;
  Trace run;
  std::vector<std::int64_t> presses;  // when each click began (µs)
  std::vector<std::int64_t> marks;    // when each phase is settled: 1 s after a click (µs)
  board.set_script([&](sim::SimBoard& b) -> Task<> {
    co_await aiopi::sleep(1ms);
    CO_ASSERT(b.output(kLed) != nullptr && b.input(kButton) != nullptr);
    run.t0 = now_us();
    co_await aiopi::sleep(3s);
    for (int click = 0; click < 3; ++click) {
      presses.push_back(now_us());
      press(*b.input(kButton), 100ms);
      co_await aiopi::sleep(1s);  // the click acts 400 ms after the press (the double-click window)
      marks.push_back(now_us());
      co_await aiopi::sleep(2s);
    }
    presses.push_back(now_us());  // the end of the last phase
    run.led = b.output(kLed)->history();
  });
  EXPECT_EQ(blink_button_main(), 0);
  EXPECT_FALSE(board.program_result().has_value());  // it blinks forever: the script's end cancelled it
  ASSERT_EQ(marks.size(), 3u);
  ASSERT_EQ(presses.size(), 4u);

  const std::vector<std::int64_t> one_hz = intervals_ms(run.led, run.t0, run.t0 + 3'000'000);
  ASSERT_GE(one_hz.size(), 4u);
  for (std::int64_t gap : one_hz)
    EXPECT_EQ(gap, 500);
  const std::int64_t expected[] = {250, 125, 500};
  for (int phase = 0; phase < 3; ++phase) {
    const std::vector<std::int64_t> gaps = intervals_ms(run.led, marks[phase], presses[phase + 1]);
    ASSERT_GE(gaps.size(), 3u) << "phase " << phase;
    for (std::int64_t gap : gaps)
      EXPECT_EQ(gap, expected[phase]) << "phase " << phase;
  }
}

TEST(BlinkButtonExample, LongPressStopsTheBlinkingWithTheLedOff) {
  sim::SimBoard board;
  Trace run;
  std::int64_t stopped_from = 0;
  board.set_script([&](sim::SimBoard& b) -> Task<> {
    co_await aiopi::sleep(1ms);
    CO_ASSERT(b.input(kButton) != nullptr);
    run.t0 = now_us();
    co_await aiopi::sleep(2200ms);
    press(*b.input(kButton), 1500ms);  // long press: 1 s
    co_await aiopi::sleep(1600ms);     // the LED goes off at the next half period at the latest
    stopped_from = now_us();
    co_await aiopi::sleep(5s);
    run.led = b.output(kLed)->history();
  });
  EXPECT_EQ(blink_button_main(), 0);
  ASSERT_FALSE(run.led.empty());
  EXPECT_FALSE(run.led.back().level);
  EXPECT_LT(run.led.back().t_us, stopped_from);
  EXPECT_GE(intervals_ms(run.led, run.t0, stopped_from).size(), 4u);  // it did blink before
}

TEST(BlinkButtonExample, DoubleClickStopsTheBlinkingAndAnotherStartsItAgain) {
  sim::SimBoard board;
  Trace run;
  std::int64_t stopped = 0, second_click = 0, restarted = 0, end = 0;
  board.set_script([&](sim::SimBoard& b) -> Task<> {
    co_await aiopi::sleep(1ms);
    CO_ASSERT(b.input(kButton) != nullptr);
    run.t0 = now_us();
    co_await aiopi::sleep(2s);
    double_click(*b.input(kButton));
    co_await aiopi::sleep(1s);
    stopped = now_us();
    co_await aiopi::sleep(4s);
    second_click = now_us();
    double_click(*b.input(kButton));
    co_await aiopi::sleep(1s);
    restarted = now_us();
    co_await aiopi::sleep(3s);
    end = now_us();
    run.led = b.output(kLed)->history();
  });
  EXPECT_EQ(blink_button_main(), 0);
  EXPECT_TRUE(intervals_ms(run.led, stopped, second_click).empty()) << "no change while stopped";
  const std::vector<std::int64_t> again = intervals_ms(run.led, restarted, end);
  ASSERT_GE(again.size(), 4u);
  for (std::int64_t gap : again)
    EXPECT_EQ(gap, 500) << "same rate as before: a double click is not a click";
}

}  // namespace
