// Message<T> (micropython-async `threadsafe.Message`): an Event that carries a value and that other threads,
// and ISRs on the MCU, may set.
//
//   aiopi::Message<int> msg;
//   // any thread / ISR:                 // tasks (any number):
//   msg.set(42);                         int v = co_await msg;   // or co_await msg.wait()
//                                        msg.clear();            // the usual pattern: the consumer clears
//
// Thread safety: set() may be called from any thread, from ISRs and from the loop itself, concurrently; it
// never blocks, never allocates (beyond what constructing a T does) and takes no lock. Everything else (wait,
// clear, is_set, value) belongs to the thread of the loop that waits on it.
//
// Hand-over of the value: a small lock-free slot pool (`Slots` entries, default 4). A setter claims a free
// slot (CAS on a bit mask), constructs the value in it, and publishes the slot index with one atomic
// exchange; the slot it displaces (an older value nobody read) is destroyed and freed by that setter. The
// loop takes the latest index with an exchange, moves the value out and frees the slot. No reader ever sees a
// half-written value and no seqlock retry is needed, so T may be any movable type. Only when more than
// Slots-2 set() calls overlap in time (nested ISRs plus threads) does a set() find no free slot: it then
// returns false and the value is dropped (counted by dropped()); with the defaults this needs three
// simultaneous setters.
//
// No queueing (deliberate, as in the seed): a Message holds one value. Two set() calls before a waiter runs
// leave the second value; every waiter returns the value current when it resumes. Use ThreadSafeQueue when
// every value matters. Since clear() also clears a set() that raced with it, a consumer that must never miss
// the *latest* value while other threads keep setting clears first and reads value() after:
//   for (;;) { co_await msg.wait(); msg.clear(); use(msg.value()); }   // a later set() wakes it again
//
// Differences from the seed (fixed): clear() really clears — a set() that happened before clear() is absorbed
// and cleared by it, so the next wait() blocks (the seed left a stale ThreadSafeFlag that made the next wait
// return at once); set() from an ISR never touches the waiter list (the loop does, when it runs); is_set() on
// the loop thread sees a set() made before it at once.
//
// Cancel-safety: waiting consumes nothing; a cancelled waiter just leaves the queue and no value is lost.
#pragma once

#include <atomic>
#include <bit>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "aiopi/detail/listener.hpp"
#include "aiopi/detail/wait_list.hpp"
#include "aiopi/foreign_event.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"

namespace aiopi {

template <class T, std::size_t Slots = 4>
class Message : private detail::ForeignEventCore {
  static_assert(Slots >= 3 && Slots <= 32, "Message needs 3..32 hand-over slots");
  static constexpr std::uint32_t kNone = 0xffffffffu;

 public:
  Message() noexcept : ForeignEventCore(&Message::absorb_fn) {}
  ~Message() { retire(); }

  /// Stores `value` and sets the message, releasing every waiting task. Thread- and ISR-safe (see above).
  /// Returns false only if no hand-over slot was free (the value is dropped and counted).
  bool set(const T& value) { return publish(value); }
  bool set(T&& value) { return publish(std::move(value)); }

  /// Clears the flag (the value stays readable by value()). A set() made before is taken into account first:
  /// tasks it released stay released, as with Event. Loop thread only.
  void clear() noexcept {
    absorb();
    set_ = false;
  }
  /// Loop thread only.
  bool is_set() noexcept {
    absorb();
    return set_;
  }
  /// True once any value has arrived. Loop thread only.
  bool has_value() noexcept {
    absorb();
    return value_.has_value();
  }
  /// The latest value (also after clear()); a usage error before the first set(). Loop thread only.
  const T& value() {
    absorb();
    if (!value_) usage_error("Message.value(): no value has been set");
    return *value_;
  }
  /// set() calls that found no free hand-over slot. Thread-safe.
  std::uint32_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

  class Awaiter : public WaitAwaiterBase {
   public:
    explicit Awaiter(Message& m) noexcept : WaitAwaiterBase(m), msg_(m) {}
    /// The newest value when the task resumes (a set() made since the release is taken into account).
    T await_resume() {
      msg_.absorb();
      return *msg_.value_;
    }

   private:
    Message& msg_;
  };

  /// Waits until set and returns the value; at once if set already. Many tasks may wait.
  Awaiter wait() noexcept { return Awaiter(*this); }
  Awaiter operator co_await() noexcept { return Awaiter(*this); }

  // Listener protocol (listener.hpp), for WaitAny / WaitAll. Loop thread only.
  void add_listener(Listener& l) {
    bind(Loop::running());
    enqueue(l);
    absorb();
  }
  void remove_listener(Listener& l) noexcept {
    if (l.linked()) leave(l);
  }

 private:
  template <class U>
  bool publish(U&& value) {
    std::uint32_t mask = free_.load(std::memory_order_acquire);
    std::uint32_t bit = 0;
    do {
      if (mask == 0) {
        dropped_.fetch_add(1, std::memory_order_relaxed);
        return false;
      }
      bit = mask & (~mask + 1u);  // lowest free slot
    } while (!free_.compare_exchange_weak(mask, mask & ~bit, std::memory_order_acquire,
                                          std::memory_order_acquire));
    const auto index = static_cast<std::uint32_t>(std::countr_zero(bit));
    {
      struct Unclaim {  // gives the slot back if constructing the value throws
        Message* self;
        std::uint32_t bit;
        ~Unclaim() {
          if (self != nullptr) self->free_.fetch_add(bit, std::memory_order_release);
        }
      } unclaim{this, bit};
      slots_[index].emplace(std::forward<U>(value));
      unclaim.self = nullptr;
    }
    // Publish (release) and take over the value it replaces (acquire), if the loop had not taken it yet.
    const std::uint32_t previous = latest_.exchange(index, std::memory_order_seq_cst);
    if (previous != kNone) release_slot(previous);
    poke();
    return true;
  }
  void release_slot(std::uint32_t index) noexcept {
    slots_[index].reset();
    // The bit is clear, so adding sets it (the M0+ runtime has no fetch_or).
    free_.fetch_add(1u << index, std::memory_order_release);
  }

  static void absorb_fn(ForeignEventCore& core) noexcept {
    auto& self = static_cast<Message&>(core);
    const std::uint32_t index = self.latest_.exchange(kNone, std::memory_order_seq_cst);
    if (index == kNone) return;
    self.value_ = std::move(*self.slots_[index]);
    self.release_slot(index);
    self.fire();
  }

  std::optional<T> slots_[Slots];
  std::atomic<std::uint32_t> free_{Slots == 32 ? 0xffffffffu : (1u << (Slots % 32)) - 1u};
  std::atomic<std::uint32_t> latest_{kNone};
  std::atomic<std::uint32_t> dropped_{0};
  std::optional<T> value_;  // loop side
};

}  // namespace aiopi
