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

// A callback that removes (and frees) another watch whose event is in the same epoll batch: the removed
// watch must not be called. Both pipes are readable, so one epoll_wait returns both events; whichever runs
// first unwatches and deletes the other.
struct PairedWatch : os_linux::IoWatch {
  os_linux::LinuxBackend* backend = nullptr;
  int fd = -1;
  PairedWatch** other = nullptr;  // where the other watch is kept (nulled when it is deleted)
  PairedWatch** self = nullptr;
  int* calls = nullptr;
  PairedWatch() : IoWatch(&PairedWatch::fire) {}
  static void fire(IoWatch& w, std::uint32_t) noexcept {
    auto& me = static_cast<PairedWatch&>(w);
    ++*me.calls;
    if (*me.other != nullptr) {
      PairedWatch* victim = *me.other;
      me.backend->unwatch(victim->fd);
      *me.other = nullptr;
      delete victim;
    }
  }
};

TEST_F(LinuxLoop, AWatchRemovedByAnEarlierCallbackOfTheSameBatchIsNotCalled) {
  int fds2[2];
  ASSERT_EQ(pipe2(fds2, O_NONBLOCK | O_CLOEXEC), 0);
  ASSERT_EQ(write(fds[1], "a", 1), 1);
  ASSERT_EQ(write(fds2[1], "b", 1), 1);
  int calls = 0;
  PairedWatch* a = new PairedWatch;
  PairedWatch* b = new PairedWatch;
  a->backend = b->backend = &backend;
  a->fd = fds[0];
  b->fd = fds2[0];
  a->other = &b;
  a->self = &a;
  b->other = &a;
  b->self = &b;
  a->calls = b->calls = &calls;
  ASSERT_EQ(backend.watch(a->fd, EPOLLIN, *a), 0);
  ASSERT_EQ(backend.watch(b->fd, EPOLLIN, *b), 0);
  backend.wait(TimePoint::min());  // a non-blocking poll: both events in one batch
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(backend.watches(), 1);
  PairedWatch* survivor = a != nullptr ? a : b;
  ASSERT_NE(survivor, nullptr);
  backend.unwatch(survivor->fd);
  delete survivor;
  EXPECT_EQ(backend.watches(), 0);
  close(fds2[0]);
  close(fds2[1]);
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
