// The task block: control block, result and coroutine frame in one allocation (task_base.hpp). What must
// hold: the frame (and the parameters in it) dies when the task ends, the result and the exception live on
// while a handle does, the block is freed exactly when the last reference goes, and scheduling a coroutine
// costs no allocation beyond its frame.
#include <memory>
#include <string>
#include <utility>

#include "sim_fixture.hpp"

namespace aiopi::testing {
namespace {

std::size_t blocks_in_use() {
  return default_frame_allocator_stats().blocks_in_use;
}

/// A coroutine parameter that counts its destruction (moved-from copies do not count).
struct ParamProbe {
  explicit ParamProbe(int& counter) : counter_(&counter) {}
  ParamProbe(ParamProbe&& o) noexcept : counter_(std::exchange(o.counter_, nullptr)) {}
  ParamProbe(const ParamProbe&) = delete;
  ~ParamProbe() {
    if (counter_ != nullptr) ++*counter_;
  }
  int* counter_;
};

// Long enough to live on the heap, so a result read after its storage died would be caught by ASan.
const std::string kLongText(200, 'x');

Task<std::string> text_after(Duration d, ParamProbe probe) {
  (void)probe;
  co_await sleep(d);
  co_return kLongText;
}

TEST_F(SimTest, TheResultOutlivesTheFrameWhileAHandleDoes) {
  int params_destroyed = 0;
  TaskHandle<std::string> handle;
  auto main_task = [&]() -> Task<> {
    handle = create_task(text_after(5ms, ParamProbe(params_destroyed)));
    co_await handle.wait_outcome();
    // The frame is gone (its parameter was destroyed) although the handle still refers to the task.
    EXPECT_EQ(params_destroyed, 1);
    std::string first = co_await handle;  // a copy for an lvalue handle
    std::string second = co_await handle;
    EXPECT_EQ(first, kLongText);
    EXPECT_EQ(second, kLongText);
  };
  run(main_task());
  ASSERT_TRUE(handle.done());
  EXPECT_EQ(handle.result(), kLongText);
  Outcome<std::string> out = handle.outcome();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out.value(), kLongText);
}

TEST_F(SimTest, ABlockIsFreedWhenTheLastReferenceGoes) {
  int probes = 0;
  const std::size_t before = blocks_in_use();
  {
    TaskHandle<std::string> a;
    TaskHandle<std::string> b;
    auto main_task = [&]() -> Task<> {
      a = create_task(text_after(1ms, ParamProbe(probes)));
      b = a;
      co_await a.wait_outcome();
    };
    run(main_task());
    // main's block was freed when run() dropped its handle; the child's stays for a and b.
    EXPECT_EQ(blocks_in_use(), before + 1);
    a = {};
    EXPECT_EQ(blocks_in_use(), before + 1);
    EXPECT_EQ(b.result(), kLongText);
  }
  EXPECT_EQ(blocks_in_use(), before);
  EXPECT_EQ(probes, 1);
}

TEST_F(SimTest, SchedulingACoroutineAllocatesNothingBeyondItsFrame) {
  const std::size_t before = blocks_in_use();
  auto child = [](int v) -> Task<int> { co_return v; };
  Task<int> coro = child(3);
  EXPECT_EQ(blocks_in_use(), before + 1);  // calling the coroutine made its block
  TaskHandle<int> handle = loop.create_task(std::move(coro));
  EXPECT_EQ(blocks_in_use(), before + 1);  // create_task made none
  auto main_task = [&]() -> Task<int> { co_return co_await handle; };
  EXPECT_EQ(run(main_task()), 3);
  EXPECT_EQ(blocks_in_use(), before + 1);  // the child's block, held by the handle
  handle = {};
  EXPECT_EQ(blocks_in_use(), before);
}

TEST_F(SimTest, ATaskNeverStartedFreesItsBlock) {
  const std::size_t before = blocks_in_use();
  int probes = 0;
  {
    Task<std::string> never = text_after(1ms, ParamProbe(probes));
    EXPECT_TRUE(never.valid());
    EXPECT_EQ(blocks_in_use(), before + 1);
  }
  EXPECT_EQ(probes, 1);
  EXPECT_EQ(blocks_in_use(), before);
}

TEST_F(SimTest, SubCoroutineBlocksAreFreedWhenTheAwaitEnds) {
  const std::size_t before = blocks_in_use();
  std::size_t during = 0;
  auto inner = [&]() -> Task<std::string> {
    during = blocks_in_use();
    co_await sleep(1ms);
    co_return kLongText;
  };
  auto main_task = [&]() -> Task<std::size_t> {
    std::string s = co_await inner();
    EXPECT_EQ(s, kLongText);
    co_return blocks_in_use();
  };
  const std::size_t after_inner = run(main_task());
  EXPECT_EQ(during, before + 2);       // main and inner
  EXPECT_EQ(after_inner, before + 1);  // inner's block went with the await
}

TEST_F(SimTest, AMoveOnlyResultIsMovedOutOfAnRvalueHandle) {
  auto make = []() -> Task<std::unique_ptr<int>> { co_return std::make_unique<int>(9); };
  auto main_task = [&]() -> Task<int> {
    TaskHandle<std::unique_ptr<int>> h = create_task(make());
    std::unique_ptr<int> p = co_await std::move(h);
    co_return *p;
  };
  EXPECT_EQ(run(main_task()), 9);
}

TEST_F(SimTest, TasksAwaitingOneTaskWakeInTheOrderTheyBeganEvenWhenOneLeaves) {
  std::vector<int> order;
  Event go;
  auto target = [&]() -> Task<int> {
    co_await go.wait();
    co_return 1;
  };
  auto waiter = [&](int id, TaskHandle<int> h) -> Task<> {
    co_await h;
    order.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    auto t = create_task(target());
    auto w1 = create_task(waiter(1, t));
    auto w2 = create_task(waiter(2, t));
    auto w3 = create_task(waiter(3, t));
    auto w4 = create_task(waiter(4, t));
    co_await sleep(0ms);
    // w2 leaves the middle of the waiter list by being unwound, as loop teardown does (cancel() would be
    // forwarded to the awaited task, as in asyncio).
    loop.unwind_now(w2.base());
    go.set();
    co_await w1;
    co_await w3;
    co_await w4;
    EXPECT_TRUE(w2.cancelled());
  };
  run(main_task());
  EXPECT_EQ(order, (std::vector<int>{1, 3, 4}));
}

#if AIOPI_HAS_EXCEPTIONS
Task<int> fail_after(Duration d, ParamProbe probe) {
  (void)probe;
  co_await sleep(d);
  throw std::runtime_error("sensor unplugged");
}

TEST_F(SimTest, TheExceptionOfAFailedTaskOutlivesItsFrame) {
  int probes = 0;
  TaskHandle<int> handle;
  auto main_task = [&]() -> Task<> {
    handle = create_task(fail_after(2ms, ParamProbe(probes)));
    Outcome<int> out = co_await handle.wait_outcome();
    EXPECT_TRUE(out.failed());
    EXPECT_EQ(probes, 1);
    EXPECT_THROW(co_await handle, std::runtime_error);
  };
  run(main_task());
  ASSERT_TRUE(handle.failed());
  ASSERT_TRUE(handle.base().exception() != nullptr);
  try {
    std::rethrow_exception(handle.base().exception());
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "sensor unplugged");
  }
  EXPECT_THROW(handle.result(), std::runtime_error);
}

TEST_F(SimTest, ASubCoroutinesExceptionReachesItsAwaiter) {
  int probes = 0;
  auto main_task = [&]() -> Task<int> {
    try {
      co_await fail_after(1ms, ParamProbe(probes));
    } catch (const std::runtime_error&) {
      co_return 1;
    }
    co_return 0;
  };
  EXPECT_EQ(run(main_task()), 1);
  EXPECT_EQ(probes, 1);
}
#endif

TEST(TaskLayout, SizesOnSixtyFourBitTargets) {
  // The figures docs/performance.md and docs/design/runtime.md quote; a change here changes what a sleeping
  // task costs (sleepers_memory).
  if constexpr (sizeof(void*) == 8) {
    EXPECT_EQ(detail::kTaskBaseSpan, 80u);
    EXPECT_EQ(sizeof(SleepAwaiter), 40u);
    EXPECT_EQ(sizeof(TimerNode), 40u);
    EXPECT_EQ(detail::kResultSpan<void>, 0u);
    EXPECT_EQ(detail::kResultSpan<int>, 16u);
  } else {
    GTEST_SKIP() << "figures are for 64-bit targets";
  }
}

}  // namespace
}  // namespace aiopi::testing
