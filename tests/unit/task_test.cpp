// Tasks, sleeping and ordering on the virtual clock.
#include "sim_fixture.hpp"

namespace aiopi::testing {
namespace {

Task<int> answer_after(Duration d, int v) {
  co_await sleep(d);
  co_return v;
}

TEST_F(SimTest, RunReturnsTheMainTasksValue) {
  EXPECT_EQ(run(answer_after(10ms, 42)), 42);
  EXPECT_EQ(t_ms(), 10);
}

TEST_F(SimTest, SubCoroutinesRunInlineInTheSameTask) {
  auto main_task = [&]() -> Task<int> {
    TaskRef me = current_task();
    auto inner = [&]() -> Task<int> {
      EXPECT_TRUE(current_task() == me);
      co_await sleep(5ms);
      co_return 7;
    };
    int a = co_await inner();
    int b = co_await inner();
    co_return a + b;
  };
  EXPECT_EQ(run(main_task()), 14);
  EXPECT_EQ(t_ms(), 10);
}

TEST_F(SimTest, SameDeadlineRunsInArmingOrder) {
  std::vector<int> order;
  auto sleeper = [&](int id, Duration d) -> Task<> {
    co_await sleep(d);
    order.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(sleeper(1, 20ms));
    auto b = create_task(sleeper(2, 10ms));
    auto c = create_task(sleeper(3, 20ms));
    auto d = create_task(sleeper(4, 10ms));
    co_await gather(a, b, c, d);
  };
  run(main_task());
  EXPECT_EQ(order, (std::vector<int>{2, 4, 1, 3}));
  EXPECT_EQ(t_ms(), 20);
}

TEST_F(SimTest, SleepZeroYieldsToEveryReadyTask) {
  std::string trace;
  auto worker = [&](char id, int rounds) -> Task<> {
    for (int i = 0; i < rounds; ++i) {
      trace += id;
      co_await sleep(0ms);
    }
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(worker('a', 3));
    auto b = create_task(worker('b', 3));
    auto c = create_task(worker('c', 3));
    co_await gather(a, b, c);
  };
  run(main_task());
  EXPECT_EQ(trace, "abcabcabc");
  EXPECT_EQ(t_us(), 0);
}

TEST_F(SimTest, ASelfWakingTaskCannotStarveOthers) {
  int spins = 0;
  bool other_ran = false;
  auto spinner = [&]() -> Task<> {
    while (!other_ran) {
      ++spins;
      co_await yield_now();
    }
  };
  auto other = [&]() -> Task<> {
    other_ran = true;
    co_return;
  };
  auto main_task = [&]() -> Task<> {
    auto s = create_task(spinner());
    auto o = create_task(other());
    co_await s;
  };
  run(main_task());
  EXPECT_EQ(spins, 1);
}

TEST_F(SimTest, TasksCreatedBeforeRunStartAfterMain) {
  std::vector<int> order;
  auto note = [&](int id) -> Task<> {
    order.push_back(id);
    co_return;
  };
  auto early = loop.create_task(note(1));
  auto main_task = [&]() -> Task<> {
    order.push_back(0);
    co_await sleep(0ms);
    order.push_back(2);
  };
  run(main_task());
  EXPECT_EQ(order, (std::vector<int>{1, 0, 2}));
  EXPECT_TRUE(early.done());
}

TEST_F(SimTest, SleepsAreExactOnTheVirtualClock) {
  auto main_task = [&]() -> Task<> {
    co_await sleep_ms(250);
    EXPECT_EQ(t_ms(), 250);
    co_await sleep(1500us);
    EXPECT_EQ(t_us(), 251'500);
    co_await sleep_until(TimePoint(Duration(1'000'000)));
    EXPECT_EQ(t_us(), 1'000'000);
    co_await sleep_until(TimePoint(Duration(5)));  // in the past: just yields
    EXPECT_EQ(t_us(), 1'000'000);
  };
  run(main_task());
}

TEST_F(SimTest, TaskHandleStateIsTheTaskState) {
  // TaskHandle<T> once hid TaskRef::state() behind a private helper of the same name, so h.state() (as
  // docs/api.md shows it) did not compile.
  auto child = []() -> Task<int> {
    co_await sleep(1ms);
    co_return 1;
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<int> h = create_task(child());
    EXPECT_EQ(h.state(), TaskState::ready);
    co_await sleep(0ms);
    EXPECT_EQ(h.state(), TaskState::waiting);
    co_await h;
    EXPECT_EQ(h.state(), TaskState::done);
  };
  run(main_task());
}

}  // namespace
}  // namespace aiopi::testing
