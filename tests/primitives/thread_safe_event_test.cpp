// ThreadSafeEvent: set() from real threads releases every waiter; is_set() and clear() on the loop thread see
// a set() made before them (the seed's stale-flag caveats are fixed); cancellation leaves nothing behind.
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "b_support.hpp"

namespace aiopi::testing {
namespace {

TEST_F(BSimTest, ThreadSafeEventIsSetSeesAnEarlierSetAndClearReallyClears) {
  ThreadSafeEvent ev;
  EXPECT_FALSE(ev.is_set());
  ev.set();
  EXPECT_TRUE(ev.is_set()) << "the seed reported False until a waiter had looked";
  ev.clear();
  EXPECT_FALSE(ev.is_set());
  bool released = false;
  auto waiter = [&]() -> Task<> {
    co_await ev.wait();
    released = true;
  };
  auto main_task = [&]() -> Task<> {
    ev.set();
    ev.clear();  // no stale flag may survive this
    auto w = create_task(waiter());
    co_await sleep(5ms);
    EXPECT_FALSE(released);
    ev.set();
    co_await w;
    EXPECT_TRUE(released);
  };
  run(main_task());
}

TEST_F(BSimTest, ThreadSafeEventManyWaitersFifoAndCancellation) {
  ThreadSafeEvent ev;
  std::vector<int> order;
  int destroyed = 0;
  auto waiter = [&](int id) -> Task<> {
    BDtorProbe probe(destroyed);
    co_await ev.wait();
    order.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(waiter(1));
    auto b = create_task(waiter(2));
    auto c = create_task(waiter(3));
    co_await yield_now();
    b.cancel();
    co_await b.wait_outcome();
    ev.set();
    co_await gather(a, c);
  };
  run(main_task());
  EXPECT_EQ(order, (std::vector<int>{1, 3}));
  EXPECT_EQ(destroyed, 3);
}

TEST_F(BSimTest, ThreadSafeEventDestroyedWhileATaskWaits) {
  auto ev = std::make_unique<ThreadSafeEvent>();
  auto waiter = [&]() -> Task<> { co_await ev->wait(); };
  auto main_task = [&]() -> Task<> {
    auto w = create_task(waiter());
    co_await yield_now();
    ev->set();  // a post is in the inbox: the destructor runs it first
    ev.reset();
    w.cancel();
    co_await w.wait_outcome();
  };
  run(main_task());
}

class TseThreads : public BBackendTest {};
AIOPI_B_ALL_BACKENDS(TseThreads);

TEST_P(TseThreads, SetFromAThreadReleasesEveryWaiter) {
  ThreadSafeEvent ev;
  int released = 0;
  std::thread setter;
  auto waiter = [&]() -> Task<> {
    co_await ev.wait();
    ++released;
  };
  auto main_task = [&]() -> Task<> {
    auto a = loop().create_task(waiter());
    auto b = loop().create_task(waiter());
    auto c = loop().create_task(waiter());
    co_await yield_now();
    setter = std::thread([&] { ev.set(); });
    co_await gather(a, b, c);
  };
  run(main_task());
  setter.join();
  EXPECT_EQ(released, 3);
}

// A thread and a task hand a token back and forth through two events: every round is seen exactly once.
TEST_P(TseThreads, PingPongRounds) {
  ThreadSafeEvent ping;      // thread → task
  std::atomic<int> pong{0};  // task → thread (the thread spins: it has no loop)
  constexpr int kRounds = 500;
  std::thread peer;
  auto main_task = [&]() -> Task<int> {
    peer = std::thread([&] {
      for (int i = 1; i <= kRounds; ++i) {
        ping.set();
        while (pong.load() < i)
          std::this_thread::yield();
      }
    });
    int rounds = 0;
    for (int i = 1; i <= kRounds; ++i) {
      co_await ping.wait();
      ping.clear();
      ++rounds;
      pong.store(i);
    }
    co_return rounds;
  };
  EXPECT_EQ(run(main_task()), kRounds);
  peer.join();
}

}  // namespace
}  // namespace aiopi::testing
