// Misuse gives a clear error instead of undefined behaviour: a UsageError where exceptions exist, otherwise a
// panic with the same message (checked with death tests in the noexcept build).
#include "sim_fixture.hpp"

namespace aiopi::testing {
namespace {

TEST_F(SimTest, AwaitingATaskTwiceIsAUsageError) {
  auto value = []() -> Task<int> { co_return 1; };
  auto main_task = [&]() -> Task<> {
    Task<int> t = value();
    EXPECT_EQ(co_await t, 1);
    EXPECT_USAGE_ERROR((void)co_await t, "awaited twice");
  };
  run(main_task());
}

TEST_F(SimTest, SpawningAnAwaitedTaskIsAUsageError) {
  auto value = []() -> Task<int> { co_return 1; };
  auto main_task = [&]() -> Task<> {
    Task<int> t = value();
    (void)co_await t;
    EXPECT_USAGE_ERROR(create_task(std::move(t)), "already awaited");
  };
  run(main_task());
}

TEST_F(SimTest, RunInsideARunningLoopIsAUsageError) {
  auto inner = []() -> Task<int> { co_return 1; };
  auto main_task = [&]() -> Task<> {
    EXPECT_USAGE_ERROR(loop.run_until_complete(inner()), "already running");
    co_return;
  };
  run(main_task());
}

TEST_F(SimTest, RunOfAnotherLoopInsideARunningLoopIsAUsageError) {
  auto inner = []() -> Task<int> { co_return 1; };
  auto main_task = [&]() -> Task<> {
    sim::SimBackend other_backend;
    Loop other(other_backend);
    EXPECT_USAGE_ERROR(other.run_until_complete(inner()), "another event loop");
    co_return;
  };
  run(main_task());
}

TEST_F(SimTest, ReleasingAnUnlockedLockIsAUsageError) {
  Lock lock;
  EXPECT_USAGE_ERROR(lock.release(), "Lock not acquired");
}

TEST_F(SimTest, TwoWaitersOnAThreadSafeFlagIsAUsageError) {
  ThreadSafeFlag flag;
  auto waiter = [&]() -> Task<> { co_await flag.wait(); };
  auto main_task = [&]() -> Task<> {
    auto first = create_task(waiter());
    co_await sleep(0ms);
    EXPECT_USAGE_ERROR(co_await flag.wait(), "only one task");
    first.cancel();
  };
  run(main_task());
}

TEST_F(SimTest, AwaitingOutsideAnyTaskIsAUsageError) {
  Event ev;
  auto awaiter = ev.wait();
  EXPECT_USAGE_ERROR(awaiter.await_suspend(std::noop_coroutine()), "inside tasks");
}

TEST_F(SimTest, ADeadlockIsReportedInsteadOfHanging) {
  Event never;
  auto main_task = [&]() -> Task<> { co_await never.wait(); };
  EXPECT_USAGE_ERROR(run(main_task()), "deadlock");
}

}  // namespace
}  // namespace aiopi::testing
