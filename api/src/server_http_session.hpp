// An HTTP/1.1 connection (keep-alive, one request at a time): TLS handshake when configured, the parser's
// header and body limits, authentication, the rate limit, the REST mirror and POST /api/v1/rpc through the
// Endpoint, the OpenRPC / OpenAPI documents, and the WebSocket upgrade at /api/v1/ws (origin and token
// checked before upgrading), which hands the connection to a WebSocketSession.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/http.hpp>

#include "server_http_response.hpp"
#include "server_rate_limiter.hpp"
#include "server_state.hpp"
#include "server_streams.hpp"

namespace aiopid::api::detail {

template <class Stream>
class HttpSession final : public Connection, public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  /// `over_limit`: the server has max_connections open already; this one reads its request, gets 503 and
  /// is closed.
  HttpSession(ServerState& state, tcp::socket&& socket, bool over_limit);

  void run();
  void close_for_stop() override;
  [[nodiscard]] auto executor() { return stream_.get_executor(); }

 private:
  void on_handshake(beast::error_code ec);
  void read_request();
  void on_read(beast::error_code ec, std::size_t bytes);
  void handle(HttpRequest request);
  void handle_upgrade(HttpRequest request, const Principal& principal);
  void call_rpc(const HttpRequest& request, const Principal& principal);
  void call_rest(const HttpRequest& request, const Principal& principal, std::string_view target);
  void respond(HttpResponse response, bool linger = false);
  void on_write(bool close, bool linger, beast::error_code ec, std::size_t bytes);
  void shutdown(bool linger);
  void drain();
  void finish();
  [[nodiscard]] std::shared_ptr<Session> make_session(const Principal& principal);

  ServerState& state_;
  Stream stream_;
  ConnectionSlot slot_;
  const bool over_limit_;
  const std::uint64_t id_;
  const std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;  // the response being written
  TokenBucket bucket_;
  unsigned version_ = 11;
  bool keep_alive_ = false, waiting_ = false, upgraded_ = false, finished_ = false;
};

extern template class HttpSession<PlainStream>;
extern template class HttpSession<TlsStream>;

}  // namespace aiopid::api::detail
