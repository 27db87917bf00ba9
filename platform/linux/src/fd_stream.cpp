#include "aiopi/linux/fd_stream.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "aiopi/panic.hpp"

namespace aiopi::os_linux {

using hal::io_error;
using hal::IoErrc;
using hal::IoError;

namespace {

// The messages are static strings (hal::IoError::what); the errno travels beside them.
IoError read_failure(FdKind kind, int err) noexcept {
  if (kind == FdKind::tty) {
    if (err == 0 || err == EIO)
      return io_error(IoErrc::closed,
                      "UART read: the device hung up (the adapter was unplugged, or the other end of the pty "
                      "was closed)",
                      err);
    return io_error(IoErrc::io, "UART read failed (see the errno)", err);
  }
  if (err == ECONNRESET) return io_error(IoErrc::closed, "read: the connection was reset by the peer", err);
  if (err == ETIMEDOUT) return io_error(IoErrc::timeout, "read: the connection timed out", err);
  return io_error(IoErrc::io, "read failed (see the errno)", err);
}

IoError write_failure(FdKind kind, int err) noexcept {
  if (kind == FdKind::tty) {
    if (err == EIO)
      return io_error(
          IoErrc::closed,
          "UART write: the device hung up (the adapter was unplugged, or the other end of the pty "
          "was closed)",
          err);
    return io_error(IoErrc::io, "UART write failed (see the errno)", err);
  }
  if (err == EPIPE || err == ECONNRESET)
    return io_error(IoErrc::closed, "write: the peer closed or reset the connection", err);
  if (err == ETIMEDOUT) return io_error(IoErrc::timeout, "write: the connection timed out", err);
  return io_error(IoErrc::io, "write failed (see the errno)", err);
}

std::span<std::uint8_t> block(std::unique_ptr<std::uint8_t[]>& storage, std::size_t offset, std::size_t n) {
  return {storage.get() + offset, n};
}

}  // namespace

FdStream::FdStream(Loop& loop, int fd, FdKind kind, hal::BufferSizes sizes)
    : IoWatch(&FdStream::on_ready),
      loop_(loop),
      backend_(LinuxBackend::of(loop)),
      fd_(fd),
      kind_(kind),
      storage_(new std::uint8_t[sizes.rx + sizes.tx]),
      reader_(block(storage_, 0, sizes.rx), this),
      writer_(block(storage_, sizes.rx, sizes.tx), this),
      drain_timer_(*this) {
  if (backend_ == nullptr) usage_error("FdStream: the loop does not run on the Linux backend (epoll)");
  const int flags = fcntl(fd_, F_GETFL);
  int err = 0;
  if (flags < 0 || fcntl(fd_, F_SETFL, flags | O_NONBLOCK) != 0) err = errno;
  if (err == 0) err = backend_->watch(fd_, EPOLLIN | EPOLLRDHUP, *this);
  if (err != 0) {
    reader_.fail(io_error(IoErrc::io, "stream: the fd could not be watched by epoll (see the errno)", err));
    writer_.fail(io_error(IoErrc::io, "stream: the fd could not be watched by epoll (see the errno)", err));
    return;
  }
  registered_ = true;
  armed_ = true;
  armed_events_ = EPOLLIN | EPOLLRDHUP;
}

FdStream::~FdStream() {
  release_fd(/*flush_output=*/true);
}

void FdStream::release_fd(bool flush_output) noexcept {
  if (registered_) {
    backend_->unwatch(fd_);
    registered_ = false;
  }
  loop_.disarm(drain_timer_);
  if (fd_ >= 0) {
    // A tty with bytes in its output queue would make close() wait until they are out (up to the driver's
    // closing_wait, 30 s for serial ports): drop them instead when the stream is destroyed.
    if (flush_output && kind_ == FdKind::tty) tcflush(fd_, TCOFLUSH);
    ::close(fd_);
    fd_ = -1;
  }
}

// ---- readiness --------------------------------------------------------------------------------------------

void FdStream::on_ready(IoWatch& w, std::uint32_t events) noexcept {
  auto& self = static_cast<FdStream&>(w);
  self.armed_ = false;  // one-shot: the registration is disabled until re-armed
  if (self.closed_) return;
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0 && !self.reader_.ended()) self.do_read();
  if ((events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0 && self.write_blocked_) {
    self.write_blocked_ = false;
    self.do_write();
  }
  self.update_watch();
}

void FdStream::update_watch() noexcept {
  if (!registered_ || closed_) return;
  std::uint32_t events = 0;
  if (!reader_.ended() && !reader_.write_space().empty()) events |= EPOLLIN | EPOLLRDHUP;
  if (write_blocked_) events |= EPOLLOUT;
  // Nothing wanted: leave the registration as it is. Armed, it fires at most once more (and does nothing);
  // disarmed, it stays quiet (even a hang-up is not reported until something is wanted again).
  if (events == 0 || (armed_ && events == armed_events_)) return;
  const int err = backend_->rewatch(fd_, events, *this);
  if (err != 0) {
    reader_.fail(io_error(IoErrc::io, "stream: epoll refused the fd (see the errno)", err));
    writer_.fail(io_error(IoErrc::io, "stream: epoll refused the fd (see the errno)", err));
    return;
  }
  armed_ = true;
  armed_events_ = events;
}

// ---- receiving --------------------------------------------------------------------------------------------

void FdStream::do_read() noexcept {
  while (!reader_.ended()) {
    const std::span<std::uint8_t> room = reader_.write_space();
    if (room.empty()) return;  // the ring is full: resume_reading() re-arms
    const ssize_t n = ::read(fd_, room.data(), room.size());
    if (n > 0) {
      reader_.received(static_cast<std::size_t>(n));
      // A short read drained the kernel's buffer; epoll is level-triggered, so anything that arrives after
      // it is reported again once re-armed. A full read may have left more: read on (the ring may wrap).
      if (static_cast<std::size_t>(n) < room.size()) return;
      continue;
    }
    if (n == 0) {
      if (kind_ == FdKind::tty) {
        reader_.fail(read_failure(kind_, 0));
      } else {
        reader_.feed_eof();
      }
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    reader_.fail(read_failure(kind_, errno));
    return;
  }
}

void FdStream::resume_reading() noexcept {
  update_watch();
}

// ---- sending ----------------------------------------------------------------------------------------------

void FdStream::do_write() noexcept {
  while (fd_ >= 0 && writer_.error().ok()) {
    const std::span<const std::uint8_t> run = writer_.pending();
    if (run.empty()) break;
    const ssize_t n = kind_ == FdKind::socket ? ::send(fd_, run.data(), run.size(), MSG_NOSIGNAL)
                                              : ::write(fd_, run.data(), run.size());
    if (n >= 0) {
      writer_.sent(static_cast<std::size_t>(n));  // may queue more (a waiting write_all)
      if (static_cast<std::size_t>(n) < run.size()) {
        write_blocked_ = true;  // the kernel's buffer is full: EPOLLOUT says when it has room
        break;
      }
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      write_blocked_ = true;
      break;
    }
    writer_.fail(write_failure(kind_, errno));
    write_blocked_ = false;
    break;
  }
  maybe_finish_close();
}

void FdStream::write_ready() noexcept {
  if (closed_ || write_blocked_) return;  // EPOLLOUT will continue
  do_write();
  update_watch();
}

// ---- closing ----------------------------------------------------------------------------------------------

void FdStream::close() noexcept {
  if (closing_) return;
  closing_ = true;
  if (!write_blocked_) do_write();
  update_watch();
}

void FdStream::maybe_finish_close() noexcept {
  if (!closing_ || closed_ || write_blocked_ || writer_.buffered() != 0) return;
  if (kind_ == FdKind::tty && writer_.error().ok() && fd_ >= 0) {
    int queued = 0;
    if (ioctl(fd_, TIOCOUTQ, &queued) == 0 && queued > 0) {
      // The UART is still shifting bytes out: look again shortly instead of blocking in close().
      loop_.arm(drain_timer_, loop_.deadline_after(std::chrono::milliseconds(2)));
      return;
    }
  }
  finish_close();
}

void FdStream::on_drain_timer(TimerNode& node) noexcept {
  static_cast<DrainTimer&>(node).stream->maybe_finish_close();
}

void FdStream::finish_close() noexcept {
  closed_ = true;
  release_fd(/*flush_output=*/false);
  reader_.feed_eof();  // a no-op if the stream had already ended
  writer_.closed();
}

}  // namespace aiopi::os_linux
