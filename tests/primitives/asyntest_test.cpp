// The scenarios of micropython-async's primitives/tests/asyntest.py (seed inventory §8.1), on the virtual
// clock. Printed output becomes an event log; timings are exact because the clock is virtual.
//   1  Message acknowledge        -> Message is covered by its own tests (message_test.cpp)
//   2  Lock + Message             -> LockContentionThenAMessage (an Event stands in for the Message)
//   3  Barrier with callback      -> BarrierWithCallbackTwoBatches
//   4  Barrier, coroutine action  -> BarrierWithCoroutineAction
//   5  Semaphore(3)               -> SemaphoreOfThreeWithFiveTasks
//   6  BoundedSemaphore(3)        -> BoundedSemaphoreOfThreeWithFiveTasks
//   7  Condition                  -> ConditionPairsAndPredicate (FIFO wake order: the seed wakes LIFO)
//   8  Queue                      -> QueueScenario
//   9  RingbufQueue               -> RingbufQueueScenario
//  10  Queue task_done / join     -> QueueTaskDoneAndJoin
#include <string>

#include "aiopi/barrier.hpp"
#include "aiopi/condition.hpp"
#include "aiopi/queue.hpp"
#include "aiopi/ringbuf_queue.hpp"
#include "aiopi/semaphore.hpp"
#include "sync_primitives_support.hpp"

namespace aiopi::testing {
namespace {

using Log = std::vector<std::string>;

std::string at(std::int64_t ms, const std::string& what) {
  return std::to_string(ms) + " " + what;
}

TEST_F(SimTest, AsyntestLockContentionThenAMessage) {
  Lock lock;
  Event message;  // stands in for the seed's Message
  Log log;
  auto contender = [&](int n) -> Task<> {
    auto guard = co_await lock;
    log.push_back(at(t_ms(), "acquired " + std::to_string(n)));
    co_await sleep(1s);
    log.push_back(at(t_ms(), "released " + std::to_string(n)));
  };
  auto receiver = [&]() -> Task<> {
    co_await message.wait();
    log.push_back(at(t_ms(), "message"));
    message.clear();
  };
  auto main_task = [&]() -> Task<> {
    auto r = create_task(receiver());
    auto a = create_task(contender(1));
    auto b = create_task(contender(2));
    auto c = create_task(contender(3));
    co_await sleep(5s);
    message.set();
    co_await gather(r, a, b, c);
    EXPECT_FALSE(message.is_set());
  };
  run(main_task());
  EXPECT_EQ(log, (Log{"0 acquired 1", "1000 released 1", "1000 acquired 2", "2000 released 2",
                      "2000 acquired 3", "3000 released 3", "5000 message"}));
}

TEST_F(SimTest, AsyntestBarrierWithCallbackTwoBatches) {
  Log log;
  Barrier barrier(3, [&] { log.push_back("Synch"); });
  auto worker = [&](int batch) -> Task<> {
    for (int k = 0; k < 5; ++k) {
      log.push_back(std::to_string(batch) + ":" + std::to_string(k));
      co_await barrier;
    }
  };
  auto main_task = [&]() -> Task<> {
    auto batch = [&](int b) -> Task<> { co_await gather(worker(b), worker(b), worker(b)); };
    auto first = create_task(batch(1));
    co_await sleep(1s);
    auto second = create_task(batch(2));
    co_await gather(first, second);
  };
  run(main_task());
  // Each batch: rows "k k k" then Synch, for k = 0..4 (the seed's expected text misses one row of batch 2).
  Log expected;
  for (int b = 1; b <= 2; ++b) {
    for (int k = 0; k < 5; ++k) {
      for (int i = 0; i < 3; ++i)
        expected.push_back(std::to_string(b) + ":" + std::to_string(k));
      expected.push_back("Synch");
    }
  }
  EXPECT_EQ(log, expected);
}

TEST_F(SimTest, AsyntestBarrierWithCoroutineAction) {
  // Barrier(4, coroutine); tasks x = 0, 1, 2 arrive after x s, main at 4 s. The three report "done" before
  // the coroutine's first output; result() is the coroutine's task, which reports once and is then cancelled.
  Log log;
  auto report = [&]() -> Task<> {
    log.push_back(at(t_ms(), "report start"));
    co_await sleep(1s);
    log.push_back(at(t_ms(), "report tick"));
    co_await sleep(1h);
    log.push_back("report end");  // never: cancelled
  };
  Barrier barrier(4, report);
  auto party = [&](int x) -> Task<> {
    co_await sleep(std::chrono::seconds(x));
    co_await barrier;
    log.push_back(at(t_ms(), "done " + std::to_string(x)));
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(party(0));
    auto b = create_task(party(1));
    auto c = create_task(party(2));
    co_await sleep(4s);
    EXPECT_TRUE(barrier.busy());
    co_await barrier;
    EXPECT_FALSE(barrier.busy());
    TaskRef coro = barrier.result().task;
    EXPECT_TRUE(coro);
    if (!coro) co_return;
    co_await gather(a, b, c);
    co_await sleep(1500ms);
    EXPECT_FALSE(coro.done());
    EXPECT_TRUE(coro.cancel());
    co_await sleep(0ms);
    EXPECT_TRUE(coro.cancelled());
  };
  run(main_task());
  EXPECT_EQ(log, (Log{"4000 done 0", "4000 done 1", "4000 done 2", "4000 report start", "5000 report tick"}));
}

/// Five tasks, each holding a permit of `sem` for 1 + n/10 s; a Barrier(6) waits for all of them.
Task<> semaphore_scenario(Semaphore& sem, Log& log) {
  Barrier done(6);
  auto holder = [&](int n) -> Task<> {
    co_await sem.acquire();
    log.push_back(at(now().time_since_epoch().count() / 1000, "acquired " + std::to_string(n)));
    co_await sleep(std::chrono::milliseconds(1000 + 100 * n));
    sem.release();
    co_await done;
  };
  std::vector<TaskHandle<>> holders;
  for (int n = 0; n < 5; ++n)
    holders.push_back(create_task(holder(n)));
  co_await done;
  for (auto& h : holders)
    co_await h;
}

TEST_F(SimTest, AsyntestSemaphoreOfThreeWithFiveTasks) {
  Semaphore sem(3);
  Log log;
  run(semaphore_scenario(sem, log));
  // 0, 1, 2 at once; 3 when 0 releases (1.0 s), 4 when 1 releases (1.1 s). FIFO makes 3 before 4 certain.
  EXPECT_EQ(log, (Log{"0 acquired 0", "0 acquired 1", "0 acquired 2", "1000 acquired 3", "1100 acquired 4"}));
  sem.release();  // an extra release is fine for a plain Semaphore
  EXPECT_EQ(sem.value(), 4);
}

TEST_F(SimTest, AsyntestBoundedSemaphoreOfThreeWithFiveTasks) {
  BoundedSemaphore sem(3);
  Log log;
  run(semaphore_scenario(sem, log));
  EXPECT_EQ(log, (Log{"0 acquired 0", "0 acquired 1", "0 acquired 2", "1000 acquired 3", "1100 acquired 4"}));
  EXPECT_USAGE_ERROR(sem.release(), "released too many times");
  EXPECT_EQ(sem.value(), 3);
}

TEST_F(SimTest, AsyntestConditionPairsAndPredicate) {
  // Seven waiters; notify(2) every 2 s starting at 1 s; a counter increments every second, offset 0.5 s.
  // After the seven, a wait_for(counter >= 8) waiter. FIFO: {0,1} at counter 1, {2,3} at 3, {4,5} at 5, 6 at
  // 7; the predicate waiter is released at counter 9. (The seed wakes the most recent waiters first: {5,6},
  // {3,4}, ...)
  Condition cond;
  int counter = 0;
  Log log;
  bool stop = false;
  auto waiter = [&](int n) -> Task<> {
    auto guard = co_await cond;
    co_await cond.wait();
    log.push_back("waiter " + std::to_string(n) + " at counter " + std::to_string(counter));
  };
  auto predicate_waiter = [&]() -> Task<> {
    auto guard = co_await cond;
    const bool ok = co_await cond.wait_for([&] { return counter >= 8; });
    EXPECT_TRUE(ok);
    log.push_back("predicate at counter " + std::to_string(counter));
  };
  auto counting = [&]() -> Task<> {
    co_await sleep(500ms);
    while (!stop) {
      ++counter;
      co_await sleep(1s);
    }
  };
  auto notifier = [&]() -> Task<> {
    co_await sleep(1s);
    while (!stop) {
      {
        auto guard = co_await cond;
        cond.notify(2);
      }
      co_await sleep(2s);
    }
  };
  auto main_task = [&]() -> Task<> {
    std::vector<TaskHandle<>> waiters;
    for (int n = 0; n < 7; ++n)
      waiters.push_back(create_task(waiter(n)));
    auto c = create_task(counting());
    auto nt = create_task(notifier());
    for (auto& w : waiters)
      co_await w;
    co_await predicate_waiter();
    stop = true;
    co_await gather(c, nt);
  };
  run(main_task());
  EXPECT_EQ(log, (Log{"waiter 0 at counter 1", "waiter 1 at counter 1", "waiter 2 at counter 3",
                      "waiter 3 at counter 3", "waiter 4 at counter 5", "waiter 5 at counter 5",
                      "waiter 6 at counter 7", "predicate at counter 9"}));
}

TEST_F(SimTest, AsyntestQueueScenario) {
  Queue<int> q(10);
  Log log;
  auto slow_producer = [&]() -> Task<> {
    co_await sleep(2s);
    co_await q.put(42);
  };
  auto producer = [&](int id) -> Task<> {
    for (int i = 0; i < 8; ++i)
      co_await q.put(id * 100 + i);
  };
  auto consumer = [&](int id) -> Task<> {
    for (int i = 0; i < 8; ++i) {
      (void)co_await q.get();
      (void)id;
    }
  };
  auto putter = [&]() -> Task<> {
    for (int i = 0; i < 20; ++i) {
      co_await q.put(i);
      co_await sleep(50ms);
    }
  };
  auto getter = [&]() -> Task<std::vector<int>> {
    std::vector<int> got;
    for (int i = 0; i < 20; ++i)
      got.push_back(co_await q.get());
    co_return got;
  };
  auto main_task = [&]() -> Task<> {
    // A slow producer: the consumer waits 2 s for 42.
    auto sp = create_task(slow_producer());
    EXPECT_EQ(co_await q.get(), 42);
    EXPECT_EQ(t_ms(), 2000);
    co_await sp;
    // Four producers of 8 items into a 10-slot queue: full after 1 s, producers blocked.
    std::vector<TaskHandle<>> producers;
    for (int id = 0; id < 4; ++id)
      producers.push_back(create_task(producer(id)));
    co_await sleep(1s);
    EXPECT_EQ(q.qsize(), 10u);
    EXPECT_TRUE(q.full());
    (void)co_await q.get();
    co_await sleep(100ms);
    EXPECT_EQ(q.qsize(), 10u) << "a blocked producer filled the slot";
    int drained = 1;
    while (!q.empty()) {
      (void)co_await q.get();
      ++drained;
      co_await yield_now();
    }
    for (auto& p : producers)
      co_await p;
    EXPECT_EQ(drained, 32);
    log.push_back(at(t_ms(), "producers drained"));
    // Four consumers of 8 items while main puts one item every 0.3 s until full.
    std::vector<TaskHandle<>> consumers;
    for (int id = 0; id < 4; ++id)
      consumers.push_back(create_task(consumer(id)));
    int put = 0;
    while (!q.full()) {
      EXPECT_TRUE(q.put_nowait(put++));
      co_await sleep(300ms);
    }
    for (auto& c : consumers)
      co_await c;
    EXPECT_EQ(q.qsize(), 10u);
    EXPECT_EQ(put, 42);
    log.push_back(at(t_ms(), "consumers done, queue full"));
    while (q.get_nowait()) {
    }
    // gather(putter, getter): 20 items at 50 ms.
    auto [none, got] = co_await gather(putter(), getter());
    (void)none;
    std::vector<int> expected;
    for (int i = 0; i < 20; ++i)
      expected.push_back(i);
    EXPECT_EQ(got, expected);
    log.push_back(at(t_ms(), "putter/getter done"));
  };
  run(main_task());
  EXPECT_EQ(log,
            (Log{"3100 producers drained", "15700 consumers done, queue full", "16700 putter/getter done"}));
}

TEST_F(SimTest, AsyntestRingbufQueueScenario) {
  RingbufQueue<int, 9> q;  // the seed's 10-slot list holds 9 items
  std::vector<int> got;
  auto slow_writer = [&]() -> Task<> {
    for (int i = 0; i < 15; ++i) {
      co_await sleep(100ms);
      q.put_nowait(i);
    }
  };
  auto reader = [&]() -> Task<> {
    while (got.size() < 15)
      got.push_back(co_await q);
  };
  auto writer = [&]() -> Task<> {
    for (int i = 0; i < 15; ++i)
      co_await q.put(i);
  };
  auto slow_reader = [&]() -> Task<> {
    while (got.size() < 15) {
      co_await sleep(100ms);
      got.push_back(co_await q.get());
    }
  };
  auto main_task = [&]() -> Task<> {
    std::vector<int> expected;
    for (int i = 0; i < 15; ++i)
      expected.push_back(i);
    co_await gather(slow_writer(), reader());
    EXPECT_EQ(got, expected);
    EXPECT_LE(t_ms(), 2000);
    got.clear();
    co_await gather(writer(), slow_reader());
    EXPECT_EQ(got, expected);
    EXPECT_LE(t_ms(), 4000);
    EXPECT_TRUE(q.empty());
    for (int i = 1; i <= 3; ++i)
      q.put_nowait(i);
    EXPECT_FALSE(q.empty());
    EXPECT_EQ(q.qsize(), 3u);
    EXPECT_FALSE(q.full());
    int overflows = 0;
    for (int i = 4; i <= 14; ++i)
      overflows += q.put_nowait(i) ? 0 : 1;
    EXPECT_EQ(overflows, 5);
    EXPECT_TRUE(q.full());
    std::vector<int> rest;
    while (auto v = q.get_nowait())
      rest.push_back(*v);
    EXPECT_EQ(rest, (std::vector<int>{6, 7, 8, 9, 10, 11, 12, 13, 14}));
    q.put_nowait(99);
    EXPECT_EQ(q.get_nowait(), 99);
    EXPECT_FALSE(q.get_nowait().has_value());
  };
  run(main_task());
}

TEST_F(SimTest, AsyntestQueueTaskDoneAndJoin) {
  Queue<int> q;
  Log log;
  auto consumer = [&]() -> Task<> {
    for (;;) {
      (void)co_await q.get();
      co_await sleep(500ms);
      q.task_done();
    }
  };
  auto join_waiter = [&]() -> Task<> {
    co_await q.join();
    log.push_back(at(t_ms(), "waiter joined"));
  };
  auto main_task = [&]() -> Task<> {
    co_await q.join();  // fresh queue: at once
    EXPECT_EQ(t_ms(), 0);
    for (int i = 0; i < 10; ++i)
      EXPECT_TRUE(q.put_nowait(i));  // without yielding
    auto c = create_task(consumer());
    auto w = create_task(join_waiter());
    co_await q.join();
    log.push_back(at(t_ms(), "main joined"));
    co_await sleep(0ms);
    EXPECT_TRUE(w.done());
    c.cancel();
    auto out = co_await c.wait_outcome();
    EXPECT_TRUE(out.cancelled());
  };
  run(main_task());
  EXPECT_EQ(log, (Log{"5000 main joined", "5000 waiter joined"}))
      << "joiners are released in the order they joined";
}

}  // namespace
}  // namespace aiopi::testing
