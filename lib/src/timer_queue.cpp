#include "aiopi/detail/timer_queue.hpp"

#include <bit>
#include <limits>

namespace aiopi {

static_assert(alignof(TimerQueue) >= 4, "TimerNode keeps two flags in the low bits of its queue pointer");

void TimerNode::disarm_on_destruction() noexcept {
  queue()->cancel(*this);
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
  node.queue_bits_ = reinterpret_cast<std::uintptr_t>(this) | (node.queue_bits_ & TimerNode::kWakesTarget);
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
  if (node.firing()) {
    node.set_firing(false);  // already counted out by expire(); it just will not fire now
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

void TimerQueue::sort_by_deadline(Bucket& list, std::size_t n) noexcept {
  // Stable merge sort of an intrusive list: no allocation, recursion depth log2(n). Batches are usually
  // sorted already (equal deadlines), which one pass detects.
  if (n < 2) return;
  bool sorted = true;
  std::int64_t prev = list.front().deadline_;
  for (TimerNode& t : list) {
    if (t.deadline_ < prev) {
      sorted = false;
      break;
    }
    prev = t.deadline_;
  }
  if (sorted) return;
  Bucket left;
  const std::size_t left_n = n / 2;
  for (std::size_t i = 0; i < left_n; ++i)
    left.push_back(list.pop_front());
  Bucket right;
  right.splice_back(list);
  sort_by_deadline(left, left_n);
  sort_by_deadline(right, n - left_n);
  while (!left.empty() && !right.empty()) {
    list.push_back(right.front().deadline_ < left.front().deadline_ ? right.pop_front() : left.pop_front());
  }
  list.splice_back(left);
  list.splice_back(right);
}

TimePoint TimerQueue::wake_deadline() noexcept {
  if (count_ == 0 || min_valid_ || !due_.empty()) return next_deadline();
  constexpr std::size_t kScanLimit = 8;
  const int b = std::countr_zero(non_empty_);
  std::size_t n = 0;
  for (TimerNode& t : buckets_[b]) {
    (void)t;
    if (++n > kScanLimit) {
      // Every deadline in bucket b agrees with last_ above bit b and has bit b set. Bucket 63 is the
      // exception: deadlines there are >= 0 while last_ is negative (a clock that started below zero).
      if (b == 63) return TimePoint(Duration(0));
      const auto last = static_cast<std::uint64_t>(last_);
      const std::uint64_t high = (last >> (b + 1)) << (b + 1);
      return TimePoint(Duration(static_cast<std::int64_t>(high | (std::uint64_t{1} << b))));
    }
  }
  return next_deadline();
}

std::size_t TimerQueue::expire(TimePoint now_tp) noexcept {
  const std::int64_t now = now_tp.time_since_epoch().count();
  if (count_ == 0) {
    if (now > last_) last_ = now;
    return 0;
  }
  if (min_valid_ && cached_min_ > now) return 0;  // nothing due: the common case costs one compare

  std::size_t fired = 0;
  auto take = [&](TimerNode& n) {
    n.unlink();
    n.set_firing(true);
    firing_.push_back(n);
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

  // The batch waits in firing_ so that a callback cancelling a later node of the batch still stops it.
  sort_by_deadline(firing_, fired);
  while (!firing_.empty()) {
    TimerNode& n = firing_.pop_front();
    n.set_firing(false);
    if (n.wakes_target()) {
      waker_(n.target_);
    } else if (n.fire_ != nullptr) {
      n.fire_(n);
    }
  }
  return fired;
}

}  // namespace aiopi
