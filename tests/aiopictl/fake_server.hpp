// A stand-in for aiopid's remote API in the test process: Boost.Beast, synchronous, one connection at a time
// on its own thread, at http://127.0.0.1:PORT. `POST /api/v1/rpc` and the WebSocket at `/api/v1/ws` answer
// canned JSON-RPC results (fake_server.cpp lists them); `subscribe` is answered, then three notifications
// follow (seq 1 device.door.edge, seq 2 a "dropped" notice, seq 3 event.door.set). The token "wrong" is
// refused with 401; no token is let in. `/slow/api/v1/rpc` never answers; `/html/api/v1/rpc` answers HTML.
// Given a certificate and key it speaks TLS only (https://, wss://).
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aiopid/api/json.hpp"

namespace aiopictl::testing {

using aiopid::api::Json;

struct RecordedRequest {
  std::string transport;      ///< "http" or "websocket"
  std::string target;         ///< "/api/v1/rpc"
  std::string authorization;  ///< the header as sent ("" when none)
  Json body;                  ///< the JSON-RPC request (null when not JSON)
};

class FakeServer {
 public:
  FakeServer();
  /// TLS with this PEM certificate chain and private key.
  FakeServer(const std::string& certificate_file, const std::string& key_file);
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  [[nodiscard]] std::string url() const {
    return (tls_ ? "https" : "http") + std::string("://127.0.0.1:") + std::to_string(port_);
  }
  [[nodiscard]] unsigned short port() const { return port_; }
  /// Every request received so far (the WebSocket's messages one by one).
  [[nodiscard]] std::vector<RecordedRequest> requests() const;

 private:
  void serve();
  void handle(boost::asio::ip::tcp::socket socket);
  template <class Stream>
  void exchange(Stream& stream);
  void record(RecordedRequest r);

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::optional<boost::asio::ssl::context> tls_;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
  std::thread thread_;
};

/// A loopback port nothing listens on (bound, then released).
[[nodiscard]] unsigned short closed_port();

/// Writes a new self-signed certificate (EC P-256, SHA-256, valid for a day; subjectAltName DNS:localhost and
/// IP:127.0.0.1) and its key as PEM files.
void write_self_signed_certificate(const std::string& certificate_file, const std::string& key_file);

}  // namespace aiopictl::testing
