// Reaching a loop from real threads: ThreadSafeFlag and call_soon_threadsafe, on every backend.
#include <atomic>
#include <thread>

#include "backends.hpp"

namespace aiopi::testing {
namespace {

class Threads : public BackendTest {};
AIOPI_ALL_BACKENDS(Threads);

TEST_P(Threads, ThreadSafeFlagSetFromARealThreadWakesTheWaiter) {
  ThreadSafeFlag flag;
  ThreadSafeFlag ack;
  constexpr int kRounds = 200;
  std::atomic<bool> stop{false};
  // The thread waits for our acknowledgement each round, so every set() is observed exactly once. Not a local
  // of main_task: the thread still reads it after main_task's frame is gone.
  std::atomic<int> acked{0};
  std::thread producer;
  auto main_task = [&]() -> Task<int> {
    int received = 0;
    producer = std::thread([&] {
      for (int i = 0; i < kRounds; ++i) {
        flag.set();
        while (acked.load() == i && !stop.load())
          std::this_thread::yield();
      }
    });
    for (int i = 0; i < kRounds; ++i) {
      co_await flag.wait();
      ++received;
      acked.store(i + 1);
    }
    co_return received;
  };
  const int received = run(main_task());
  stop = true;
  producer.join();
  EXPECT_EQ(received, kRounds);
}

TEST_P(Threads, CallSoonThreadsafeRunsOnTheLoopThreadInOrder) {
  std::vector<int> seen;
  std::thread::id loop_thread = std::this_thread::get_id();
  bool all_on_loop_thread = true;
  Event done;
  auto main_task = [&]() -> Task<> {
    loop().add_external_source();  // a thread will call in: an idle simulated loop must wait, not fail
    std::thread t([&] {
      for (int i = 0; i < 100; ++i) {
        loop().call_soon_threadsafe([&, i] {
          if (std::this_thread::get_id() != loop_thread) all_on_loop_thread = false;
          seen.push_back(i);
          if (i == 99) done.set();
        });
      }
    });
    co_await done.wait();
    loop().remove_external_source();
    t.join();
  };
  run(main_task());
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(seen[static_cast<std::size_t>(i)], i);
  EXPECT_TRUE(all_on_loop_thread);
}

TEST_P(Threads, OneLoopPerThread) {
  // Two loops on two threads run independently; each thread's current loop is its own.
  std::atomic<int> total{0};
  auto worker = [&](BackendKind kind) {
    BackendHolder backend(kind);
    Loop l(backend.get());
    auto body = [&]() -> Task<int> {
      EXPECT_EQ(Loop::current(), &l);
      int n = 0;
      for (int i = 0; i < 50; ++i) {
        co_await yield_now();
        ++n;
      }
      co_return n;
    };
    total += l.run_until_complete(body());
  };
  std::thread a(worker, GetParam()), b(worker, GetParam());
  a.join();
  b.join();
  EXPECT_EQ(total.load(), 100);
}

}  // namespace
}  // namespace aiopi::testing
