// The timer structure shared by every loop backend: a log-bucket timer set.
//
// Timers are intrusive nodes that live in the awaiting coroutine frame. A timer with deadline t sits in
// bucket `highest differing bit of (t, last)` where `last` is the time of the previous expiry. Every timer of
// bucket i is earlier than every timer of bucket i+1, insertion and cancellation are O(1), and a timer moves
// to a lower bucket at most 64 times in its life. Nothing here allocates.
#pragma once

#include <cstddef>
#include <cstdint>

#include "aiopi/intrusive_list.hpp"
#include "aiopi/time.hpp"

namespace aiopi {

struct TimerTag;
class TimerQueue;

/// One armed deadline. `fire` is called once when the deadline has passed, after the node is unlinked.
class TimerNode : public ListHook<TimerTag> {
 public:
  using FireFn = void (*)(TimerNode&) noexcept;

  explicit TimerNode(FireFn fire = nullptr) noexcept : fire_(fire) {}
  TimerNode(const TimerNode&) = delete;
  TimerNode& operator=(const TimerNode&) = delete;
  /// A node destroyed while armed (its frame was unwound) disarms itself, keeping the queue's books right.
  ~TimerNode() {
    if (armed()) disarm_on_destruction();
  }

  TimePoint deadline() const noexcept { return TimePoint(Duration(deadline_)); }
  bool armed() const noexcept { return linked(); }
  void set_fire(FireFn fire) noexcept { fire_ = fire; }

 private:
  friend class TimerQueue;
  // The queue the node was armed on, with bit 0 set while the node sits in the batch being fired (cancelling
  // it then still prevents the call). One word instead of a pointer and a flag: timers live in every sleeping
  // frame, so their size is the size of a sleeper.
  TimerQueue* queue() const noexcept {
    return reinterpret_cast<TimerQueue*>(queue_bits_ & ~std::uintptr_t{1});
  }
  bool firing() const noexcept { return (queue_bits_ & 1u) != 0; }
  void set_firing(bool on) noexcept { queue_bits_ = (queue_bits_ & ~std::uintptr_t{1}) | (on ? 1u : 0u); }

  void disarm_on_destruction() noexcept;

  std::int64_t deadline_ = 0;
  FireFn fire_;
  std::uintptr_t queue_bits_ = 0;
};

class TimerQueue {
 public:
  TimerQueue() noexcept = default;
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  /// Arms `node` for `deadline` (re-arms if it was armed). A deadline in the past fires at the next expiry.
  void arm(TimerNode& node, TimePoint deadline) noexcept;

  /// Disarms `node`; a no-op when it is not armed.
  void cancel(TimerNode& node) noexcept;

  bool empty() const noexcept { return count_ == 0; }
  std::size_t size() const noexcept { return count_; }

  /// The earliest armed deadline, or TimePoint::max() when none is armed.
  TimePoint next_deadline() noexcept;

  /// When the loop should wake next: the earliest deadline, or — when finding it would mean walking a large
  /// bucket — that bucket's lower bound, which is never later than any timer in it. Waking at the bound
  /// re-buckets the timers there into smaller buckets, so the walk is never paid in one go.
  TimePoint wake_deadline() noexcept;

  /// Fires every timer whose deadline is <= now, in deadline order (equal deadlines in arming order).
  /// Timers armed by the callbacks fire at the next call at the earliest. Returns how many fired.
  std::size_t expire(TimePoint now) noexcept;

 private:
  static constexpr int kBuckets = 64;
  using Bucket = IntrusiveList<TimerNode, TimerTag>;

  int bucket_of(std::int64_t deadline) const noexcept;
  void insert(TimerNode& node) noexcept;
  void note_removed(TimerNode& node) noexcept;
  static void sort_by_deadline(IntrusiveList<TimerNode, TimerTag>& list, std::size_t n) noexcept;

  Bucket firing_;  // sorted batch of expired nodes, fired one by one
  Bucket due_;     // deadline <= last_
  Bucket buckets_[kBuckets];
  std::uint64_t non_empty_ = 0;  // bit i set when buckets_[i] has nodes
  std::int64_t last_ = 0;
  std::size_t count_ = 0;
  std::int64_t cached_min_ = 0;
  bool min_valid_ = false;
};

}  // namespace aiopi
