// Delay_ms: retriggerable monostable on the loop's timer set (no supervisor task).
#include <memory>
#include <stdexcept>
#include <string>

#include "aiopi/delay_ms.hpp"
#include "sync_primitives_support.hpp"

#if AIOPI_HOSTED
#include <thread>
#endif

namespace aiopi::testing {
namespace {

TEST_F(SimTest, DelayTimesOutOnceAfterItsDuration) {
  std::vector<std::int64_t> fired_at;
  Delay_ms delay([&] { fired_at.push_back(t_ms()); });
  EXPECT_EQ(delay.duration_ms(), 1000) << "default duration";
  auto main_task = [&]() -> Task<> {
    EXPECT_FALSE(delay.running());
    delay.trigger();
    EXPECT_TRUE(delay.running());
    EXPECT_TRUE(delay());
    co_await sleep(999ms);
    EXPECT_TRUE(fired_at.empty());
    EXPECT_FALSE(delay.is_set());
    co_await sleep(1ms);
    EXPECT_EQ(fired_at, std::vector<std::int64_t>{1000});
    EXPECT_FALSE(delay.running());
    EXPECT_TRUE(delay.is_set());
    co_await sleep(10s);
  };
  run(main_task());
  EXPECT_EQ(fired_at.size(), 1u) << "once per trigger";
}

TEST_F(SimTest, RetriggerExtendsTheDelay) {
  std::vector<std::int64_t> fired_at;
  Delay_ms delay([&] { fired_at.push_back(t_ms()); }, 100);
  auto main_task = [&]() -> Task<> {
    // Kept alive by a trigger every 50 ms for a second: no timeout until 100 ms after the last one.
    for (int i = 0; i < 20; ++i) {
      delay.trigger();
      co_await sleep(50ms);
    }
    EXPECT_TRUE(fired_at.empty());
    co_await sleep(1s);
  };
  run(main_task());
  EXPECT_EQ(fired_at, std::vector<std::int64_t>{1050});
}

TEST_F(SimTest, ShorterRetriggerBringsTheTimeoutForward) {
  std::vector<std::int64_t> fired_at;
  Delay_ms delay([&] { fired_at.push_back(t_ms()); });
  auto main_task = [&]() -> Task<> {
    delay.trigger(500);
    co_await sleep(100ms);
    delay.trigger(50);  // less than the 400 ms left
    co_await sleep(1s);
    delay.trigger(std::chrono::milliseconds(20));
    co_await sleep(1s);
  };
  run(main_task());
  EXPECT_EQ(fired_at, (std::vector<std::int64_t>{150, 1120}));
}

TEST_F(SimTest, StopCancelsThePendingTimeout) {
  int fired = 0;
  Delay_ms delay([&] { ++fired; }, 100);
  auto main_task = [&]() -> Task<> {
    delay.trigger();
    co_await sleep(50ms);
    delay.stop();
    EXPECT_FALSE(delay.running());
    co_await sleep(1s);
    EXPECT_EQ(fired, 0);
    delay.trigger();  // restartable
    co_await sleep(1s);
    EXPECT_EQ(fired, 1);
  };
  run(main_task());
}

TEST_F(SimTest, TriggerImmediatelyFollowedByStopNeverTimesOut) {
  // The seed's bug: its supervisor task had not run yet, so the timeout happened anyway.
  int fired = 0;
  Delay_ms delay([&] { ++fired; }, 10);
  auto main_task = [&]() -> Task<> {
    for (int i = 0; i < 3; ++i) {
      delay.trigger();
      delay.stop();
      co_await sleep(1s);
    }
    delay.trigger_threadsafe(5);  // a request not yet handled by the loop is discarded by stop() as well
    delay.stop();
    co_await sleep(1s);
  };
  delay.bind(loop);
  run(main_task());
  EXPECT_EQ(fired, 0);
  EXPECT_TRUE(loop.timers().empty());
  EXPECT_FALSE(delay.is_set());
}

TEST_F(SimTest, RvalueHoldsTheCallbackResultUntilTheNextTrigger) {
  Delay_ms delay([] { return 42; }, 10);
  auto main_task = [&]() -> Task<> {
    EXPECT_FALSE(delay.rvalue());
    delay.trigger();
    co_await sleep(20ms);
    EXPECT_EQ(delay.rvalue().value, 42);
    delay.trigger();
    EXPECT_FALSE(delay.rvalue().value.has_value()) << "reset on retrigger";
    co_await sleep(20ms);
    EXPECT_EQ(delay.rvalue().value, 42);
  };
  run(main_task());
}

TEST_F(SimTest, CoroutineCallbackIsLaunchedAsATaskAtEachTimeout) {
  std::vector<std::int64_t> started;
  auto job = [&]() -> Task<int> {
    started.push_back(t_ms());
    co_await sleep(5ms);
    co_return 7;
  };
  Delay_ms delay(job, 10);
  auto main_task = [&]() -> Task<> {
    delay.trigger();
    co_await sleep(11ms);
    TaskRef t = delay.rvalue().task;
    EXPECT_TRUE(t);
    if (!t) co_return;
    EXPECT_FALSE(t.done());
    co_await t;
    EXPECT_EQ(t_ms(), 15);
    delay.trigger();
    co_await sleep(20ms);
  };
  run(main_task());
  EXPECT_EQ(started, (std::vector<std::int64_t>{10, 25}));
}

TEST_F(SimTest, DelayWaitIsEventLike) {
  Delay_ms delay(30);  // no callable
  std::vector<std::int64_t> woke;
  auto waiter = [&]() -> Task<> {
    co_await delay.wait();
    woke.push_back(t_ms());
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(waiter());
    auto b = create_task(waiter());
    delay.trigger();
    co_await gather(a, b);
    EXPECT_TRUE(delay.is_set());
    delay.trigger();
    EXPECT_TRUE(delay.is_set()) << "trigger() does not clear the event (seed)";
    delay.clear();
    auto c = create_task(waiter());
    co_await sleep(10ms);
    delay.set();  // by hand
    co_await c;
    delay.stop();
    EXPECT_FALSE(delay.is_set()) << "stop() clears the event";
    EXPECT_FALSE(delay.running());
  };
  run(main_task());
  EXPECT_EQ(woke, (std::vector<std::int64_t>{30, 30, 40}));
}

TEST_F(SimTest, TriggerAfterDeinitIsAUsageError) {
  int fired = 0;
  Delay_ms delay([&] { ++fired; }, 1000);
  auto main_task = [&]() -> Task<> {
    delay.trigger();
    co_await sleep(500ms);
    delay.deinit();
    delay.deinit();  // idempotent
    EXPECT_FALSE(delay.running());
    EXPECT_USAGE_ERROR(delay.trigger(), "after deinit");
    co_await sleep(2s);
  };
  run(main_task());
  EXPECT_EQ(fired, 0);
}

TEST_F(SimTest, CallbackMayRetriggerItself) {
  std::vector<std::int64_t> fired_at;
  Delay_ms* self = nullptr;
  Delay_ms delay(
      [&] {
        fired_at.push_back(t_ms());
        if (fired_at.size() < 3) self->trigger();
      },
      100);
  self = &delay;
  auto main_task = [&]() -> Task<> {
    delay.trigger();
    co_await sleep(1s);
  };
  run(main_task());
  EXPECT_EQ(fired_at, (std::vector<std::int64_t>{100, 200, 300}));
}

TEST_F(SimTest, CallbackMayDestroyItsDelay) {
  auto delay = std::make_unique<Delay_ms>(10);
  int fired = 0;
  delay->callback([&] {
    ++fired;
    delay.reset();
  });
  auto main_task = [&]() -> Task<> {
    delay->trigger();
    co_await sleep(50ms);
  };
  run(main_task());
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(delay, nullptr);
}

TEST_F(SimTest, CallbackWithBoundArgumentsAndReplacement) {
  std::string log;
  Delay_ms delay(10);
  delay.callback([&log](const char* what, int n) { log += what + std::to_string(n) + " "; }, "first", 1);
  auto main_task = [&]() -> Task<> {
    delay.trigger();
    co_await sleep(20ms);
    delay.callback([&log] { log += "second "; });
    delay.trigger();
    co_await sleep(20ms);
    delay.callback();  // none
    delay.trigger();
    co_await sleep(20ms);
    EXPECT_TRUE(delay.is_set());
  };
  run(main_task());
  EXPECT_EQ(log, "first1 second ");
}

#if AIOPI_HAS_EXCEPTIONS
TEST_F(SimTest, CallbackExceptionsGoToTheExceptionHandler) {
  static std::vector<std::string> messages;
  messages.clear();
  loop.set_exception_handler([](Loop&, const ExceptionContext& ctx) { messages.emplace_back(ctx.message); });
  Delay_ms* self = nullptr;
  Delay_ms delay(10);
  self = &delay;
  int after = 0;
  auto main_task = [&]() -> Task<> {
    delay.callback([] { throw std::runtime_error("boom"); });
    delay.trigger();
    co_await sleep(20ms);
    delay.callback([&] { self->callback(); });  // replacing the callable from inside it: a usage error
    delay.trigger();
    co_await sleep(20ms);
    ++after;
  };
  run(main_task());
  EXPECT_EQ(after, 1) << "the loop carries on";
  EXPECT_EQ(messages,
            (std::vector<std::string>{"exception in Delay_ms callback", "exception in Delay_ms callback"}));
}
#endif

#if AIOPI_HOSTED
TEST_F(SimTest, TriggerThreadsafeFromAnotherThread) {
  std::vector<std::int64_t> fired_at;
  Delay_ms delay([&] { fired_at.push_back(t_ms()); }, 100);
  delay.bind(loop);
  auto main_task = [&]() -> Task<> {
    co_await sleep(5ms);
    std::thread other([&] { delay.trigger_threadsafe(40); });
    other.join();
    EXPECT_FALSE(delay.running()) << "handled by the loop, not by the other thread";
    co_await sleep(0ms);
    EXPECT_TRUE(delay.running());
    co_await sleep(100ms);
  };
  run(main_task());
  EXPECT_EQ(fired_at, std::vector<std::int64_t>{45});
}
#endif

TEST_F(SimTest, DestroyedDelayWhileArmedLeavesNoTimer) {
  int fired = 0;
  auto main_task = [&]() -> Task<> {
    {
      Delay_ms delay([&] { ++fired; }, 10);
      delay.trigger();
      EXPECT_FALSE(loop.timers().empty());
    }
    EXPECT_TRUE(loop.timers().empty());
    co_await sleep(50ms);
  };
  run(main_task());
  EXPECT_EQ(fired, 0);
}

TEST_F(SimTest, DelayArmedWhenItsLoopIsDestroyedDoesNotRunItsCallback) {
  int fired = 0;
  Delay_ms delay([&] { ++fired; }, 100);
  {
    sim::SimBackend other_backend;
    Loop other(other_backend);
    delay.bind(other);
    auto main_task = [&]() -> Task<> {
      delay.trigger();
      co_return;
    };
    other.run_until_complete(main_task());
    EXPECT_TRUE(delay.running());
  }
  EXPECT_EQ(fired, 0) << "a loop being destroyed expires its timers without running user code";
  EXPECT_FALSE(delay.running());
}

TEST_F(SimTest, CancelledDelayWaiterLeavesTheOthersWaiting) {
  Delay_ms delay(20);
  std::vector<int> woke;
  auto waiter = [&](int id) -> Task<> {
    co_await delay.wait();
    woke.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(waiter(1));
    auto b = create_task(waiter(2));
    delay.trigger();
    co_await sleep(10ms);
    a.cancel();
    co_await a.wait_outcome();
    co_await b;
    EXPECT_EQ(t_ms(), 20);
  };
  run(main_task());
  EXPECT_EQ(woke, std::vector<int>{2});
}

}  // namespace
}  // namespace aiopi::testing
