// sleep_until_wall on the simulated board: deadlines in UTC, and clock steps that make sleepers recompute.
#include "sim_fixture.hpp"

namespace aiopi::testing {
namespace {

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t k2025 = 1'735'689'600LL * kSecond;  // 2025-01-01T00:00:00Z

TEST_F(SimTest, SleepUntilWallWakesAtTheUtcInstant) {
  backend.set_wall_clock_quietly(k2025);
  auto main_task = [&]() -> Task<> {
    auto w = co_await sleep_until_wall(k2025 + 90 * kSecond);
    EXPECT_FALSE(w.clock_changed);
    EXPECT_EQ(loop.wall_now_us(), k2025 + 90 * kSecond);
    EXPECT_EQ(t_us(), 90 * kSecond);
  };
  run(main_task());
}

TEST_F(SimTest, APastWallInstantDoesNotSuspend) {
  backend.set_wall_clock_quietly(k2025);
  auto main_task = [&]() -> Task<> {
    auto w = co_await sleep_until_wall(k2025 - kSecond);
    EXPECT_FALSE(w.clock_changed);
    EXPECT_EQ(t_us(), 0);
  };
  run(main_task());
}

TEST_F(SimTest, AClockStepWakesWallSleepersAtOnce) {
  backend.set_wall_clock_quietly(k2025);
  std::int64_t woke_at_monotonic = -1;
  bool changed = false;
  auto sleeper = [&]() -> Task<> {
    // Target: 03:00 UTC, three hours away.
    auto w = co_await sleep_until_wall(k2025 + 3 * 3600 * kSecond);
    changed = w.clock_changed;
    woke_at_monotonic = t_us();
  };
  auto ntp = [&]() -> Task<> {
    co_await sleep(10s);
    backend.step_wall_clock(k2025 + 2 * 3600 * kSecond);  // NTP steps the clock forward by ~2 h
  };
  auto main_task = [&]() -> Task<> { co_await gather(sleeper(), ntp()); };
  run(main_task());
  EXPECT_TRUE(changed);
  EXPECT_EQ(woke_at_monotonic, 10 * kSecond) << "the sleeper woke at the step, not three hours later";
  EXPECT_EQ(loop.wall_clock_changes(), 1u);
}

TEST_F(SimTest, CancelledWallSleeperLeavesTheList) {
  backend.set_wall_clock_quietly(k2025);
  auto sleeper = [&]() -> Task<> { co_await sleep_until_wall(k2025 + 3600 * kSecond); };
  auto main_task = [&]() -> Task<> {
    auto s = create_task(sleeper());
    co_await sleep(1s);
    EXPECT_EQ(loop.wall_sleepers().size(), 1u);
    s.cancel();
    co_await s.wait_outcome();
    EXPECT_TRUE(loop.wall_sleepers().empty());
    EXPECT_TRUE(loop.timers().empty());
    backend.step_wall_clock(k2025);  // nobody left to tell: harmless
  };
  run(main_task());
}

}  // namespace
}  // namespace aiopi::testing
