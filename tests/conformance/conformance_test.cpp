// Behaviour every backend must share. Durations are tiny: on the real clock these tests check order and
// "never early", not how long things took.
#include "backends.hpp"

namespace aiopi::testing {
namespace {

class Conformance : public BackendTest {};
AIOPI_ALL_BACKENDS(Conformance);

TEST_P(Conformance, TimersFireInDeadlineOrderAndNeverEarly) {
  std::vector<int> order;
  std::vector<std::int64_t> lateness;
  auto sleeper = [&](int id, Duration d) -> Task<> {
    const TimePoint start = loop().now();
    co_await sleep(d);
    lateness.push_back((loop().now() - (start + d)).count());
    order.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    co_await gather(sleeper(3, 3ms), sleeper(1, 1ms), sleeper(2, 2ms), sleeper(4, 3ms));
  };
  run(main_task());
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
  for (auto l : lateness)
    EXPECT_GE(l, 0) << "a timer fired early";
}

TEST_P(Conformance, SleepZeroIsRoundRobin) {
  std::string trace;
  auto worker = [&](char id) -> Task<> {
    for (int i = 0; i < 3; ++i) {
      trace += id;
      co_await yield_now();
    }
  };
  auto main_task = [&]() -> Task<> { co_await gather(worker('x'), worker('y')); };
  run(main_task());
  EXPECT_EQ(trace, "xyxyxy");
}

TEST_P(Conformance, WaitForTimesOutAndCancels) {
  int destroyed = 0;
  auto slow = [&]() -> Task<int> {
    struct D {
      int* n;
      ~D() { ++*n; }
    } d{&destroyed};
    co_await sleep(10s);
    co_return 1;
  };
  auto main_task = [&]() -> Task<> {
    auto r = co_await wait_for(slow(), 2ms);
    EXPECT_TRUE(r.timed_out());
    EXPECT_EQ(destroyed, 1);
  };
  run(main_task());
}

TEST_P(Conformance, CallbacksRunInOrderAndCanBeCancelled) {
  std::vector<int> calls;
  auto main_task = [&]() -> Task<> {
    loop().call_soon([&] { calls.push_back(1); });
    auto later = loop().call_later(1ms, [&] { calls.push_back(3); });
    auto cancelled = loop().call_later(500us, [&] { calls.push_back(99); });
    loop().call_soon([&] { calls.push_back(2); });
    EXPECT_TRUE(cancelled.cancel());
    EXPECT_FALSE(cancelled.cancel());
    co_await sleep(3ms);
    EXPECT_TRUE(later.done());
    EXPECT_FALSE(later.cancel()) << "a callback that ran cannot be cancelled";
  };
  run(main_task());
  EXPECT_EQ(calls, (std::vector<int>{1, 2, 3}));
}

TEST_P(Conformance, CallAtUsesTheLoopClock) {
  TimePoint fired{};
  auto main_task = [&]() -> Task<> {
    const TimePoint when = loop().now() + 2ms;
    loop().call_at(when, [&] { fired = loop().now(); });
    co_await sleep(4ms);
    EXPECT_GE(fired, when);
  };
  run(main_task());
}

#if AIOPI_HAS_EXCEPTIONS
TEST_P(Conformance, UnretrievedTaskExceptionGoesToTheHandler) {
  static int handled = 0;
  static std::string message;
  handled = 0;
  loop().set_exception_handler([](Loop&, const ExceptionContext& ctx) {
    ++handled;
    message = ctx.message;
    EXPECT_NE(ctx.task, nullptr);
    EXPECT_TRUE(static_cast<bool>(ctx.exception));
  });
  auto failing = []() -> Task<> {
    co_await yield_now();
    throw std::runtime_error("detached failure");
  };
  auto main_task = [&]() -> Task<> {
    loop().create_task(failing(), "failing");
    co_await sleep(1ms);
  };
  run(main_task());
  EXPECT_EQ(handled, 1);
  EXPECT_EQ(message, "task exception was never retrieved");
}

TEST_P(Conformance, MainTaskExceptionPropagatesOutOfRun) {
  auto main_task = []() -> Task<int> {
    co_await yield_now();
    throw std::logic_error("main failed");
  };
  EXPECT_THROW(run(main_task()), std::logic_error);
}

TEST_P(Conformance, AwaitedExceptionPropagatesThroughCoAwait) {
  auto inner = []() -> Task<int> {
    co_await yield_now();
    throw std::out_of_range("inner");
  };
  auto main_task = [&]() -> Task<> {
    auto t = loop().create_task(inner());
    EXPECT_THROW((void)co_await t, std::out_of_range);
    EXPECT_TRUE(t.failed());
    EXPECT_THROW((void)co_await inner(), std::out_of_range);
  };
  run(main_task());
}
#endif

TEST_P(Conformance, ProfilingRecordsRunTimeOnlyWhenOn) {
  TaskHandle<> h;
  auto busy = [&]() -> Task<> {
    for (int i = 0; i < 5; ++i)
      co_await yield_now();
  };
  auto main_task = [&]() -> Task<> {
    h = loop().create_task(busy(), "busy");
    co_await h;
  };
  run(main_task());
  EXPECT_EQ(h.run_count(), 6u);
  EXPECT_EQ(h.base().run_time_ns(), 0u);
  loop().set_profiling(true);
  auto main2 = [&]() -> Task<> {
    h = loop().create_task(busy(), "busy");
    co_await h;
  };
  run(main2());
  EXPECT_GT(h.base().run_time_ns(), 0u);
  EXPECT_GE(h.base().run_time_ns(), h.base().longest_run_ns());
}

TEST_P(Conformance, IntrospectionListsLiveTasksWithNamesAndStates) {
  Event gate;
  auto waiter = [&]() -> Task<> { co_await gate.wait(); };
  auto main_task = [&]() -> Task<> {
    auto a = loop().create_task(waiter(), "alpha");
    auto b = loop().create_task(waiter(), "beta");
    co_await yield_now();
    std::vector<std::string> seen;
    for (TaskBase& t : loop().tasks())
      seen.push_back(std::string(t.name()) + ":" + to_string(t.state()));
    EXPECT_EQ(seen, (std::vector<std::string>{"main:running", "alpha:waiting", "beta:waiting"}));
    gate.set();
    co_await gather(a, b);
    EXPECT_EQ(loop().tasks().size(), 1u);
  };
  run(main_task());
}

TEST_P(Conformance, PendingTasksSurviveRunAndResumeOnTheNextRun) {
  // Synchronised by events, not by elapsed time, so a loaded machine cannot change the outcome.
  int ticks = 0;
  Event third, sixth;
  auto ticker = [&]() -> Task<> {
    for (;;) {
      ++ticks;
      if (ticks == 3) third.set();
      if (ticks == 6) sixth.set();
      co_await sleep(1ms);
    }
  };
  TaskHandle<> t;
  auto first = [&]() -> Task<> {
    t = loop().create_task(ticker(), "ticker");
    co_await third.wait();
  };
  run(first());
  EXPECT_FALSE(t.done()) << "the ticker is still pending after run() returned";
  EXPECT_LT(ticks, 6);
  auto second = [&]() -> Task<> { co_await sixth.wait(); };
  run(second());
  EXPECT_GE(ticks, 6) << "the ticker carried on in the second run";
}

TEST_P(Conformance, LoopDestructionUnwindsPendingTasks) {
  int destroyed = 0;
  auto body = [&]() -> Task<> {
    struct D {
      int* n;
      ~D() { ++*n; }
    } d{&destroyed};
    co_await sleep(1h);
  };
  {
    BackendHolder backend(GetParam());
    Loop local(backend.get());
    auto main_task = [&]() -> Task<> {
      local.create_task(body());
      local.create_task(body());
      co_await yield_now();
    };
    local.run_until_complete(main_task());
    EXPECT_EQ(destroyed, 0);
  }
  EXPECT_EQ(destroyed, 2) << "destroying the loop unwinds what is still pending";
}

}  // namespace
}  // namespace aiopi::testing
