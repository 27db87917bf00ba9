// examples/ten_tasks.cpp on the simulated board: a click on GPIO20 switches the PWM on GPIO18 off and on, the
// encoder on GPIO21/22 sets its duty in 5 % steps (remembered while off), the status line on UART0 every
// 2 s shows it all with the HTU21D's values, and the LED on GPIO25 beats at 1 Hz.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_board.hpp"
#include "examples/sim_trace.hpp"
#include "support/co_assert.hpp"

int ten_tasks_main();

namespace {

using namespace std::chrono_literals;
using aiopi::Task;
using aiopi::examples_test::intervals_ms;
namespace sim = aiopi::sim;

constexpr unsigned kButton = 20, kA = 21, kB = 22, kPwm = 18, kLed = 25;

void click(sim::SimDigitalInput& button) {
  button.schedule_edges({{sim::SimBoard::at(0ms), false}, {sim::SimBoard::at(100ms), true}});
}

/// Two detents with A leading (four transitions each).
void two_detents_up(sim::SimDigitalInput& a, sim::SimDigitalInput& b) {
  for (int d = 0; d < 2; ++d) {
    const auto t = std::chrono::milliseconds(8 * d);
    a.schedule_edges({{sim::SimBoard::at(t), false}, {sim::SimBoard::at(t + 4ms), true}});
    b.schedule_edges({{sim::SimBoard::at(t + 2ms), false}, {sim::SimBoard::at(t + 6ms), true}});
  }
}

int percent(const sim::SimPwm& pwm) {
  return static_cast<int>((pwm.duty_u16() * 100 + 32767) / 65535);
}

TEST(TenTasksExample, AClickSwitchesTheOutputTheKnobSetsItAndTheStatusLineSaysSo) {
  sim::SimBoard board;
  std::vector<int> duty;
  std::string text;
  std::vector<sim::LevelChange> led;
  std::size_t tasks = 0;
  board.set_script([&](sim::SimBoard& b) -> Task<> {
    co_await aiopi::sleep(1ms);
    CO_ASSERT(b.input(kButton) && b.input(kA) && b.input(kB) && b.pwm(kPwm) && b.output(kLed) && b.uart(0));
    for ([[maybe_unused]] aiopi::TaskBase& t : aiopi::Loop::get().tasks())
      ++tasks;
    const sim::SimPwm& pwm = *b.pwm(kPwm);
    duty.push_back(percent(pwm));  // 50 % at the start
    click(*b.input(kButton));
    co_await aiopi::sleep(2500ms);  // the status line at 2 s sees it off
    duty.push_back(percent(pwm));   // off
    two_detents_up(*b.input(kA), *b.input(kB));
    co_await aiopi::sleep(500ms);
    duty.push_back(percent(pwm));  // still off
    click(*b.input(kButton));
    co_await aiopi::sleep(3s);
    duty.push_back(percent(pwm));  // on at 60 %
    text = b.uart(0)->written_text();
    led = b.output(kLed)->history();
  });
  EXPECT_EQ(ten_tasks_main(), 0);
  EXPECT_EQ(duty, (std::vector<int>{50, 0, 0, 60}));
  EXPECT_NE(text.find("out off 50%, clicks 1, T=21.3C RH=45.0%\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("out on 60%, clicks 2, T=21.3C RH=45.0%\r\n"), std::string::npos) << text;
  for (std::int64_t gap : intervals_ms(led, 0, INT64_MAX))
    EXPECT_EQ(gap, 500);
  EXPECT_EQ(tasks, 11u) << "the program's ten and board::run()'s supervisor";
}

}  // namespace
