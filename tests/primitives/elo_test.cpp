// ELO: a task's completion as an event-like object (seed primitives/tests/elo_test.py, §8.3), on virtual
// time.
#include "b_support.hpp"

namespace aiopi::testing {
namespace {

Task<int> sleep_then(std::chrono::milliseconds d, int value) {
  co_await sleep(d);
  co_return value;
}

// §8.3 step 1: WaitAny over (Event, ELO(coroutine sleeping 5 s returning 42)); the ELO's task is cancelled
// after 1 s → the WaitAny returns at 1 s and the ELO reports the cancellation.
TEST_F(BSimTest, EloCancelledTaskEndsTheWaitAndIsReported) {
  Event ev;
  auto main_task = [&]() -> Task<> {
    ELO elo(sleep_then(5s, 42));
    auto killer = [&]() -> Task<> {
      co_await sleep(1s);
      elo.task().cancel();
    };
    auto k = create_task(killer());
    std::size_t i = co_await WaitAny{ev, elo};
    EXPECT_EQ(i, 1u);
    EXPECT_EQ(t_ms(), 1000);
    EXPECT_TRUE(elo.cancelled());
    EXPECT_TRUE(elo.done());
    co_await k;
  };
  run(main_task());
}

// §8.3 step 2: a new ELO → the WaitAny returns at 5 s; awaiting the task gives 42.
TEST_F(BSimTest, EloReturnsWhenTheTaskEndsAndTheTaskGivesTheResult) {
  Event ev;
  auto main_task = [&]() -> Task<> {
    ELO elo(sleep_then(5s, 42));
    EXPECT_EQ(co_await WaitAny(ev, elo), 1u);
    EXPECT_EQ(t_ms(), 5000);
    EXPECT_FALSE(elo.cancelled());
    EXPECT_EQ(co_await elo.task(), 42);
    EXPECT_EQ(co_await elo.task(), 42) << "awaitable again after completion";
  };
  run(main_task());
}

// §8.3 step 3: an ELO wrapping an already running task (3 s, returns 99).
TEST_F(BSimTest, EloWrapsARunningTask) {
  Event ev;
  auto main_task = [&]() -> Task<> {
    TaskHandle<int> running = create_task(sleep_then(3s, 99));
    co_await sleep(1s);
    ELO elo(running);
    EXPECT_EQ(co_await WaitAny(ev, elo), 1u);
    EXPECT_EQ(t_ms(), 3000);
    EXPECT_EQ(co_await running, 99);
  };
  run(main_task());
}

// §8.3 step 4: ELO(coroutine, 5, 88): arguments reach the coroutine.
TEST_F(BSimTest, EloOfACoroutineWithArguments) {
  Event ev;
  auto main_task = [&]() -> Task<> {
    auto coro = [](int seconds, int value) -> Task<int> {
      co_await sleep(std::chrono::seconds(seconds));
      co_return value;
    };
    ELO elo(coro(5, 88));
    co_await WaitAny(ev, elo);
    EXPECT_EQ(co_await elo.task(), 88);
    EXPECT_EQ(t_ms(), 5000);
  };
  run(main_task());
}

TEST_F(BSimTest, EloWaitDirectlyAndOnADoneTask) {
  auto main_task = [&]() -> Task<> {
    ELO elo(sleep_then(2ms, 1));
    co_await elo.wait();
    EXPECT_EQ(t_ms(), 2);
    const auto before = loop.stats().resumes;
    co_await elo;  // done: at once
    EXPECT_EQ(loop.stats().resumes, before);
    EXPECT_TRUE(elo.is_set());
  };
  run(main_task());
}

TEST_F(BSimTest, CancellingAWaiterOfAnEloLeavesItsTaskRunning) {
  auto main_task = [&]() -> Task<> {
    ELO elo(sleep_then(10ms, 7));
    auto waiter = [&]() -> Task<> { co_await WaitAny{elo}; };
    auto w = create_task(waiter());
    co_await sleep(1ms);
    w.cancel();
    co_await w.wait_outcome();
    EXPECT_TRUE(w.cancelled());
    EXPECT_FALSE(elo.done()) << "waiting on an ELO never cancels its task";
    EXPECT_EQ(co_await elo.task(), 7);
    EXPECT_EQ(t_ms(), 10);
  };
  run(main_task());
}

TEST_F(BSimTest, EloInAWaitAllWithEvents) {
  Event ev;
  auto main_task = [&]() -> Task<> {
    ELO elo(sleep_then(3ms, 0));
    auto setter = [&]() -> Task<> {
      co_await sleep(5ms);
      ev.set();
    };
    auto s = create_task(setter());
    co_await WaitAll{elo, ev};
    EXPECT_EQ(t_ms(), 5);
    co_await s;
  };
  run(main_task());
}

#if AIOPI_HAS_EXCEPTIONS
TEST_F(BSimTest, EloOfAFailingTaskEndsTheWaitAndTheTaskRethrows) {
  auto main_task = [&]() -> Task<> {
    auto failing = []() -> Task<int> {
      co_await sleep(1ms);
      throw std::runtime_error("boom");
    };
    ELO elo(failing());
    co_await elo;
    EXPECT_FALSE(elo.cancelled());
    EXPECT_THROW(co_await elo.task(), std::runtime_error);
  };
  run(main_task());
}
#endif

}  // namespace
}  // namespace aiopi::testing
