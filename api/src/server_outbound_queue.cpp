#include "server_outbound_queue.hpp"

#include <algorithm>

namespace aiopid::api::detail {

void OutboundQueue::push_answer(std::string text) {
  items_.push_back(OutboundMessage{OutboundMessage::Kind::answer, std::move(text), nullptr, 0});
  ++answers_;
}

std::size_t OutboundQueue::push_notification(std::shared_ptr<const NotificationText> note,
                                             Clock::time_point now) {
  std::size_t dropped = 0;
  if (notifications_ >= max_notifications_) {
    // Answers may sit between notifications; the oldest notification is the first one from the front.
    auto oldest = std::find_if(items_.begin(), items_.end(), [](const OutboundMessage& m) {
      return m.kind == OutboundMessage::Kind::notification;
    });
    if (oldest != items_.end()) {
      items_.erase(oldest);
      --notifications_;
      ++unreported_drops_;
      dropped = 1;
    } else {
      // max_notifications == 0: nothing can be queued, the new one is the drop.
      ++unreported_drops_;
      if (!full_since_) full_since_ = now;
      return 1;
    }
    if (!full_since_) full_since_ = now;
  }
  items_.push_back(OutboundMessage{OutboundMessage::Kind::notification, {}, std::move(note), 0});
  ++notifications_;
  return dropped;
}

std::optional<OutboundMessage> OutboundQueue::pop() {
  const bool report_due =
      unreported_drops_ > 0 && (items_.empty() || items_.front().kind == OutboundMessage::Kind::notification);
  if (report_due) {
    OutboundMessage report{OutboundMessage::Kind::dropped, {}, nullptr, unreported_drops_};
    unreported_drops_ = 0;
    return report;
  }
  if (items_.empty()) return std::nullopt;
  OutboundMessage m = std::move(items_.front());
  items_.pop_front();
  if (m.kind == OutboundMessage::Kind::answer) {
    --answers_;
  } else {
    --notifications_;
  }
  return m;
}

}  // namespace aiopid::api::detail
