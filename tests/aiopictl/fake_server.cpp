#include "fake_server.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdio>
#include <stdexcept>

namespace aiopictl::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

Json error_answer(const Json& id, int code, std::string message, Json data = nullptr) {
  Json error{{"code", code}, {"message", std::move(message)}};
  if (!data.is_null()) error["data"] = std::move(data);
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

/// The canned answers, by method (and name).
Json answer_for(const Json& request) {
  const Json id = request.value("id", Json());
  const std::string method = request.value("method", "");
  const Json params = request.value("params", Json::object());
  const std::string name = params.is_object() ? params.value("name", "") : "";
  auto ok = [&](Json result) { return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}; };
  if (method == "devices.list") {
    return ok(Json::parse(R"({"devices":[
      {"name":"porch_light","type":"digital_out","state":"open","value":false},
      {"name":"door","type":"digital_in","state":"open","value":true}]})"));
  }
  if (method == "devices.set") {
    if (name == "porch") return error_answer(id, -32005, "device porch is an input");
    return ok(Json{{"name", name}, {"value", params.value("value", Json())}});
  }
  if (method == "devices.get") return ok(Json{{"name", name}, {"type", "digital_in"}, {"value", true}});
  if (method == "events.set" && name == "locked") return error_answer(id, -32002, "forbidden: needs control");
  if (method == "tasks.list") return ok(Json::parse(R"([{"name":"heartbeat","state":"running","runs":3}])"));
  if (method == "daemon.reload") {
    return error_answer(
        id, -32007, "the new config has errors",
        Json{{"errors", {"aiopid.toml:3: unknown key 'pni'", "aiopid.toml:9: pin 99 out of range"}}});
  }
  if (method == "daemon.info") return ok(Json{{"version", "0.1.0"}, {"board", "fake"}});
  return error_answer(id, -32601, "method not found: " + method);
}

Json notification(int seq, std::string topic, Json data) {
  return Json{{"jsonrpc", "2.0"},
              {"method", "notify"},
              {"params",
               {{"seq", seq},
                {"topic", std::move(topic)},
                {"mono_us", 1000 * seq},
                {"time", "2026-12-06T10:15:0" + std::to_string(seq) + ".000000Z"},
                {"data", std::move(data)}}}};
}

}  // namespace

unsigned short closed_port() {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

FakeServer::FakeServer() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this] { serve(); });
}

FakeServer::FakeServer(const std::string& certificate_file, const std::string& key_file)
    : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  tls_.emplace(asio::ssl::context::tls_server);
  tls_->use_certificate_chain_file(certificate_file);
  tls_->use_private_key_file(key_file, asio::ssl::context::pem);
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this] { serve(); });
}

void write_self_signed_certificate(const std::string& certificate_file, const std::string& key_file) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  if (!key || !cert) throw std::runtime_error("OpenSSL: no key or certificate");
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"),
                             -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  if (!san) throw std::runtime_error("OpenSSL: subjectAltName");
  X509_add_ext(cert, san, -1);
  X509_EXTENSION_free(san);
  if (X509_sign(cert, key, EVP_sha256()) == 0) throw std::runtime_error("OpenSSL: X509_sign");
  std::FILE* c = std::fopen(certificate_file.c_str(), "w");
  std::FILE* k = std::fopen(key_file.c_str(), "w");
  if (!c || !k) throw std::runtime_error("cannot write the certificate or key file");
  PEM_write_X509(c, cert);
  PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(c);
  std::fclose(k);
  X509_free(cert);
  EVP_PKEY_free(key);
}

FakeServer::~FakeServer() {
  stopping_ = true;
  // Wake the blocking accept with a connection of our own.
  boost::system::error_code ignored;
  asio::io_context ioc;
  tcp::socket wake(ioc);
  wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ignored);
  thread_.join();
}

std::vector<RecordedRequest> FakeServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakeServer::record(RecordedRequest r) {
  std::lock_guard lock(mutex_);
  requests_.push_back(std::move(r));
}

void FakeServer::serve() {
  while (!stopping_) {
    tcp::socket socket(ioc_);
    boost::system::error_code ec;
    acceptor_.accept(socket, ec);
    if (ec || stopping_) break;
    try {
      handle(std::move(socket));
    } catch (const std::exception&) {
      // A client that went away mid-exchange (the timeout test, a refused upgrade): next connection.
    }
  }
}

void FakeServer::handle(tcp::socket socket) {
  if (!tls_) {
    exchange(socket);
    return;
  }
  asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls_);
  stream.handshake(asio::ssl::stream_base::server);  // throws when the client refuses the certificate
  exchange(stream);
}

template <class Stream>
void FakeServer::exchange(Stream& socket) {
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  http::read(socket, buffer, req);
  const std::string target(req.target());
  const std::string authorization(req[http::field::authorization]);

  auto respond = [&](http::status status, std::string content_type, std::string body) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::content_type, content_type);
    res.keep_alive(false);
    res.body() = std::move(body);
    res.prepare_payload();
    http::write(socket, res);
  };

  if (authorization == "Bearer wrong") {
    record({websocket::is_upgrade(req) ? "websocket" : "http", target, authorization, nullptr});
    respond(http::status::unauthorized, "application/json",
            R"({"error":{"code":-32001,"message":"unauthorized: unknown token"}})");
    return;
  }

  if (websocket::is_upgrade(req)) {
    websocket::stream<Stream&> ws(socket);
    ws.accept(req);
    for (;;) {
      beast::flat_buffer message;
      boost::system::error_code ec;
      ws.read(message, ec);
      if (ec) return;  // closed by the client
      Json request = Json::parse(beast::buffers_to_string(message.data()), nullptr, false);
      record({"websocket", target, authorization, request});
      ws.text(true);
      if (request.is_object() && request.value("method", "") == "subscribe") {
        const auto topics = request["params"].value("topics", Json::array());
        ws.write(asio::buffer(
            Json{{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", {{"subscribed", topics.size()}}}}
                .dump()));
        ws.write(asio::buffer(notification(1, "device.door.edge", Json{{"level", true}}).dump()));
        ws.write(asio::buffer(notification(2, "dropped", Json{{"dropped", 17}}).dump()));
        ws.write(asio::buffer(notification(3, "event.door.set", Json::object()).dump()));
        continue;
      }
      ws.write(asio::buffer(answer_for(request).dump()));
    }
  }

  Json body = Json::parse(req.body(), nullptr, false);
  record({"http", target, authorization, body.is_discarded() ? Json() : body});
  if (target == "/slow/api/v1/rpc") {
    // Never answer: wait for the client to give up and close.
    boost::system::error_code ec;
    char byte;
    socket.read_some(asio::buffer(&byte, 1), ec);
    return;
  }
  if (target == "/html/api/v1/rpc") {
    respond(http::status::ok, "text/html", "<html>not an API</html>");
    return;
  }
  if (target != "/api/v1/rpc" || req.method() != http::verb::post) {
    respond(http::status::not_found, "application/json", R"({"error":{"code":-32601,"message":"no route"}})");
    return;
  }
  respond(http::status::ok, "application/json", answer_for(body).dump());
}

}  // namespace aiopictl::testing
