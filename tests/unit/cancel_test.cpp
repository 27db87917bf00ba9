// Cancellation: who is cancelled (asyncio's rules) and how (frame destruction, destructors run).
#include "sim_fixture.hpp"

namespace aiopi::testing {
namespace {

TEST_F(SimTest, CancelWhileSleepingRunsDestructorsAndDisarmsTheTimer) {
  int destroyed = 0;
  bool reached_end = false;
  auto victim = [&]() -> Task<> {
    DtorProbe probe(destroyed);
    co_await sleep(10s);
    reached_end = true;
  };
  auto main_task = [&]() -> Task<> {
    auto v = create_task(victim());
    co_await sleep(1ms);
    EXPECT_TRUE(v.cancel());
    EXPECT_EQ(destroyed, 0) << "the victim unwinds when it next runs, not inside cancel()";
    auto out = co_await v.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_TRUE(v.cancelled());
    EXPECT_EQ(destroyed, 1);
  };
  run(main_task());
  EXPECT_FALSE(reached_end);
  EXPECT_EQ(t_ms(), 1) << "the cancelled sleep's timer must not keep the clock going";
  EXPECT_TRUE(loop.timers().empty());
}

TEST_F(SimTest, CancelWhileWaitingOnAnEventLeavesTheWaiterQueue) {
  Event ev;
  int destroyed = 0;
  std::vector<int> woke;
  auto waiter = [&](int id) -> Task<> {
    DtorProbe probe(destroyed);
    co_await ev.wait();
    woke.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(waiter(1));
    auto b = create_task(waiter(2));
    auto c = create_task(waiter(3));
    co_await sleep(0ms);
    b.cancel();
    co_await sleep(0ms);
    EXPECT_EQ(destroyed, 1);
    ev.set();
    co_await gather_outcomes(a, b, c);
  };
  run(main_task());
  EXPECT_EQ(woke, (std::vector<int>{1, 3}));
  EXPECT_EQ(destroyed, 3);
}

TEST_F(SimTest, CancelWhileWaitingOnALockLosesNoOwnership) {
  Lock lock;
  std::vector<int> got;
  auto contender = [&](int id) -> Task<> {
    auto guard = co_await lock;
    got.push_back(id);
    co_await sleep(1ms);
  };
  auto main_task = [&]() -> Task<> {
    auto holder = create_task(contender(1));
    auto w2 = create_task(contender(2));
    auto w3 = create_task(contender(3));
    co_await sleep(0ms);
    w2.cancel();  // queued behind the holder
    co_await gather_outcomes(holder, w2, w3);
    EXPECT_FALSE(lock.locked());
  };
  run(main_task());
  EXPECT_EQ(got, (std::vector<int>{1, 3}));
}

TEST_F(SimTest, LockHandedToACancelledWaiterPassesOn) {
  Lock lock;
  std::vector<int> got;
  auto main_task = [&]() -> Task<> {
    co_await lock.acquire();
    auto waiter = [&](int id) -> Task<> {
      auto guard = co_await lock;
      got.push_back(id);
    };
    auto w1 = create_task(waiter(1));
    auto w2 = create_task(waiter(2));
    co_await sleep(0ms);
    lock.release();  // handed to w1, which has not resumed yet...
    w1.cancel();     // ...and is cancelled before it does: w2 must get the lock
    co_await gather_outcomes(w1, w2);
    EXPECT_FALSE(lock.locked());
  };
  run(main_task());
  EXPECT_EQ(got, std::vector<int>{2});
}

TEST_F(SimTest, CancelIsForwardedToTheInnermostAwaitedTask) {
  int inner_destroyed = 0, outer_destroyed = 0;
  auto inner = [&]() -> Task<int> {
    DtorProbe p(inner_destroyed);
    co_await sleep(1h);
    co_return 1;
  };
  TaskHandle<int> inner_handle;
  auto outer = [&]() -> Task<int> {
    DtorProbe p(outer_destroyed);
    inner_handle = create_task(inner());
    int v = co_await inner_handle;
    co_return v + 1;
  };
  auto main_task = [&]() -> Task<> {
    auto o = create_task(outer());
    co_await sleep(1ms);
    EXPECT_TRUE(o.cancel());
    auto out = co_await o.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_TRUE(inner_handle.cancelled()) << "the cancel reached the awaited task";
  };
  run(main_task());
  EXPECT_EQ(inner_destroyed, 1);
  EXPECT_EQ(outer_destroyed, 1);
}

TEST_F(SimTest, AwaitingACancelledTaskCancelsTheAwaiterUnlessItAsksForTheOutcome) {
  bool plain_continued = false, outcome_continued = false;
  auto sleeper = []() -> Task<int> {
    co_await sleep(1h);
    co_return 5;
  };
  auto main_task = [&]() -> Task<> {
    auto s = create_task(sleeper());
    // Coroutine lambdas are kept in named variables: a temporary closure would die before its coroutine.
    auto plain_body = [&]() -> Task<> {
      co_await s;
      plain_continued = true;
    };
    auto by_value_body = [&]() -> Task<> {
      auto out = co_await s.wait_outcome();
      outcome_continued = out.cancelled();
    };
    auto plain = create_task(plain_body());
    auto by_value = create_task(by_value_body());
    co_await sleep(1ms);
    s.cancel();
    co_await gather_outcomes(plain, by_value);
    EXPECT_TRUE(plain.cancelled());
    EXPECT_TRUE(by_value.done() && !by_value.cancelled());
  };
  run(main_task());
  EXPECT_FALSE(plain_continued);
  EXPECT_TRUE(outcome_continued);
}

TEST_F(SimTest, CancelOfAFinishedTaskReportsFalse) {
  auto quick = []() -> Task<int> { co_return 3; };
  auto main_task = [&]() -> Task<> {
    auto q = create_task(quick());
    EXPECT_EQ(co_await q, 3);
    EXPECT_FALSE(q.cancel());
    EXPECT_FALSE(q.cancelled());
  };
  run(main_task());
}

TEST_F(SimTest, CancelOfSelfIsRefused) {
  auto main_task = [&]() -> Task<int> {
    EXPECT_FALSE(current_task().cancel());
    co_await sleep(1ms);
    co_return 9;  // still running: the refused cancel had no effect
  };
  EXPECT_EQ(run(main_task()), 9);
}

TEST_F(SimTest, ForwardedCancelThatReachesTheCallerItselfIsRefused) {
  // B awaits A; A cancels B: forwarded to A itself, which is running -> refused (asyncio: "can't cancel
  // self").
  TaskHandle<> b;
  bool a_finished = false;
  auto a_body = [&]() -> Task<> {
    co_await sleep(1ms);
    EXPECT_FALSE(b.cancel());
    a_finished = true;
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(a_body());
    b = create_task([](TaskHandle<> target) -> Task<> { co_await target; }(a));
    co_await b;
  };
  run(main_task());
  EXPECT_TRUE(a_finished);
  EXPECT_FALSE(b.cancelled());
}

TEST_F(SimTest, TaskCancelledBeforeItStartsNeverRuns) {
  bool ran = false;
  auto body = [&]() -> Task<> {
    ran = true;
    co_return;
  };
  auto main_task = [&]() -> Task<> {
    auto t = create_task(body());
    EXPECT_TRUE(t.cancel());
    co_await t.wait_outcome();
    EXPECT_TRUE(t.cancelled());
  };
  run(main_task());
  EXPECT_FALSE(ran);
}

TEST_F(SimTest, CancellingTheSameTaskTwiceIsHarmless) {
  auto main_task = [&]() -> Task<> {
    auto t = create_task([]() -> Task<> { co_await sleep(1h); }());
    co_await sleep(0ms);
    EXPECT_TRUE(t.cancel());
    EXPECT_TRUE(t.cancel());
    co_await t.wait_outcome();
    EXPECT_FALSE(t.cancel());
  };
  run(main_task());
}

TEST_F(SimTest, CancelledSubCoroutineChainUnwindsInnermostFirst) {
  std::vector<std::string> log;
  struct Note {
    std::vector<std::string>* log;
    const char* name;
    ~Note() { log->push_back(name); }
  };
  auto leaf = [&]() -> Task<> {
    Note n{&log, "leaf"};
    co_await sleep(1h);
  };
  auto middle = [&]() -> Task<> {
    Note n{&log, "middle"};
    co_await leaf();
  };
  auto top = [&]() -> Task<> {
    Note n{&log, "top"};
    co_await middle();
  };
  auto main_task = [&]() -> Task<> {
    auto t = create_task(top());
    co_await sleep(1ms);
    t.cancel();
    co_await t.wait_outcome();
  };
  run(main_task());
  EXPECT_EQ(log, (std::vector<std::string>{"leaf", "middle", "top"}));
}

}  // namespace
}  // namespace aiopi::testing
