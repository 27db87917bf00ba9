// What only the Linux backend does: fd readiness, the timerfd, the eventfd wake-up.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <ctime>
#include <thread>

#include "aiopi/aiopi.hpp"
#include "aiopi/linux/fd_wait.hpp"
#include "aiopi/linux/linux_backend.hpp"

namespace aiopi::testing {
namespace {

using namespace std::chrono_literals;

class LinuxLoop : public ::testing::Test {
 protected:
  os_linux::LinuxBackend backend;
  Loop loop{backend};
  int fds[2] = {-1, -1};
  void SetUp() override { ASSERT_EQ(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0); }
  void TearDown() override {
    close(fds[0]);
    close(fds[1]);
  }
};

TEST_F(LinuxLoop, WaitReadableWakesWhenDataArrives) {
  auto reader = [&]() -> Task<std::string> {
    auto ready = co_await os_linux::wait_readable(fds[0]);
    EXPECT_TRUE(ready.ok());
    EXPECT_TRUE(ready.events & EPOLLIN);
    char buf[16];
    const auto n = read(fds[0], buf, sizeof buf);
    co_return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  };
  auto writer = [&]() -> Task<> {
    co_await sleep(1ms);
    EXPECT_EQ(write(fds[1], "hello", 5), 5);
  };
  auto main_task = [&]() -> Task<std::string> {
    auto w = loop.create_task(writer());
    auto text = co_await reader();
    co_await w;
    co_return text;
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), "hello");
}

TEST_F(LinuxLoop, CancelledReadinessWaitDeregistersTheFd) {
  auto reader = [&]() -> Task<> { co_await os_linux::wait_readable(fds[0]); };
  auto main_task = [&]() -> Task<> {
    auto r = loop.create_task(reader());
    co_await yield_now();
    r.cancel();
    co_await r.wait_outcome();
    // The fd can be waited on again: the cancelled registration was removed.
    EXPECT_EQ(write(fds[1], "x", 1), 1);
    auto again = co_await os_linux::wait_readable(fds[0]);
    EXPECT_TRUE(again.ok());
  };
  loop.run_until_complete(main_task());
}

TEST_F(LinuxLoop, RegistrationErrorsAreReturnedNotThrown) {
  auto main_task = [&]() -> Task<int> {
    auto bad = co_await os_linux::wait_readable(-1);
    co_return bad.error;
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), EBADF);
}

TEST_F(LinuxLoop, TwoTasksWaitingOnOneFdIsReportedAsEexist) {
  auto waiter = [&]() -> Task<> { co_await os_linux::wait_readable(fds[0]); };
  auto main_task = [&]() -> Task<int> {
    auto first = loop.create_task(waiter());
    co_await yield_now();
    auto second = co_await os_linux::wait_readable(fds[0]);
    first.cancel();
    co_return second.error;
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), EEXIST);
}

TEST_F(LinuxLoop, IdleLoopSleepsInTheKernelUntilTheTimer) {
  auto main_task = [&]() -> Task<> { co_await sleep(2ms); };
  const auto wakeups_before = backend.wakeups();
  loop.run_until_complete(main_task());
  // One blocking epoll_wait, ended by the timerfd: no busy polling.
  EXPECT_LE(backend.wakeups() - wakeups_before, 2u);
}

TEST_F(LinuxLoop, ForeignWakeInterruptsABlockingWait) {
  ThreadSafeFlag flag;
  auto main_task = [&]() -> Task<> {
    std::thread t([&] { flag.set(); });
    co_await flag.wait();  // nothing else pending: the loop blocks in epoll_wait until the eventfd
    t.join();
  };
  loop.run_until_complete(main_task());
  SUCCEED();
}

TEST_F(LinuxLoop, SteppingTheWallClockWakesWallSleepersAtOnce) {
  // Setting CLOCK_REALTIME (to its own current value, so nothing else notices) needs CAP_SYS_TIME.
  auto main_task = [&]() -> Task<bool> {
    const std::int64_t target = loop.wall_now_us() + 3600LL * 1'000'000;  // an hour away
    std::thread stepper([] {
      timespec ts{};
      clock_gettime(CLOCK_REALTIME, &ts);
      clock_settime(CLOCK_REALTIME, &ts);
    });
    auto w = co_await wait_for(
        [](std::int64_t t) -> Task<bool> { co_return (co_await sleep_until_wall(t)).clock_changed; }(target),
        5s);
    stepper.join();
    co_return !w.timed_out() && *w;
  };
  timespec probe{};
  clock_gettime(CLOCK_REALTIME, &probe);
  if (clock_settime(CLOCK_REALTIME, &probe) != 0) GTEST_SKIP() << "no permission to set CLOCK_REALTIME";
  EXPECT_TRUE(loop.run_until_complete(main_task()));
}

TEST(LinuxDefault, RunUsesTheDefaultEpollBackend) {
  auto main_task = []() -> Task<int> {
    co_await sleep(1ms);
    co_return os_linux::LinuxBackend::of(Loop::running()) != nullptr ? 1 : 0;
  };
  EXPECT_EQ(run(main_task()), 1);
}

}  // namespace
}  // namespace aiopi::testing
