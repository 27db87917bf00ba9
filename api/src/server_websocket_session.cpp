#include "server_websocket_session.hpp"

#include <algorithm>

#include <boost/beast/websocket/ssl.hpp>

#include "aiopid/api/json_depth.hpp"
#include "aiopid/api/jsonrpc.hpp"

namespace aiopid::api::detail {

namespace {

using namespace std::chrono_literals;

/// How long a closing handshake may take before the socket is simply closed (a stalled client cannot even
/// receive the close frame).
constexpr auto close_grace = 1s;

std::string error_answer(const Json& id, const RpcError& error) {
  return dump(jsonrpc_error(id, error));
}

}  // namespace

template <class Stream>
WebSocketSession<Stream>::WebSocketSession(ServerState& state, Stream&& stream, ConnectionSlot slot,
                                           std::shared_ptr<Session> session)
    : state_(state),
      ws_(std::move(stream)),
      slot_(std::move(slot)),
      session_(std::move(session)),
      id_(session_->id()),
      queue_(state.config.limits.max_queued),
      bucket_(state.config.limits.requests_per_second, state.config.limits.request_burst,
              TokenBucket::Clock::now()),
      stall_timer_(ws_.get_executor()),
      close_timer_(ws_.get_executor()) {}

template <class Stream>
WebSocketSession<Stream>::~WebSocketSession() = default;

template <class Stream>
void WebSocketSession<Stream>::run(HttpRequest request) {
  const Limits& limits = state_.config.limits;
  // Beast's keep-alive: a ping after ping_interval without a byte from the client, the connection closed
  // when nothing (not even the pong) came within another ping_interval.
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::min<std::chrono::steady_clock::duration>(limits.idle_timeout, 30s);
  if (limits.ping_interval.count() > 0) {
    timeouts.idle_timeout = 2 * limits.ping_interval;
    timeouts.keep_alive_pings = true;
  } else {
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
  }
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(timeouts);
  ws_.set_option(
      websocket::stream_base::decorator([server = state_.config.server_name](websocket::response_type& res) {
        res.set(http::field::server, server);
      }));
  ws_.read_message_max(limits.max_message_bytes);
  ws_.auto_fragment(false);
  // Beast reads the request while building the response, before async_accept returns; the request may go.
  ws_.async_accept(request,
                   beast::bind_front_handler(&WebSocketSession::on_accept, this->shared_from_this()));
}

template <class Stream>
void WebSocketSession<Stream>::on_accept(beast::error_code ec) {
  if (ec || state_.stopping.load()) {
    finish();
    return;
  }
  state_.add(id_, this->shared_from_this());
  registered_ = true;
  read();
}

template <class Stream>
void WebSocketSession<Stream>::read() {
  reading_ = true;
  ws_.async_read(buffer_, beast::bind_front_handler(&WebSocketSession::on_read, this->shared_from_this()));
}

template <class Stream>
void WebSocketSession<Stream>::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  reading_ = false;
  if (ec) {
    // The client closed, timed out, sent a message too big or invalid UTF-8 (Beast answered with the close
    // code), or the connection broke.
    finish();
    return;
  }
  if (!ws_.got_text()) {
    buffer_.consume(buffer_.size());
    close(websocket::close_code::unknown_data, "text messages only (JSON-RPC 2.0)");
    return;
  }
  const auto data = buffer_.data();
  handle_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
  buffer_.consume(buffer_.size());
  if (closing_) return;
  // A client that sends but does not read stops being read once its answers pile up.
  if (queue_.answers() >= std::max<std::size_t>(state_.config.limits.max_inflight, 1)) {
    read_paused_ = true;
    return;
  }
  read();
}

template <class Stream>
void WebSocketSession<Stream>::handle_message(std::string_view text) {
  if (auto too_deep = check_json_depth(text, state_.config.limits.max_json_depth)) {
    push_answer(error_answer(nullptr, *too_deep));
    return;
  }
  Json message = Json::parse(text, nullptr, false);
  if (message.is_discarded()) {
    push_answer(
        error_answer(nullptr, RpcError{rpc_code::parse_error, "parse error: not a JSON text", nullptr}));
    return;
  }
  const Limits& limits = state_.config.limits;
  if (!bucket_.try_take(TokenBucket::Clock::now())) {
    reject(message, RpcError{rpc_code::rate_limited, "rate limited: too many requests per second", nullptr});
    return;
  }
  if (inflight_ >= limits.max_inflight) {
    reject(message, RpcError{rpc_code::rate_limited, "too many requests in flight", nullptr});
    return;
  }
  ++inflight_;
  state_.counters.requests.fetch_add(1);
  try {
    state_.endpoint.submit(
        session_, std::move(message),
        completion<WebSocketSession, std::optional<Json>>(
            state_.gate, this->weak_from_this(),
            [](WebSocketSession& s, std::optional<Json> answer) { s.on_answer(std::move(answer)); }));
  } catch (const std::exception& e) {
    --inflight_;
    push_answer(error_answer(
        nullptr, RpcError{rpc_code::internal_error, std::string("internal error: ") + e.what(), nullptr}));
  }
}

template <class Stream>
void WebSocketSession<Stream>::reject(const Json& message, RpcError error) {
  state_.counters.rejected_limits.fetch_add(1);
  // Every request of the message gets the error (a batch: an array); notifications get nothing.
  if (std::optional<Json> answer = refuse(message, error)) push_answer(dump(*answer));
}

template <class Stream>
void WebSocketSession<Stream>::on_answer(std::optional<Json> answer) {
  if (inflight_ > 0) --inflight_;
  if (answer && !closing_) push_answer(dump(*answer));
}

template <class Stream>
void WebSocketSession<Stream>::notify(std::shared_ptr<const NotificationText> text) {
  asio::post(ws_.get_executor(), [self = this->shared_from_this(), text = std::move(text)]() mutable {
    self->deliver(std::move(text));
  });
}

template <class Stream>
void WebSocketSession<Stream>::report_dropped(std::uint64_t count) {
  asio::post(ws_.get_executor(), [self = this->shared_from_this(), count] {
    if (self->closing_) return;
    self->queue_.add_dropped(count);
    self->pump();
  });
}

template <class Stream>
void WebSocketSession<Stream>::deliver(std::shared_ptr<const NotificationText> text) {
  if (closing_) return;
  const std::size_t dropped = queue_.push_notification(std::move(text), OutboundQueue::Clock::now());
  if (dropped > 0) {
    state_.counters.notifications_dropped.fetch_add(dropped);
    arm_stall_timer();
  }
  pump();
}

template <class Stream>
void WebSocketSession<Stream>::push_answer(std::string text) {
  queue_.push_answer(std::move(text));
  pump();
}

template <class Stream>
void WebSocketSession<Stream>::pump() {
  if (writing_ || closing_) return;
  std::optional<OutboundMessage> next = queue_.pop();
  if (!next) return;
  bool counted = false;
  switch (next->kind) {
    case OutboundMessage::Kind::answer:
      writing_text_ = std::move(next->text);
      break;
    case OutboundMessage::Kind::notification:
      writing_text_ = next->note->with_seq(++seq_);
      counted = true;
      break;
    case OutboundMessage::Kind::dropped:
      writing_text_ = dropped_text(++seq_, next->dropped);
      break;
  }
  writing_ = true;
  ws_.text(true);
  ws_.async_write(asio::buffer(writing_text_),
                  beast::bind_front_handler(&WebSocketSession::on_write, this->shared_from_this(), counted));
}

template <class Stream>
void WebSocketSession<Stream>::on_write(bool counted_notification, beast::error_code ec,
                                        std::size_t /*bytes*/) {
  writing_ = false;
  if (ec) {
    finish();
    return;
  }
  queue_.on_progress();
  if (counted_notification) state_.counters.notifications_sent.fetch_add(1);
  if (read_paused_ && !closing_ &&
      queue_.answers() < std::max<std::size_t>(state_.config.limits.max_inflight, 1)) {
    read_paused_ = false;
    read();
  }
  pump();
}

template <class Stream>
void WebSocketSession<Stream>::arm_stall_timer() {
  if (stall_armed_ || closing_) return;
  stall_armed_ = true;
  stall_timer_.expires_after(state_.config.limits.stall_timeout);
  stall_timer_.async_wait(
      beast::bind_front_handler(&WebSocketSession::on_stall_timer, this->shared_from_this()));
}

template <class Stream>
void WebSocketSession<Stream>::on_stall_timer(beast::error_code ec) {
  stall_armed_ = false;
  if (ec || closing_) return;
  const auto since = queue_.full_since();
  if (!since) return;  // the client caught up; the next drop arms the timer again
  const auto timeout =
      std::chrono::duration_cast<OutboundQueue::Clock::duration>(state_.config.limits.stall_timeout);
  if (queue_.stalled(OutboundQueue::Clock::now(), timeout)) {
    state_.counters.clients_disconnected_slow.fetch_add(1);
    close(websocket::close_code::policy_error, "too slow: the outbound queue stayed full");
    return;
  }
  // Progress was made since the timer was armed; the current stall began later.
  stall_armed_ = true;
  stall_timer_.expires_at(*since + timeout);
  stall_timer_.async_wait(
      beast::bind_front_handler(&WebSocketSession::on_stall_timer, this->shared_from_this()));
}

template <class Stream>
void WebSocketSession<Stream>::close(websocket::close_code code, std::string_view reason) {
  if (closing_) return;
  closing_ = true;
  stall_timer_.cancel();
  close_timer_.expires_after(close_grace);
  close_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
    if (!ec) self->finish();
  });
  ws_.async_close(websocket::close_reason(code, reason),
                  [self = this->shared_from_this()](beast::error_code) { self->finish(); });
}

template <class Stream>
void WebSocketSession<Stream>::close_for_stop() {
  asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
    self->close(websocket::close_code::going_away, "server stopping");
  });
}

template <class Stream>
void WebSocketSession<Stream>::finish() {
  if (finished_) return;
  finished_ = true;
  closing_ = true;
  stall_timer_.cancel();
  close_timer_.cancel();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  if (registered_) state_.remove(id_);
}

template class WebSocketSession<PlainStream>;
template class WebSocketSession<TlsStream>;

}  // namespace aiopid::api::detail
