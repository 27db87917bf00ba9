#include "aiopi/linux/linux_backend.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "aiopi/panic.hpp"

namespace aiopi::os_linux {
namespace {

// epoll user data for the backend's own descriptors; I/O watches carry their IoWatch pointer instead.
char g_timer_tag;
char g_wake_tag;
char g_kind;
char g_wall_tag;

std::int64_t monotonic_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

[[noreturn]] void fail(const char* what) noexcept {
  static thread_local char message[160];
  std::snprintf(message, sizeof message, "LinuxBackend: %s: %s", what, std::strerror(errno));
  panic(message);
}

}  // namespace

LinuxBackend::LinuxBackend() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) fail("epoll_create1");
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer_fd_ < 0) fail("timerfd_create");
  event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0) fail("eventfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &g_timer_tag;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, timer_fd_, &ev) != 0) fail("epoll_ctl(timerfd)");
  ev.data.ptr = &g_wake_tag;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, event_fd_, &ev) != 0) fail("epoll_ctl(eventfd)");
  wall_fd_ = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (wall_fd_ < 0) fail("timerfd_create(CLOCK_REALTIME)");
  arm_wall_watch();
  ev.data.ptr = &g_wall_tag;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wall_fd_, &ev) != 0) fail("epoll_ctl(wall timerfd)");
}

void LinuxBackend::arm_wall_watch() noexcept {
  // The timer itself never expires in practice (about 100 years ahead); what matters is that any step of
  // CLOCK_REALTIME cancels it, which makes the fd readable and its read fail with ECANCELED.
  timespec rt{};
  clock_gettime(CLOCK_REALTIME, &rt);
  itimerspec far{};
  far.it_value.tv_sec = rt.tv_sec + 100LL * 365 * 24 * 3600;
  if (timerfd_settime(wall_fd_, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &far, nullptr) != 0) {
    fail("timerfd_settime(CLOCK_REALTIME, CANCEL_ON_SET)");
  }
}

void LinuxBackend::on_wall_fd() noexcept {
  std::uint64_t expirations;
  const auto r = read(wall_fd_, &expirations, sizeof expirations);
  const bool stepped = r < 0 && errno == ECANCELED;
  arm_wall_watch();
  if (stepped && loop() != nullptr) loop()->wall_clock_changed();
}

std::int64_t LinuxBackend::wall_now_us() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

LinuxBackend::~LinuxBackend() {
  if (wall_fd_ >= 0) close(wall_fd_);
  if (event_fd_ >= 0) close(event_fd_);
  if (timer_fd_ >= 0) close(timer_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

TimePoint LinuxBackend::now() noexcept {
  return TimePoint(Duration(monotonic_ns() / 1000));
}

std::uint64_t LinuxBackend::profile_ns() noexcept {
  return static_cast<std::uint64_t>(monotonic_ns());
}

const void* LinuxBackend::kind() const noexcept {
  return &g_kind;
}

LinuxBackend* LinuxBackend::of(Loop& loop) noexcept {
  // Without RTTI (the noexcept preset) there is no dynamic_cast: backends name their kind by a tag address.
  Backend& b = loop.backend();
  return b.kind() == &g_kind ? static_cast<LinuxBackend*>(&b) : nullptr;
}

void LinuxBackend::wait(TimePoint deadline) noexcept {
  int timeout_ms = -1;
  const std::int64_t deadline_us = deadline.time_since_epoch().count();
  // The loop polls every few dozen resumptions so busy tasks cannot starve I/O. With no fd watched there is
  // no I/O to find (wake-ups from threads arrive through the inbox, which the loop reads without a system
  // call; timers are checked against the clock), so skip the epoll_wait.
  if (deadline == TimePoint::min() && watches_ == 0) return;
  if (deadline == TimePoint::min() || deadline <= now()) {
    timeout_ms = 0;
  } else if (deadline == TimePoint::max()) {
    if (armed_us_ >= 0) {
      itimerspec off{};
      timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &off, nullptr);
      armed_us_ = -1;
    }
  } else if (deadline_us != armed_us_) {
    itimerspec when{};
    when.it_value.tv_sec = deadline_us / 1'000'000;
    when.it_value.tv_nsec = (deadline_us % 1'000'000) * 1000;
    if (timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &when, nullptr) != 0) fail("timerfd_settime");
    armed_us_ = deadline_us;
  }

  ++poll_syscalls_;
  const int n = epoll_wait(epoll_fd_, batch_, kBatch, timeout_ms);
  if (n < 0) {
    if (errno == EINTR) return;
    fail("epoll_wait");
  }
  if (timeout_ms != 0) ++wakeups_;
  batch_end_ = n;
  for (batch_next_ = 0; batch_next_ < batch_end_;) {
    const epoll_event ev = batch_[batch_next_++];
    void* tag = ev.data.ptr;
    if (tag == nullptr) continue;  // its watch was removed by an earlier callback of this batch
    if (tag == &g_timer_tag) {
      std::uint64_t expirations;
      [[maybe_unused]] auto r = read(timer_fd_, &expirations, sizeof expirations);
      armed_us_ = -1;
    } else if (tag == &g_wall_tag) {
      on_wall_fd();
    } else if (tag == &g_wake_tag) {
      std::uint64_t count;
      [[maybe_unused]] auto r = read(event_fd_, &count, sizeof count);
    } else {
      auto* w = static_cast<IoWatch*>(tag);
      w->fn_(*w, ev.events);
    }
  }
  batch_next_ = batch_end_ = 0;
}

void LinuxBackend::wake() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto r = write(event_fd_, &one, sizeof one);
}

int LinuxBackend::watch(int fd, std::uint32_t events, IoWatch& w) noexcept {
  epoll_event ev{};
  ev.events = events | EPOLLONESHOT;
  ev.data.ptr = &w;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return errno;
  w.fd_ = fd;
  ++watches_;
  return 0;
}

int LinuxBackend::rewatch(int fd, std::uint32_t events, IoWatch& w) noexcept {
  epoll_event ev{};
  ev.events = events | EPOLLONESHOT;
  ev.data.ptr = &w;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) return errno;
  w.fd_ = fd;
  return 0;
}

void LinuxBackend::unwatch(int fd) noexcept {
  // Counted only when the fd really was registered, so watches_ returns to zero with the last watcher and
  // the busy loop's polls stop paying a system call.
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr) == 0 && watches_ > 0) --watches_;
  // Inside a dispatch, the fd's event may still be ahead in the batch. Every entry left there points at a
  // live watch (each unwatch clears its own), so reading their fds is safe.
  for (int i = batch_next_; i < batch_end_; ++i) {
    void* tag = batch_[i].data.ptr;
    if (tag == nullptr || tag == &g_timer_tag || tag == &g_wall_tag || tag == &g_wake_tag) continue;
    if (static_cast<IoWatch*>(tag)->fd_ == fd) batch_[i].data.ptr = nullptr;
  }
}

}  // namespace aiopi::os_linux
