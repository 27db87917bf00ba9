// examples/encoder_pwm.cpp on the simulated board: detents of the encoder on GPIO2/GPIO3 move the PWM duty
// on GPIO18 in 5 % steps, clamped at 0 % and 100 %.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_board.hpp"
#include "support/co_assert.hpp"

int encoder_pwm_main();

namespace {

using namespace std::chrono_literals;
using aiopi::Task;
namespace sim = aiopi::sim;

constexpr unsigned kA = 2, kB = 3, kPwm = 18;

/// `detents` detents (four quadrature transitions each, 2 ms apart) starting now; positive: A leads B.
void turn(sim::SimBoard& b, int detents) {
  sim::SimDigitalInput& lead = *b.input(detents > 0 ? kA : kB);
  sim::SimDigitalInput& lag = *b.input(detents > 0 ? kB : kA);
  const int n = detents > 0 ? detents : -detents;
  for (int d = 0; d < n; ++d) {
    const auto t = std::chrono::milliseconds(8 * d);
    lead.schedule_edges({{sim::SimBoard::at(t), false}, {sim::SimBoard::at(t + 4ms), true}});
    lag.schedule_edges({{sim::SimBoard::at(t + 2ms), false}, {sim::SimBoard::at(t + 6ms), true}});
  }
}

/// The duty in whole percent.
int percent(const sim::SimPwm& pwm) {
  return static_cast<int>((pwm.duty_u16() * 100 + 32767) / 65535);
}

TEST(EncoderPwmExample, EachDetentMovesTheDutyFivePercentAndItStopsAtBothEnds) {
  sim::SimBoard board;
  std::vector<int> seen;
  std::uint64_t period_ns = 0;
  bool enabled = false;
  board.set_script([&](sim::SimBoard& b) -> Task<> {
    co_await aiopi::sleep(1ms);
    CO_ASSERT(b.input(kA) != nullptr && b.input(kB) != nullptr && b.pwm(kPwm) != nullptr);
    const sim::SimPwm& pwm = *b.pwm(kPwm);
    period_ns = pwm.period_ns();
    enabled = pwm.enabled();
    seen.push_back(percent(pwm));  // 0 at the start
    for (int detents : {3, 1, -2, 30, -5, -40}) {
      turn(b, detents);
      co_await aiopi::sleep(1s);
      seen.push_back(percent(pwm));
    }
  });
  EXPECT_EQ(encoder_pwm_main(), 0);
  EXPECT_EQ(period_ns, 1'000'000u);  // 1 kHz
  EXPECT_TRUE(enabled);
  EXPECT_EQ(seen, (std::vector<int>{0, 15, 20, 10, 100, 75, 0}));
}

}  // namespace
