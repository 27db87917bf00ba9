// Semaphore / BoundedSemaphore: counting, FIFO hand-off, guards, cancel-safety, over-release.
#include <memory>
#include <string>

#include "aiopi/semaphore.hpp"
#include "sync_primitives_support.hpp"

namespace aiopi::testing {
namespace {

TEST_F(SimTest, SemaphoreCountsPermits) {
  Semaphore sem(2);
  auto main_task = [&]() -> Task<> {
    EXPECT_EQ(sem.value(), 2);
    EXPECT_FALSE(sem.locked());
    const auto before = loop.stats().resumes;
    EXPECT_TRUE(co_await sem.acquire());
    EXPECT_TRUE(co_await sem.acquire());
    EXPECT_EQ(loop.stats().resumes, before) << "permits available: no suspension";
    EXPECT_EQ(sem.value(), 0);
    EXPECT_TRUE(sem.locked());
    sem.release();
    EXPECT_EQ(sem.value(), 1);
    sem.release();
    sem.release();  // a plain Semaphore may go above its initial value (asyncio)
    EXPECT_EQ(sem.value(), 3);
  };
  run(main_task());
}

TEST_F(SimTest, SemaphoreIsFairFifo) {
  Semaphore sem(1);
  std::string order;
  auto worker = [&](char id) -> Task<> {
    for (int i = 0; i < 2; ++i) {
      auto permit = co_await sem;
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
  EXPECT_EQ(order, "abcabc") << "a releaser re-queues behind the waiters: no barging";
  EXPECT_EQ(sem.value(), 1);
}

TEST_F(SimTest, SemaphoreReleaseHandsThePermitToTheWaiterNotToANewcomer) {
  Semaphore sem(0);
  std::vector<int> got;
  auto waiter = [&](int id) -> Task<> {
    co_await sem.acquire();
    got.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(waiter(1));
    co_await sleep(0ms);
    sem.release();
    EXPECT_EQ(sem.value(), 0) << "the permit went straight to the waiter";
    EXPECT_TRUE(sem.locked());
    auto late = create_task(waiter(2));
    co_await sleep(0ms);
    EXPECT_EQ(got, std::vector<int>{1});
    sem.release();
    co_await gather(a, late);
  };
  run(main_task());
  EXPECT_EQ(got, (std::vector<int>{1, 2}));
}

TEST_F(SimTest, BoundedSemaphoreOverReleaseIsAUsageError) {
  BoundedSemaphore sem(2);
  auto main_task = [&]() -> Task<> {
    co_await sem.acquire();
    sem.release();
    EXPECT_EQ(sem.value(), 2);
    EXPECT_USAGE_ERROR(sem.release(), "released too many times");
    EXPECT_EQ(sem.value(), 2);
  };
  run(main_task());
}

TEST_F(SimTest, NegativeInitialValueIsAUsageError) {
  EXPECT_USAGE_ERROR(Semaphore(-1), "must be >= 0");
  EXPECT_USAGE_ERROR(BoundedSemaphore(-1), "must be >= 0");
}

TEST_F(SimTest, CancelledSemaphoreWaiterLeavesTheQueueAndLosesNoPermit) {
  Semaphore sem(1);
  std::vector<int> got;
  auto contender = [&](int id) -> Task<> {
    auto permit = co_await sem;
    got.push_back(id);
    co_await sleep(1ms);
  };
  auto main_task = [&]() -> Task<> {
    auto holder = create_task(contender(1));
    auto w2 = create_task(contender(2));
    auto w3 = create_task(contender(3));
    co_await sleep(0ms);
    w2.cancel();
    co_await gather_outcomes(holder, w2, w3);
    EXPECT_EQ(sem.value(), 1);
    EXPECT_FALSE(sem.locked());
  };
  run(main_task());
  EXPECT_EQ(got, (std::vector<int>{1, 3}));
}

TEST_F(SimTest, PermitHandedToACancelledWaiterPassesOn) {
  Semaphore sem(0);
  std::vector<int> got;
  auto waiter = [&](int id) -> Task<> {
    auto permit = co_await sem;
    got.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    auto w1 = create_task(waiter(1));
    auto w2 = create_task(waiter(2));
    co_await sleep(0ms);
    sem.release();  // handed to w1, which has not run...
    w1.cancel();    // ...and never will
    co_await gather_outcomes(w1, w2);
    EXPECT_TRUE(w1.cancelled());
    EXPECT_EQ(sem.value(), 1) << "w2 got the permit and its guard gave it back";
  };
  run(main_task());
  EXPECT_EQ(got, std::vector<int>{2});
}

TEST_F(SimTest, SemaphoreGuardReleasesWhenTheHolderIsCancelled) {
  Semaphore sem(1);
  bool second_got_it = false;
  auto holder = [&]() -> Task<> {
    auto permit = co_await sem;
    co_await sleep(1h);
  };
  auto second = [&]() -> Task<> {
    auto permit = co_await sem;
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
  EXPECT_EQ(sem.value(), 1);
}

TEST_F(SimTest, SemaphoreGuardMovesAndReleasesEarly) {
  BoundedSemaphore sem(1);
  auto main_task = [&]() -> Task<> {
    auto g = co_await sem;
    EXPECT_EQ(sem.value(), 0);
    SemaphoreGuard moved(std::move(g));
    moved.release();
    EXPECT_EQ(sem.value(), 1);
    moved.release();  // a second early release does nothing
    EXPECT_EQ(sem.value(), 1);
  };
  run(main_task());
  EXPECT_EQ(sem.value(), 1) << "destroying released or moved-from guards releases nothing more";
}

TEST_F(SimTest, SemaphoreDestroyedWhileTasksWaitLeavesNoDanglingPointer) {
  auto sem = std::make_unique<Semaphore>(0);
  auto waiter = [&]() -> Task<> { co_await sem->acquire(); };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(waiter());
    auto b = create_task(waiter());
    co_await sleep(0ms);
    sem->release();  // handed to a, which has not run yet; b still waits
    sem.reset();
    a.cancel();  // a's permit cannot be passed on to a dead semaphore: nothing is touched
    b.cancel();
    co_await gather_outcomes(a, b);
    EXPECT_TRUE(a.cancelled());
    EXPECT_TRUE(b.cancelled());
  };
  run(main_task());
}

}  // namespace
}  // namespace aiopi::testing
