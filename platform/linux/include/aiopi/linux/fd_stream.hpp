// FdStream: a hal::ByteStream over a non-blocking file descriptor in the loop's epoll set: the transport
// below the Linux UART (a tty), TCP connections (a socket) and anything else that reads and writes bytes (a
// pipe, the master side of a pty).
//
// How it moves bytes (hal/byte_transport.hpp): the fd stays registered in epoll (one-shot, re-armed after
// each event) for reading while the reader's ring has room, and for writing only while the kernel refused
// bytes. Received bytes go from read() straight into the reader's ring; a write() on the StreamWriter
// tries to send at once, straight from the writer's ring, and leaves the rest to EPOLLOUT. No allocation
// after construction, no task per stream, at most one epoll_ctl per readiness event.
//
// What a reader sees when the far side goes away:
//  * socket, pipe: a read of 0 is EOF (readers get what is buffered, then empty);
//  * tty (UART): a read of 0 or EIO is a hang-up (the adapter was unplugged, or the other end of a pty was
//    closed): readers get what is buffered, then IoErrc::closed;
//  * ECONNRESET and other failures: IoErrc::closed or io with the errno.
// A write failure (EPIPE, ECONNRESET, EIO on a hung-up tty) ends the writer the same way (never SIGPIPE:
// sockets are written with MSG_NOSIGNAL; other fds are written with write(), so a program writing to a
// pipe should ignore SIGPIPE).
//
// Closing (StreamWriter::close): what is buffered is sent, a tty additionally waits until the kernel's
// output queue has drained (TIOCOUTQ, polled: close() would otherwise block the loop for as long as the
// UART needs), then the fd is closed, the reader sees EOF and wait_closed() resumes. Destroying a stream
// closes the fd at once (unsent bytes are dropped, a tty's output queue is flushed first so that close()
// cannot block); tasks waiting on it resume with IoErrc::closed. A stream must not outlive its loop.
#pragma once

#include <memory>

#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/hal/stream.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::os_linux {

/// What the fd is: decides how it is written and what a read of 0 means.
enum class FdKind : unsigned char {
  socket,  // send(MSG_NOSIGNAL); a read of 0 is EOF
  tty,     // write(); a read of 0 or EIO is a hang-up; closing waits for the output queue
  other,   // pipes, pty masters...: write(); a read of 0 is EOF
};

class FdStream final : public hal::ByteStream, private hal::ByteTransport, private IoWatch {
 public:
  /// Takes ownership of `fd` (made non-blocking here) on `loop`, which must run on the Linux backend (a
  /// usage error otherwise). If the fd cannot be registered with epoll, the stream starts failed: reads and
  /// writes give IoErrc::io with the errno.
  FdStream(Loop& loop, int fd, FdKind kind, hal::BufferSizes sizes = {});
  ~FdStream() override;

  hal::StreamReader& reader() noexcept override { return reader_; }
  hal::StreamWriter& writer() noexcept override { return writer_; }

  /// The fd (-1 once closed). Owned by the stream: do not close it.
  int fd() const noexcept { return fd_; }
  FdKind kind() const noexcept { return kind_; }

 private:
  // hal::ByteTransport
  void resume_reading() noexcept override;
  void write_ready() noexcept override;
  void close() noexcept override;

  static void on_ready(IoWatch& w, std::uint32_t events) noexcept;
  static void on_drain_timer(TimerNode& node) noexcept;
  void do_read() noexcept;
  void do_write() noexcept;
  void update_watch() noexcept;
  void maybe_finish_close() noexcept;
  void finish_close() noexcept;
  void release_fd(bool flush_output) noexcept;

  struct DrainTimer : TimerNode {
    explicit DrainTimer(FdStream& s) noexcept : TimerNode(&FdStream::on_drain_timer), stream(&s) {}
    FdStream* stream;
  };

  Loop& loop_;
  LinuxBackend* backend_;
  int fd_;
  FdKind kind_;
  std::unique_ptr<std::uint8_t[]> storage_;
  hal::StreamReader reader_;
  hal::StreamWriter writer_;
  DrainTimer drain_timer_;
  std::uint32_t armed_events_ = 0;
  bool registered_ = false;
  bool armed_ = false;
  bool write_blocked_ = false;  // the kernel refused bytes: waiting for EPOLLOUT
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace aiopi::os_linux
