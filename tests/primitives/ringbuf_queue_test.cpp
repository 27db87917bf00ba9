// RingbufQueue: fixed capacity, overwrite-oldest on put_nowait overflow, waiting put/get, cancel-safety.
#include <string>

#include "aiopi/ringbuf_queue.hpp"
#include "sync_primitives_support.hpp"

namespace aiopi::testing {
namespace {

std::vector<int> drain(RingbufQueue<int, 9>& q) {
  std::vector<int> out;
  while (auto v = q.get_nowait())
    out.push_back(*v);
  return out;
}

TEST_F(SimTest, RingbufQueueOverflowOverwritesTheOldestAndCountsIt) {
  // The seed's verified case: a 10-slot buffer (9 items) holding [1,2,3]; put_nowait of 4..14 overflows 5
  // times.
  RingbufQueue<int, 9> q;
  static_assert(RingbufQueue<int, 9>::capacity() == 9);
  for (int i = 1; i <= 3; ++i)
    EXPECT_TRUE(q.put_nowait(i));
  EXPECT_EQ(q.qsize(), 3u);
  EXPECT_FALSE(q.empty());
  EXPECT_FALSE(q.full());
  int overflows = 0;
  for (int i = 4; i <= 14; ++i)
    overflows += q.put_nowait(i) ? 0 : 1;
  EXPECT_EQ(overflows, 5);
  EXPECT_EQ(q.overwritten(), 5u);
  EXPECT_TRUE(q.full());
  EXPECT_EQ(drain(q), (std::vector<int>{6, 7, 8, 9, 10, 11, 12, 13, 14}));
  EXPECT_TRUE(q.empty());
}

TEST_F(SimTest, RingbufQueueGetNowaitAndPeek) {
  RingbufQueue<int, 9> q;
  EXPECT_EQ(q.peek(), nullptr);
  EXPECT_FALSE(q.get_nowait().has_value());
  EXPECT_TRUE(q.put_nowait(5));
  ASSERT_NE(q.peek(), nullptr);
  EXPECT_EQ(*q.peek(), 5);
  EXPECT_EQ(q.qsize(), 1u) << "peek does not remove";
  EXPECT_EQ(q.get_nowait(), 5);
  EXPECT_FALSE(q.get_nowait().has_value());
}

TEST_F(SimTest, RingbufQueueHoldsItemsWithoutDefaultConstructor) {
  struct Item {
    explicit Item(std::string s) : text(std::move(s)) {}
    std::string text;
  };
  RingbufQueue<Item, 2> q;
  EXPECT_TRUE(q.put_nowait(Item("a")));
  EXPECT_TRUE(q.put_nowait(Item("b")));
  EXPECT_FALSE(q.put_nowait(Item("c")));
  EXPECT_EQ(q.get_nowait()->text, "b");
  EXPECT_EQ(q.get_nowait()->text, "c");
}

TEST_F(SimTest, RingbufQueueSlowWriterAndSlowReaderDeliverInOrder) {
  // Seed asyntest 9: a writer every 100 ms, then a reader every 100 ms; 15 items in order within 2 s each.
  RingbufQueue<int, 9> q;
  std::vector<int> got;
  auto slow_writer = [&]() -> Task<> {
    for (int i = 0; i < 15; ++i) {
      co_await sleep(100ms);
      EXPECT_TRUE(q.put_nowait(i));
    }
  };
  auto fast_reader = [&]() -> Task<> {
    while (got.size() < 15)
      got.push_back(co_await q);
  };
  auto fast_writer = [&]() -> Task<> {
    for (int i = 0; i < 15; ++i)
      co_await q.put(i);  // waits while full
  };
  auto slow_reader = [&]() -> Task<> {
    while (got.size() < 15) {
      co_await sleep(100ms);
      got.push_back(co_await q.get());
    }
  };
  auto main_task = [&]() -> Task<> {
    co_await gather(slow_writer(), fast_reader());
    EXPECT_LE(t_ms(), 2000);
    EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}));
    got.clear();
    const auto start = t_ms();
    co_await gather(fast_writer(), slow_reader());
    EXPECT_LE(t_ms() - start, 2000);
    EXPECT_EQ(q.overwritten(), 0u) << "put() waits instead of overwriting";
  };
  run(main_task());
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}));
}

TEST_F(SimTest, RingbufQueuePuttersWaitFifoAndPutNowaitStillOverwrites) {
  RingbufQueue<char, 1> q;
  auto putter = [&](char c) -> Task<> { co_await q.put(c); };
  auto main_task = [&]() -> Task<> {
    EXPECT_TRUE(q.put_nowait('x'));
    auto a = create_task(putter('a'));
    auto b = create_task(putter('b'));
    co_await sleep(0ms);
    EXPECT_FALSE(q.put_nowait('y')) << "put_nowait never waits: it overwrites";
    std::string order;
    for (int i = 0; i < 3; ++i)
      order += co_await q.get();
    EXPECT_EQ(order, "yab");
    co_await gather(a, b);
  };
  run(main_task());
  EXPECT_EQ(q.overwritten(), 1u);
}

TEST_F(SimTest, RingbufQueueGetterCancelledAfterBeingHandedAnItemLosesNothing) {
  RingbufQueue<int, 4> q;
  std::vector<int> got;
  auto getter = [&]() -> Task<> { got.push_back(co_await q.get()); };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(getter());
    auto b = create_task(getter());
    co_await sleep(0ms);
    EXPECT_TRUE(q.put_nowait(1));  // claimed by a
    a.cancel();
    co_await a.wait_outcome();
    co_await b;  // the claim went to b
    EXPECT_TRUE(q.put_nowait(2));
    auto c = create_task(getter());
    co_await sleep(0ms);
    EXPECT_TRUE(q.empty());
  };
  run(main_task());
  EXPECT_EQ(got, (std::vector<int>{1, 2}));
}

TEST_F(SimTest, RingbufQueueCancelledWaitingPutterEnqueuesNothing) {
  RingbufQueue<int, 1> q;
  auto putter = [&](int v) -> Task<> { co_await q.put(v); };
  auto main_task = [&]() -> Task<> {
    EXPECT_TRUE(q.put_nowait(0));
    auto a = create_task(putter(1));
    auto b = create_task(putter(2));
    co_await sleep(0ms);
    a.cancel();
    co_await a.wait_outcome();
    EXPECT_EQ(co_await q.get(), 0);
    co_await b;
    EXPECT_EQ(co_await q.get(), 2);
    EXPECT_TRUE(q.empty());
  };
  run(main_task());
}

}  // namespace
}  // namespace aiopi::testing
