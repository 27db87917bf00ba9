// A WebSocket connection after its HTTP upgrade was accepted (origin and token already checked): reads text
// messages, hands each to the Endpoint within the rate and in-flight limits, writes the answers and the
// notifications through its OutboundQueue one message at a time, and disconnects a client that stalls with a
// full queue. Everything runs on the connection's strand.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket.hpp>

#include "server_http_response.hpp"
#include "server_outbound_queue.hpp"
#include "server_rate_limiter.hpp"
#include "server_state.hpp"
#include "server_streams.hpp"

namespace aiopid::api::detail {

namespace websocket = boost::beast::websocket;

template <class Stream>
class WebSocketSession final : public Connection,
                               public std::enable_shared_from_this<WebSocketSession<Stream>> {
 public:
  WebSocketSession(ServerState& state, Stream&& stream, ConnectionSlot slot,
                   std::shared_ptr<Session> session);
  ~WebSocketSession() override;

  /// Completes the upgrade of `request` and starts reading.
  void run(HttpRequest request);

  void close_for_stop() override;
  [[nodiscard]] const Session* subscriber() const noexcept override { return session_.get(); }
  void notify(std::shared_ptr<const NotificationText> text) override;
  void report_dropped(std::uint64_t count) override;

  [[nodiscard]] auto executor() { return ws_.get_executor(); }

 private:
  void on_accept(beast::error_code ec);
  void read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void handle_message(std::string_view text);
  void reject(const Json& message, RpcError error);
  void on_answer(std::optional<Json> answer);
  void deliver(std::shared_ptr<const NotificationText> text);
  void push_answer(std::string text);
  void pump();
  void on_write(bool counted_notification, beast::error_code ec, std::size_t bytes);
  void arm_stall_timer();
  void on_stall_timer(beast::error_code ec);
  void close(websocket::close_code code, std::string_view reason);
  void finish();

  ServerState& state_;
  websocket::stream<Stream> ws_;
  ConnectionSlot slot_;
  const std::shared_ptr<Session> session_;
  const std::uint64_t id_;
  beast::flat_buffer buffer_;
  OutboundQueue queue_;
  TokenBucket bucket_;
  asio::steady_timer stall_timer_, close_timer_;
  std::string writing_text_;  // the message being written
  std::uint64_t seq_ = 0;
  std::size_t inflight_ = 0;
  bool registered_ = false, reading_ = false, read_paused_ = false, writing_ = false, stall_armed_ = false,
       closing_ = false, finished_ = false;
};

extern template class WebSocketSession<PlainStream>;
extern template class WebSocketSession<TlsStream>;

}  // namespace aiopid::api::detail
