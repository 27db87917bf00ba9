// The Linux loop backend (namespace os_linux: `linux` is a predefined macro in GNU dialects): one epoll set,
// one absolute CLOCK_MONOTONIC timerfd armed for the earliest deadline (microsecond precision, unlike
// epoll_wait's millisecond timeout), and one eventfd for wake-ups from threads.
#pragma once

#include <sys/epoll.h>

#include <cstdint>

#include "aiopi/backend.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::os_linux {

/// Receives epoll readiness for a registered file descriptor. Lives in the awaiting frame.
class IoWatch {
 public:
  using Fn = void (*)(IoWatch& self, std::uint32_t events) noexcept;
  explicit IoWatch(Fn fn) noexcept : fn_(fn) {}

 private:
  friend class LinuxBackend;
  Fn fn_;
  int fd_ = -1;  // the fd it was last registered for: unwatch(fd) finds it in a batch being dispatched
};

class LinuxBackend final : public Backend {
 public:
  /// Creates the epoll set, timerfd and eventfd; failing to is fatal (the process cannot run a loop).
  LinuxBackend();
  ~LinuxBackend();

  TimePoint now() noexcept override;
  Duration timer_slack() const noexcept override { return Duration(1); }
  void wait(TimePoint deadline) noexcept override;
  void wake() noexcept override;
  std::uint64_t profile_ns() noexcept override;
  const void* kind() const noexcept override;
  /// CLOCK_REALTIME. Steps of it (NTP, date -s) are detected with a TFD_TIMER_CANCEL_ON_SET timerfd and
  /// reported to the loop, so wall-clock sleepers recompute at once.
  std::int64_t wall_now_us() noexcept override;

  /// The backend of `loop`, or null when the loop runs on another backend.
  static LinuxBackend* of(Loop& loop) noexcept;

  /// Registers `fd` for `events` (EPOLLIN, EPOLLOUT, ... with EPOLLONESHOT added). Returns 0 or an errno.
  int watch(int fd, std::uint32_t events, IoWatch& watch) noexcept;
  /// Re-arms a registration made with watch(). Returns 0 or an errno.
  int rewatch(int fd, std::uint32_t events, IoWatch& watch) noexcept;
  /// Removes the registration of `fd`.
  void unwatch(int fd) noexcept;

  int epoll_fd() const noexcept { return epoll_fd_; }
  std::uint64_t wakeups() const noexcept { return wakeups_; }
  /// epoll_wait calls made so far (blocking or not): a busy loop with no fd watched makes none.
  std::uint64_t poll_syscalls() const noexcept { return poll_syscalls_; }
  /// fds registered by awaiters right now.
  int watches() const noexcept { return watches_; }

 private:
  void arm_wall_watch() noexcept;
  void on_wall_fd() noexcept;

 public:
 private:
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  int event_fd_ = -1;
  int wall_fd_ = -1;            // CLOCK_REALTIME timerfd armed far ahead with TFD_TIMER_CANCEL_ON_SET
  std::int64_t armed_us_ = -1;  // deadline the timerfd is armed for, -1 when disarmed
  int watches_ = 0;  // fds registered by awaiters; without any, a non-blocking poll has nothing to find
  // The batch epoll_wait returned, while wait() dispatches it. A callback may unwatch (and destroy) another
  // watch whose event is later in the same batch: unwatch() clears that entry so it is never delivered.
  static constexpr int kBatch = 64;
  epoll_event batch_[kBatch]{};
  int batch_next_ = 0;
  int batch_end_ = 0;
  std::uint64_t wakeups_ = 0;
  std::uint64_t poll_syscalls_ = 0;
};

}  // namespace aiopi::os_linux
