// gather / gather_outcomes / TaskGroup.
#include "sim_fixture.hpp"

namespace aiopi::testing {
namespace {

Task<int> after(Duration d, int v) {
  co_await sleep(d);
  co_return v;
}

Task<> forever(int* destroyed) {
  DtorProbe p(*destroyed);
  co_await sleep(24h);
}

TEST_F(SimTest, GatherReturnsResultsInArgumentOrder) {
  auto main_task = [&]() -> Task<> {
    auto [a, b, c] = co_await gather(after(30ms, 1), after(10ms, 2), after(20ms, 3));
    EXPECT_EQ(a, 1);
    EXPECT_EQ(b, 2);
    EXPECT_EQ(c, 3);
    EXPECT_EQ(t_ms(), 30) << "children run concurrently";
  };
  run(main_task());
}

TEST_F(SimTest, GatherOverARange) {
  auto main_task = [&]() -> Task<> {
    std::vector<Task<int>> tasks;
    for (int i = 0; i < 5; ++i)
      tasks.push_back(after(Duration(1000 * (5 - i)), i * i));
    auto values = co_await gather(std::move(tasks));
    EXPECT_EQ(values, (std::vector<int>{0, 1, 4, 9, 16}));
    auto none = co_await gather(std::vector<Task<int>>{});
    EXPECT_TRUE(none.empty());
  };
  run(main_task());
}

TEST_F(SimTest, GatherStopsAtTheFirstCancelledChildAndOthersKeepRunning) {
  bool continued = false;
  TaskHandle<int> slow, doomed;
  auto caller = [&]() -> Task<> {
    slow = create_task(after(50ms, 1));
    doomed = create_task(after(1h, 2));
    auto r = co_await gather(slow, doomed);
    (void)r;
    continued = true;
  };
  auto main_task = [&]() -> Task<> {
    auto c = create_task(caller());
    co_await sleep(5ms);
    doomed.cancel();
    co_await c.wait_outcome();
    EXPECT_TRUE(c.cancelled()) << "the cancelled child's cancellation propagates to the gather";
    EXPECT_EQ(t_ms(), 5);
    EXPECT_FALSE(slow.done()) << "asyncio: the other children are not cancelled";
    EXPECT_EQ(co_await slow, 1);
  };
  run(main_task());
  EXPECT_FALSE(continued);
}

#if AIOPI_HAS_EXCEPTIONS
TEST_F(SimTest, GatherRaisesTheFirstFailureAtOnce) {
  auto failing = [](Duration d) -> Task<int> {
    co_await sleep(d);
    throw std::runtime_error("boom");
  };
  auto main_task = [&]() -> Task<> {
    auto slow = create_task(after(100ms, 1));
    EXPECT_THROW((void)co_await gather(slow, failing(10ms)), std::runtime_error);
    EXPECT_EQ(t_ms(), 10);
    EXPECT_FALSE(slow.done());
    co_await slow;
  };
  run(main_task());
}
#endif

TEST_F(SimTest, GatherOutcomesWaitsForEveryChild) {
  auto main_task = [&]() -> Task<> {
    auto victim = create_task(after(1h, 0));
    auto canceller = [](TaskHandle<int> v) -> Task<int> {
      co_await sleep(5ms);
      v.cancel();
      co_return 8;
    };
    auto [a, b, c] = co_await gather_outcomes(after(20ms, 1), victim, canceller(victim));
    EXPECT_EQ(a.value(), 1);
    EXPECT_TRUE(b.cancelled());
    EXPECT_EQ(c.value(), 8);
    EXPECT_EQ(t_ms(), 20);
  };
  run(main_task());
}

TEST_F(SimTest, CancellingTheAwaiterOfGatherCancelsTheChildren) {
  int destroyed = 0;
  TaskHandle<> c1, c2;
  auto caller = [&]() -> Task<> {
    c1 = create_task(forever(&destroyed));
    c2 = create_task(forever(&destroyed));
    co_await gather(c1, c2);
  };
  auto main_task = [&]() -> Task<> {
    auto c = create_task(caller());
    co_await sleep(1ms);
    EXPECT_TRUE(c.cancel());
    co_await c.wait_outcome();
    EXPECT_TRUE(c.cancelled());
    EXPECT_TRUE(c1.cancelled());
    EXPECT_TRUE(c2.cancelled());
  };
  run(main_task());
  EXPECT_EQ(destroyed, 2);
}

TEST_F(SimTest, TaskGroupWaitsForAllChildren) {
  std::vector<int> done_order;
  auto child = [&](int id, Duration d) -> Task<> {
    co_await sleep(d);
    done_order.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    TaskGroup group;
    group.create_task(child(1, 30ms));
    group.create_task(child(2, 10ms));
    group.create_task(child(3, 20ms));
    EXPECT_EQ(group.size(), 3u);
    co_await group.wait();
    EXPECT_EQ(group.size(), 0u);
    EXPECT_EQ(t_ms(), 30);
  };
  run(main_task());
  EXPECT_EQ(done_order, (std::vector<int>{2, 3, 1}));
}

TEST_F(SimTest, CancellingTheOwnerOfATaskGroupCancelsItsChildren) {
  int destroyed = 0;
  bool owner_continued = false;
  auto owner = [&]() -> Task<> {
    TaskGroup group;
    group.create_task(forever(&destroyed));
    group.create_task(forever(&destroyed));
    co_await group.wait();
    owner_continued = true;
  };
  auto main_task = [&]() -> Task<> {
    auto o = create_task(owner());
    co_await sleep(1ms);
    EXPECT_TRUE(o.cancel());
    co_await o.wait_outcome();
    EXPECT_TRUE(o.cancelled());
    EXPECT_EQ(destroyed, 2) << "children are unwound before the owner";
  };
  run(main_task());
  EXPECT_FALSE(owner_continued);
}

TEST_F(SimTest, AChildCancelledOnItsOwnIsNotAGroupFailure) {
  auto main_task = [&]() -> Task<> {
    TaskGroup group;
    auto a = group.create_task(after(10ms, 1));
    auto b = group.create_task(after(1h, 2));
    co_await sleep(1ms);
    b.cancel();
    co_await group.wait();
    EXPECT_EQ(a.outcome().value(), 1);
    EXPECT_TRUE(b.cancelled());
  };
  run(main_task());
}

#if AIOPI_HAS_EXCEPTIONS
TEST_F(SimTest, AFailingChildCancelsItsSiblingsAndWaitRethrows) {
  int destroyed = 0;
  auto failing = []() -> Task<> {
    co_await sleep(5ms);
    throw std::runtime_error("child failed");
  };
  auto main_task = [&]() -> Task<> {
    TaskGroup group;
    group.create_task(forever(&destroyed));
    group.create_task(failing());
    group.create_task(forever(&destroyed));
    EXPECT_THROW(co_await group.wait(), std::runtime_error);
    EXPECT_EQ(destroyed, 2);
    EXPECT_EQ(t_ms(), 5);
  };
  run(main_task());
}
#endif

TEST_F(SimTest, DestroyingAGroupWithRunningChildrenCancelsThem) {
  int destroyed = 0;
  auto main_task = [&]() -> Task<> {
    TaskHandle<> child;
    {
      TaskGroup group;
      child = group.create_task(forever(&destroyed));
      co_await sleep(1ms);
    }
    co_await child.wait_outcome();
    EXPECT_TRUE(child.cancelled());
  };
  run(main_task());
  EXPECT_EQ(destroyed, 1);
}

}  // namespace
}  // namespace aiopi::testing
