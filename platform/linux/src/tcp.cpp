// open_connection and start_server (tcp_connection.hpp, tcp_server.hpp).
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "aiopi/linux/fd_wait.hpp"
#include "aiopi/linux/tcp_connection.hpp"
#include "aiopi/linux/tcp_server.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopi/to_thread.hpp"

namespace aiopi::os_linux {

using hal::IoErrc;

namespace {

/// Closes the fd it holds unless released (a cancelled open_connection closes its socket).
class UniqueFd {
 public:
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family() const noexcept { return addr.ss_family; }
};

struct Resolved {
  std::vector<Endpoint> endpoints;
  std::string error;  // empty when endpoints were found
};

/// An IPv4 / IPv6 literal, "localhost" or "" (any address, for a server), without asking DNS.
bool resolve_literal(const std::string& host, std::uint16_t port, bool passive, Resolved& out) {
  Endpoint ep;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ep.addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ep.addr);
  std::string h = host;
  if (h == "localhost") h = "127.0.0.1";
  if (h.empty() && passive) h = "0.0.0.0";
  if (inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    ep.len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    ep.len = sizeof(sockaddr_in6);
  } else {
    return false;
  }
  out.endpoints.push_back(ep);
  return true;
}

/// getaddrinfo: blocking, so it runs on a worker thread.
Resolved resolve_name(std::string host, std::uint16_t port, bool passive) {
  Resolved out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = passive ? AI_PASSIVE : AI_ADDRCONFIG;
  addrinfo* list = nullptr;
  const std::string service = std::to_string(port);
  const int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &list);
  if (rc != 0) {
    out.error = std::string("cannot resolve '") + host + "': " + gai_strerror(rc);
    return out;
  }
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    Endpoint ep;
    std::memcpy(&ep.addr, ai->ai_addr, ai->ai_addrlen);
    ep.len = ai->ai_addrlen;
    out.endpoints.push_back(ep);
  }
  freeaddrinfo(list);
  if (out.endpoints.empty()) out.error = "cannot resolve '" + host + "': no address";
  return out;
}

Task<Resolved> resolve(std::string host, std::uint16_t port, bool passive) {
  Resolved out;
  if (resolve_literal(host, port, passive, out)) co_return out;
  co_return co_await to_thread(resolve_name, host, port, passive);
}

IoErrc connect_errc(int err) noexcept {
  switch (err) {
    case ECONNREFUSED:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EADDRNOTAVAIL:
      return IoErrc::not_found;
    case ETIMEDOUT:
      return IoErrc::timeout;
    case EACCES:
    case EPERM:
      return IoErrc::permission;
    default:
      return IoErrc::io;
  }
}

std::string describe(const std::string& host, std::uint16_t port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return (host.empty() ? std::string("0.0.0.0") : host) + ":" + std::to_string(port);
}

void set_nodelay(int fd, bool on) noexcept {
  const int v = on ? 1 : 0;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v);
}

}  // namespace

// ---- open_connection --------------------------------------------------------------------------------------

Task<OpenResult<FdStream>> open_connection(std::string host, std::uint16_t port, TcpOptions options) {
  Loop& loop = Loop::running();
  const std::string who = "TCP connection to " + describe(host, port);
  if (LinuxBackend::of(loop) == nullptr)
    co_return open_error(IoErrc::unsupported, who + ": the loop does not run on the Linux backend (epoll)");
  Resolved where = co_await resolve(host, port, /*passive=*/false);
  if (where.endpoints.empty()) co_return open_error(IoErrc::not_found, who + ": " + where.error);
  int last_err = 0;
  for (const Endpoint& ep : where.endpoints) {
    UniqueFd fd(::socket(ep.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) {
      last_err = errno;
      continue;
    }
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&ep.addr), ep.len) != 0) {
      if (errno != EINPROGRESS) {
        last_err = errno;
        continue;
      }
      FdReadiness ready = co_await wait_writable(fd.get());
      if (!ready.ok()) {
        last_err = ready.error;
        continue;
      }
      int so_error = 0;
      socklen_t len = sizeof so_error;
      if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) so_error = errno;
      if (so_error != 0) {
        last_err = so_error;
        continue;
      }
    }
    set_nodelay(fd.get(), options.nodelay);
    co_return std::make_unique<FdStream>(loop, fd.release(), FdKind::socket, options.buffers);
  }
  std::string why = std::strerror(last_err);
  if (last_err == ECONNREFUSED) why += " (nothing listens there)";
  co_return open_error(connect_errc(last_err), who + ": " + why, last_err, "TCP connect failed");
}

// ---- start_server -----------------------------------------------------------------------------------------

Task<OpenResult<Server>> start_server(ClientConnected callback, std::string host, std::uint16_t port,
                                      ServerOptions options) {
  Loop& loop = Loop::running();
  const std::string who = "TCP server on " + describe(host, port);
  if (LinuxBackend::of(loop) == nullptr)
    co_return open_error(IoErrc::unsupported, who + ": the loop does not run on the Linux backend (epoll)");
  if (!callback) co_return open_error(IoErrc::invalid_argument, who + ": no client callback given");
  Resolved where = co_await resolve(host, port, /*passive=*/true);
  if (where.endpoints.empty()) co_return open_error(IoErrc::not_found, who + ": " + where.error);
  const Endpoint& ep = where.endpoints.front();
  UniqueFd fd(::socket(ep.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  int err = fd.get() < 0 ? errno : 0;
  if (err == 0) {
    const int one = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&ep.addr), ep.len) != 0) err = errno;
  }
  if (err == 0 && ::listen(fd.get(), options.backlog) != 0) err = errno;
  if (err != 0) {
    std::string why = std::strerror(err);
    IoErrc kind = IoErrc::io;
    if (err == EADDRINUSE) {
      kind = IoErrc::busy;
      why = "address already in use (another server listens there)";
    } else if (err == EACCES || err == EPERM) {
      kind = IoErrc::permission;
      why = "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
    } else if (err == EADDRNOTAVAIL) {
      kind = IoErrc::not_found;
      why = "no interface has that address";
    }
    co_return open_error(kind, who + ": " + why, err, "TCP server failed to listen");
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  std::uint16_t bound_port = port;
  if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &len) == 0) {
    bound_port = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                             : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  }
  auto server = std::make_unique<Server>(loop, fd.release(), std::move(callback), options,
                                         host.empty() ? std::string("0.0.0.0") : host, bound_port);
  if (const int werr = server->listen(); werr != 0)
    co_return open_error(IoErrc::io, who + ": epoll refused the socket: " + std::strerror(werr), werr);
  co_return std::move(server);
}

// ---- Server -----------------------------------------------------------------------------------------------

Server::Client::Client(Server& s, TaskBase& t) noexcept
    : CompletionWaiter(&Server::client_done), server(&s), task(&t) {}

Server::Server(Loop& loop, int listen_fd, ClientConnected callback, const ServerOptions& options,
               std::string host, std::uint16_t port)
    : IoWatch(&Server::on_ready),
      loop_(loop),
      backend_(LinuxBackend::of(loop)),
      listen_fd_(listen_fd),
      callback_(std::move(callback)),
      options_(options),
      host_(std::move(host)),
      port_(port),
      pause_timer_(*this) {}

int Server::listen() noexcept {
  const int err = backend_->watch(listen_fd_, EPOLLIN, *this);
  if (err == 0) registered_ = true;
  return err;
}

Server::~Server() {
  close();
  // No handler outlives the server: each may still use the callback (and what it captured). Unwound now,
  // synchronously, after its membership is detached so that its completion does not reach back here.
  while (!clients_.empty()) {
    Client& c = clients_.front();
    TaskRef task = c.task;
    release(c);
    if (!task.done()) task.base().loop().unwind_now(task.base());
  }
}

void Server::close() noexcept {
  loop_.disarm(pause_timer_);
  if (registered_) {
    backend_->unwatch(listen_fd_);
    registered_ = false;
  }
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  check_idle();
}

std::size_t Server::close_clients() noexcept {
  std::size_t n = 0;
  for (Client& c : clients_) {
    if (c.task.cancel()) ++n;
  }
  return n;
}

void Server::check_idle() noexcept {
  if (listen_fd_ < 0 && clients_count_ == 0) idle_.set();
}

void Server::on_ready(IoWatch& w, std::uint32_t) noexcept {
  static_cast<Server&>(w).accept_some();
}

void Server::on_pause_end(TimerNode& node) noexcept {
  Server& self = *static_cast<PauseTimer&>(node).server;
  if (self.registered_) self.backend_->rewatch(self.listen_fd_, EPOLLIN, self);
}

void Server::accept_some() noexcept {
  if (listen_fd_ < 0) return;
  // A bounded batch per readiness event, so a flood of connections cannot starve the other tasks.
  for (int i = 0; i < 64; ++i) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      spawn(fd);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    // Out of descriptors or memory: the socket stays readable, so accepting again at once would spin.
    ++accept_errors_;
    loop_.arm(pause_timer_, loop_.deadline_after(std::chrono::milliseconds(100)));
    return;
  }
  backend_->rewatch(listen_fd_, EPOLLIN, *this);
}

void Server::spawn(int fd) {
  set_nodelay(fd, options_.connection.nodelay);
  auto stream = std::make_unique<FdStream>(loop_, fd, FdKind::socket, options_.connection.buffers);
  TaskHandle<> handle = loop_.create_task(serve(&callback_, std::move(stream)), "tcp client");
  auto* c = new Client(*this, handle.base());
  clients_.push_back(*c);
  ++clients_count_;
  ++accepted_;
  idle_.clear();
  handle.base().add_completion_waiter(*c);
}

Task<> Server::serve(ClientConnected* callback, std::unique_ptr<FdStream> stream) {
  co_await (*callback)(stream->reader(), stream->writer());
  // A graceful close: what the handler queued is sent before the connection goes.
  stream->writer().close();
  (void)co_await stream->writer().wait_closed();
}

void Server::release(Client& c) noexcept {
  c.ListHook<ClientTag>::unlink();
  c.CompletionWaiter::unlink();
  --clients_count_;
  delete &c;
}

void Server::client_done(CompletionWaiter& w, TaskBase& finished) noexcept {
  auto& c = static_cast<Client&>(w);
  Server& self = *c.server;
#if AIOPI_HAS_EXCEPTIONS
  if (finished.failed() && !self.loop_.closing()) {
    self.loop_.call_exception_handler({"exception in a TCP client handler", &finished, finished.exception()});
  }
#else
  (void)finished;
#endif
  self.release(c);
  self.check_idle();
}

}  // namespace aiopi::os_linux
