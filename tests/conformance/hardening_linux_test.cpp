// Regression tests of issue #8 "Core hardening" on the Linux backend (the virtual-clock ones are in
// tests/unit/hardening_test.cpp): defect 4 ("no time limit" expired at once: the backend's one microsecond of
// slack overflowed Duration::max()) and defect 10 (after the first fd wait, every busy-loop poll paid an
// epoll_wait system call forever).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <limits>
#include <optional>

#include "aiopi/aiopi.hpp"
#include "aiopi/linux/fd_wait.hpp"
#include "aiopi/linux/linux_backend.hpp"

namespace aiopi::testing {
namespace {

using namespace std::chrono_literals;

class HardeningLinux : public ::testing::Test {
 protected:
  HardeningLinux() { loop_.emplace(backend_); }
  Loop& loop() { return *loop_; }
  os_linux::LinuxBackend& backend() { return backend_; }
  template <class T>
  T run(Task<T> main) {
    return loop_->run_until_complete(std::move(main));
  }
  /// Unwinds what is left while the test's lambdas still exist.
  void close_loop() { loop_.reset(); }

  /// Runs a task that awaits `make_wait()` while the main task sleeps `later`, then closes the loop. True if
  /// the wait ended within that time.
  template <class MakeWait>
  bool wait_ends_within(MakeWait make_wait, Duration later) {
    bool ended = false;
    auto waiter = [&]() -> Task<> {
      co_await make_wait();
      ended = true;
    };
    auto main_task = [&]() -> Task<> {
      (void)create_task(waiter());
      co_await sleep(later);
    };
    run(main_task());
    close_loop();
    return ended;
  }

 private:
  os_linux::LinuxBackend backend_;
  std::optional<Loop> loop_;
};

Task<int> value_after(Duration d, int v) {
  co_await sleep(d);
  co_return v;
}

// --- 4. "no time limit" ---

TEST_F(HardeningLinux, Defect4SleepOfDurationMaxNeverWakes) {
  EXPECT_FALSE(wait_ends_within([] { return sleep(Duration::max()); }, 3ms))
      << "a sleep without a time limit woke after 3 ms";
}

TEST_F(HardeningLinux, Defect4SleepMsOfInt64MaxNeverWakes) {
  EXPECT_FALSE(wait_ends_within([] { return sleep_ms(std::numeric_limits<std::int64_t>::max()); }, 3ms));
}

TEST_F(HardeningLinux, Defect4WaitForWithoutATimeLimitWaitsForTheResult) {
  auto main_task = [&]() -> Task<> {
    auto a = co_await wait_for(value_after(2ms, 5), Duration::max());
    EXPECT_FALSE(a.timed_out());
    TaskHandle<int> h = create_task(value_after(2ms, 6));
    auto b = co_await wait_for(h, Duration::max());
    EXPECT_FALSE(b.timed_out());
    auto c = co_await wait_for_ms(value_after(2ms, 7), std::numeric_limits<std::int64_t>::max());
    EXPECT_FALSE(c.timed_out());
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningLinux, Defect4TimeoutWithoutALimitDoesNotExpire) {
  auto main_task = [&]() -> Task<> {
    Timeout t = timeout(Duration::max());
    auto r = co_await t.run(value_after(2ms, 5));
    EXPECT_FALSE(t.expired());
    EXPECT_FALSE(r.timed_out());
  };
  run(main_task());
  close_loop();
}

// --- 10. a poll costs no system call while no fd is watched ---

/// Yields long enough for the loop to make `polls` non-blocking polls; returns the epoll_wait calls made.
Task<std::uint64_t> busy_polls(Loop& loop, os_linux::LinuxBackend& backend, unsigned polls) {
  const std::uint64_t polls_before = loop.stats().io_polls;
  const std::uint64_t calls_before = backend.poll_syscalls();
  for (unsigned i = 0; i < (polls + 1) * Loop::kPollInterval; ++i)
    co_await yield_now();
  EXPECT_GE(loop.stats().io_polls - polls_before, polls);
  co_return backend.poll_syscalls() - calls_before;
}

TEST_F(HardeningLinux, Defect10ControlBeforeAnyFdWaitAPollCostsNoSystemCall) {
  auto main_task = [&]() -> Task<> { EXPECT_EQ(co_await busy_polls(loop(), backend(), 10), 0u); };
  run(main_task());
  close_loop();
}

TEST_F(HardeningLinux, Defect10AfterAnFdWaitEndsAPollCostsNoSystemCall) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  auto reader = [&]() -> Task<> {
    os_linux::FdReadiness r = co_await os_linux::wait_readable(fds[0]);
    EXPECT_TRUE(r.ok());
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<> r = create_task(reader());
    co_await yield_now();  // the reader registers the fd
    EXPECT_EQ(write(fds[1], "x", 1), 1);
    co_await r;
    EXPECT_EQ(co_await busy_polls(loop(), backend(), 10), 0u)
        << "the fd wait has ended, yet every poll still calls epoll_wait";
  };
  run(main_task());
  close_loop();
  close(fds[0]);
  close(fds[1]);
}

TEST_F(HardeningLinux, Defect10AfterAnFdWaitIsCancelledAPollCostsNoSystemCall) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  auto reader = [&]() -> Task<> { (void)co_await os_linux::wait_readable(fds[0]); };
  auto main_task = [&]() -> Task<> {
    TaskHandle<> r = create_task(reader());
    co_await yield_now();  // the reader registers the fd
    EXPECT_TRUE(r.cancel());
    Outcome<void> out = co_await r.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_EQ(co_await busy_polls(loop(), backend(), 10), 0u)
        << "the fd wait was cancelled, yet every poll still calls epoll_wait";
  };
  run(main_task());
  close_loop();
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace aiopi::testing
