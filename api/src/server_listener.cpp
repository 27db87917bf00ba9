#include "server_listener.hpp"

#include <chrono>

#include <boost/asio/strand.hpp>

#include "server_http_session.hpp"

namespace aiopid::api::detail {

Listener::Listener(ServerState& state, tcp::acceptor acceptor)
    : state_(state), acceptor_(std::move(acceptor)), retry_timer_(acceptor_.get_executor()) {}

void Listener::run() {
  accept();
}

void Listener::close() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
}

void Listener::accept() {
  // Each connection gets its own strand.
  acceptor_.async_accept(asio::make_strand(acceptor_.get_executor()),
                         [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
                           self->on_accept(ec, std::move(socket));
                         });
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open() || state_.stopping.load()) return;
  if (ec) {
    // Out of file descriptors and the like: try again shortly instead of spinning.
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec) self->accept();
    });
    return;
  }
  const bool over_limit = state_.counters.connections_open.load() >= state_.config.limits.max_connections;
  if (!over_limit) state_.counters.connections_total.fetch_add(1);
  if (state_.tls) {
    std::make_shared<HttpSession<TlsStream>>(state_, std::move(socket), over_limit)->run();
  } else {
    std::make_shared<HttpSession<PlainStream>>(state_, std::move(socket), over_limit)->run();
  }
  accept();
}

}  // namespace aiopid::api::detail
