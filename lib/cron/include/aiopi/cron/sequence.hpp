// Sequence (micropython-async `sched.sched.Sequence`): one consumer loop fed by the fires of several
// schedules.
//
//   using namespace aiopi::cron;
//   Sequence seq;
//   auto a = aiopi::create_task(schedule(seq, *parse_spec("hrs=4 mins=10"), zone, {.name = "a"}));
//   auto b = aiopi::create_task(schedule(seq, *parse_spec("hrs=* mins=*/15"), zone, {.name = "b"}));
//   for (;;) {
//     Trigger t = co_await seq.next();   // t.name is "a" or "b", t.scheduled the fire instant
//   }
//
// Unlike the seed, which kept only the latest trigger, a Sequence queues up to Capacity triggers (8 by
// default), so two schedules firing at the same second are both seen. When the consumer lags further behind,
// the oldest pending trigger is dropped (and counted): the latest ones always survive, as in the seed.
// BasicSequence<1> is exactly the seed's "latest only" behaviour.
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>

#include "aiopi/cron/time_zone.hpp"
#include "aiopi/detail/wait_list.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::cron {

/// What a schedule hands to its action when it fires (a Sequence receives it; a callable may take it).
struct Trigger {
  const char* name = nullptr;  ///< ScheduleOptions::name of the schedule that fired (may be null)
  std::uint32_t tag = 0;       ///< ScheduleOptions::tag: a value chosen by the user (the seed's `args`)
  Instant scheduled{};         ///< the fire instant this trigger stands for (UTC, whole seconds)
  std::int64_t wall_us = 0;    ///< the wall clock (UTC µs) when the schedule fired
  std::uint64_t number = 0;    ///< 1 for the schedule's first fire, 2 for the second, ...
  bool catch_up = false;       ///< a MissedPolicy::run_once fire standing for missed instants
};

/// A FIFO of at most Capacity triggers with any number of waiting consumers (each trigger goes to one).
template <std::size_t Capacity = 8>
class BasicSequence {
  static_assert(Capacity >= 1, "a Sequence holds at least one trigger");

 public:
  static constexpr std::size_t kCapacity = Capacity;

  BasicSequence() noexcept = default;
  BasicSequence(const BasicSequence&) = delete;
  BasicSequence& operator=(const BasicSequence&) = delete;

  /// Hands `t` to the longest-waiting consumer, or queues it; when the queue is full the oldest pending
  /// trigger is dropped (counted by dropped()). Called by schedule(); users may call it too.
  void trigger(const Trigger& t) noexcept {
    ++triggered_;
    if (!waiters_.empty()) {
      Awaiter::grant(waiters_.pop_front(), t, *this);
      return;
    }
    if (count_ == Capacity) {
      pop_front();
      ++dropped_;
    }
    ring_[(head_ + count_) % Capacity] = t;
    ++count_;
  }

  /// Triggers waiting for a consumer.
  std::size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  /// Triggers dropped because the queue was full (the consumer lagged by more than Capacity).
  std::uint64_t dropped() const noexcept { return dropped_; }
  /// Triggers received so far.
  std::uint64_t triggered() const noexcept { return triggered_; }
  /// Forgets the pending triggers.
  void clear() noexcept { head_ = count_ = 0; }

  class [[nodiscard]] Awaiter : private WaitNode {
   public:
    explicit Awaiter(BasicSequence& owner) noexcept : seq_(owner) {}
    Awaiter(const Awaiter&) = delete;
    Awaiter& operator=(const Awaiter&) = delete;
    ~Awaiter() {
      // Handed a trigger but unwound before resuming: give it back so it is not lost. Not linked any more
      // means the sequence itself is gone; then there is nothing to give it back to.
      if (granted_ && !resumed_ && linked()) {
        unlink();
        seq_.give_back(value_);
      }
    }

    bool await_ready() noexcept {
      if (seq_.count_ == 0) return false;
      value_ = seq_.pop_front();
      granted_ = resumed_ = true;
      return true;
    }
    void await_suspend(std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      seq_.waiters_.push_back(*this);
    }
    Trigger await_resume() noexcept {
      unlink();  // from the sequence's list of handed-over awaiters
      resumed_ = true;
      return value_;
    }

   private:
    friend class BasicSequence;
    static void grant(WaitNode& node, const Trigger& t, BasicSequence& owner) noexcept {
      auto& self = static_cast<Awaiter&>(node);
      self.value_ = t;
      self.granted_ = true;
      owner.handed_.push_back(
          self);  // until it resumes, so that it can tell whether the sequence still exists
      self.task->loop().make_ready(*self.task);
    }

    BasicSequence& seq_;
    Trigger value_{};
    bool granted_ = false;
    bool resumed_ = false;
  };

  /// Waits for the next trigger (FIFO); returns at once if one is pending. Cancel-safe: a cancelled consumer
  /// leaves the queue, and a trigger already handed to it goes to the next consumer or back to the front.
  Awaiter next() noexcept { return Awaiter(*this); }

 private:
  Trigger pop_front() noexcept {
    const Trigger t = ring_[head_];
    head_ = (head_ + 1) % Capacity;
    --count_;
    return t;
  }
  void give_back(const Trigger& t) noexcept {
    if (!waiters_.empty()) {
      Awaiter::grant(waiters_.pop_front(), t, *this);
      return;
    }
    if (count_ == Capacity) {  // newer triggers filled the queue meanwhile: this one is the oldest
      ++dropped_;
      return;
    }
    head_ = (head_ + Capacity - 1) % Capacity;
    ring_[head_] = t;
    ++count_;
  }

  Trigger ring_[Capacity] = {};
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t triggered_ = 0;
  WaitList<> waiters_;
  WaitList<> handed_;
};

/// The default: up to 8 pending triggers.
using Sequence = BasicSequence<>;

}  // namespace aiopi::cron
