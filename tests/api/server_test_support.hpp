// Helpers of the server's socket tests: a fake Endpoint that answers from a thread of its own (as the core
// loop would) and can hold answers back, a small registry with REST routes, Beast's synchronous HTTP and
// WebSocket clients (with a receive timeout as a safety net), curl as a subprocess, and a self-signed
// certificate made with the openssl command.
#pragma once

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "aiopi/task.hpp"
#include "aiopid/api/endpoint.hpp"
#include "aiopid/api/jsonrpc.hpp"
#include "aiopid/api/method_registry.hpp"
#include "aiopid/api/server.hpp"
#include "aiopid/api/token_store.hpp"

namespace aiopid::api::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

/// Answers on a worker thread. JSON-RPC methods: "echo" (result = params), "subscribe" {topics} (patterns
/// added to the session; result {"subscribed": n}), "whoami" ({name, scope}), "hold" (answered only by
/// release_held()), "block" (holds the API thread until unblock_api_thread(), then like "echo"); anything
/// else -32601. REST calls answer {"method", "params", "caller"}; with
/// hold_calls set they are held too.
class FakeEndpoint final : public Endpoint {
 public:
  FakeEndpoint() : worker_([this] { work(); }) {}
  ~FakeEndpoint() override {
    {
      std::lock_guard lock(mutex_);
      quit_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  void submit(std::shared_ptr<Session> session, Json message,
              std::function<void(std::optional<Json>)> done) override {
    submitted_.fetch_add(1);
    if (message.is_object() && message.value("method", "") == "block") block_api_thread();
    enqueue([this, session, message = std::move(message), done = std::move(done)]() mutable {
      if (message.is_object() && message.value("method", "") == "hold") {
        std::lock_guard lock(held_mutex_);
        held_.push_back([done, id = message.value("id", Json())] { done(jsonrpc_result(id, "released")); });
        return;
      }
      done(answer(*session, message));
    });
  }

  void call(std::shared_ptr<Session> session, const MethodSpec& method, Json params,
            std::function<void(MethodResult)> done) override {
    enqueue(
        [this, session, name = method.name, params = std::move(params), done = std::move(done)]() mutable {
          Json result = {{"method", name}, {"params", params}, {"caller", session->principal().token_name}};
          if (hold_calls.load()) {
            std::lock_guard lock(held_mutex_);
            held_.push_back([done, result] { done(MethodResult(result)); });
            return;
          }
          done(MethodResult(std::move(result)));
        });
  }

  /// Answers every held request (from this thread; the server may have stopped meanwhile).
  void release_held() {
    std::vector<std::function<void()>> held;
    {
      std::lock_guard lock(held_mutex_);
      held.swap(held_);
    }
    for (auto& f : held)
      f();
  }
  std::size_t held() {
    std::lock_guard lock(held_mutex_);
    return held_.size();
  }
  /// Waits (safety net: 10 s) until `n` requests are held.
  bool wait_held(std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (held() < n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }

  /// Waits (safety net: 10 s) until a "block" request holds the API thread.
  bool wait_api_thread_blocked() {
    std::unique_lock lock(block_mutex_);
    return block_cv_.wait_for(lock, 10s, [this] { return api_blocked_; });
  }
  /// Lets the API thread go on from a "block" request.
  void unblock_api_thread() {
    {
      std::lock_guard lock(block_mutex_);
      api_released_ = true;
    }
    block_cv_.notify_all();
  }

  std::atomic<bool> hold_calls{false};
  std::atomic<int> submitted_{0};

 private:
  /// A "block" request stops the API thread right here (submit() runs on it) until unblock_api_thread(), so a
  /// test can pile up work for it deterministically (safety net: 30 s). Answered like "echo".
  void block_api_thread() {
    std::unique_lock lock(block_mutex_);
    api_blocked_ = true;
    block_cv_.notify_all();
    block_cv_.wait_for(lock, 30s, [this] { return api_released_; });
    api_blocked_ = false;
  }

  static std::optional<Json> answer_one(Session& session, const Json& request) {
    if (!request.is_object() || !request.contains("method")) {
      return jsonrpc_error(nullptr, RpcError{rpc_code::invalid_request, "invalid request", nullptr});
    }
    const bool is_notification = !request.contains("id");
    const Json id = request.value("id", Json());
    const std::string method = request["method"].get<std::string>();
    const Json params = request.value("params", Json::object());
    Json result;
    if (method == "echo" || method == "block") {
      result = params;
    } else if (method == "subscribe") {
      result = {{"subscribed", session.subscribe(params.at("topics").get<std::vector<std::string>>(), -1)}};
    } else if (method == "whoami") {
      result = {{"name", session.principal().token_name}, {"scope", scope_name(session.principal().scope)}};
    } else {
      if (is_notification) return std::nullopt;
      return jsonrpc_error(id, RpcError{rpc_code::method_not_found, "method not found: " + method, nullptr});
    }
    if (is_notification) return std::nullopt;
    return jsonrpc_result(id, std::move(result));
  }

  static std::optional<Json> answer(Session& session, const Json& message) {
    if (!message.is_array()) return answer_one(session, message);
    if (message.empty())
      return jsonrpc_error(nullptr, RpcError{rpc_code::invalid_request, "empty batch", nullptr});
    Json answers = Json::array();
    for (const Json& m : message) {
      if (auto a = answer_one(session, m)) answers.push_back(std::move(*a));
    }
    if (answers.empty()) return std::nullopt;
    return answers;
  }

  void enqueue(std::function<void()> f) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(f));
    }
    cv_.notify_one();
  }
  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      cv_.wait(lock, [this] { return quit_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto f = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      f();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool quit_ = false;
  std::mutex held_mutex_;
  std::vector<std::function<void()>> held_;
  std::mutex block_mutex_;
  std::condition_variable block_cv_;
  bool api_blocked_ = false, api_released_ = false;  // guarded by block_mutex_
  std::thread worker_;
};

inline MethodSpec rest_method(std::string name, HttpVerb verb, std::string path,
                              std::vector<ParamSpec> params) {
  MethodSpec m;
  m.name = std::move(name);
  m.summary = "test method " + m.name;
  m.params = std::move(params);
  m.result_schema = Json::object();
  m.rest = RestRoute{verb, std::move(path)};
  m.handler = [](CallContext&) -> aiopi::Task<MethodResult> { co_return MethodResult(Json(nullptr)); };
  return m;
}

/// devices.list GET /api/v1/devices, devices.get {name} GET /api/v1/devices/{name}, devices.set {name, value}
/// POST /api/v1/devices/{name}.
inline std::unique_ptr<MethodRegistry> test_registry() {
  auto r = std::make_unique<MethodRegistry>();
  ParamSpec name;
  name.name = "name";
  ParamSpec value;
  value.name = "value";
  value.type = ParamType::any;
  r->add(rest_method("devices.list", HttpVerb::get, "/api/v1/devices", {}));
  r->add(rest_method("devices.get", HttpVerb::get, "/api/v1/devices/{name}", {name}));
  r->add(rest_method("devices.set", HttpVerb::post, "/api/v1/devices/{name}", {name, value}));
  return r;
}

inline ServerConfig loopback_config() {
  ServerConfig c;
  c.listen = {"127.0.0.1"};
  c.port = 0;
  c.version = "test";
  return c;
}

inline TokenStore tokens_with(std::string name, Scope scope, std::string_view token) {
  TokenStore store;
  store.add(TokenEntry{std::move(name), scope, TokenStore::sha256(token)});
  return store;
}

/// A server on a free loopback port with the test registry and a fake endpoint.
struct Harness {
  explicit Harness(ServerConfig config = loopback_config()) : registry(test_registry()) {
    server = std::make_unique<Server>(std::move(config), *registry, endpoint);
  }
  bool start() {
    errors = server->start();
    return errors.empty();
  }
  std::unique_ptr<MethodRegistry> registry;
  FakeEndpoint endpoint;
  std::unique_ptr<Server> server;
  std::vector<std::string> errors;
};

/// Polls `pred` until true (safety net: 20 s).
template <class Pred>
bool eventually(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

/// A receive timeout on a blocking socket, so a test that waits for a message that never comes fails
/// instead of hanging.
inline void set_receive_timeout(tcp::socket& s, std::chrono::seconds t) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(t.count());
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

struct HttpResult {
  int status = 0;
  std::string body;
  http::fields headers;
  [[nodiscard]] Json json() const { return Json::parse(body, nullptr, false); }
};

/// One HTTP/1.1 connection (keep-alive) with Beast's synchronous client.
class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port, std::string host = "127.0.0.1") : socket_(ioc_) {
    tcp::resolver resolver(ioc_);
    asio::connect(socket_, resolver.resolve(host, std::to_string(port)));
    set_receive_timeout(socket_, 10s);
  }
  HttpResult request(http::verb verb, std::string target, std::string body = {},
                     std::vector<std::pair<http::field, std::string>> headers = {}, bool keep_alive = true) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(keep_alive);
    for (auto& [f, v] : headers)
      req.set(f, v);
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = std::move(body);
    }
    req.prepare_payload();
    http::write(socket_, req);
    return read();
  }
  HttpResult read() {
    http::response<http::string_body> res;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(socket_, buffer_, parser);
    res = parser.release();
    return HttpResult{static_cast<int>(res.result_int()), res.body(), static_cast<http::fields>(res.base())};
  }
  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

inline HttpResult http_get(std::uint16_t port, std::string target,
                           std::vector<std::pair<http::field, std::string>> headers = {}) {
  HttpClient c(port);
  return c.request(http::verb::get, std::move(target), {}, std::move(headers), false);
}
inline HttpResult http_post(std::uint16_t port, std::string target, std::string body,
                            std::vector<std::pair<http::field, std::string>> headers = {}) {
  HttpClient c(port);
  return c.request(http::verb::post, std::move(target), std::move(body), std::move(headers), false);
}

/// Beast's synchronous WebSocket client (plain or TLS).
template <class NextLayer>
class BasicWsClient {
 public:
  /// Connects and upgrades; `status` gets the HTTP status of the handshake's response (101 on success), and
  /// ok() tells whether the upgrade succeeded.
  template <class... Ctx>
  BasicWsClient(std::uint16_t port, std::string target,
                std::vector<std::pair<http::field, std::string>> headers, Ctx&... ctx)
      : ws_(ioc_, ctx...) {
    tcp::resolver resolver(ioc_);
    auto& socket = beast::get_lowest_layer(ws_);
    asio::connect(socket, resolver.resolve("127.0.0.1", std::to_string(port)));
    set_receive_timeout(socket, 10s);
    if constexpr (sizeof...(Ctx) > 0) ws_.next_layer().handshake(asio::ssl::stream_base::client);
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (auto& [f, v] : headers)
        req.set(f, v);
    }));
    websocket::response_type res;
    beast::error_code ec;
    ws_.handshake(res, "127.0.0.1:" + std::to_string(port), target, ec);
    status = res.result_int();
    body = res.body();
    ok_ = !ec;
  }
  [[nodiscard]] bool ok() const { return ok_; }

  void send(const std::string& text) {
    ws_.text(true);
    ws_.write(asio::buffer(text));
  }
  void send(const Json& j) { send(j.dump()); }
  /// The next message (throws on timeout / close).
  Json receive() {
    beast::flat_buffer buffer;
    ws_.read(buffer);
    return Json::parse(beast::buffers_to_string(buffer.data()));
  }
  /// The error that ends reading (the close code is in reason()).
  beast::error_code read_until_closed() {
    beast::error_code ec;
    for (;;) {
      beast::flat_buffer buffer;
      ws_.read(buffer, ec);
      if (ec) return ec;
    }
  }
  /// Sends a request and returns its answer, skipping notifications received meanwhile.
  Json call(const std::string& method, Json params = Json::object(), int id = 1) {
    send(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    for (;;) {
      Json m = receive();
      if (!m.contains("method")) return m;
    }
  }
  websocket::stream<NextLayer>& stream() { return ws_; }

  int status = 0;
  std::string body;

 private:
  asio::io_context ioc_;
  websocket::stream<NextLayer> ws_;
  bool ok_ = false;
};

using WsClient = BasicWsClient<tcp::socket>;
using WssClient = BasicWsClient<beast::ssl_stream<tcp::socket>>;

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

/// Runs `curl -sS ARGS` and returns the status (curl's %{http_code}) and the body.
inline HttpResult curl(const std::vector<std::string>& args) {
  std::string command = "curl -sS --max-time 20 -w '\\n%{http_code}'";
  for (const auto& a : args)
    command += " " + shell_quote(a);
  command += " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  HttpResult r;
  if (pipe == nullptr) return r;
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0)
    out.append(buf, n);
  ::pclose(pipe);
  const auto nl = out.rfind('\n');
  if (nl == std::string::npos) return r;
  r.status = std::atoi(out.c_str() + nl + 1);
  r.body = out.substr(0, nl);
  return r;
}

/// A temporary directory with a self-signed certificate for 127.0.0.1 (cert.pem, key.pem).
struct SelfSignedCert {
  SelfSignedCert() {
    char tmpl[] = "/tmp/aiopid-api-tls-XXXXXX";
    dir = ::mkdtemp(tmpl);
    cert = dir / "cert.pem";
    key = dir / "key.pem";
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
        key.string() + " -out " + cert.string() + " >/dev/null 2>&1";
    ok = std::system(command.c_str()) == 0;
  }
  ~SelfSignedCert() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path dir, cert, key;
  bool ok = false;
};

}  // namespace aiopid::api::test
