// The timer structure shared by every loop backend: a log-bucket timer set.
//
// Timers are intrusive nodes that live in the awaiting coroutine frame. A timer with deadline t sits in
// bucket `highest differing bit of (t, last)` where `last` is the time of the previous expiry. Every timer of
// bucket i is earlier than every timer of bucket i+1, insertion and cancellation are O(1), and a timer moves
// to a lower bucket at most 64 times in its life. Nothing here allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "aiopi/detail/config.hpp"
#include "aiopi/detail/intrusive_list.hpp"
#include "aiopi/time.hpp"

namespace aiopi {

struct TimerTag;
class TimerQueue;

/// One armed deadline. When the deadline has passed the node is unlinked and then either `fire` is called or,
/// for a node given a wake target, the target is handed to the queue's waker (the loop makes a task ready).
class TimerNode : public ListHook<TimerTag> {
 public:
  using FireFn = void (*)(TimerNode&) noexcept;

  explicit TimerNode(FireFn fire = nullptr) noexcept : fire_(fire), queue_bits_(0) {}
  TimerNode(const TimerNode&) = delete;
  TimerNode& operator=(const TimerNode&) = delete;
  /// A node destroyed while armed (its frame was unwound) disarms itself, keeping the queue's books right.
  AIOPI_ALWAYS_INLINE ~TimerNode() {
    if (armed()) disarm_on_destruction();
  }

  TimePoint deadline() const noexcept { return TimePoint(Duration(deadline_)); }
  bool armed() const noexcept { return linked(); }
  void set_fire(FireFn fire) noexcept {
    fire_ = fire;
    queue_bits_ &= ~kWakesTarget;
  }

 protected:
  /// On expiry, hand `target` to the queue's waker instead of calling a function. Saves the word an awaiter
  /// would otherwise spend on "which task to wake": a sleep is nothing but this node.
  void set_wake_target(void* target) noexcept {
    target_ = target;
    queue_bits_ |= kWakesTarget;
  }
  /// While the node is not armed its deadline word belongs to the owner (a sleep keeps its delay there).
  std::int64_t stashed() const noexcept { return deadline_; }
  void stash(std::int64_t value) noexcept { deadline_ = value; }

  /// A node whose owner stashes `value` and always calls wake_first(target) before arming it (a sleep):
  /// only what the destructor reads and the stash are written, as every sleep(0) makes one.
  struct Stashing {};
  TimerNode(Stashing, std::int64_t value) noexcept
      : ListHook<TimerTag>(ListHook<TimerTag>::OnlyUnlinked{}), deadline_(value) {}
  /// set_wake_target for a node made Stashing: its queue word is written, not amended.
  void wake_first(void* target) noexcept {
    target_ = target;
    queue_bits_ = kWakesTarget;
  }

 private:
  friend class TimerQueue;
  // The queue the node was armed on, with two flags in the low bits: bit 0 while the node sits in the batch
  // being fired (cancelling it then still prevents the call), bit 1 when it wakes a target. One word instead
  // of a pointer and two flags: timers live in every sleeping frame, so their size is the size of a sleeper.
  static constexpr std::uintptr_t kFiring = 1;
  static constexpr std::uintptr_t kWakesTarget = 2;
  TimerQueue* queue() const noexcept {
    return reinterpret_cast<TimerQueue*>(queue_bits_ & ~(kFiring | kWakesTarget));
  }
  bool firing() const noexcept { return (queue_bits_ & kFiring) != 0; }
  void set_firing(bool on) noexcept { queue_bits_ = (queue_bits_ & ~kFiring) | (on ? kFiring : 0u); }
  bool wakes_target() const noexcept { return (queue_bits_ & kWakesTarget) != 0; }

  void disarm_on_destruction() noexcept;

  std::int64_t deadline_ = 0;
  union {
    FireFn fire_;
    void* target_;
  };
  std::uintptr_t queue_bits_;
};

class TimerQueue {
 public:
  TimerQueue() noexcept = default;
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  /// What expiry does with the target of a node that has one (see TimerNode::set_wake_target).
  using WakeFn = void (*)(void* target) noexcept;
  void set_waker(WakeFn waker) noexcept { waker_ = waker; }

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
  // Starts at the earliest time there is, so a clock that starts below zero (a simulated board at -10 s)
  // does not see its first deadlines as already due.
  std::int64_t last_ = std::numeric_limits<std::int64_t>::min();
  std::size_t count_ = 0;
  std::int64_t cached_min_ = 0;
  bool min_valid_ = false;
  WakeFn waker_ = nullptr;
};

}  // namespace aiopi
