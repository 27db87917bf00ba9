#include "aiopi/timer_queue.hpp"

#include <bit>
#include <limits>

namespace aiopi {

TimerNode::~TimerNode() {
  if (armed() && queue_ != nullptr) queue_->cancel(*this);
}

int TimerQueue::bucket_of(std::int64_t deadline) const noexcept {
  // Caller guarantees deadline > last_, so the xor is non-zero.
  const auto diff = static_cast<std::uint64_t>(deadline) ^ static_cast<std::uint64_t>(last_);
  return 63 - std::countl_zero(diff);
}

void TimerQueue::insert(TimerNode& node) noexcept {
  if (node.deadline_ <= last_) {
    due_.push_back(node);
  } else {
    const int b = bucket_of(node.deadline_);
    buckets_[b].push_back(node);
    non_empty_ |= std::uint64_t{1} << b;
  }
}

void TimerQueue::arm(TimerNode& node, TimePoint deadline) noexcept {
  if (node.armed()) cancel(node);
  node.deadline_ = deadline.time_since_epoch().count();
  node.queue_ = this;
  insert(node);
  if (count_ == 0) {
    cached_min_ = node.deadline_;
    min_valid_ = true;
  } else if (min_valid_ && node.deadline_ < cached_min_) {
    cached_min_ = node.deadline_;
  }
  ++count_;
}

void TimerQueue::note_removed(TimerNode& node) noexcept {
  if (node.deadline_ > last_) {
    const int b = bucket_of(node.deadline_);
    if (buckets_[b].empty()) non_empty_ &= ~(std::uint64_t{1} << b);
  }
  --count_;
  if (min_valid_ && node.deadline_ == cached_min_) min_valid_ = false;
}

void TimerQueue::cancel(TimerNode& node) noexcept {
  if (!node.armed()) return;
  node.unlink();
  if (node.firing_) {
    node.firing_ = false;  // already counted out by expire(); it just will not fire now
    return;
  }
  note_removed(node);
}

TimePoint TimerQueue::next_deadline() noexcept {
  if (count_ == 0) return TimePoint::max();
  if (!min_valid_) {
    std::int64_t best = std::numeric_limits<std::int64_t>::max();
    if (!due_.empty()) {
      for (TimerNode& n : due_)
        best = n.deadline_ < best ? n.deadline_ : best;
    } else {
      // The lowest non-empty bucket holds the earliest timers; scan only that one.
      const int b = std::countr_zero(non_empty_);
      for (TimerNode& n : buckets_[b])
        best = n.deadline_ < best ? n.deadline_ : best;
    }
    cached_min_ = best;
    min_valid_ = true;
  }
  return TimePoint(Duration(cached_min_));
}

TimerNode* TimerQueue::sort_by_deadline(TimerNode* chain) noexcept {
  // Stable bottom-up merge sort over the singly linked chain: O(n log n), no allocation.
  if (chain == nullptr || chain->expired_next_ == nullptr) return chain;
  std::size_t n = 0;
  for (TimerNode* p = chain; p != nullptr; p = p->expired_next_)
    ++n;
  for (std::size_t width = 1; width < n; width *= 2) {
    TimerNode* result = nullptr;
    TimerNode** tail = &result;
    TimerNode* rest = chain;
    while (rest != nullptr) {
      TimerNode* left = rest;
      TimerNode* p = left;
      for (std::size_t i = 1; i < width && p->expired_next_ != nullptr; ++i)
        p = p->expired_next_;
      TimerNode* right = p->expired_next_;
      p->expired_next_ = nullptr;
      p = right;
      for (std::size_t i = 1; i < width && p != nullptr && p->expired_next_ != nullptr; ++i)
        p = p->expired_next_;
      if (p != nullptr) {
        rest = p->expired_next_;
        p->expired_next_ = nullptr;
      } else {
        rest = nullptr;
      }
      while (left != nullptr && right != nullptr) {
        if (right->deadline_ < left->deadline_) {
          *tail = right;
          right = right->expired_next_;
        } else {
          *tail = left;
          left = left->expired_next_;
        }
        tail = &(*tail)->expired_next_;
      }
      *tail = left != nullptr ? left : right;
      while (*tail != nullptr)
        tail = &(*tail)->expired_next_;
    }
    chain = result;
  }
  return chain;
}

std::size_t TimerQueue::expire(TimePoint now_tp) noexcept {
  const std::int64_t now = now_tp.time_since_epoch().count();
  if (count_ == 0) {
    if (now > last_) last_ = now;
    return 0;
  }
  if (min_valid_ && cached_min_ > now) return 0;  // nothing due: the common case costs one compare

  TimerNode* chain = nullptr;
  TimerNode** tail = &chain;
  std::size_t fired = 0;
  auto take = [&](TimerNode& n) {
    n.unlink();
    n.expired_next_ = nullptr;
    *tail = &n;
    tail = &n.expired_next_;
    ++fired;
  };

  while (!due_.empty())
    take(due_.front());

  if (now > last_) {
    const int top =
        63 - std::countl_zero(static_cast<std::uint64_t>(now) ^ static_cast<std::uint64_t>(last_));
    // Buckets below `top` are entirely due.
    std::uint64_t lower = non_empty_ & ((std::uint64_t{1} << top) - 1);
    while (lower != 0) {
      const int b = std::countr_zero(lower);
      lower &= lower - 1;
      while (!buckets_[b].empty())
        take(buckets_[b].front());
      non_empty_ &= ~(std::uint64_t{1} << b);
    }
    // Bucket `top` straddles now: fire what is due, re-bucket the rest against the new `last_`.
    Bucket straddling;
    straddling.splice_back(buckets_[top]);
    non_empty_ &= ~(std::uint64_t{1} << top);
    last_ = now;
    while (!straddling.empty()) {
      TimerNode& n = straddling.front();
      if (n.deadline_ <= now) {
        take(n);
      } else {
        n.unlink();
        insert(n);
      }
    }
    // Buckets above `top` keep their index: their deadlines differ from `now` and the old `last_` at the
    // same highest bit.
  }

  count_ -= fired;
  if (fired != 0) min_valid_ = false;

  // Park the sorted batch in firing_ so a callback that cancels a later node of the batch still stops it.
  for (TimerNode* n = sort_by_deadline(chain); n != nullptr;) {
    TimerNode* next = n->expired_next_;
    n->expired_next_ = nullptr;
    n->firing_ = true;
    firing_.push_back(*n);
    n = next;
  }
  while (!firing_.empty()) {
    TimerNode& n = firing_.pop_front();
    n.firing_ = false;
    if (n.fire_ != nullptr) n.fire_(n);
  }
  return fired;
}

}  // namespace aiopi
