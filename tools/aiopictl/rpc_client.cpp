#include "rpc_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <future>
#include <optional>

#include "failure.hpp"

#ifndef AIOPICTL_VERSION
#define AIOPICTL_VERSION "0"
#endif

namespace aiopictl {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::use_awaitable;

constexpr std::int64_t kRequestId = 1;
constexpr const char* kUserAgent = "aiopictl/" AIOPICTL_VERSION;
constexpr std::uint64_t kMaxAnswer = 64ull << 20;  // a list of many devices is still far below this

std::string describe(const boost::system::error_code& ec) {
  if (ec == asio::error::eof || ec == http::error::end_of_stream || ec == asio::error::connection_reset) {
    return "the server closed the connection";
  }
  if (ec.category() == asio::error::get_ssl_category() ||
      ec.category() == asio::ssl::error::get_stream_category()) {
    return "TLS: " + ec.message();
  }
  return ec.message();
}

std::optional<ssl::context> make_tls_context(const ClientOptions& o) {
  if (!o.url.tls) return std::nullopt;
  ssl::context ctx(ssl::context::tls_client);
  if (o.insecure) {
    ctx.set_verify_mode(ssl::verify_none);
    return ctx;
  }
  ctx.set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (!o.ca_file.empty()) {
    ctx.load_verify_file(o.ca_file, ec);
    if (ec) throw Failure::usage("--cacert " + o.ca_file + ": " + ec.message());
  } else {
    ctx.set_default_verify_paths(ec);
    if (ec) throw Failure::connection(o.url.text, "TLS: no system certificates: " + ec.message());
  }
  return ctx;
}

asio::awaitable<void> open(beast::tcp_stream& stream, const ClientOptions& o) {
  tcp::resolver resolver(co_await asio::this_coro::executor);
  const auto endpoints = co_await resolver.async_resolve(o.url.host, o.url.port, use_awaitable);
  co_await stream.async_connect(endpoints, use_awaitable);
  stream.socket().set_option(tcp::no_delay(true));
}

asio::awaitable<void> open(beast::ssl_stream<beast::tcp_stream>& stream, const ClientOptions& o) {
  co_await open(beast::get_lowest_layer(stream), o);
  boost::system::error_code not_an_address;
  asio::ip::make_address(o.url.host, not_an_address);
  // SNI carries names only (RFC 6066), never an address.
  if (not_an_address && !SSL_set_tlsext_host_name(stream.native_handle(), o.url.host.c_str())) {
    throw Failure::connection(o.url.text, "TLS: cannot set the server name");
  }
  if (!o.insecure) stream.set_verify_callback(ssl::host_name_verification(o.url.host));
  co_await stream.async_handshake(ssl::stream_base::client, use_awaitable);
}

Json parse_json(std::string_view text) {
  return Json::parse(text, nullptr, /*allow_exceptions=*/false);
}

/// An HTTP answer to `POST /api/v1/rpc` → the result, or the Failure it means.
Json interpret(const ClientOptions& o, const RpcCall& call, const http::response<http::string_body>& res) {
  const Json body = parse_json(res.body());
  const unsigned status = res.result_int();
  if (status == 401 || status == 403) {
    if (body.is_object() && body.contains("error")) {
      Failure f = Failure::from_rpc_error(call.method, body["error"]);
      throw Failure(ExitCode::auth, f.what(), f.details());
    }
    throw Failure(ExitCode::auth,
                  call.method + ": HTTP " + std::to_string(status) + " " + std::string(res.reason()));
  }
  if (body.is_discarded()) {
    throw Failure::connection(o.url.text, "HTTP " + std::to_string(status) + " " + std::string(res.reason()) +
                                              ", not a JSON-RPC answer");
  }
  return result_of(body, kRequestId, call.method, o.url.text);
}

template <class Stream>
asio::awaitable<Json> http_exchange(Stream& stream, const ClientOptions& o, const RpcCall& call) {
  http::request<http::string_body> req{http::verb::post, o.url.target("/api/v1/rpc"), 11};
  req.set(http::field::host, o.url.host_header());
  req.set(http::field::user_agent, kUserAgent);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, "application/json");
  if (!o.token.empty()) req.set(http::field::authorization, "Bearer " + o.token);
  req.keep_alive(false);
  req.body() = make_request(call, kRequestId).dump();
  req.prepare_payload();
  co_await http::async_write(stream, req, use_awaitable);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxAnswer);
  co_await http::async_read(stream, buffer, parser, use_awaitable);
  co_return interpret(o, call, parser.get());
}

asio::awaitable<Json> http_call(const ClientOptions& o, ssl::context* tls, const RpcCall& call) {
  auto executor = co_await asio::this_coro::executor;
  if (tls) {
    beast::ssl_stream<beast::tcp_stream> stream(executor, *tls);
    co_await open(stream, o);
    co_return co_await http_exchange(stream, o, call);
  }
  beast::tcp_stream stream(executor);
  co_await open(stream, o);
  co_return co_await http_exchange(stream, o, call);
}

// --- WebSocket

template <class Ws>
asio::awaitable<void> ws_handshake(Ws& ws, const ClientOptions& o) {
  co_await open(ws.next_layer(), o);
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout =
      o.timeout.count() > 0 ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(o.timeout)
                            : websocket::stream_base::none();
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator([token = o.token](websocket::request_type& req) {
    req.set(http::field::user_agent, kUserAgent);
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  }));
  ws.read_message_max(kMaxAnswer);
  websocket::response_type res;
  boost::system::error_code ec;
  co_await ws.async_handshake(res, o.url.host_header(), o.url.target("/api/v1/ws"),
                              asio::redirect_error(use_awaitable, ec));
  if (!ec) co_return;
  const unsigned status = res.result_int();
  if (status == 401 || status == 403) {
    throw Failure(ExitCode::auth, "WebSocket upgrade refused: HTTP " + std::to_string(status) + " " +
                                      std::string(res.reason()));
  }
  if (ec == websocket::error::upgrade_declined) {
    throw Failure::connection(o.url.text, "WebSocket upgrade refused: HTTP " + std::to_string(status) + " " +
                                              std::string(res.reason()));
  }
  throw boost::system::system_error(ec);
}

template <class Ws>
asio::awaitable<Json> ws_read(Ws& ws, const ClientOptions& o) {
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  co_await ws.async_read(buffer, asio::redirect_error(use_awaitable, ec));
  if (ec == websocket::error::closed) {
    const auto& reason = ws.reason();
    std::string why = "the server closed the WebSocket (" + std::to_string(reason.code);
    if (!reason.reason.empty()) why += " " + std::string(reason.reason.c_str());
    throw Failure::connection(o.url.text, why + ")");
  }
  if (ec) throw boost::system::system_error(ec);
  Json message = parse_json(beast::buffers_to_string(buffer.data()));
  if (message.is_discarded()) throw Failure::connection(o.url.text, "a WebSocket message that is not JSON");
  co_return message;
}

bool is_notification(const Json& message) {
  return message.is_object() && !message.contains("id") && message.contains("method");
}

/// Sends the request and reads up to its answer; notifications before it go to `on_notification` (`more`
/// becomes false when it wants no more).
template <class Ws>
asio::awaitable<Json> ws_request(Ws& ws, const ClientOptions& o, const RpcCall& call,
                                 const std::function<bool(const Json&)>* on_notification, bool& more) {
  ws.text(true);
  co_await ws.async_write(asio::buffer(make_request(call, kRequestId).dump()), use_awaitable);
  for (;;) {
    Json message = co_await ws_read(ws, o);
    if (is_notification(message)) {
      if (on_notification && more && message["method"] == "notify") {
        more = (*on_notification)(message.value("params", Json()));
      }
      continue;
    }
    co_return result_of(message, kRequestId, call.method, o.url.text);
  }
}

template <class Ws>
asio::awaitable<void> ws_close(Ws& ws) {
  boost::system::error_code
      ignored;  // the answer is in hand: a server that does not close cleanly is its business
  co_await ws.async_close(websocket::close_code::normal, asio::redirect_error(use_awaitable, ignored));
}

/// `bounded` is cleared once the part the timeout covers is over (the answer, or the subscription, is in).
template <class Ws>
asio::awaitable<Json> ws_session(Ws& ws, const ClientOptions& o, const RpcCall& call, bool& bounded,
                                 const std::function<bool(const Json&)>* on_notification) {
  co_await ws_handshake(ws, o);
  bool more = true;
  Json result = co_await ws_request(ws, o, call, on_notification, more);
  bounded = false;
  if (on_notification) {
    while (more) {
      Json message = co_await ws_read(ws, o);
      if (is_notification(message) && message["method"] == "notify") {
        more = (*on_notification)(message.value("params", Json()));
      }
    }
  }
  co_await ws_close(ws);
  co_return result;
}

asio::awaitable<Json> websocket_call(const ClientOptions& o, ssl::context* tls, const RpcCall& call,
                                     bool& bounded, const std::function<bool(const Json&)>* on_notification) {
  auto executor = co_await asio::this_coro::executor;
  if (tls) {
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(executor, *tls);
    co_return co_await ws_session(ws, o, call, bounded, on_notification);
  }
  websocket::stream<beast::tcp_stream> ws(executor);
  co_return co_await ws_session(ws, o, call, bounded, on_notification);
}

/// Runs `operation` to its end; while `bounded` is set, only until the timeout. Failures of the transport
/// become Failure (connection), naming the URL.
Json run(const ClientOptions& o, const std::function<asio::awaitable<Json>(ssl::context*)>& operation,
         const bool& bounded) {
  std::optional<ssl::context> tls = make_tls_context(o);
  asio::io_context ioc;
  std::future<Json> result = asio::co_spawn(ioc, operation(tls ? &*tls : nullptr), asio::use_future);
  const auto deadline = std::chrono::steady_clock::now() + o.timeout;
  while (result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    if (ioc.stopped()) break;
    if (bounded && o.timeout.count() > 0) {
      if (ioc.run_one_until(deadline) == 0 && std::chrono::steady_clock::now() >= deadline) {
        const auto ms = o.timeout.count();
        throw Failure::connection(
            o.url.text, "timed out after " +
                            (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms"));
      }
    } else {
      ioc.run_one();
    }
  }
  if (result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    throw Failure::connection(o.url.text,
                              "the exchange ended without an answer");  // not expected: a safety net
  }
  try {
    return result.get();
  } catch (const boost::system::system_error& e) {
    throw Failure::connection(o.url.text, describe(e.code()));
  }
}

}  // namespace

Json call_http(const ClientOptions& options, const RpcCall& call) {
  const bool bounded = true;
  return run(
      options, [&](ssl::context* tls) { return http_call(options, tls, call); }, bounded);
}

Json call_websocket(const ClientOptions& options, const RpcCall& call) {
  bool bounded = true;
  return run(
      options, [&](ssl::context* tls) { return websocket_call(options, tls, call, bounded, nullptr); },
      bounded);
}

void watch(const ClientOptions& options, const RpcCall& subscribe,
           const std::function<bool(const Json& params)>& on_notification) {
  bool bounded = true;
  (void)run(
      options,
      [&](ssl::context* tls) { return websocket_call(options, tls, subscribe, bounded, &on_notification); },
      bounded);
}

}  // namespace aiopictl
