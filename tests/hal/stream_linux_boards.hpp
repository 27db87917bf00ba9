// The Linux boards of the byte-stream conformance suite (what a board provides: stream_board.hpp): the
// termios UART over a pseudo-terminal pair (the UART opens the pty's slave; the peer is the master), and an
// FdStream over a TCP connection on loopback (the peer is the other socket). Real kernels, real fds, the
// epoll loop; the peer side uses plain system calls and os_linux::wait_readable.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "aiopi/linux/fd_stream.hpp"
#include "aiopi/linux/fd_wait.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/linux/uart.hpp"
#include "stream_board.hpp"

namespace aiopi::hal_testing {

/// Writes all of `bytes` to a non-blocking fd (the peer's side is small: it fits, or the loop waits).
inline void write_all_fd(int fd, std::string_view bytes, bool socket) {
  std::size_t done = 0;
  for (int spins = 0; done < bytes.size() && spins < 100000; ++spins) {
    const ssize_t n = socket ? ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL)
                             : ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n > 0) done += static_cast<std::size_t>(n);
    if (n < 0 && errno != EAGAIN && errno != EINTR) break;
  }
  EXPECT_EQ(done, bytes.size()) << "the peer could not send its bytes";
}

/// Reads `n` bytes from a non-blocking fd, waiting in the loop's epoll; fewer at EOF or an error.
inline Task<std::string> read_fd(int fd, std::size_t n) {
  std::string got;
  char buf[4096];
  while (got.size() < n) {
    const ssize_t r = ::read(fd, buf, std::min(sizeof buf, n - got.size()));
    if (r > 0) {
      got.append(buf, static_cast<std::size_t>(r));
      continue;
    }
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
      auto ready = co_await os_linux::wait_readable(fd);
      if (!ready.ok()) break;
      continue;
    }
    break;  // EOF, or the other side is gone
  }
  co_return got;
}

/// True once reading `fd` ends (EOF, or EIO on a pty master whose slave closed), after skipping any bytes.
inline Task<bool> read_fd_until_end(int fd) {
  char buf[4096];
  for (int i = 0; i < 100000; ++i) {
    const ssize_t r = ::read(fd, buf, sizeof buf);
    if (r > 0) continue;
    if (r == 0) co_return true;
    if (errno == EIO || errno == ECONNRESET) co_return true;
    if (errno != EAGAIN && errno != EINTR) co_return false;
    auto ready = co_await os_linux::wait_readable(fd);
    if (!ready.ok()) co_return false;
  }
  co_return false;
}

/// The termios UART on the slave of a pseudo-terminal pair; the peer holds the master.
struct PtyUartBoard {
  static constexpr const char* kName = "linux_pty_uart";
  static constexpr bool kPeerEof = false;  // a tty has no EOF: closing the master is a hang-up
  static constexpr bool kTimedPeer = false;

  os_linux::LinuxBackend backend;
  Loop loop{backend};
  int master = -1;
  std::string slave_path;
  std::unique_ptr<os_linux::Uart> uart;

  ~PtyUartBoard() {
    uart.reset();
    if (master >= 0) ::close(master);
  }
  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }
  template <class T>
  T run(Task<T> main) {
    return loop.run_until_complete(std::move(main));
  }

  /// Opens a pty pair: the master (raw, non-blocking) for the peer; returns the slave's path.
  static std::string open_pty(int& master_fd) {
    master_fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (master_fd < 0 || grantpt(master_fd) != 0 || unlockpt(master_fd) != 0) return {};
    termios t{};
    if (tcgetattr(master_fd, &t) == 0) {
      cfmakeraw(&t);
      tcsetattr(master_fd, TCSANOW, &t);
    }
    char name[128];
    if (ptsname_r(master_fd, name, sizeof name) != 0) return {};
    return name;
  }

  hal::ByteStream& open(hal::BufferSizes sizes) {
    slave_path = open_pty(master);
    auto u = os_linux::Uart::open(loop, slave_path, {}, {.buffers = sizes});
    if (!u) {
      ADD_FAILURE() << u.error().message;
      std::abort();
    }
    uart = u.take();
    return *uart;
  }
  hal::ByteStream& stream() { return *uart; }
  void destroy() { uart.reset(); }

  void send(std::string_view bytes) { write_all_fd(master, bytes, false); }
  Task<bool> arrived(std::size_t n) {
    return eventually([this, n] { return uart->reader().buffered() >= n; });
  }
  void send_eof() { ADD_FAILURE() << "a pty has no EOF"; }
  void break_line() {  // the adapter is unplugged
    ::close(master);
    master = -1;
  }
  void pause_peer() {}  // the peer reads only in peer_read
  void resume_peer() {}
  Task<std::string> peer_read(std::size_t n) { return read_fd(master, n); }
  Task<bool> peer_sees_end() { return read_fd_until_end(master); }
};

/// An FdStream over a TCP connection on loopback; the peer holds the other socket. Both sockets get small
/// kernel buffers, so that a peer that does not read pushes back after a few kilobytes.
struct TcpBoard {
  static constexpr const char* kName = "linux_tcp";
  static constexpr bool kPeerEof = true;  // shutdown(SHUT_WR)
  static constexpr bool kTimedPeer = false;

  os_linux::LinuxBackend backend;
  Loop loop{backend};
  int peer = -1;
  std::unique_ptr<os_linux::FdStream> conn;

  ~TcpBoard() {
    conn.reset();
    if (peer >= 0) ::close(peer);
  }
  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }
  template <class T>
  T run(Task<T> main) {
    return loop.run_until_complete(std::move(main));
  }

  static void small_buffers(int fd) {
    const int size = 4096;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }

  hal::ByteStream& open(hal::BufferSizes sizes) {
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    small_buffers(listener);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener, 1) != 0 || getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "loopback listen failed: " << std::strerror(errno);
      std::abort();
    }
    const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    small_buffers(client);
    if (::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ADD_FAILURE() << "loopback connect failed: " << std::strerror(errno);
      std::abort();
    }
    peer = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    ::close(listener);
    conn = std::make_unique<os_linux::FdStream>(loop, client, os_linux::FdKind::socket, sizes);
    return *conn;
  }
  hal::ByteStream& stream() { return *conn; }
  void destroy() { conn.reset(); }

  void send(std::string_view bytes) { write_all_fd(peer, bytes, true); }
  Task<bool> arrived(std::size_t n) {
    return eventually([this, n] { return conn->reader().buffered() >= n; });
  }
  void send_eof() { ::shutdown(peer, SHUT_WR); }
  void break_line() {  // the peer resets the connection
    linger l{1, 0};
    setsockopt(peer, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(peer);
    peer = -1;
  }
  void pause_peer() {}
  void resume_peer() {}
  Task<std::string> peer_read(std::size_t n) { return read_fd(peer, n); }
  Task<bool> peer_sees_end() { return read_fd_until_end(peer); }
};

}  // namespace aiopi::hal_testing
