// TCP streams with asyncio's names, server side: start_server(callback, host, port) listens and runs
// `callback(reader, writer)` as a task for every connection, on the same stream types as a UART.
//
//   auto echo = [](hal::StreamReader& r, hal::StreamWriter& w) -> Task<> {
//     std::array<std::uint8_t, 512> buf;
//     for (;;) {
//       auto got = co_await r.read(buf);
//       if (!got || got->empty()) co_return;                    // EOF or a failure: the handler ends
//       if (!(co_await w.write_all(*got)).ok()) co_return;
//     }
//   };
//   auto server = co_await os_linux::start_server(echo, "127.0.0.1", 0);   // port 0: the kernel picks
//   if (!server) { log(server.error().message); co_return; }
//   log("listening on port %u", server->port());
//   ...
//   server->close();                  // stop listening; connections being served go on
//   co_await server->wait_closed();   // ... until every handler has finished (asyncio 3.12+)
//
// Each connection is an FdStream owned by its handler task. When the callback returns, the writer is closed
// and its buffered bytes are sent (a graceful close), then the stream is destroyed. close_clients()
// cancels every handler (their streams are destroyed, unsent bytes dropped). An exception thrown by a
// callback ends that connection only and goes to the loop's exception handler. No handler outlives the
// Server: destroying it unwinds those still running (they refer to the callback it holds).
//
// The host is an address, "localhost", "" (every interface, IPv4) or a name (getaddrinfo on a worker
// thread); the first address found is bound, with SO_REUSEADDR. Errors name what was asked: "TCP server on
// 0.0.0.0:80: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)", "... address already
// in use".
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "aiopi/detail/intrusive_list.hpp"
#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/event.hpp"
#include "aiopi/hal/stream.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/linux/open_result.hpp"
#include "aiopi/linux/tcp_connection.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_base.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi::os_linux {

/// What start_server runs for each connection (asyncio's client_connected_cb).
using ClientConnected = std::function<Task<>(hal::StreamReader& reader, hal::StreamWriter& writer)>;

struct ServerOptions {
  TcpOptions connection{};  // ring sizes and TCP_NODELAY of each accepted connection
  int backlog = 128;
};

class Server : private IoWatch {
 public:
  Server(Loop& loop, int listen_fd, ClientConnected callback, const ServerOptions& options, std::string host,
         std::uint16_t port);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  /// Stops listening and unwinds the handlers still running.
  ~Server();

  /// The port bound (the one the kernel chose for port 0).
  std::uint16_t port() const noexcept { return port_; }
  const std::string& host() const noexcept { return host_; }
  bool is_serving() const noexcept { return listen_fd_ >= 0; }
  /// Stops listening (asyncio Server.close); connections being served go on. Idempotent.
  void close() noexcept;
  /// Cancels every connection's handler; returns how many.
  std::size_t close_clients() noexcept;
  /// Waits until the server is closed and every handler has finished. Cancel-safe.
  Event::Awaiter wait_closed() noexcept { return idle_.wait(); }
  /// Connections being served now, and accepted so far.
  std::size_t clients() const noexcept { return clients_count_; }
  std::uint64_t accepted() const noexcept { return accepted_; }
  /// accept() failures (out of file descriptors, ...): each pauses accepting for 100 ms.
  std::uint64_t accept_errors() const noexcept { return accept_errors_; }

 private:
  friend Task<OpenResult<Server>> start_server(ClientConnected, std::string, std::uint16_t, ServerOptions);
  struct ClientTag;
  struct Client : CompletionWaiter, ListHook<ClientTag> {
    Client(Server& s, TaskBase& t) noexcept;
    Server* server;
    TaskRef task;
  };
  struct PauseTimer : TimerNode {
    explicit PauseTimer(Server& s) noexcept : TimerNode(&Server::on_pause_end), server(&s) {}
    Server* server;
  };

  int listen() noexcept;
  static void on_ready(IoWatch& w, std::uint32_t events) noexcept;
  static void on_pause_end(TimerNode& node) noexcept;
  static void client_done(CompletionWaiter& w, TaskBase& finished) noexcept;
  static Task<> serve(ClientConnected* callback, std::unique_ptr<FdStream> stream);
  void accept_some() noexcept;
  void spawn(int fd);
  void release(Client& c) noexcept;
  void check_idle() noexcept;

  Loop& loop_;
  LinuxBackend* backend_;
  int listen_fd_;
  bool registered_ = false;
  ClientConnected callback_;
  ServerOptions options_;
  std::string host_;
  std::uint16_t port_;
  IntrusiveList<Client, ClientTag> clients_;
  std::size_t clients_count_ = 0;
  std::uint64_t accepted_ = 0;
  std::uint64_t accept_errors_ = 0;
  PauseTimer pause_timer_;
  Event idle_;
};

/// Listens on host:port (0: any free port) on the running loop (which must run on the Linux backend).
Task<OpenResult<Server>> start_server(ClientConnected callback, std::string host, std::uint16_t port,
                                      ServerOptions options = {});

}  // namespace aiopi::os_linux
