// Server: binds the listeners, runs the io_context on the API thread, fans notifications out, stops cleanly.
#include "aiopid/api/server.hpp"

#include <chrono>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server_listener.hpp"
#include "server_state.hpp"
#include "server_tls.hpp"

namespace aiopid::api {

using detail::Connection;
using detail::Listener;
using detail::ServerState;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

/// How long stop() lets connections finish their closing handshakes.
constexpr auto stop_grace = std::chrono::seconds(2);

bool is_loopback(const asio::ip::address& a) {
  if (a.is_loopback()) return true;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).is_loopback();
  }
  return false;
}

void run_io(asio::io_context& ioc) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      // A handler threw (out of memory, a bug): the connection concerned is lost, the server goes on.
      std::fprintf(stderr, "aiopid api: unexpected exception on the API thread: %s\n", e.what());
    }
  }
}

/// Until every connection finished closing, or the grace period ended: then the API thread ends.
void stop_when_closed(ServerState& state, std::shared_ptr<asio::steady_timer> timer,
                      std::chrono::steady_clock::time_point deadline) {
  if (state.connection_count() == 0 || std::chrono::steady_clock::now() >= deadline) {
    state.ioc->stop();
    return;
  }
  timer->expires_after(std::chrono::milliseconds(5));
  timer->async_wait(
      [&state, timer, deadline](boost::system::error_code) { stop_when_closed(state, timer, deadline); });
}

void fan_out(ServerState& state, const Notification& note) {
  std::shared_ptr<const NotificationText> text;  // serialised once, for the first session that wants it
  state.for_each([&](Connection& c) {
    const Session* session = c.subscriber();
    if (session == nullptr || !session->wants(note.topic)) return;
    if (!text) text = std::make_shared<const NotificationText>(notification_text(note));
    c.notify(text);
  });
}

/// The API thread's side of the publish backlog: everything published since the last drain, fanned out in
/// order. Notifications the backlog dropped (it was full) were older than all of these, so every subscribed
/// connection hears of them first; which topics they had is not kept, so a connection may be told of drops
/// it would not have received (it resynchronises with *.list either way).
void drain(ServerState& state) {
  std::deque<Notification>& batch = state.fanning_out;
  const std::uint64_t dropped = state.backlog.take(batch);
  if (!state.stopping.load()) {
    if (dropped > 0) {
      state.for_each([dropped](Connection& c) {
        const Session* session = c.subscriber();
        if (session != nullptr && !session->patterns().empty()) c.report_dropped(dropped);
      });
    }
    for (const Notification& note : batch)
      fan_out(state, note);
  }
  batch.clear();
}

}  // namespace

struct Server::Impl {
  Impl(ServerConfig config, const MethodRegistry& methods, Endpoint& endpoint)
      : state(std::move(config), methods, endpoint) {}

  ServerState state;
  std::vector<std::shared_ptr<Listener>> listeners;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
  std::atomic<std::uint16_t> port{0};
  std::mutex lifecycle;
  bool started = false, running = false;

  std::vector<std::string> bind(const std::vector<asio::ip::address>& addresses,
                                std::vector<tcp::acceptor>& acceptors);
};

std::vector<std::string> Server::Impl::bind(const std::vector<asio::ip::address>& addresses,
                                            std::vector<tcp::acceptor>& acceptors) {
  const std::uint16_t configured = state.config.port;
  // With port 0 the first address picks a free port and the others take the same one; should it be taken
  // on another address, try again with a new one.
  const int attempts = configured == 0 ? 8 : 1;
  std::string failure;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    acceptors.clear();
    std::uint16_t chosen = configured;
    failure.clear();
    for (const auto& address : addresses) {
      tcp::acceptor acceptor(*state.ioc);
      const tcp::endpoint endpoint(address, chosen);
      boost::system::error_code ec;
      acceptor.open(endpoint.protocol(), ec);
      if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec && address.is_v6()) acceptor.set_option(asio::ip::v6_only(true), ec);
      if (!ec) acceptor.bind(endpoint, ec);
      if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
        failure = "api: cannot listen on " + host + ":" + std::to_string(chosen) + ": " + ec.message();
        break;
      }
      if (chosen == 0) chosen = acceptor.local_endpoint().port();
      acceptors.push_back(std::move(acceptor));
    }
    if (failure.empty()) {
      port.store(chosen);
      return {};
    }
  }
  acceptors.clear();
  return {failure};
}

Server::Server(ServerConfig config, const MethodRegistry& methods, Endpoint& endpoint)
    : impl_(std::make_unique<Impl>(std::move(config), methods, endpoint)) {}

Server::~Server() {
  stop();
}

std::vector<std::string> Server::start() {
  std::lock_guard lock(impl_->lifecycle);
  Impl& impl = *impl_;
  ServerState& state = impl.state;
  const ServerConfig& config = state.config;
  if (impl.started) return {"api: the server was started already"};

  std::vector<std::string> errors;
  std::vector<asio::ip::address> addresses;
  if (config.listen.empty()) errors.emplace_back("api: no listen address");
  for (const std::string& text : config.listen) {
    boost::system::error_code ec;
    const asio::ip::address address = asio::ip::make_address(text, ec);
    if (ec) {
      errors.push_back("api: listen address \"" + text + "\" is not an IP address");
      continue;
    }
    if (!is_loopback(address) && config.tokens.empty()) {
      errors.push_back(
          "api: listening on " + text +
          " (not loopback) needs tokens: put a line `NAME SCOPE sha256:HEX` (aiopictl token-hash "
          "prints one) in the tokens file ([api] tokens_file, default "
          "$CREDENTIALS_DIRECTORY/aiopid-tokens), or listen on 127.0.0.1 / ::1 only");
    }
    addresses.push_back(address);
  }
  if (config.tls_certificate.empty() != config.tls_key.empty()) {
    errors.emplace_back("api: tls_certificate and tls_key must be set together");
  }
  if (!errors.empty()) return errors;

  state.ioc = std::make_unique<asio::io_context>(1);
  auto give_up = [&](std::vector<std::string> why) {
    state.tls.reset();
    state.ioc.reset();
    return why;
  };
  if (!config.tls_certificate.empty()) {
    auto tls = detail::make_tls_context(config.tls_certificate, config.tls_key);
    if (auto* error = std::get_if<std::string>(&tls)) return give_up({*error});
    state.tls = std::move(std::get<0>(tls));
  }
  std::vector<tcp::acceptor> acceptors;
  if (auto bind_errors = impl.bind(addresses, acceptors); !bind_errors.empty()) {
    return give_up(std::move(bind_errors));
  }
  for (auto& acceptor : acceptors) {
    impl.listeners.push_back(std::make_shared<Listener>(state, std::move(acceptor)));
    impl.listeners.back()->run();
  }
  state.stopping.store(false);
  state.gate->set_open(true);
  impl.work.emplace(state.ioc->get_executor());
  impl.thread = std::thread([ioc = state.ioc.get()] { run_io(*ioc); });
  impl.started = impl.running = true;
  return {};
}

void Server::stop() {
  std::lock_guard lock(impl_->lifecycle);
  Impl& impl = *impl_;
  if (!impl.running) return;
  impl.running = false;
  ServerState& state = impl.state;
  // From here on, completions and notifications from other threads are dropped instead of posted.
  state.gate->set_open(false);
  asio::post(*state.ioc, [&impl, &state] {
    state.stopping.store(true);
    for (auto& listener : impl.listeners)
      listener->close();
    state.for_each([](Connection& c) { c.close_for_stop(); });
    stop_when_closed(state, std::make_shared<asio::steady_timer>(*state.ioc),
                     std::chrono::steady_clock::now() + stop_grace);
  });
  impl.work.reset();
  impl.thread.join();
  // Connections still open (the grace period ended) and queued handlers go while the io_context exists.
  state.drop_all();
  state.backlog.clear();
  impl.listeners.clear();
  state.ioc.reset();
  state.tls.reset();
}

std::uint16_t Server::port() const noexcept {
  return impl_->port.load();
}

std::string Server::url() const {
  const ServerConfig& config = impl_->state.config;
  std::string host = "127.0.0.1";
  if (!config.listen.empty()) {
    boost::system::error_code ec;
    const asio::ip::address address = asio::ip::make_address(config.listen.front(), ec);
    if (!ec) {
      if (address.is_v6()) {
        host = address.is_unspecified() ? "[::1]" : "[" + address.to_string() + "]";
      } else {
        host = address.is_unspecified() ? "127.0.0.1" : address.to_string();
      }
    }
  }
  const bool tls = !config.tls_certificate.empty();
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port());
}

ServerStats Server::stats() const {
  const detail::Counters& c = impl_->state.counters;
  ServerStats s;
  s.connections_open = c.connections_open.load();
  s.connections_total = c.connections_total.load();
  s.requests = c.requests.load();
  s.notifications_sent = c.notifications_sent.load();
  s.notifications_dropped = c.notifications_dropped.load();
  s.clients_disconnected_slow = c.clients_disconnected_slow.load();
  s.rejected_auth = c.rejected_auth.load();
  s.rejected_limits = c.rejected_limits.load();
  return s;
}

void Server::publish(Notification n) {
  ServerState& state = impl_->state;
  state.gate->run_if_open([&] {
    const auto pushed = state.backlog.push(std::move(n));
    if (pushed.dropped) state.counters.notifications_dropped.fetch_add(1);
    if (pushed.post_drain) asio::post(*state.ioc, [&state] { drain(state); });
  });
}

}  // namespace aiopid::api
