// Event and Lock.
#include "sim_fixture.hpp"

namespace aiopi::testing {
namespace {

TEST_F(SimTest, EventSetThenClearReleasesTheTasksWaitingAtSetTime) {
  Event ev;
  std::vector<int> woke;
  auto waiter = [&](int id) -> Task<> {
    co_await ev.wait();
    woke.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(waiter(1));
    auto b = create_task(waiter(2));
    co_await sleep(1ms);
    ev.set();
    ev.clear();
    auto late = create_task(waiter(3));  // arrives after the clear: blocks
    co_await gather(a, b);
    co_await sleep(1ms);
    EXPECT_FALSE(late.done());
    EXPECT_EQ(woke, (std::vector<int>{1, 2}));
    ev.set();
    co_await late;
  };
  run(main_task());
  EXPECT_EQ(woke, (std::vector<int>{1, 2, 3}));
}

TEST_F(SimTest, EventWaitReturnsAtOnceWhenSet) {
  Event ev;
  ev.set();
  auto main_task = [&]() -> Task<> {
    const auto before = loop.stats().resumes;
    EXPECT_TRUE(co_await ev.wait());
    EXPECT_EQ(loop.stats().resumes, before) << "no suspension for a set event";
    EXPECT_TRUE(ev.is_set());
  };
  run(main_task());
}

TEST_F(SimTest, LockIsFairFifo) {
  Lock lock;
  std::string order;
  auto worker = [&](char id) -> Task<> {
    for (int i = 0; i < 2; ++i) {
      auto guard = co_await lock;
      order += id;
      co_await sleep(1ms);
    }
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(worker('a'));
    auto b = create_task(worker('b'));
    auto c = create_task(worker('c'));
    co_await gather(a, b, c);
  };
  run(main_task());
  // Each releaser re-queues behind the others: strict round robin, no barging.
  EXPECT_EQ(order, "abcabc");
  EXPECT_FALSE(lock.locked());
}

TEST_F(SimTest, LockAcquireAndReleaseByHand) {
  Lock lock;
  auto main_task = [&]() -> Task<> {
    EXPECT_TRUE(co_await lock.acquire());
    EXPECT_TRUE(lock.locked());
    lock.release();
    EXPECT_FALSE(lock.locked());
    {
      auto guard = co_await lock;
      EXPECT_TRUE(lock.locked());
      guard.unlock();
      EXPECT_FALSE(lock.locked());
    }
    EXPECT_FALSE(lock.locked());
  };
  run(main_task());
}

TEST_F(SimTest, CancelledLockHolderReleasesThroughItsGuard) {
  Lock lock;
  bool second_got_it = false;
  auto holder = [&]() -> Task<> {
    auto guard = co_await lock;
    co_await sleep(1h);
  };
  auto second = [&]() -> Task<> {
    auto guard = co_await lock;
    second_got_it = true;
  };
  auto main_task = [&]() -> Task<> {
    auto h = create_task(holder());
    co_await sleep(1ms);
    auto s = create_task(second());
    co_await sleep(1ms);
    h.cancel();
    co_await s;
  };
  run(main_task());
  EXPECT_TRUE(second_got_it);
  EXPECT_EQ(t_ms(), 2);
}

TEST_F(SimTest, ThreadSafeFlagSelfClearsAndCoalesces) {
  ThreadSafeFlag flag;
  int wakes = 0;
  auto waiter = [&]() -> Task<> {
    for (;;) {
      co_await flag.wait();
      ++wakes;
    }
  };
  auto main_task = [&]() -> Task<> {
    auto w = create_task(waiter());
    co_await sleep(1ms);
    flag.set();
    flag.set();  // before the waiter ran: one release
    co_await sleep(1ms);
    EXPECT_EQ(wakes, 1);
    flag.set();
    co_await sleep(1ms);
    EXPECT_EQ(wakes, 2);
    w.cancel();
    co_await w.wait_outcome();
    flag.set();  // no waiter: the flag keeps it for the next wait()
    auto w2 = create_task(waiter());
    co_await sleep(1ms);
    EXPECT_EQ(wakes, 3);
    w2.cancel();
    co_await w2.wait_outcome();
  };
  run(main_task());
}

}  // namespace
}  // namespace aiopi::testing
