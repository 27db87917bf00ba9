// SIGTERM, SIGINT and SIGHUP read as data in the loop: the signals are blocked and read from a signalfd,
// so a handler never runs in the middle of a task.
#pragma once

#include "aiopi/task.hpp"

namespace aiopid::runtime {

class SignalFd {
 public:
  /// Blocks SIGTERM, SIGINT and SIGHUP and opens the signalfd; failing to is fatal (reported, exit 71).
  SignalFd();
  ~SignalFd();
  SignalFd(const SignalFd&) = delete;
  SignalFd& operator=(const SignalFd&) = delete;

  /// The next signal's number (waits on the Linux loop).
  aiopi::Task<int> next();

 private:
  int fd_ = -1;
};

}  // namespace aiopid::runtime
