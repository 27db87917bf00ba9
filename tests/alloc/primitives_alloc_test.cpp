// Zero heap allocation per steady-state operation of Queue (bounded), RingbufQueue, Semaphore, Condition,
// Barrier and Delay_ms, including the waiting paths and the cancellation of waiters. Each operation runs once
// to warm up, then kOps times under the counter.
#include <gtest/gtest.h>

#include "aiopi/barrier.hpp"
#include "aiopi/condition.hpp"
#include "aiopi/delay_ms.hpp"
#include "aiopi/queue.hpp"
#include "aiopi/ringbuf_queue.hpp"
#include "aiopi/semaphore.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/task_handle.hpp"
#include "alloc_counter.hpp"

namespace aiopi::testing {
namespace {

using namespace std::chrono_literals;
constexpr int kOps = 1000;

class PrimitivesAllocTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};
};

/// Counts operator new calls and the frame allocator's trips to malloc over a scope.
struct Counters {
  AllocationScope scope;
  std::size_t system_before = default_frame_allocator_stats().system_allocations;
  std::size_t heap() const { return scope.count(); }
  std::size_t system() const { return default_frame_allocator_stats().system_allocations - system_before; }
};

TEST_F(PrimitivesAllocTest, BoundedQueuePutAndGetIncludingWaitingDoNotAllocate) {
  Queue<int> q(4);  // the ring is allocated here, once
  auto producer = [&]() -> Task<> {
    for (int i = 0;; ++i)
      co_await q.put(i);  // waits whenever the queue is full
  };
  auto main_task = [&]() -> Task<std::size_t> {
    auto p = loop.create_task(producer());
    (void)co_await q.get();
    Counters c;
    for (int i = 0; i < kOps; ++i) {
      (void)co_await q.get();  // wakes the waiting producer, or waits for it
      if (i % 3 == 0) co_await yield_now();
      if (auto v = q.get_nowait()) {
        EXPECT_TRUE(q.put_nowait(*v) || q.full());
      }
      q.task_done();
    }
    const std::size_t n = c.heap() + c.system();
    p.cancel();  // cancelling a waiting putter
    co_await p.wait_outcome();
    co_return n;
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), 0u);
}

TEST_F(PrimitivesAllocTest, QueueGetterWaitingAndHandOffDoNotAllocate) {
  Queue<int> ping(1), pong(1);
  auto responder = [&]() -> Task<> {
    for (;;)
      co_await pong.put(co_await ping.get() + 1);
  };
  auto main_task = [&]() -> Task<std::size_t> {
    auto r = loop.create_task(responder());
    co_await ping.put(0);
    (void)co_await pong.get();
    Counters c;
    for (int i = 0; i < kOps; ++i) {
      co_await ping.put(i);
      EXPECT_EQ(co_await pong.get(), i + 1);
    }
    const std::size_t n = c.heap() + c.system();
    r.cancel();  // cancelling a waiting getter
    co_await r.wait_outcome();
    co_return n;
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), 0u);
}

TEST_F(PrimitivesAllocTest, UnboundedQueueStopsAllocatingAtItsHighWaterMark) {
  Queue<int> q;
  for (int i = 0; i < 64; ++i)
    EXPECT_TRUE(q.put_nowait(i));
  while (q.get_nowait()) {
  }
  AllocationScope scope;
  for (int round = 0; round < kOps; ++round) {
    for (int i = 0; i < 64; ++i)
      EXPECT_TRUE(q.put_nowait(i));
    while (q.get_nowait()) {
    }
  }
  EXPECT_EQ(scope.count(), 0u);
}

TEST_F(PrimitivesAllocTest, RingbufQueueNeverAllocates) {
  AllocationScope construction;
  RingbufQueue<int, 8> q;
  EXPECT_EQ(construction.count(), 0u);
  auto writer = [&]() -> Task<> {
    for (int i = 0;; ++i)
      co_await q.put(i);
  };
  auto main_task = [&]() -> Task<std::size_t> {
    auto w = loop.create_task(writer());
    (void)co_await q.get();
    Counters c;
    for (int i = 0; i < kOps; ++i) {
      (void)co_await q;
      if (i % 2 == 0) co_await yield_now();
      (void)q.put_nowait(i);  // overwrites when full
      (void)q.peek();
      (void)q.get_nowait();
    }
    const std::size_t n = c.heap() + c.system();
    w.cancel();
    co_await w.wait_outcome();
    co_return n;
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), 0u);
}

TEST_F(PrimitivesAllocTest, SemaphoreUnderContentionDoesNotAllocate) {
  Semaphore sem(2);
  bool stop = false;
  auto contender = [&]() -> Task<> {
    while (!stop) {
      auto permit = co_await sem;
      co_await yield_now();
    }
  };
  auto main_task = [&]() -> Task<std::size_t> {
    auto a = loop.create_task(contender());
    auto b = loop.create_task(contender());
    {
      auto permit = co_await sem;
      co_await yield_now();
    }
    Counters c;
    for (int i = 0; i < kOps; ++i) {
      auto permit = co_await sem;
      co_await yield_now();
      permit.release();
      co_await sem.acquire();
      sem.release();
    }
    const std::size_t n = c.heap() + c.system();
    stop = true;
    co_await a;
    co_await b;
    co_return n;
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), 0u);
}

TEST_F(PrimitivesAllocTest, ConditionWaitAndNotifyDoNotAllocate) {
  // wait() is a sub-coroutine: its frame comes from the recycling frame allocator, never from operator new
  // or, in steady state, from malloc.
  Condition cond;
  int turn = 0;
  auto responder = [&]() -> Task<> {
    auto guard = co_await cond;
    for (;;) {
      co_await cond.wait_for([&] { return turn % 2 == 1; });
      ++turn;
      cond.notify();
    }
  };
  auto main_task = [&]() -> Task<std::size_t> {
    auto r = loop.create_task(responder());
    auto round = [&]() -> Task<> {
      auto guard = co_await cond;
      ++turn;
      cond.notify();
      while (turn % 2 == 1)
        co_await cond.wait();
    };
    co_await round();
    co_await round();
    Counters c;
    for (int i = 0; i < kOps; ++i) {
      auto guard = co_await cond;
      ++turn;
      cond.notify();
      while (turn % 2 == 1)
        co_await cond.wait();
    }
    const std::size_t n = c.heap() + c.system();
    r.cancel();  // deferred until it holds the lock again, then unwinds
    co_await r.wait_outcome();
    co_return n;
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), 0u);
  EXPECT_FALSE(cond.locked());
}

TEST_F(PrimitivesAllocTest, BarrierCyclesDoNotAllocate) {
  int opened = 0;
  Barrier barrier(2, [&] { ++opened; });
  auto partner = [&]() -> Task<> {
    for (;;)
      co_await barrier;
  };
  auto main_task = [&]() -> Task<std::size_t> {
    auto p = loop.create_task(partner());
    co_await barrier;
    Counters c;
    for (int i = 0; i < kOps; ++i) {
      co_await barrier;
      co_await yield_now();
    }
    const std::size_t n = c.heap() + c.system();
    p.cancel();  // withdraws its arrival
    co_await p.wait_outcome();
    co_return n;
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), 0u);
  EXPECT_EQ(opened, kOps + 1);
}

TEST_F(PrimitivesAllocTest, DelayTriggerStopAndExpiryDoNotAllocate) {
  int fired = 0;
  Delay_ms delay([&] { ++fired; }, 5);
  auto main_task = [&]() -> Task<std::size_t> {
    delay.trigger();
    co_await delay.wait();
    delay.clear();
    Counters c;
    for (int i = 0; i < kOps; ++i) {
      delay.trigger();
      delay.trigger(2);  // retrigger
      delay.stop();
      delay.trigger(1);
      co_await delay.wait();  // expiry, callback
      delay.clear();
    }
    const std::size_t n = c.heap() + c.system();
    co_return n;
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), 0u);
  EXPECT_EQ(fired, kOps + 1);
}

}  // namespace
}  // namespace aiopi::testing
