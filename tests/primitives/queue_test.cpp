// Queue: FIFO items, bounded waiting, fair hand-off, cancel-safety, task_done/join.
#include <memory>
#include <optional>

#include "aiopi/queue.hpp"
#include "sync_primitives_support.hpp"

namespace aiopi::testing {
namespace {

TEST_F(SimTest, QueueNowaitKeepsOrderAndReportsFullAndEmpty) {
  Queue<int> q(3);
  EXPECT_EQ(q.maxsize(), 3u);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.full());
  EXPECT_FALSE(q.get_nowait().has_value());
  EXPECT_TRUE(q.put_nowait(1));
  EXPECT_TRUE(q.put_nowait(2));
  EXPECT_TRUE(q.put_nowait(3));
  EXPECT_TRUE(q.full());
  EXPECT_FALSE(q.put_nowait(4)) << "full: refused, not waited";
  EXPECT_EQ(q.qsize(), 3u);
  EXPECT_EQ(q.get_nowait(), 1);
  EXPECT_TRUE(q.put_nowait(4));
  EXPECT_EQ(q.get_nowait(), 2);
  EXPECT_EQ(q.get_nowait(), 3);
  EXPECT_EQ(q.get_nowait(), 4);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.qsize(), 0u);
}

TEST_F(SimTest, UnboundedQueueIsNeverFull) {
  Queue<int> q;  // maxsize 0
  Queue<int> q_negative(-5);
  EXPECT_EQ(q.maxsize(), 0u);
  EXPECT_EQ(q_negative.maxsize(), 0u) << "maxsize <= 0 is unbounded, as in Python";
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE(q.put_nowait(i));
  EXPECT_FALSE(q.full());
  EXPECT_EQ(q.qsize(), 1000u);
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(q.get_nowait(), i);
}

TEST_F(SimTest, QueueGetWaitsForAPut) {
  Queue<int> q;
  std::int64_t got_at = -1;
  int got = 0;
  auto getter = [&]() -> Task<> {
    got = co_await q.get();
    got_at = t_ms();
  };
  auto main_task = [&]() -> Task<> {
    auto g = create_task(getter());
    co_await sleep(5ms);
    EXPECT_EQ(got_at, -1);
    co_await q.put(42);
    co_await g;
  };
  run(main_task());
  EXPECT_EQ(got, 42);
  EXPECT_EQ(got_at, 5);
}

TEST_F(SimTest, QueuePutWaitsWhileFull) {
  Queue<int> q(1);
  std::int64_t put_done_at = -1;
  auto putter = [&]() -> Task<> {
    co_await q.put(1);
    co_await q.put(2);  // waits: full
    put_done_at = t_ms();
  };
  auto main_task = [&]() -> Task<> {
    auto p = create_task(putter());
    co_await sleep(3ms);
    EXPECT_EQ(put_done_at, -1);
    EXPECT_TRUE(q.full());
    EXPECT_EQ(co_await q.get(), 1);
    co_await p;
    EXPECT_EQ(co_await q.get(), 2);
  };
  run(main_task());
  EXPECT_EQ(put_done_at, 3);
}

TEST_F(SimTest, QueueServesWaitingGettersFifoWithoutBarging) {
  Queue<int> q;
  std::vector<std::pair<int, int>> got;  // (getter id, item)
  auto getter = [&](int id) -> Task<> { got.emplace_back(id, co_await q.get()); };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(getter(1));
    auto b = create_task(getter(2));
    auto c = create_task(getter(3));
    co_await sleep(0ms);
    EXPECT_TRUE(q.put_nowait(10));
    // The item is promised to getter 1, which has not run yet: a newcomer cannot take it.
    EXPECT_EQ(q.qsize(), 1u);
    EXPECT_TRUE(q.empty());
    EXPECT_FALSE(q.get_nowait().has_value());
    EXPECT_TRUE(q.put_nowait(20));
    EXPECT_TRUE(q.put_nowait(30));
    EXPECT_TRUE(q.put_nowait(40));
    EXPECT_FALSE(q.empty()) << "40 is not promised to anyone";
    EXPECT_EQ(q.get_nowait(), 10)
        << "the newcomer takes the oldest item; the woken getters take the next ones";
    co_await gather(a, b, c);
  };
  run(main_task());
  EXPECT_EQ(got, (std::vector<std::pair<int, int>>{{1, 20}, {2, 30}, {3, 40}}));
}

TEST_F(SimTest, QueueServesWaitingPuttersFifo) {
  Queue<char> q(1);
  auto putter = [&](char c) -> Task<> { co_await q.put(c); };
  auto main_task = [&]() -> Task<> {
    EXPECT_TRUE(q.put_nowait('x'));
    auto a = create_task(putter('a'));
    auto b = create_task(putter('b'));
    auto c = create_task(putter('c'));
    co_await sleep(0ms);
    EXPECT_FALSE(q.put_nowait('!')) << "putters wait: no barging";
    std::string order;
    for (int i = 0; i < 4; ++i)
      order += co_await q.get();
    EXPECT_EQ(order, "xabc");
    co_await gather(a, b, c);
  };
  run(main_task());
}

TEST_F(SimTest, CancelledWaitingGetterTakesNothing) {
  Queue<int> q;
  int destroyed = 0;
  std::vector<int> got;
  auto getter = [&]() -> Task<> {
    DtorProbe probe(destroyed);
    got.push_back(co_await q.get());
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(getter());
    auto b = create_task(getter());
    co_await sleep(0ms);
    a.cancel();
    co_await a.wait_outcome();
    EXPECT_EQ(destroyed, 1);
    EXPECT_TRUE(q.put_nowait(5));
    co_await b;
    EXPECT_TRUE(q.empty());
  };
  run(main_task());
  EXPECT_EQ(got, std::vector<int>{5});
}

TEST_F(SimTest, GetterCancelledAfterBeingHandedAnItemLeavesItFirst) {
  Queue<int> q;
  bool got_any = false;
  auto getter = [&]() -> Task<> {
    (void)co_await q.get();
    got_any = true;
  };
  auto main_task = [&]() -> Task<> {
    auto g = create_task(getter());
    co_await sleep(0ms);
    EXPECT_TRUE(q.put_nowait(1));  // handed to g, which has not run yet...
    EXPECT_TRUE(q.put_nowait(2));
    g.cancel();  // ...and is cancelled before it does
    co_await g.wait_outcome();
    EXPECT_TRUE(g.cancelled());
    EXPECT_EQ(q.qsize(), 2u);
    EXPECT_EQ(q.get_nowait(), 1) << "the item stays at the front: nothing lost, order kept";
    EXPECT_EQ(q.get_nowait(), 2);
  };
  run(main_task());
  EXPECT_FALSE(got_any);
}

TEST_F(SimTest, ClaimOfACancelledGetterPassesToTheNextWaiter) {
  Queue<int> q;
  std::vector<std::pair<int, int>> got;
  auto getter = [&](int id) -> Task<> { got.emplace_back(id, co_await q.get()); };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(getter(1));
    auto b = create_task(getter(2));
    co_await sleep(0ms);
    EXPECT_TRUE(q.put_nowait(7));  // a is woken holding the claim
    a.cancel();
    co_await gather_outcomes(a, b);
    EXPECT_TRUE(a.cancelled());
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.qsize(), 0u);
  };
  run(main_task());
  EXPECT_EQ(got, (std::vector<std::pair<int, int>>{{2, 7}}));
}

TEST_F(SimTest, PutterCancelledWhileWaitingEnqueuesNothing) {
  Queue<char> q(1);
  auto putter = [&](char c) -> Task<> { co_await q.put(c); };
  auto main_task = [&]() -> Task<> {
    EXPECT_TRUE(q.put_nowait('x'));
    auto a = create_task(putter('a'));
    auto b = create_task(putter('b'));
    co_await sleep(0ms);
    a.cancel();
    co_await a.wait_outcome();
    EXPECT_EQ(co_await q.get(), 'x');
    co_await b;
    EXPECT_EQ(q.qsize(), 1u);
    EXPECT_EQ(q.get_nowait(), 'b');
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.unfinished_tasks(), 2u) << "x and b were put; a never was";
  };
  run(main_task());
}

TEST_F(SimTest, PutterCancelledAfterItsItemWentInLeavesNoHoleAndNoDuplicate) {
  Queue<char> q(1);
  bool put_returned = false;
  auto putter = [&]() -> Task<> {
    co_await q.put('a');
    put_returned = true;
  };
  auto main_task = [&]() -> Task<> {
    EXPECT_TRUE(q.put_nowait('x'));
    auto p = create_task(putter());
    co_await sleep(0ms);
    EXPECT_EQ(q.get_nowait(), 'x');  // room: a moves in, p is woken
    EXPECT_TRUE(q.full());
    p.cancel();
    co_await p.wait_outcome();
    EXPECT_TRUE(p.cancelled());
    EXPECT_EQ(q.qsize(), 1u);
    EXPECT_EQ(q.get_nowait(), 'a');
    EXPECT_FALSE(q.get_nowait().has_value());
  };
  run(main_task());
  EXPECT_FALSE(put_returned);
}

TEST_F(SimTest, QueueJoinWaitsForTaskDone) {
  Queue<int> q;
  std::int64_t joined_at = -1;
  auto joiner = [&]() -> Task<> {
    co_await q.join();
    joined_at = t_ms();
  };
  auto main_task = [&]() -> Task<> {
    const auto before = loop.stats().resumes;
    co_await q.join();  // nothing outstanding: at once
    EXPECT_EQ(loop.stats().resumes, before);
    for (int i = 0; i < 3; ++i)
      EXPECT_TRUE(q.put_nowait(i));
    auto j = create_task(joiner());
    for (int i = 0; i < 3; ++i) {
      co_await sleep(1ms);
      EXPECT_EQ(joined_at, -1);
      (void)q.get_nowait();
      q.task_done();
    }
    co_await j;
  };
  run(main_task());
  EXPECT_EQ(joined_at, 3);
}

TEST_F(SimTest, CancelledJoinerLeavesTheJoinList) {
  Queue<int> q;
  int finished = 0;
  auto joiner = [&]() -> Task<> {
    co_await q.join();
    ++finished;
  };
  auto main_task = [&]() -> Task<> {
    EXPECT_TRUE(q.put_nowait(1));
    auto a = create_task(joiner());
    auto b = create_task(joiner());
    co_await sleep(0ms);
    a.cancel();
    co_await a.wait_outcome();
    q.task_done();
    co_await b;
  };
  run(main_task());
  EXPECT_EQ(finished, 1);
}

TEST_F(SimTest, TaskDoneMoreOftenThanPutIsAUsageError) {
  Queue<int> q;
  EXPECT_TRUE(q.put_nowait(1));
  q.task_done();
  EXPECT_USAGE_ERROR(q.task_done(), "more times than there were items");
}

TEST_F(SimTest, CoAwaitOnTheQueueIsGetForAsyncIteration) {
  Queue<int> q(2);
  std::vector<int> seen;
  auto consumer = [&]() -> Task<> {
    for (;;)
      seen.push_back(co_await q);
  };
  auto main_task = [&]() -> Task<> {
    auto c = create_task(consumer());
    for (int i = 1; i <= 5; ++i)
      co_await q.put(i);
    co_await sleep(1ms);
    c.cancel();
    co_await c.wait_outcome();
  };
  run(main_task());
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST_F(SimTest, QueueOfMoveOnlyItemsMovesFromTheCallerOnlyWhenAccepted) {
  Queue<std::unique_ptr<int>> q(1);
  auto a = std::make_unique<int>(1);
  auto b = std::make_unique<int>(2);
  EXPECT_TRUE(q.put_nowait(std::move(a)));
  EXPECT_EQ(a, nullptr);
  EXPECT_FALSE(q.put_nowait(std::move(b)));
  ASSERT_NE(b, nullptr) << "a refused item stays with the caller";
  auto main_task = [&]() -> Task<int> {
    std::unique_ptr<int> first = co_await q.get();
    co_await q.put(std::move(b));
    std::unique_ptr<int> second = co_await q;
    co_return *first * 10 + *second;
  };
  EXPECT_EQ(run(main_task()), 12);
}

TEST_F(SimTest, QueueDestroyedWhileATaskWaitsLeavesNoDanglingPointer) {
  auto q = std::make_unique<Queue<int>>();
  auto getter = [&]() -> Task<> { (void)co_await q->get(); };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(getter());
    auto b = create_task(getter());
    co_await sleep(0ms);
    EXPECT_TRUE(q->put_nowait(1));  // a holds a claim, b waits
    q.reset();
    a.cancel();  // unwinding a claimed getter must not touch the dead queue
    b.cancel();
    co_await gather_outcomes(a, b);
    EXPECT_TRUE(a.cancelled());
    EXPECT_TRUE(b.cancelled());
  };
  run(main_task());
}

TEST_F(SimTest, ManyProducersAndConsumersWithCancellationsLoseNothing) {
  // 4 producers x 50 items through a 3-slot queue; consumers are cancelled and replaced along the way.
  Queue<int> q(3);
  std::vector<int> received;
  auto producer = [&](int id) -> Task<> {
    for (int i = 0; i < 50; ++i) {
      co_await q.put(id * 1000 + i);
      if (i % 7 == id) co_await sleep(1ms);
    }
  };
  auto consumer = [&]() -> Task<> {
    for (;;) {
      received.push_back(co_await q.get());
      if (received.size() % 5 == 0) co_await yield_now();
    }
  };
  auto main_task = [&]() -> Task<> {
    std::vector<TaskHandle<>> producers;
    for (int id = 0; id < 4; ++id)
      producers.push_back(create_task(producer(id)));
    std::vector<TaskHandle<>> consumers;
    for (int round = 0; round < 40; ++round) {
      consumers.push_back(create_task(consumer()));
      co_await yield_now();
      if (round % 3 == 0) {
        consumers.front().cancel();  // maybe while waiting, maybe while holding a claim
        co_await consumers.front().wait_outcome();
        consumers.erase(consumers.begin());
      }
    }
    for (auto& p : producers)
      co_await p;
    while (!q.empty())
      co_await sleep(1ms);
    for (auto& c : consumers)
      c.cancel();
    for (auto& c : consumers)
      co_await c.wait_outcome();
  };
  run(main_task());
  ASSERT_EQ(received.size(), 200u);
  std::vector<int> last(4, -1);
  for (int v : received) {
    const int id = v / 1000;
    const int seq = v % 1000;
    EXPECT_EQ(seq, last[static_cast<std::size_t>(id)] + 1)
        << "each producer's items arrive once and in order";
    last[static_cast<std::size_t>(id)] = seq;
  }
}

}  // namespace
}  // namespace aiopi::testing
