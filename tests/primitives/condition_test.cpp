// Condition: FIFO notify, lock re-acquisition, wait_for, and cancellation that leaves the lock consistent.
#include <memory>
#include <string>

#include "aiopi/condition.hpp"
#include "sync_primitives_support.hpp"

namespace aiopi::testing {
namespace {

TEST_F(SimTest, ConditionWaitAndNotifyNeedTheLock) {
  Condition cond;
  auto main_task = [&]() -> Task<> {
    EXPECT_USAGE_ERROR((void)cond.wait(), "lock not acquired");
    EXPECT_USAGE_ERROR((void)cond.wait_for([] { return true; }), "lock not acquired");
    EXPECT_USAGE_ERROR(cond.notify(), "lock not acquired");
    EXPECT_USAGE_ERROR(cond.notify_all(), "lock not acquired");
    co_return;
  };
  run(main_task());
}

TEST_F(SimTest, ConditionNotifiesInFifoOrder) {
  Condition cond;
  std::vector<int> woke;
  auto waiter = [&](int id) -> Task<> {
    auto guard = co_await cond;
    EXPECT_TRUE(co_await cond.wait());
    EXPECT_TRUE(cond.locked()) << "wait() returns with the lock held";
    woke.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    std::vector<TaskHandle<>> tasks;
    for (int id = 0; id < 5; ++id)
      tasks.push_back(create_task(waiter(id)));
    co_await sleep(1ms);
    EXPECT_FALSE(cond.locked()) << "waiters release the lock while they wait";
    {
      auto guard = co_await cond;
      cond.notify();
    }
    co_await sleep(1ms);
    EXPECT_EQ(woke, std::vector<int>{0});
    {
      auto guard = co_await cond;
      cond.notify(2);
    }
    co_await sleep(1ms);
    EXPECT_EQ(woke, (std::vector<int>{0, 1, 2}));
    {
      auto guard = co_await cond;
      cond.notify_all();
    }
    for (auto& t : tasks)
      co_await t;
  };
  run(main_task());
  EXPECT_EQ(woke, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_FALSE(cond.locked());
}

TEST_F(SimTest, NotifiedWaiterReacquiresTheLockBehindEarlierLockWaiters) {
  Condition cond;
  std::string order;
  auto waiter = [&]() -> Task<> {
    auto guard = co_await cond;
    co_await cond.wait();
    order += 'w';
  };
  auto locker = [&]() -> Task<> {
    auto guard = co_await cond;
    order += 'l';
  };
  auto main_task = [&]() -> Task<> {
    auto w = create_task(waiter());
    co_await sleep(1ms);
    auto guard = co_await cond;
    auto l = create_task(locker());
    co_await sleep(1ms);  // l now waits for the lock
    cond.notify();
    order += 'n';
    guard.unlock();  // l was first in the lock's queue
    co_await gather(w, l);
  };
  run(main_task());
  EXPECT_EQ(order, "nlw");
}

TEST_F(SimTest, WaitForChecksThePredicateUnderTheLock) {
  Condition cond;
  int counter = 0;
  int result = -1;
  std::int64_t done_at = -1;
  auto waiter = [&]() -> Task<> {
    auto guard = co_await cond;
    result = co_await cond.wait_for([&] { return counter >= 3 ? counter * 10 : 0; });
    EXPECT_TRUE(cond.locked());
    done_at = t_ms();
  };
  auto main_task = [&]() -> Task<> {
    auto w = create_task(waiter());
    for (int i = 0; i < 5; ++i) {
      co_await sleep(1ms);
      auto guard = co_await cond;
      ++counter;
      cond.notify();
    }
    co_await w;
    {
      auto guard = co_await cond;
      const auto before = loop.stats().resumes;
      EXPECT_TRUE(co_await cond.wait_for([&] { return counter > 0; })) << "already true: no wait";
      EXPECT_EQ(loop.stats().resumes, before);
    }
  };
  run(main_task());
  EXPECT_EQ(result, 30);
  EXPECT_EQ(done_at, 3);
}

TEST_F(SimTest, CancellingAWaiterDefersUntilItHoldsTheLockAgain) {
  Condition cond;
  int destroyed = 0;
  bool returned = false;
  auto waiter = [&]() -> Task<> {
    DtorProbe probe(destroyed);
    auto guard = co_await cond;
    co_await cond.wait();
    returned = true;
  };
  auto main_task = [&]() -> Task<> {
    auto w = create_task(waiter());
    co_await sleep(1ms);
    auto guard = co_await cond;  // the waiter cannot get the lock back while we hold it
    EXPECT_TRUE(w.cancel());
    EXPECT_TRUE(w.cancel()) << "a second cancel is harmless";
    co_await sleep(5ms);
    EXPECT_EQ(destroyed, 0) << "it waits for the lock before unwinding";
    EXPECT_FALSE(w.done());
    guard.unlock();
    auto out = co_await w.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_EQ(destroyed, 1);
    EXPECT_FALSE(cond.locked()) << "its guard released the lock it had re-acquired: once";
    auto again = co_await cond;  // and the lock still works
    EXPECT_TRUE(cond.locked());
  };
  run(main_task());
  EXPECT_FALSE(returned);
  EXPECT_FALSE(cond.locked());
}

TEST_F(SimTest, NotificationOfACancelledWaiterIsPassedOn) {
  Condition cond;
  std::vector<int> woke;
  auto waiter = [&](int id) -> Task<> {
    auto guard = co_await cond;
    co_await cond.wait();
    woke.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(waiter(1));
    auto b = create_task(waiter(2));
    co_await sleep(1ms);
    {
      auto guard = co_await cond;
      cond.notify();  // goes to a...
    }
    a.cancel();  // ...which is cancelled before it runs: b must get the notification
    co_await gather_outcomes(a, b);
    EXPECT_TRUE(a.cancelled());
    EXPECT_FALSE(b.cancelled());
  };
  run(main_task());
  EXPECT_EQ(woke, std::vector<int>{2});
}

TEST_F(SimTest, CancelledWaiterDoesNotEatALaterNotification) {
  Condition cond;
  std::vector<int> woke;
  auto waiter = [&](int id) -> Task<> {
    auto guard = co_await cond;
    co_await cond.wait();
    woke.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(waiter(1));
    auto b = create_task(waiter(2));
    co_await sleep(1ms);
    a.cancel();
    co_await a.wait_outcome();
    auto guard = co_await cond;
    cond.notify();
    guard.unlock();
    co_await b;
  };
  run(main_task());
  EXPECT_EQ(woke, std::vector<int>{2});
}

TEST_F(SimTest, ConditionsCanShareALock) {
  Lock lock;
  Condition not_empty(lock), not_full(lock);
  std::vector<int> items;
  std::vector<int> consumed;
  auto producer = [&]() -> Task<> {
    for (int i = 0; i < 6; ++i) {
      auto guard = co_await lock;
      co_await not_full.wait_for([&] { return items.size() < 2; });
      items.push_back(i);
      not_empty.notify();
    }
  };
  auto consumer = [&]() -> Task<> {
    for (int i = 0; i < 6; ++i) {
      auto guard = co_await not_empty;  // the same lock
      co_await not_empty.wait_for([&] { return !items.empty(); });
      consumed.push_back(items.front());
      items.erase(items.begin());
      not_full.notify();
      guard.unlock();
      co_await sleep(1ms);
    }
  };
  auto main_task = [&]() -> Task<> { co_await gather(producer(), consumer()); };
  run(main_task());
  EXPECT_EQ(consumed, (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_FALSE(lock.locked());
}

TEST_F(SimTest, ConditionWaitUnderWaitForTimesOutWithTheLockHeld) {
  Condition cond;
  auto main_task = [&]() -> Task<> {
    auto guard = co_await cond;
    auto r = co_await wait_for(cond.wait(), 10ms);
    EXPECT_TRUE(r.timed_out());
    EXPECT_EQ(t_ms(), 10);
    EXPECT_TRUE(cond.locked()) << "the timed-out wait re-acquired the lock for its caller";
  };
  run(main_task());
  EXPECT_FALSE(cond.locked());
}

TEST_F(SimTest, ConditionTeardownWithWaitersLeavesTheLockBalanced) {
  // Tasks still in wait() when the loop is destroyed: their frames are destroyed outright. Their guards must
  // not release a lock they do not hold (that would be a usage error in a destructor).
  sim::SimBackend other_backend;
  Condition cond;
  auto waiter = [&]() -> Task<> {
    auto guard = co_await cond;
    co_await cond.wait();
  };
  {
    Loop other(other_backend);
    auto main_task = [&]() -> Task<> {
      other.create_task(waiter());
      other.create_task(waiter());
      co_await sleep(1ms);
      EXPECT_FALSE(cond.locked());
    };
    other.run_until_complete(main_task());
  }
  EXPECT_FALSE(cond.locked());
}

TEST_F(SimTest, WaiterOfADestroyedConditionCanStillBeCancelled) {
  Lock lock;  // outlives the Condition
  auto cond = std::make_unique<Condition>(lock);
  int destroyed = 0;
  auto waiter = [&]() -> Task<> {
    DtorProbe probe(destroyed);
    auto guard = co_await lock;
    co_await cond->wait();
  };
  auto main_task = [&]() -> Task<> {
    auto w = create_task(waiter());
    co_await sleep(1ms);
    cond.reset();  // nothing can notify it any more
    EXPECT_TRUE(w.cancel());
    auto out = co_await w.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_EQ(destroyed, 1);
    EXPECT_FALSE(lock.locked()) << "its guard released the lock it was given back";
  };
  run(main_task());
}

}  // namespace
}  // namespace aiopi::testing
