// Accepts connections on one bound address and starts an HttpSession for each (TLS when configured); beyond
// max_connections the session only answers 503.
#pragma once

#include <memory>

#include <boost/asio/steady_timer.hpp>

#include "server_state.hpp"

namespace aiopid::api::detail {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  /// `acceptor` is open, bound and listening.
  Listener(ServerState& state, tcp::acceptor acceptor);
  void run();
  /// On the API thread: stops accepting.
  void close();

 private:
  void accept();
  void on_accept(boost::system::error_code ec, tcp::socket socket);

  ServerState& state_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
};

}  // namespace aiopid::api::detail
