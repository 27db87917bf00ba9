// wait_for / wait_for_ms / Timeout on the virtual clock.
#include "sim_fixture.hpp"

namespace aiopi::testing {
namespace {

Task<int> slow_value(Duration d, int v, int* destroyed = nullptr, bool* finished = nullptr) {
  struct OnExit {
    int* counter;
    ~OnExit() {
      if (counter != nullptr) ++*counter;
    }
  } on_exit{destroyed};
  co_await sleep(d);
  if (finished != nullptr) *finished = true;
  co_return v;
}

TEST_F(SimTest, WaitForGivesTheResultWhenItComesInTime) {
  auto main_task = [&]() -> Task<> {
    auto r = co_await wait_for(slow_value(10ms, 7), 50ms);
    EXPECT_FALSE(r.timed_out());
    EXPECT_EQ(*r, 7);
    EXPECT_EQ(t_ms(), 10);
  };
  run(main_task());
  EXPECT_TRUE(loop.timers().empty()) << "the timeout timer is disarmed when the result arrives";
}

TEST_F(SimTest, WaitForTimesOutAfterTheVictimHasUnwound) {
  int destroyed = 0;
  bool finished = false;
  auto main_task = [&]() -> Task<> {
    auto r = co_await wait_for_ms(slow_value(100ms, 1, &destroyed, &finished), 30);
    EXPECT_TRUE(r.timed_out());
    EXPECT_EQ(destroyed, 1) << "wait_for returns only after the victim's cleanup ran";
    EXPECT_EQ(t_ms(), 30);
  };
  run(main_task());
  EXPECT_FALSE(finished);
}

TEST_F(SimTest, CancellingTheCallerOfWaitForCancelsTheVictim) {
  int destroyed = 0;
  bool caller_continued = false;
  auto caller = [&]() -> Task<> {
    auto r = co_await wait_for(slow_value(1h, 1, &destroyed), 2h);
    (void)r;
    caller_continued = true;
  };
  auto main_task = [&]() -> Task<> {
    auto c = create_task(caller());
    co_await sleep(5ms);
    EXPECT_TRUE(c.cancel());
    auto out = co_await c.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_EQ(destroyed, 1);
  };
  run(main_task());
  EXPECT_FALSE(caller_continued);
  EXPECT_EQ(t_ms(), 5);
}

TEST_F(SimTest, CancelledCallerStaysCancelledEvenIfTheTimerFiresMeanwhile) {
  // Caller cancelled and timeout due at the same instant: the caller must still unwind, not see a timeout.
  bool caller_continued = false;
  auto caller = [&]() -> Task<> {
    auto r = co_await wait_for(slow_value(1h, 1), 5ms);
    (void)r;
    caller_continued = true;
  };
  auto main_task = [&]() -> Task<> {
    auto c = create_task(caller());
    co_await sleep(5ms);
    c.cancel();
    co_await c.wait_outcome();
    EXPECT_TRUE(c.cancelled());
  };
  run(main_task());
  EXPECT_FALSE(caller_continued);
}

TEST_F(SimTest, WaitForAnExistingTaskCancelsItOnTimeout) {
  auto main_task = [&]() -> Task<> {
    auto t = create_task(slow_value(1s, 3));
    auto r = co_await wait_for(t, 100ms);
    EXPECT_TRUE(r.timed_out());
    EXPECT_TRUE(t.cancelled());
    auto quick = create_task(slow_value(1ms, 4));
    auto r2 = co_await wait_for(quick, 100ms);
    EXPECT_EQ(*r2, 4);
  };
  run(main_task());
}

TEST_F(SimTest, VictimThatIsCancelledByOthersCancelsTheCaller) {
  TaskHandle<int> victim;
  bool continued = false;
  auto caller = [&]() -> Task<> {
    victim = create_task(slow_value(1h, 1));
    auto r = co_await wait_for(victim, 2h);
    (void)r;
    continued = true;
  };
  auto main_task = [&]() -> Task<> {
    auto c = create_task(caller());
    co_await sleep(1ms);
    victim.cancel();
    co_await c.wait_outcome();
    EXPECT_TRUE(c.cancelled());
  };
  run(main_task());
  EXPECT_FALSE(continued);
}

TEST_F(SimTest, TimeoutScopeCanBeRescheduledWhileRunning) {
  auto main_task = [&]() -> Task<> {
    Timeout scope = timeout(10ms);
    auto work = [&]() -> Task<int> {
      for (int i = 0; i < 5; ++i) {
        co_await sleep(8ms);
        scope.reschedule(loop.now() + 10ms);  // progress made: push the deadline out
      }
      co_return 99;
    };
    auto r = co_await scope.run(work());
    EXPECT_EQ(*r, 99);
    EXPECT_FALSE(scope.expired());
    EXPECT_EQ(t_ms(), 40);

    Timeout tight = timeout_at(loop.now() + 5ms);
    auto r2 = co_await tight.run(slow_value(1s, 0));
    EXPECT_TRUE(r2.timed_out());
    EXPECT_TRUE(tight.expired());
    EXPECT_EQ(t_ms(), 45);
  };
  run(main_task());
}

TEST_F(SimTest, ZeroTimeoutStillLetsAnImmediateResultThrough) {
  auto immediate = []() -> Task<int> { co_return 11; };
  auto main_task = [&]() -> Task<> {
    auto r = co_await wait_for(immediate(), 0ms);
    EXPECT_EQ(*r, 11);
  };
  run(main_task());
}

#if AIOPI_HAS_EXCEPTIONS
TEST_F(SimTest, WaitForRethrowsTheVictimsException) {
  auto failing = []() -> Task<int> {
    co_await sleep(1ms);
    throw std::runtime_error("sensor gone");
  };
  auto main_task = [&]() -> Task<> {
    EXPECT_THROW((void)co_await wait_for(failing(), 10ms), std::runtime_error);
  };
  run(main_task());
}
#endif

}  // namespace
}  // namespace aiopi::testing
