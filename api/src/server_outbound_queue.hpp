// A connection's outbound messages in the order they go out: answers to requests (never dropped; bounded by
// the in-flight limit) and notifications (at most `max_notifications` queued; beyond that the oldest queued
// notifications are dropped and counted, and the client is told how many before its next notification, or
// at once when nothing else is queued). It also tracks whether the client stalls: the queue full and nothing
// accepted since. No I/O here: the WebSocket session feeds it and writes what pop() gives, one message at a
// time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "aiopid/api/notification_text.hpp"

namespace aiopid::api::detail {

/// What to write next.
struct OutboundMessage {
  enum class Kind { answer, notification, dropped };
  Kind kind = Kind::answer;
  std::string text;                              ///< answer: the serialised answer
  std::shared_ptr<const NotificationText> note;  ///< notification: completed with its seq when written
  std::uint64_t dropped = 0;                     ///< dropped: how many notifications were dropped
};

class OutboundQueue {
 public:
  using Clock = std::chrono::steady_clock;

  explicit OutboundQueue(std::size_t max_notifications) : max_notifications_(max_notifications) {}

  void push_answer(std::string text);
  /// Queues a notification; returns how many older ones were dropped to make room (0 or 1). A drop marks the
  /// queue full at `now` (the start of a stall) unless it already was.
  std::size_t push_notification(std::shared_ptr<const NotificationText> note, Clock::time_point now);
  /// `count` notifications were dropped before they reached this queue (the server's publish backlog was
  /// full): reported like the queue's own drops. Not a stall: the client did nothing wrong.
  void add_dropped(std::uint64_t count) noexcept { unreported_drops_ += count; }
  /// The next message to write, or nullopt. A pending drop report goes out right before the next
  /// notification, or at once when nothing is queued.
  std::optional<OutboundMessage> pop();
  /// The client accepted a message: it is not stalled.
  void on_progress() noexcept { full_since_.reset(); }

  /// Full (dropping) and nothing accepted for at least `timeout`.
  [[nodiscard]] bool stalled(Clock::time_point now, Clock::duration timeout) const noexcept {
    return full_since_ && now - *full_since_ >= timeout;
  }
  /// When the current stall began (nullopt: not stalled).
  [[nodiscard]] std::optional<Clock::time_point> full_since() const noexcept { return full_since_; }
  [[nodiscard]] std::size_t answers() const noexcept { return answers_; }
  [[nodiscard]] std::size_t notifications() const noexcept { return notifications_; }
  [[nodiscard]] std::uint64_t unreported_drops() const noexcept { return unreported_drops_; }
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }

 private:
  std::size_t max_notifications_;
  std::deque<OutboundMessage> items_;
  std::size_t answers_ = 0, notifications_ = 0;
  std::uint64_t unreported_drops_ = 0;
  std::optional<Clock::time_point> full_since_;
};

}  // namespace aiopid::api::detail
