// The notifications the core loop published and the API thread has not fanned out yet. publish() pushes
// from the loop's thread; one drain handler, posted only when the backlog goes from idle to non-empty, takes
// everything on the API thread (one post per burst, not per notification). The backlog is bounded: beyond
// its capacity the oldest notification is dropped and counted, and the drain tells every subscribed
// connection how many went. So a loop that publishes faster than the API thread fans out (a chattering
// input, debug log lines) cannot make the io_context's queue grow without bound.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>

#include "aiopid/api/notification.hpp"

namespace aiopid::api::detail {

class PublishBacklog {
 public:
  /// At least one notification is kept (a capacity of 0 is taken as 1).
  explicit PublishBacklog(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

  struct Pushed {
    bool post_drain = false;  ///< no drain was pending: the caller posts one
    bool dropped = false;     ///< the backlog was full: its oldest notification was dropped
  };
  /// From any thread: queues `n`, dropping the oldest when full.
  Pushed push(Notification n) {
    Pushed pushed;
    std::lock_guard lock(mutex_);
    if (queue_.size() >= capacity_) {
      queue_.pop_front();
      ++dropped_;
      pushed.dropped = true;
    }
    queue_.push_back(std::move(n));
    pushed.post_drain = !drain_pending_;
    drain_pending_ = true;
    return pushed;
  }

  /// From the drain: moves everything queued into `into` (which must be empty; swapped, so its storage is
  /// reused) and returns how many were dropped since the last take. A push after this posts a new drain.
  std::uint64_t take(std::deque<Notification>& into) {
    std::lock_guard lock(mutex_);
    into.swap(queue_);
    drain_pending_ = false;
    return std::exchange(dropped_, 0);
  }

  /// After the API thread ended: what was never fanned out goes.
  void clear() {
    std::deque<Notification> doomed;
    std::lock_guard lock(mutex_);
    doomed.swap(queue_);
    dropped_ = 0;
    drain_pending_ = false;
  }

  [[nodiscard]] std::size_t size() {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::deque<Notification> queue_;  // guarded by mutex_
  std::uint64_t dropped_ = 0;       // guarded by mutex_
  bool drain_pending_ = false;      // guarded by mutex_
};

}  // namespace aiopid::api::detail
