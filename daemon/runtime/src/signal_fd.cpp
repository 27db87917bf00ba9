#include "aiopid/runtime/signal_fd.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "aiopi/linux/fd_wait.hpp"

namespace aiopid::runtime {

SignalFd::SignalFd() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  // Blocked before any thread starts, so every thread inherits the mask and only the signalfd sees them.
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0 ||
      (fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
    std::fprintf(stderr, "aiopid: cannot set up signal handling: %s\n", std::strerror(errno));
    std::exit(71);  // EX_OSERR
  }
}

SignalFd::~SignalFd() {
  if (fd_ >= 0) ::close(fd_);
}

aiopi::Task<int> SignalFd::next() {
  for (;;) {
    signalfd_siginfo info;
    const ssize_t n = ::read(fd_, &info, sizeof info);
    if (n == static_cast<ssize_t>(sizeof info)) co_return static_cast<int>(info.ssi_signo);
    co_await aiopi::os_linux::wait_readable(fd_);
  }
}

}  // namespace aiopid::runtime
