// Zero heap allocation per operation for the scheduling paths of the core: sleep, yield, Event wait/set,
// Lock acquire/release, timer arm/cancel, ThreadSafeFlag set/wait, cancellation of a waiting task.
// Each operation is done once to warm up (the frame allocator may carve a slab), then N times under a
// counter.
#include <gtest/gtest.h>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "alloc_counter.hpp"

namespace aiopi::testing {
namespace {

using namespace std::chrono_literals;
constexpr int kOps = 1000;

class AllocTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};
};

TEST(AllocCounter, SeesAnAllocation) {
  AllocationScope scope;
  auto* p = new int(5);
  EXPECT_EQ(scope.count(), 1u);
  delete p;
}

TEST_F(AllocTest, SleepAndYieldDoNotAllocate) {
  auto main_task = [&]() -> Task<std::size_t> {
    co_await sleep(1ms);
    co_await yield_now();
    AllocationScope scope;
    for (int i = 0; i < kOps; ++i) {
      co_await sleep(1ms);
      co_await sleep(0ms);
      co_await sleep_ms(2);
      co_await sleep_until(loop.now() + 5us);
    }
    co_return scope.count();
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), 0u);
}

TEST_F(AllocTest, EventWaitAndSetDoNotAllocate) {
  Event ping, pong;
  auto responder = [&]() -> Task<> {
    for (;;) {
      co_await ping.wait();
      ping.clear();
      pong.set();
    }
  };
  auto main_task = [&]() -> Task<std::size_t> {
    auto r = loop.create_task(responder());
    auto round = [&]() -> Task<> {
      ping.set();
      co_await pong.wait();
      pong.clear();
    };
    co_await round();
    AllocationScope scope;
    for (int i = 0; i < kOps; ++i) {
      ping.set();
      co_await pong.wait();
      pong.clear();
    }
    const std::size_t n = scope.count();
    r.cancel();
    co_return n;
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), 0u);
}

TEST_F(AllocTest, LockAcquireReleaseUnderContentionDoesNotAllocate) {
  Lock lock;
  bool stop = false;
  auto contender = [&]() -> Task<> {
    while (!stop) {
      auto guard = co_await lock;
      co_await yield_now();
    }
  };
  auto body = [&]() -> Task<std::size_t> {
    auto c = loop.create_task(contender());
    {
      auto g = co_await lock;
      co_await yield_now();
    }
    AllocationScope scope;
    for (int i = 0; i < kOps; ++i) {
      auto g = co_await lock;
      co_await yield_now();
      g.unlock();
      co_await lock.acquire();
      lock.release();
    }
    const std::size_t n = scope.count();
    stop = true;
    co_await c;
    co_return n;
  };
  EXPECT_EQ(loop.run_until_complete(body()), 0u);
}

TEST_F(AllocTest, TimerArmAndCancelDoNotAllocate) {
  struct Node : TimerNode {
    Node() : TimerNode([](TimerNode&) noexcept {}) {}
  } nodes[16];
  AllocationScope scope;
  for (int i = 0; i < kOps; ++i) {
    for (auto& n : nodes)
      loop.arm(n, loop.now() + Duration(i * 7 + 1));
    for (auto& n : nodes)
      loop.disarm(n);
  }
  EXPECT_EQ(scope.count(), 0u);
}

TEST_F(AllocTest, CancellingAWaitingTaskDoesNotAllocate) {
  Event never;
  auto waiter = [&]() -> Task<> { co_await never.wait(); };
  auto main_task = [&]() -> Task<std::size_t> {
    {
      auto t = loop.create_task(waiter());
      co_await yield_now();
      t.cancel();
      co_await t.wait_outcome();
    }
    std::size_t in_cancel = 0;
    for (int i = 0; i < kOps; ++i) {
      auto t = loop.create_task(waiter());  // creating a task may allocate (its frame): not counted
      co_await yield_now();
      AllocationScope scope;
      t.cancel();
      co_await t.wait_outcome();
      in_cancel += scope.count();
    }
    co_return in_cancel;
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), 0u);
}

TEST_F(AllocTest, SpawningInSteadyStateReusesFramesWithoutMalloc) {
  auto trivial = []() -> Task<int> { co_return 1; };
  auto main_task = [&]() -> Task<std::size_t> {
    co_await loop.create_task(trivial());
    AllocationScope scope;
    for (int i = 0; i < kOps; ++i)
      co_await loop.create_task(trivial());
    co_return scope.count();
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), 0u)
      << "frames and control blocks come from the recycling frame allocator, not operator new";
}

TEST_F(AllocTest, ThreadSafeFlagSetAndWaitDoNotAllocate) {
  ThreadSafeFlag flag;
  auto main_task = [&]() -> Task<std::size_t> {
    flag.set();
    co_await flag.wait();
    AllocationScope scope;
    for (int i = 0; i < kOps; ++i) {
      flag.set();
      co_await flag.wait();
    }
    co_return scope.count();
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), 0u);
}

}  // namespace
}  // namespace aiopi::testing
