// Message<T>: value hand-over to many waiters, clear() that really clears, the no-queueing rule,
// cancellation, and set() from real threads (on the simulated and the Linux backend).
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "b_support.hpp"

namespace aiopi::testing {
namespace {

TEST_F(BSimTest, MessageSetBeforeWaitReturnsTheValueAtOnce) {
  Message<int> msg;
  EXPECT_FALSE(msg.is_set());
  EXPECT_FALSE(msg.has_value());
  msg.set(7);
  EXPECT_TRUE(msg.is_set()) << "a set() made before is_set() on the loop thread is seen at once";
  auto main_task = [&]() -> Task<int> {
    const auto before = loop.stats().resumes;
    int v = co_await msg;
    EXPECT_EQ(loop.stats().resumes, before) << "no suspension for a set message";
    co_return v;
  };
  EXPECT_EQ(run(main_task()), 7);
  EXPECT_EQ(msg.value(), 7);
}

// Seed asyntest 1, first part: two tasks wait on one Message, each acknowledges through its own Message.
TEST_F(BSimTest, MessageAcknowledgeRoundsWithTwoWaiters) {
  Message<int> msg;
  Message<int> ack1, ack2;
  std::vector<std::string> log;
  auto waiter = [&](int id, Message<int>& ack) -> Task<> {
    for (int k = 0; k < 3; ++k) {
      int v = co_await msg;
      log.push_back("w" + std::to_string(id) + ":" + std::to_string(v));
      ack.set(v);
      co_await sleep(10ms);  // let main clear the message before waiting again
    }
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(waiter(1, ack1));
    auto b = create_task(waiter(2, ack2));
    for (int k = 0; k < 3; ++k) {
      co_await sleep(1s);
      msg.set(k);
      co_await ack1;
      co_await ack2;
      ack1.clear();
      log.push_back("ack1 cleared");
      ack2.clear();
      log.push_back("ack2 cleared");
      msg.clear();
      log.push_back("msg cleared");
    }
    co_await gather(a, b);
  };
  run(main_task());
  std::vector<std::string> expected;
  for (int k = 0; k < 3; ++k) {
    expected.push_back("w1:" + std::to_string(k));
    expected.push_back("w2:" + std::to_string(k));
    expected.push_back("ack1 cleared");
    expected.push_back("ack2 cleared");
    expected.push_back("msg cleared");
  }
  EXPECT_EQ(log, expected);
}

// Seed asyntest 1, iterator part: values 1, 2, 3 at 400 ms; the receiver loops under a 3 s wait_for.
TEST_F(BSimTest, MessageReceivedInALoopUntilTimeout) {
  Message<int> msg;
  std::vector<int> got;
  auto receiver = [&]() -> Task<> {
    for (;;) {
      got.push_back(co_await msg);
      msg.clear();
    }
  };
  auto sender = [&]() -> Task<> {
    for (int i = 1; i <= 3; ++i) {
      co_await sleep(400ms);
      msg.set(i);
    }
  };
  auto main_task = [&]() -> Task<> {
    auto s = create_task(sender());
    auto r = co_await wait_for(receiver(), 3s);
    EXPECT_TRUE(r.timed_out());
    co_await s;
  };
  run(main_task());
  EXPECT_EQ(got, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(t_ms(), 3000);
}

// Seed asyntest 1, last part: the first (then the second) of two waiters is cancelled before the set.
TEST_F(BSimTest, MessageCancelledWaiterLosesNothingForTheOther) {
  for (int victim = 0; victim < 2; ++victim) {
    Message<int> msg;
    int destroyed = 0;
    std::vector<int> got(2, -1);
    auto waiter = [&](int id) -> Task<> {
      BDtorProbe probe(destroyed);
      got[static_cast<std::size_t>(id)] = co_await msg;
    };
    auto main_task = [&]() -> Task<> {
      TaskHandle<> w[2] = {create_task(waiter(0)), create_task(waiter(1))};
      co_await sleep(1ms);
      w[victim].cancel();
      co_await sleep(1ms);
      EXPECT_TRUE(w[victim].cancelled());
      msg.set(99);
      co_await w[1 - victim].wait_outcome();
    };
    run(main_task());
    EXPECT_EQ(got[static_cast<std::size_t>(victim)], -1);
    EXPECT_EQ(got[static_cast<std::size_t>(1 - victim)], 99);
    EXPECT_EQ(destroyed, 2);
  }
}

// The seed bug: a set() with no waiter left a stale ThreadSafeFlag, so wait() after clear() returned at once.
TEST_F(BSimTest, MessageClearReallyClears) {
  Message<int> msg;
  bool got = false;
  auto waiter = [&]() -> Task<> {
    co_await msg;
    got = true;
  };
  auto main_task = [&]() -> Task<> {
    msg.set(1);  // nobody waits
    msg.clear();
    EXPECT_FALSE(msg.is_set());
    auto w = create_task(waiter());
    co_await sleep(10ms);
    EXPECT_FALSE(got) << "a cleared message must block the next waiter";
    msg.set(2);
    co_await w;
    EXPECT_TRUE(got);
  };
  run(main_task());
  EXPECT_EQ(msg.value(), 2) << "clear() keeps the value readable";
}

TEST_F(BSimTest, MessageDoesNotQueueTwoSetsBeforeTheWaiterRuns) {
  Message<std::string> msg;
  std::vector<std::string> got;
  auto waiter = [&]() -> Task<> {
    got.push_back(co_await msg);
    msg.clear();
  };
  auto main_task = [&]() -> Task<> {
    auto w = create_task(waiter());
    co_await sleep(1ms);
    msg.set("first");
    msg.set("second");  // before the waiter ran: the first value is lost (documented)
    co_await w;
  };
  run(main_task());
  EXPECT_EQ(got, std::vector<std::string>{"second"});
}

TEST_F(BSimTest, MessageReleasedWaitersStayReleasedAfterAnImmediateClear) {
  Message<int> msg;
  std::vector<int> got;
  auto waiter = [&]() -> Task<> { got.push_back(co_await msg.wait()); };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(waiter());
    auto b = create_task(waiter());
    co_await sleep(1ms);
    msg.set(5);
    msg.clear();  // as Event: set(); clear() still releases the tasks waiting at set time
    co_await gather(a, b);
  };
  run(main_task());
  EXPECT_EQ(got, (std::vector<int>{5, 5}));
}

#if AIOPI_HAS_EXCEPTIONS
TEST_F(BSimTest, MessageValueBeforeAnySetIsAUsageError) {
  Message<int> msg;
  EXPECT_THROW((void)msg.value(), UsageError);
}
#endif

TEST_F(BSimTest, MessageDestroyedWhileATaskWaitsLeavesNoDanglingPointer) {
  auto msg = std::make_unique<Message<int>>();
  int destroyed = 0;
  auto waiter = [&]() -> Task<> {
    BDtorProbe probe(destroyed);
    co_await *msg;
  };
  auto main_task = [&]() -> Task<> {
    auto w = create_task(waiter());
    co_await sleep(1ms);
    msg.reset();  // the waiter is stuck forever, but unlinked
    w.cancel();
    co_await w.wait_outcome();
  };
  run(main_task());
  EXPECT_EQ(destroyed, 1);
}

// --- real threads
// ----------------------------------------------------------------------------------------------

class MessageThreads : public BBackendTest {};
AIOPI_B_ALL_BACKENDS(MessageThreads);

TEST_P(MessageThreads, SetFromAnotherThreadReleasesEveryWaiter) {
  Message<std::string> msg;
  std::vector<std::string> got;
  std::thread setter;
  auto waiter = [&]() -> Task<> { got.push_back(co_await msg); };
  auto main_task = [&]() -> Task<> {
    auto a = loop().create_task(waiter());
    auto b = loop().create_task(waiter());
    co_await yield_now();                                          // both wait now
    setter = std::thread([&] { msg.set(std::string(40, 'x')); });  // longer than the small-string buffer
    co_await gather(a, b);
  };
  run(main_task());
  setter.join();
  EXPECT_EQ(got, (std::vector<std::string>{std::string(40, 'x'), std::string(40, 'x')}));
}

// Concurrent setters hammering one message while a task reads: every value read is whole (never torn), and
// the last value set after all threads finished is seen.
TEST_P(MessageThreads, ConcurrentSettersNeverTearAValue) {
  struct Pair {
    std::uint64_t a;
    std::uint64_t b;  // always ~a
  };
  Message<Pair, 8> msg;  // 3 setters + the published value + the one being read: never short of a slot
  constexpr int kThreads = 3;
  constexpr int kPerThread = 3000;
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  auto main_task = [&]() -> Task<int> {
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          const std::uint64_t v = static_cast<std::uint64_t>(t) << 32 | static_cast<std::uint64_t>(i);
          while (!msg.set(Pair{v, ~v}))
            std::this_thread::yield();  // only fails if every slot is busy
        }
        if (finished.fetch_add(1) + 1 == kThreads) msg.set(Pair{0xffffffffffffffffu, 0});
      });
    }
    int reads = 0;
    for (;;) {
      // The lossless idiom: clear first, then read the latest value (a set() racing with clear() is in it).
      co_await msg.wait();
      msg.clear();
      const Pair p = msg.value();
      ++reads;
      if (p.a == 0xffffffffffffffffu && p.b == 0) break;  // the end marker
      EXPECT_EQ(p.b, ~p.a);
    }
    co_return reads;
  };
  const int reads = run(main_task());
  for (auto& t : threads)
    t.join();
  EXPECT_GE(reads, 1);
  EXPECT_EQ(msg.dropped(), 0u);
}

TEST_P(MessageThreads, PingPongWithAThreadLosesNoRound) {
  Message<int> reply;
  std::atomic<int> last_request{-1};
  constexpr int kRounds = 300;
  std::thread echo;
  auto main_task = [&]() -> Task<int> {
    echo = std::thread([&] {
      for (int i = 0; i < kRounds; ++i) {
        while (last_request.load() != i)
          std::this_thread::yield();
        reply.set(i * 2);
      }
    });
    int sum = 0;
    for (int i = 0; i < kRounds; ++i) {
      last_request.store(i);
      int v = co_await reply;
      reply.clear();
      EXPECT_EQ(v, i * 2);
      sum += v;
    }
    co_return sum;
  };
  const int sum = run(main_task());
  echo.join();
  EXPECT_EQ(sum, kRounds * (kRounds - 1));
}

}  // namespace
}  // namespace aiopi::testing
