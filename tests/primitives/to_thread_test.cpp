// to_thread / run_in_thread and ThreadContext: results, exceptions, concurrency with the loop, and abandoning
// the wait (cancellation, loop teardown) while the worker still runs — on the simulated and the Linux
// backend. No test sleeps: the workers block on semaphores that the test releases.
#include <atomic>
#include <memory>
#include <semaphore>
#include <stdexcept>
#include <string>
#include <thread>

#include "b_support.hpp"

namespace aiopi::testing {
namespace {

/// A result that says when it is destroyed (the abandoned job's last act).
struct SignallingResult {
  std::binary_semaphore* destroyed;
  bool armed = true;
  explicit SignallingResult(std::binary_semaphore* d) : destroyed(d) {}
  SignallingResult(SignallingResult&& o) noexcept : destroyed(o.destroyed) { o.armed = false; }
  ~SignallingResult() {
    if (armed) destroyed->release();
  }
};

class ToThread : public BBackendTest {};
AIOPI_B_ALL_BACKENDS(ToThread);

TEST_P(ToThread, ReturnsTheResultOfTheFunction) {
  auto main_task = [&]() -> Task<> {
    const auto loop_thread = std::this_thread::get_id();
    std::thread::id worker;
    int v = co_await to_thread(
        [&worker](int a, int b) {
          worker = std::this_thread::get_id();
          return a * b;
        },
        6, 7);
    EXPECT_EQ(v, 42);
    EXPECT_NE(worker, loop_thread);
    std::string s = co_await run_in_thread([](std::string x) { return x + "!"; }, std::string(30, 'a'));
    EXPECT_EQ(s, std::string(30, 'a') + "!");
    std::unique_ptr<int> p = co_await to_thread([] { return std::make_unique<int>(5); });  // move-only
    EXPECT_EQ(*p, 5);
    bool ran = false;
    co_await to_thread([&ran] { ran = true; });  // void
    EXPECT_TRUE(ran);
  };
  run(main_task());
}

#if AIOPI_HAS_EXCEPTIONS
TEST_P(ToThread, RethrowsTheFunctionsException) {
  auto main_task = [&]() -> Task<> {
    EXPECT_THROW(co_await to_thread([]() -> int { throw std::runtime_error("worker failed"); }),
                 std::runtime_error);
  };
  run(main_task());
}
#endif

TEST_P(ToThread, TheLoopRunsWhileTheWorkerBlocks) {
  std::binary_semaphore gate{0};
  auto opener = [&]() -> Task<> {
    co_await yield_now();
    gate.release();  // only a running loop can let the worker go on
  };
  auto main_task = [&]() -> Task<int> {
    auto o = loop().create_task(opener());
    int v = co_await to_thread([&gate] {
      gate.acquire();
      return 1;
    });
    co_await o;
    co_return v;
  };
  EXPECT_EQ(run(main_task()), 1);
}

// The awaiting task is cancelled while the worker runs: the wait is abandoned at once, the worker finishes
// later and its result is destroyed on the worker thread; nothing touches the dead frame.
TEST_P(ToThread, CancellingTheAwaiterAbandonsTheResultSafely) {
  std::binary_semaphore started{0}, go_on{0}, result_destroyed{0};
  int frame_destroyed = 0;
  auto waiter = [&]() -> Task<> {
    BDtorProbe probe(frame_destroyed);
    co_await to_thread([&] {
      started.release();
      go_on.acquire();
      return SignallingResult(&result_destroyed);
    });
    ADD_FAILURE() << "a cancelled task never resumes";
  };
  auto main_task = [&]() -> Task<> {
    auto w = loop().create_task(waiter());
    co_await yield_now();
    started.acquire();  // the worker is inside the function
    w.cancel();
    auto out = co_await w.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_EQ(frame_destroyed, 1);
  };
  run(main_task());
  go_on.release();
  result_destroyed.acquire();  // the abandoned result is destroyed (by the worker)
}

// The loop itself goes away while a worker still runs.
TEST(ToThreadTeardown, LoopDestroyedBeforeTheWorkerFinishes) {
  std::binary_semaphore started{0}, go_on{0}, result_destroyed{0};
  {
    sim::SimBackend backend;
    Loop loop(backend);
    auto waiter = [&]() -> Task<> {
      co_await to_thread([&] {
        started.release();
        go_on.acquire();
        return SignallingResult(&result_destroyed);
      });
    };
    auto main_task = [&]() -> Task<> {
      loop.create_task(waiter());
      co_await yield_now();
      started.acquire();
    };
    loop.run_until_complete(main_task());
  }  // the waiting task is unwound by the loop's destructor: the job is abandoned
  go_on.release();
  result_destroyed.acquire();  // the worker finished and freed the job without touching the dead loop
  // A new loop works as usual.
  sim::SimBackend backend;
  Loop loop(backend);
  auto main_task = []() -> Task<int> { co_return co_await to_thread([] { return 4; }); };
  EXPECT_EQ(loop.run_until_complete(main_task()), 4);
}

TEST(ToThreadTeardown, AwaitableNeverAwaitedStartsNothing) {
  std::atomic<int> calls{0};
  {
    auto a = to_thread([&calls] { ++calls; });
    (void)a;
  }
  EXPECT_EQ(calls.load(), 0);
}

TEST_P(ToThread, ThreadContextRunsJobsInOrderOnOneThread) {
  ThreadContext ctx;
  auto main_task = [&]() -> Task<> {
    std::thread::id first_id, second_id;
    std::string trail;
    int a = co_await ctx.run([&] {
      first_id = std::this_thread::get_id();
      trail += 'a';
      return 1;
    });
    int b = co_await ctx.assign(
        [&](int x) {
          second_id = std::this_thread::get_id();
          trail += 'b';
          return x + 1;
        },
        1);
    EXPECT_EQ(a + b, 3);
    EXPECT_EQ(first_id, second_id) << "one long-lived worker";
    EXPECT_NE(first_id, std::this_thread::get_id());
    EXPECT_EQ(trail, "ab");
    // Several tasks submit at once: the jobs run one after another in submission order.
    std::string order;
    auto submit = [&](char c) -> Task<> { co_await ctx.run([&order, c] { order += c; }); };
    auto t1 = loop().create_task(submit('x'));
    auto t2 = loop().create_task(submit('y'));
    auto t3 = loop().create_task(submit('z'));
    co_await gather(t1, t2, t3);
    EXPECT_EQ(order, "xyz");
  };
  run(main_task());
}

TEST_P(ToThread, ThreadContextCancelledSubmitterAndDestructorDrainsTheQueue) {
  std::binary_semaphore started{0}, go_on{0};
  std::atomic<int> ran{0};
  auto main_task = [&]() -> Task<> {
    ThreadContext ctx;
    auto blocker = [&]() -> Task<> {
      co_await ctx.run([&] {
        started.release();
        go_on.acquire();
        ++ran;
      });
    };
    auto queued = [&]() -> Task<> { co_await ctx.run([&] { ++ran; }); };
    auto b = loop().create_task(blocker());
    co_await yield_now();
    started.acquire();
    auto q = loop().create_task(queued());
    co_await yield_now();
    EXPECT_EQ(ctx.pending(), 1u);
    b.cancel();
    q.cancel();
    co_await gather_outcomes(b, q);
    go_on.release();
    // ~ThreadContext runs the queued job and joins.
  };
  run(main_task());
  EXPECT_EQ(ran.load(), 2);
}

}  // namespace
}  // namespace aiopi::testing
