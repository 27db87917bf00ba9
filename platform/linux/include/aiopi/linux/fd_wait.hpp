// Awaitable readiness of a file descriptor on the Linux loop: the building block of UARTs (termios), GPIO
// line events (libgpiod), sockets and pipes. Zero allocation; the epoll registration lives as long as the
// wait.
#pragma once

#include <sys/epoll.h>

#include <coroutine>
#include <cstdint>

#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"

namespace aiopi::os_linux {

/// What a readiness wait returns: the epoll events seen (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR...), or the
/// errno of a failed registration (EPERM for regular files, EEXIST when another task already waits on the fd,
/// ...).
struct FdReadiness {
  std::uint32_t events = 0;
  int error = 0;
  bool ok() const noexcept { return error == 0; }
};

class FdWaitAwaiter : private IoWatch {
 public:
  FdWaitAwaiter(int fd, std::uint32_t events) noexcept
      : IoWatch(&FdWaitAwaiter::on_ready), fd_(fd), events_(events) {}
  FdWaitAwaiter(const FdWaitAwaiter&) = delete;
  /// Cancel-safe: a cancelled waiter's registration is removed when its frame unwinds.
  ~FdWaitAwaiter() {
    if (registered_) backend_->unwatch(fd_);
  }

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) {
    Loop& loop = Loop::running();
    backend_ = LinuxBackend::of(loop);
    if (backend_ == nullptr) usage_error("wait_readable/wait_writable need a loop on the Linux backend");
    result_.error = backend_->watch(fd_, events_, *this);
    if (result_.error != 0) return false;  // resume at once with the error
    registered_ = true;
    task_ = &loop.suspend_current(h);
    return true;
  }
  FdReadiness await_resume() noexcept {
    if (registered_) {
      backend_->unwatch(fd_);
      registered_ = false;
    }
    return result_;
  }

 private:
  static void on_ready(IoWatch& w, std::uint32_t events) noexcept {
    auto& self = static_cast<FdWaitAwaiter&>(w);
    self.result_.events = events;
    self.task_->loop().make_ready(*self.task_);
  }

  LinuxBackend* backend_ = nullptr;
  TaskBase* task_ = nullptr;
  int fd_;
  std::uint32_t events_;
  FdReadiness result_;
  bool registered_ = false;
};

/// Waits until `fd` is readable (or hung up / in error).
inline FdWaitAwaiter wait_readable(int fd) noexcept {
  return FdWaitAwaiter(fd, EPOLLIN | EPOLLRDHUP);
}
/// Waits until `fd` is writable (or in error).
inline FdWaitAwaiter wait_writable(int fd) noexcept {
  return FdWaitAwaiter(fd, EPOLLOUT);
}

}  // namespace aiopi::os_linux
