#include "server_http_session.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/dispatch.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "aiopid/api/json_depth.hpp"
#include "aiopid/api/jsonrpc.hpp"
#include "server_auth.hpp"
#include "server_websocket_session.hpp"

namespace aiopid::api::detail {

namespace {

using namespace std::chrono_literals;

/// How long a refused connection may take to send its request, and how long a closing one is drained.
constexpr auto refused_read_timeout = 5s;
constexpr auto linger_timeout = 1s;

template <class Stream>
Stream make_stream(tcp::socket&& socket, ServerState& state) {
  if constexpr (is_tls<Stream>) {
    return Stream(std::move(socket), *state.tls);
  } else {
    return Stream(std::move(socket));
  }
}

std::string peer_of(const tcp::socket& socket) {
  beast::error_code ec;
  const tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return "?";
  const std::string address = ep.address().to_string();
  return (ep.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(ep.port());
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == beast::http::make_error_code(http::error::bad_method).category();
}

}  // namespace

template <class Stream>
HttpSession<Stream>::HttpSession(ServerState& state, tcp::socket&& socket, bool over_limit)
    : state_(state),
      stream_(make_stream<Stream>(std::move(socket), state)),
      slot_(over_limit ? ConnectionSlot() : ConnectionSlot(state.counters.connections_open)),
      over_limit_(over_limit),
      id_(state.next_id()),
      peer_(peer_of(beast::get_lowest_layer(stream_).socket())),
      bucket_(state.config.limits.requests_per_second, state.config.limits.request_burst,
              TokenBucket::Clock::now()) {}

template <class Stream>
void HttpSession<Stream>::run() {
  // The accept handler ran on the listener's executor; from here on, everything is on this strand.
  asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    if (self->state_.stopping.load()) return;
    self->state_.add(self->id_, self);
    if constexpr (is_tls<Stream>) {
      beast::get_lowest_layer(self->stream_)
          .expires_after(
              std::min<std::chrono::steady_clock::duration>(self->state_.config.limits.idle_timeout, 30s));
      self->stream_.async_handshake(asio::ssl::stream_base::server,
                                    beast::bind_front_handler(&HttpSession::on_handshake, self));
    } else {
      self->read_request();
    }
  });
}

template <class Stream>
void HttpSession<Stream>::on_handshake(beast::error_code ec) {
  if (ec) {
    finish();
    return;
  }
  read_request();
}

template <class Stream>
void HttpSession<Stream>::read_request() {
  const Limits& limits = state_.config.limits;
  parser_.emplace();
  parser_->header_limit(
      static_cast<std::uint32_t>(std::min<std::size_t>(limits.max_header_bytes, UINT32_MAX)));
  parser_->body_limit(limits.max_message_bytes);
  if (over_limit_) {
    beast::get_lowest_layer(stream_).expires_after(refused_read_timeout);
  } else {
    beast::get_lowest_layer(stream_).expires_after(limits.idle_timeout);
  }
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, this->shared_from_this()));
}

template <class Stream>
void HttpSession<Stream>::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  const std::string& server = state_.config.server_name;
  if (ec == http::error::end_of_stream) {
    shutdown(false);
    return;
  }
  if (ec == http::error::header_limit) {
    state_.counters.rejected_limits.fetch_add(1);
    respond(error_response(RpcError{rpc_code::invalid_request,
                                    "request header too large (limit " +
                                        std::to_string(state_.config.limits.max_header_bytes) + " bytes)",
                                    nullptr},
                           server, 11, false, 431),
            true);
    return;
  }
  if (ec == http::error::body_limit) {
    state_.counters.rejected_limits.fetch_add(1);
    respond(error_response(RpcError{rpc_code::invalid_request,
                                    "request body too large (limit " +
                                        std::to_string(state_.config.limits.max_message_bytes) + " bytes)",
                                    nullptr},
                           server, 11, false, 413),
            true);
    return;
  }
  if (ec && is_http_parse_error(ec)) {
    respond(error_response(RpcError{rpc_code::invalid_request, "bad HTTP request: " + ec.message(), nullptr},
                           server, 11, false, 400),
            true);
    return;
  }
  if (ec) {
    finish();  // timed out, reset, or closed by stop()
    return;
  }
  handle(parser_->release());
}

template <class Stream>
void HttpSession<Stream>::handle(HttpRequest request) {
  const std::string& server = state_.config.server_name;
  version_ = request.version();
  keep_alive_ = request.keep_alive();
  if (over_limit_) {
    state_.counters.rejected_limits.fetch_add(1);
    respond(error_response(RpcError{rpc_code::unavailable, "too many connections", nullptr}, server, version_,
                           false, 503));
    return;
  }
  if (boost::beast::websocket::is_upgrade(request)) {
    keep_alive_ = false;  // refused upgrades are closed
    const std::string_view target = request.target();
    if (path_of(target) != "/api/v1/ws") {
      respond(error_response(
          RpcError{rpc_code::method_not_found, "no WebSocket endpoint here: use /api/v1/ws", nullptr}, server,
          version_, false, 404));
      return;
    }
    const std::string_view origin = request[http::field::origin];
    if (!origin.empty()) {
      const auto& allowed = state_.config.allowed_origins;
      if (std::find(allowed.begin(), allowed.end(), origin) == allowed.end()) {
        state_.counters.rejected_auth.fetch_add(1);
        respond(error_response(
            RpcError{rpc_code::forbidden,
                     "forbidden: origin " + std::string(origin) + " is not in [api] allowed_origins",
                     nullptr},
            server, version_, false, 403));
        return;
      }
    }
    auto who = authenticate(state_.config.tokens, request[http::field::authorization], target);
    if (auto* error = std::get_if<RpcError>(&who)) {
      state_.counters.rejected_auth.fetch_add(1);
      respond(error_response(*error, server, version_, false));
      return;
    }
    handle_upgrade(std::move(request), std::get<Principal>(who));
    return;
  }

  const std::string_view target = request.target();
  auto who = authenticate(state_.config.tokens, request[http::field::authorization], target);
  if (auto* error = std::get_if<RpcError>(&who)) {
    state_.counters.rejected_auth.fetch_add(1);
    respond(error_response(*error, server, version_, keep_alive_));
    return;
  }
  const Principal principal = std::get<Principal>(std::move(who));
  state_.counters.requests.fetch_add(1);
  if (!bucket_.try_take(TokenBucket::Clock::now())) {
    state_.counters.rejected_limits.fetch_add(1);
    respond(error_response(
        RpcError{rpc_code::rate_limited, "rate limited: too many requests per second", nullptr}, server,
        version_, keep_alive_));
    return;
  }

  const std::string routed_target = without_query_parameter(target, "access_token");
  const std::string_view path = path_of(routed_target);
  const http::verb verb = request.method();
  auto not_allowed = [&](const char* allow) {
    HttpResponse res =
        error_response(RpcError{rpc_code::method_not_found, "method not allowed", Json{{"allow", allow}}},
                       server, version_, keep_alive_, 405);
    res.set(http::field::allow, allow);
    respond(std::move(res));
  };
  if (path == "/api/v1/openrpc.json" || path == "/api/v1/openapi.json") {
    if (verb != http::verb::get) return not_allowed("GET");
    const Json doc = path == "/api/v1/openrpc.json"
                         ? state_.methods.openrpc(state_.config.server_name, state_.config.version)
                         : state_.methods.openapi(state_.config.server_name, state_.config.version);
    respond(json_response(http::status::ok, doc, server, version_, keep_alive_));
    return;
  }
  if (path == "/api/v1/rpc") {
    if (verb != http::verb::post) return not_allowed("POST");
    call_rpc(request, principal);
    return;
  }
  if (path == "/api/v1/ws") {
    HttpResponse res =
        error_response(RpcError{rpc_code::invalid_request, "a WebSocket endpoint: upgrade required", nullptr},
                       server, version_, keep_alive_, 426);
    res.set(http::field::upgrade, "websocket");
    respond(std::move(res));
    return;
  }
  if (path.starts_with("/api/v1/")) {
    if (verb != http::verb::get && verb != http::verb::post) return not_allowed("GET, POST");
    call_rest(request, principal, routed_target);
    return;
  }
  respond(error_response(RpcError{rpc_code::method_not_found, "no such path: " + std::string(path), nullptr},
                         server, version_, keep_alive_, 404));
}

template <class Stream>
void HttpSession<Stream>::handle_upgrade(HttpRequest request, const Principal& principal) {
  upgraded_ = true;
  finished_ = true;
  auto session = std::make_shared<Session>(id_, Transport::websocket, peer_, principal);
  auto ws = std::make_shared<WebSocketSession<Stream>>(state_, std::move(stream_), std::move(slot_),
                                                       std::move(session));
  state_.remove(id_);  // the WebSocket session registers itself under the same id once upgraded
  ws->run(std::move(request));
}

template <class Stream>
std::shared_ptr<Session> HttpSession<Stream>::make_session(const Principal& principal) {
  return std::make_shared<Session>(state_.next_id(), Transport::http, peer_, principal);
}

template <class Stream>
void HttpSession<Stream>::call_rpc(const HttpRequest& request, const Principal& principal) {
  if (auto too_deep = check_json_depth(request.body(), state_.config.limits.max_json_depth)) {
    respond(json_response(http::status::bad_request, jsonrpc_error(nullptr, *too_deep),
                          state_.config.server_name, version_, keep_alive_));
    return;
  }
  Json message = Json::parse(request.body(), nullptr, false);
  if (message.is_discarded()) {
    const Json answer = jsonrpc_error(
        nullptr, RpcError{rpc_code::parse_error, "parse error: the body is not a JSON text", nullptr});
    respond(
        json_response(http::status::bad_request, answer, state_.config.server_name, version_, keep_alive_));
    return;
  }
  waiting_ = true;
  state_.endpoint.submit(
      make_session(principal), std::move(message),
      completion<HttpSession, std::optional<Json>>(
          state_.gate, this->weak_from_this(), [](HttpSession& s, std::optional<Json> answer) {
            if (s.finished_) return;
            s.waiting_ = false;
            const std::string& server = s.state_.config.server_name;
            if (answer) {
              s.respond(json_response(http::status::ok, *answer, server, s.version_, s.keep_alive_));
            } else {
              s.respond(no_content(server, s.version_, s.keep_alive_));
            }
          }));
}

template <class Stream>
void HttpSession<Stream>::call_rest(const HttpRequest& request, const Principal& principal,
                                    std::string_view target) {
  const std::string& server = state_.config.server_name;
  Json body = nullptr;
  if (!request.body().empty()) {
    if (auto too_deep = check_json_depth(request.body(), state_.config.limits.max_json_depth)) {
      respond(error_response(*too_deep, server, version_, keep_alive_));
      return;
    }
    body = Json::parse(request.body(), nullptr, false);
    if (body.is_discarded()) {
      respond(
          error_response(RpcError{rpc_code::parse_error, "parse error: the body is not a JSON text", nullptr},
                         server, version_, keep_alive_));
      return;
    }
  }
  const HttpVerb verb = request.method() == http::verb::get ? HttpVerb::get : HttpVerb::post;
  auto routed = state_.methods.route(verb, target, body);
  if (auto* error = std::get_if<RpcError>(&routed)) {
    if (error->code == rpc_code::method_not_found && error->data.is_object() &&
        error->data.contains("allow")) {
      HttpResponse res = error_response(*error, server, version_, keep_alive_, 405);
      if (error->data["allow"].is_string())
        res.set(http::field::allow, error->data["allow"].template get<std::string>());
      respond(std::move(res));
    } else {
      respond(error_response(*error, server, version_, keep_alive_));
    }
    return;
  }
  RoutedCall& call = std::get<RoutedCall>(routed);
  waiting_ = true;
  state_.endpoint.call(
      make_session(principal), *call.method, std::move(call.params),
      completion<HttpSession, MethodResult>(
          state_.gate, this->weak_from_this(), [](HttpSession& s, MethodResult result) {
            if (s.finished_) return;
            s.waiting_ = false;
            const std::string& srv = s.state_.config.server_name;
            if (auto* value = std::get_if<Json>(&result)) {
              s.respond(json_response(http::status::ok, *value, srv, s.version_, s.keep_alive_));
            } else {
              s.respond(error_response(std::get<RpcError>(result), srv, s.version_, s.keep_alive_));
            }
          }));
}

template <class Stream>
void HttpSession<Stream>::respond(HttpResponse response, bool linger) {
  response_ = std::make_shared<HttpResponse>(std::move(response));
  const bool close = !response_->keep_alive();
  beast::get_lowest_layer(stream_).expires_after(state_.config.limits.idle_timeout);
  http::async_write(
      stream_, *response_,
      beast::bind_front_handler(&HttpSession::on_write, this->shared_from_this(), close, linger));
}

template <class Stream>
void HttpSession<Stream>::on_write(bool close, bool linger, beast::error_code ec, std::size_t /*bytes*/) {
  response_.reset();
  if (ec) {
    finish();
    return;
  }
  if (close || state_.stopping.load()) {
    shutdown(linger);
    return;
  }
  read_request();
}

template <class Stream>
void HttpSession<Stream>::shutdown(bool linger) {
  if constexpr (is_tls<Stream>) {
    (void)linger;
    beast::get_lowest_layer(stream_).expires_after(linger_timeout);
    stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->finish(); });
  } else {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (!linger) {
      finish();
      return;
    }
    // Closing with unread request bytes would make the kernel send a reset, which can destroy the response
    // before the client read it: read and discard until the client closes (or a second passes).
    stream_.expires_after(linger_timeout);
    drain();
  }
}

template <class Stream>
void HttpSession<Stream>::drain() {
  if constexpr (!is_tls<Stream>) {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(16 * 1024),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) {
                                self->finish();
                                return;
                              }
                              self->buffer_.commit(n);
                              self->drain();
                            });
  }
}

template <class Stream>
void HttpSession<Stream>::close_for_stop() {
  asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
    if (self->finished_) return;
    self->finish();
  });
}

template <class Stream>
void HttpSession<Stream>::finish() {
  if (finished_) return;
  finished_ = true;
  beast::error_code ignored;
  beast::get_lowest_layer(stream_).socket().close(ignored);
  state_.remove(id_);
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

}  // namespace aiopid::api::detail
