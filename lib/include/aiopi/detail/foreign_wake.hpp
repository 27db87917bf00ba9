// The only way into a loop from another thread (or, on the MCU, from an ISR): an intrusive node pushed onto
// the loop's lock-free inbox. The loop is woken only on the inbox's empty -> non-empty transition.
#pragma once

#include <atomic>

namespace aiopi {

class Loop;

class ForeignWake {
 public:
  /// Called on the loop's thread, once per batch of posts (posting again before it ran is coalesced).
  using Fn = void (*)(ForeignWake& self) noexcept;
  explicit ForeignWake(Fn fn) noexcept : fn_(fn) {}
  ForeignWake(const ForeignWake&) = delete;
  ForeignWake& operator=(const ForeignWake&) = delete;

  bool queued() const noexcept { return queued_.load(std::memory_order_acquire); }

 private:
  friend class Loop;
  std::atomic<ForeignWake*> next_{nullptr};
  std::atomic<bool> queued_{false};
  Fn fn_;
};

}  // namespace aiopi
