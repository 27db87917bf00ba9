// ThreadSafeQueue: the ring itself, the task side's put()/get() with their cancel-safety, and real threads on
// both ends (producer thread → task, task → consumer thread, both at once) on the simulated and Linux
// backends.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "b_support.hpp"

namespace aiopi::testing {
namespace {

TEST(ThreadSafeQueueRing, FifoCapacityFullAndEmpty) {
  ThreadSafeQueue<int, 3> q;
  EXPECT_EQ(q.capacity(), 3u);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.get_sync().has_value());
  for (int round = 0; round < 5; ++round) {  // wraps around the ring several times
    EXPECT_TRUE(q.put_sync(round * 10 + 1));
    EXPECT_TRUE(q.put_sync(round * 10 + 2));
    EXPECT_TRUE(q.put_sync(round * 10 + 3));
    EXPECT_TRUE(q.full());
    EXPECT_EQ(q.qsize(), 3u);
    EXPECT_FALSE(q.put_sync(99)) << "full: not committed";
    EXPECT_EQ(q.get_sync(), round * 10 + 1);
    EXPECT_EQ(q.get_sync(), round * 10 + 2);
    EXPECT_EQ(q.get_sync(), round * 10 + 3);
    EXPECT_TRUE(q.empty());
  }
}

TEST(ThreadSafeQueueRing, DestroysWhatItStillHolds) {
  auto counter = std::make_shared<int>(0);
  {
    ThreadSafeQueue<std::shared_ptr<int>, 4> q;
    q.put_sync(counter);
    q.put_sync(counter);
    EXPECT_EQ(counter.use_count(), 3);
  }
  EXPECT_EQ(counter.use_count(), 1);
}

TEST_F(BSimTest, ThreadSafeQueueTaskSideWaitsForItemsAndRoom) {
  ThreadSafeQueue<int, 2> q;
  std::vector<int> got;
  auto consumer = [&]() -> Task<> {
    for (int i = 0; i < 6; ++i)
      got.push_back(co_await q.get());
  };
  auto main_task = [&]() -> Task<> {
    auto c = create_task(consumer());
    co_await sleep(1ms);
    for (int i = 0; i < 6; ++i)
      co_await q.put(i);  // the same loop on both ends: still a valid pair
    co_await c;
  };
  run(main_task());
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4, 5}));
}

TEST_F(BSimTest, ThreadSafeQueueGetHandedAnItemThenCancelledKeepsItFirstInLine) {
  ThreadSafeQueue<int, 4> q;
  int got_by_victim = -1;
  auto victim = [&]() -> Task<> { got_by_victim = co_await q.get(); };
  auto main_task = [&]() -> Task<> {
    auto v = create_task(victim());
    co_await yield_now();  // v waits
    q.put_sync(1);         // posts: the loop hands 1 to v before the next batch...
    co_await yield_now();  // ...and v is queued behind us
    EXPECT_EQ(v.base().state(), TaskState::ready);
    v.cancel();  // ...but is cancelled before it runs
    q.put_sync(2);
    co_await v.wait_outcome();
    EXPECT_TRUE(v.cancelled());
    EXPECT_EQ(q.qsize(), 2u) << "the handed item is counted again";
    EXPECT_EQ(co_await q.get(), 1) << "the handed item comes back first";
    EXPECT_EQ(co_await q.get(), 2);
  };
  run(main_task());
  EXPECT_EQ(got_by_victim, -1);
}

TEST_F(BSimTest, ThreadSafeQueueHandedItemGoesToAGetterThatArrivedMeanwhile) {
  ThreadSafeQueue<int, 4> q;
  auto getter = [&]() -> Task<int> { co_return co_await q.get(); };
  auto main_task = [&]() -> Task<> {
    auto first = create_task(getter());
    co_await yield_now();  // `first` waits
    q.put_sync(7);         // the loop hands 7 to `first` at its next inbox drain
    auto second = create_task(getter());
    co_await yield_now();  // hand-off done; `second` found the ring empty and waits in its turn
    EXPECT_EQ(first.base().state(), TaskState::ready);
    EXPECT_EQ(second.base().state(), TaskState::waiting);
    first.cancel();  // handed 7 but not resumed: 7 goes to `second`
    auto out = co_await first.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_EQ(co_await second, 7);
  };
  run(main_task());
}

TEST_F(BSimTest, ThreadSafeQueueCancelledPutterEnqueuedNothingOrItsItemOnce) {
  ThreadSafeQueue<int, 1> q;
  auto putter = [&](int v) -> Task<> { co_await q.put(v); };
  auto main_task = [&]() -> Task<> {
    q.put_sync(1);  // full
    auto p = create_task(putter(2));
    co_await yield_now();  // p waits for room
    p.cancel();
    co_await p.wait_outcome();
    EXPECT_EQ(q.get_sync(), 1);
    EXPECT_FALSE(q.get_sync().has_value()) << "a putter cancelled while waiting enqueued nothing";

    q.put_sync(3);
    auto p2 = create_task(putter(4));
    co_await yield_now();        // p2 waits
    EXPECT_EQ(q.get_sync(), 3);  // room: posted, the loop commits 4 for p2...
    co_await yield_now();
    p2.cancel();  // ...which is cancelled before it resumes: its put stands
    co_await p2.wait_outcome();
    EXPECT_EQ(q.get_sync(), 4);
    EXPECT_FALSE(q.get_sync().has_value()) << "exactly once";
  };
  run(main_task());
}

#if AIOPI_HAS_EXCEPTIONS
TEST_F(BSimTest, ThreadSafeQueueSecondWaitingGetterIsAUsageError) {
  ThreadSafeQueue<int, 1> q;
  auto getter = [&]() -> Task<> { co_await q.get(); };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(getter());
    co_await yield_now();
    EXPECT_THROW(co_await q.get(), UsageError);
    a.cancel();
    co_await a.wait_outcome();
  };
  run(main_task());
}
#endif

TEST_F(BSimTest, ThreadSafeQueueDestroyedWhileATaskWaits) {
  auto q = std::make_unique<ThreadSafeQueue<int, 1>>();
  int destroyed = 0;
  auto getter = [&]() -> Task<> {
    BDtorProbe probe(destroyed);
    co_await q->get();
  };
  auto main_task = [&]() -> Task<> {
    auto g = create_task(getter());
    co_await yield_now();
    q.reset();
    g.cancel();
    co_await g.wait_outcome();
  };
  run(main_task());
  EXPECT_EQ(destroyed, 1);
}

// --- real threads
// ----------------------------------------------------------------------------------------------

class TsqThreads : public BBackendTest {};
AIOPI_B_ALL_BACKENDS(TsqThreads);

constexpr int kItems = 20000;

TEST_P(TsqThreads, ThreadProducesTaskConsumes) {
  ThreadSafeQueue<int, 16> q;
  std::thread producer;
  auto main_task = [&]() -> Task<long long> {
    producer = std::thread([&] {
      for (int i = 0; i < kItems; ++i)
        q.put_blocking(i);
    });
    long long sum = 0;
    for (int i = 0; i < kItems; ++i) {
      int v = co_await q.get();
      EXPECT_EQ(v, i);
      if (v != i) break;
      sum += v;
    }
    co_return sum;
  };
  EXPECT_EQ(run(main_task()), static_cast<long long>(kItems) * (kItems - 1) / 2);
  producer.join();
}

TEST_P(TsqThreads, TaskProducesThreadConsumes) {
  ThreadSafeQueue<std::string, 8> q;
  std::thread consumer;
  std::atomic<long long> sum{0};
  std::atomic<bool> in_order{true};
  auto main_task = [&]() -> Task<> {
    consumer = std::thread([&] {
      for (int i = 0; i < kItems; ++i) {
        std::string s = q.get_blocking();
        if (s != std::to_string(i)) in_order = false;
        sum += std::stoll(s);
      }
    });
    for (int i = 0; i < kItems; ++i)
      co_await q.put(std::to_string(i));
  };
  run(main_task());
  consumer.join();
  EXPECT_TRUE(in_order.load());
  EXPECT_EQ(sum.load(), static_cast<long long>(kItems) * (kItems - 1) / 2);
}

TEST_P(TsqThreads, EchoThroughAThreadBothDirections) {
  ThreadSafeQueue<int, 4> to_thread_q;
  ThreadSafeQueue<int, 4> from_thread_q;
  std::thread echo;
  auto main_task = [&]() -> Task<int> {
    echo = std::thread([&] {
      for (;;) {
        int v = to_thread_q.get_blocking();
        if (v < 0) return;
        from_thread_q.put_blocking(v * 3);
      }
    });
    int checked = 0;
    for (int i = 0; i < 2000; ++i) {
      co_await to_thread_q.put(i);
      EXPECT_EQ(co_await from_thread_q.get(), i * 3);
      ++checked;
    }
    co_await to_thread_q.put(-1);
    co_return checked;
  };
  EXPECT_EQ(run(main_task()), 2000);
  echo.join();
}

TEST_P(TsqThreads, NonBlockingThreadSideWithSyncCalls) {
  ThreadSafeQueue<int, 2> q;
  std::thread producer;
  auto main_task = [&]() -> Task<int> {
    producer = std::thread([&] {
      for (int i = 0; i < 500;) {
        if (q.put_sync(i)) {
          ++i;
        } else {
          std::this_thread::yield();
        }
      }
    });
    int n = 0;
    for (int i = 0; i < 500; ++i) {
      if (co_await q.get() == i) ++n;
    }
    co_return n;
  };
  EXPECT_EQ(run(main_task()), 500);
  producer.join();
}

}  // namespace
}  // namespace aiopi::testing
