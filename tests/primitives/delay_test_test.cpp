// The scenarios of micropython-async's primitives/tests/delay_test.py (seed inventory §8.2), on the virtual
// clock.
#include <string>

#include "aiopi/delay_ms.hpp"
#include "sync_primitives_support.hpp"

#if AIOPI_HOSTED
#include <thread>
#endif

namespace aiopi::testing {
namespace {

using Log = std::vector<std::string>;

TEST_F(SimTest, DelayTest0RetriggeredAtTenHertzTimesOutOnlyAfterTheRetriggersStop) {
  // The seed retriggers a 200 ms Delay_ms from a hard-timer ISR at 10 Hz for 5 s; here a task does it.
  std::vector<std::int64_t> fired_at;
  Delay_ms delay([&] { fired_at.push_back(t_ms()); }, 200);
  auto main_task = [&]() -> Task<> {
    for (int i = 0; i < 50; ++i) {  // 0 .. 4.9 s
      delay.trigger();
      co_await sleep(100ms);
    }
    EXPECT_TRUE(fired_at.empty()) << "never during the 5 s";
    co_await sleep(1s);
  };
  run(main_task());
  EXPECT_EQ(fired_at, std::vector<std::int64_t>{5100});
}

#if AIOPI_HOSTED
TEST_F(SimTest, DelayTest0WithTriggersFromAnotherThread) {
  // The same with the retriggers coming from outside the loop, as the seed's ISR does: trigger_threadsafe().
  std::vector<std::int64_t> fired_at;
  Delay_ms delay([&] { fired_at.push_back(t_ms()); }, 200);
  delay.bind(loop);
  auto main_task = [&]() -> Task<> {
    for (int i = 0; i < 50; ++i) {
      std::thread isr([&] { delay.trigger_threadsafe(); });
      isr.join();
      co_await sleep(100ms);
    }
    EXPECT_TRUE(fired_at.empty());
    co_await sleep(1s);
  };
  run(main_task());
  EXPECT_EQ(fired_at, std::vector<std::int64_t>{5100});
}
#endif

TEST_F(SimTest, DelayTest1StopRunningAndRvalue) {
  Log log;
  Delay_ms delay([&] {
    log.push_back(std::to_string(t_ms()) + " callback");
    return 42;
  });
  auto main_task = [&]() -> Task<> {
    delay.trigger(5000);
    co_await sleep(4s);
    if (delay.running()) log.push_back("4000 running");
    co_await sleep(2s);
    log.push_back("6000 rvalue " + std::to_string(delay.rvalue().value.value_or(-1)));
    delay.trigger(3000);
    co_await sleep(1s);
    delay.stop();
    log.push_back(std::string("7000 running ") + (delay.running() ? "yes" : "no"));
    co_await sleep(5s);  // until 12 s: nothing more
  };
  run(main_task());
  EXPECT_EQ(log, (Log{"4000 running", "5000 callback", "6000 rvalue 42", "7000 running no"}));
}

TEST_F(SimTest, DelayTest2ReducedDuration) {
  std::vector<std::int64_t> fired_at;
  Delay_ms delay([&] { fired_at.push_back(t_ms()); });
  auto main_task = [&]() -> Task<> {
    delay.trigger(5000);
    co_await sleep(6s);
    delay.trigger(10000);
    co_await sleep(1s);
    delay.trigger(3000);  // at 7 s: due at 10 s, not 16 s
    co_await sleep(10s);
  };
  run(main_task());
  EXPECT_EQ(fired_at, (std::vector<std::int64_t>{5000, 10000}));
}

TEST_F(SimTest, DelayTest3ConstructorDefaultDuration) {
  std::vector<std::int64_t> fired_at;
  Delay_ms delay([&] { fired_at.push_back(t_ms()); }, 5000);
  auto main_task = [&]() -> Task<> {
    delay.trigger();
    co_await sleep(4s);
    delay.trigger();
    co_await sleep(10s);
  };
  run(main_task());
  EXPECT_EQ(fired_at, std::vector<std::int64_t>{9000});
}

TEST_F(SimTest, DelayTest4CoroutineCallbacks) {
  Log log;
  auto job = [&](int seconds) -> Task<> {
    log.push_back(std::to_string(t_ms()) + " start " + std::to_string(seconds));
    co_await sleep(std::chrono::seconds(seconds));
    log.push_back(std::to_string(t_ms()) + " end " + std::to_string(seconds));
  };
  auto main_task = [&]() -> Task<> {
    {
      Delay_ms one_second(5000);
      one_second.callback(job, 1);
      one_second.trigger();
      co_await sleep(7s);  // fires at 5 s, ends at 6 s
    }
    Delay_ms three_seconds(5000);
    three_seconds.callback(job, 3);
    three_seconds.trigger();  // at 7 s: starts at 12 s
    co_await sleep(6s);       // 13 s
    TaskRef started = three_seconds.rvalue().task;
    EXPECT_TRUE(started);
    if (!started) co_return;
    started.cancel();         // no end message
    three_seconds.trigger();  // starts at 18 s
    co_await sleep(5100ms);
    TaskRef again = three_seconds.rvalue().task;
    EXPECT_TRUE(again);
    if (!again) co_return;
    co_await again;  // ends at 21 s
    EXPECT_TRUE(started.cancelled());
  };
  run(main_task());
  EXPECT_EQ(log, (Log{"5000 start 1", "6000 end 1", "12000 start 3", "18000 start 3", "21000 end 3"}));
  EXPECT_EQ(t_ms(), 21000);
}

TEST_F(SimTest, DelayTest5TriggerAfterDeinit) {
  int fired = 0;
  Delay_ms delay([&] { ++fired; });
  auto main_task = [&]() -> Task<> {
    delay.trigger(1000);
    co_await sleep(2s);
    EXPECT_EQ(fired, 1);
    delay.deinit();
    EXPECT_USAGE_ERROR(delay.trigger(), "after deinit");
  };
  run(main_task());
  EXPECT_EQ(fired, 1);
}

}  // namespace
}  // namespace aiopi::testing
