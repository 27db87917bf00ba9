// TCP streams with asyncio's names, client side: open_connection(host, port) gives a connected FdStream, a
// hal::ByteStream (its reader() and writer() are the StreamReader / StreamWriter every UART has too).
//
//   auto conn = co_await os_linux::open_connection("192.168.1.20", 8080);
//   if (!conn) { log(conn.error().message); co_return; }     // "TCP connection to 192.168.1.20:8080: ..."
//   (void)conn->writer().write("GET / HTTP/1.0\r\n\r\n");
//   auto status = co_await conn->reader().readline(buf);
//
// The host is an IPv4 or IPv6 address, "localhost", or a name resolved with getaddrinfo on a worker thread
// (to_thread: the loop never blocks on DNS); each address found is tried in turn. The connect itself is
// non-blocking, awaited in epoll. Cancel-safe: a cancelled open_connection closes its socket. There is no
// time limit of its own: wrap it in wait_for. A refused connection is IoErrc::not_found (nothing listens
// there), an unreachable network or host not_found too, a timeout IoErrc::timeout; the message says which.
#pragma once

#include <cstdint>
#include <string>

#include "aiopi/hal/stream.hpp"
#include "aiopi/linux/fd_stream.hpp"
#include "aiopi/linux/open_result.hpp"
#include "aiopi/task.hpp"

namespace aiopi::os_linux {

struct TcpOptions {
  hal::BufferSizes buffers{.rx = 16384, .tx = 16384};
  bool nodelay = true;  // TCP_NODELAY: small writes go out at once (request/response protocols)
};

/// Connects to host:port on the running loop (which must run on the Linux backend).
Task<OpenResult<FdStream>> open_connection(std::string host, std::uint16_t port, TcpOptions options = {});

}  // namespace aiopi::os_linux
