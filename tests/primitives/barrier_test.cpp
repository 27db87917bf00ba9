// Barrier: opening, reuse across cycles, trigger(), the action, and withdrawal of cancelled arrivals.
#include <string>

#include "aiopi/barrier.hpp"
#include "sync_primitives_support.hpp"

namespace aiopi::testing {
namespace {

TEST_F(SimTest, BarrierOpensWhenTheLastPartyArrives) {
  Barrier barrier(3);
  std::vector<std::pair<int, std::int64_t>> released;  // (id, time)
  std::vector<bool> opener;
  auto party = [&](int id, int delay_ms) -> Task<> {
    co_await sleep_ms(delay_ms);
    opener.push_back(co_await barrier.wait());
    released.emplace_back(id, t_ms());
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(party(1, 1));
    auto b = create_task(party(2, 2));
    co_await sleep(2500us);
    EXPECT_TRUE(barrier.busy());
    EXPECT_EQ(barrier.n_waiting(), 2);
    EXPECT_TRUE(released.empty());
    co_await party(3, 2);  // arrives at 4.5 ms
    co_await gather(a, b);
    EXPECT_FALSE(barrier.busy());
  };
  run(main_task());
  ASSERT_EQ(released.size(), 3u);
  EXPECT_EQ(released[0].first, 3) << "the opener does not wait";
  EXPECT_EQ(released[1].first, 1) << "waiters are released in arrival order";
  EXPECT_EQ(released[2].first, 2);
  EXPECT_EQ(opener, (std::vector<bool>{true, false, false}));
  EXPECT_EQ(t_us(), 4500);
}

TEST_F(SimTest, BarrierIsReusableAndRunsItsActionOncePerCycle) {
  // Seed asyntest 3: three tasks loop 5 times, printing their index and awaiting the barrier; the action
  // prints "Synch" once per opening.
  std::string log;
  Barrier barrier(3, [&] { log += "S|"; });
  auto party = [&](char id) -> Task<> {
    for (int k = 0; k < 5; ++k) {
      log += static_cast<char>('0' + k);
      log += id;
      log += ' ';
      co_await barrier;
    }
  };
  auto main_task = [&]() -> Task<> { co_await gather(party('a'), party('b'), party('c')); };
  run(main_task());
  // Between two openings every party logs exactly one row, all with the same cycle number. (Who logs first in
  // a cycle varies: the opener carries on at once, the released parties follow.)
  std::vector<std::string> cycles;
  for (std::size_t start = 0, bar; (bar = log.find("S|", start)) != std::string::npos; start = bar + 2) {
    cycles.push_back(log.substr(start, bar - start));
  }
  ASSERT_EQ(cycles.size(), 5u) << log;
  for (std::size_t k = 0; k < cycles.size(); ++k) {
    const char digit = static_cast<char>('0' + k);
    for (const char* row : {"a ", "b ", "c "}) {
      EXPECT_NE(cycles[k].find(std::string(1, digit) + row), std::string::npos)
          << "cycle " << k << ": " << log;
    }
    EXPECT_EQ(cycles[k].size(), 9u) << "three rows per cycle: " << log;
  }
  EXPECT_EQ(log.substr(0, 11), "0a 0b 0c S|");
  EXPECT_FALSE(barrier.busy());
}

TEST_F(SimTest, BarrierTriggerArrivesWithoutWaiting) {
  int opened = 0;
  Barrier barrier(3, [&] { ++opened; });
  bool waiter_done = false;
  auto waiter = [&]() -> Task<> {
    co_await barrier.wait();
    waiter_done = true;
  };
  auto main_task = [&]() -> Task<> {
    EXPECT_FALSE(barrier.busy());
    EXPECT_FALSE(barrier.trigger());
    EXPECT_TRUE(barrier.busy());
    auto w = create_task(waiter());
    co_await sleep(0ms);
    EXPECT_FALSE(waiter_done);
    EXPECT_TRUE(barrier.trigger()) << "the third arrival opens it";
    EXPECT_EQ(opened, 1);
    EXPECT_FALSE(barrier.busy());
    co_await w;
    // Next cycle: three triggers alone open it again.
    EXPECT_FALSE(barrier.trigger());
    EXPECT_FALSE(barrier.trigger());
    EXPECT_TRUE(barrier.trigger());
    EXPECT_EQ(opened, 2);
  };
  run(main_task());
  EXPECT_TRUE(waiter_done);
}

TEST_F(SimTest, CancelledBarrierWaiterWithdrawsItsArrival) {
  Barrier barrier(3);
  int passed = 0;
  auto party = [&]() -> Task<> {
    co_await barrier;
    ++passed;
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(party());
    auto b = create_task(party());
    co_await sleep(0ms);
    EXPECT_EQ(barrier.n_waiting(), 2);
    b.cancel();
    co_await b.wait_outcome();
    EXPECT_EQ(barrier.n_waiting(), 1) << "the cancelled arrival no longer counts";
    auto c = create_task(party());
    co_await sleep(1ms);
    EXPECT_EQ(passed, 0) << "two live arrivals do not open a barrier of three";
    auto d = create_task(party());
    co_await gather(a, c, d);
  };
  run(main_task());
  EXPECT_EQ(passed, 3);
}

TEST_F(SimTest, BarrierActionResultIsKept) {
  Barrier barrier(1, [] { return 42; });
  EXPECT_FALSE(barrier.result());
  EXPECT_TRUE(barrier.trigger()) << "one party: every arrival opens it";
  EXPECT_EQ(barrier.result().value, 42);
}

TEST_F(SimTest, BarrierActionWithBoundArguments) {
  int sum = 0;
  auto add = [&sum](int a, int b) { sum += a + b; };
  Barrier barrier(2, add, 3, 4);
  barrier.trigger();
  barrier.trigger();
  EXPECT_EQ(sum, 7);
}

TEST_F(SimTest, BarrierWithNoPartiesIsAUsageError) {
  EXPECT_USAGE_ERROR(Barrier(0), "parties must be > 0");
  EXPECT_USAGE_ERROR(Barrier(-2), "parties must be > 0");
}

}  // namespace
}  // namespace aiopi::testing
