// The RP2040 loop backend: time from the 1 MHz TIMER, sleeps in WFI until TIMER ALARM0 or any interrupt.
//
// wait() runs with interrupts masked (PRIMASK) from the check of the wake flag to the WFI, so an ISR that
// calls wake() between the check and the WFI still ends the sleep: WFI returns on a pending interrupt even
// while PRIMASK holds it off, and the handler runs as soon as wait() unmasks. ALARM0 compares only the low 32
// bits of the microsecond counter, so wait() re-reads the time after arming (a deadline that passed while it
// armed would otherwise wait for a 72-minute wrap). aiopi_isr_timer0 belongs to this backend.
#pragma once

#include <atomic>
#include <cstdint>

#include "aiopi/backend.hpp"

namespace aiopi::rp2040 {

class Rp2040Backend final : public Backend {
 public:
  TimePoint now() noexcept override;
  /// now() truncates to whole microseconds: a deadline is one tick later so that a timer never fires early.
  Duration timer_slack() const noexcept override { return Duration(1); }
  void wait(TimePoint deadline) noexcept override;
  void wake() noexcept override { woken_.store(true, std::memory_order_relaxed); }
  /// Interrupts can always wake the loop: an idle loop sleeps instead of reporting a deadlock.
  bool idle_is_deadlock() const noexcept override { return false; }
  std::uint64_t profile_ns() noexcept override;
  const void* kind() const noexcept override { return &kKind; }

  /// Times wait() put the core to sleep (WFI) since start: tests read it to see that an idle loop sleeps.
  std::uint32_t sleeps() const noexcept { return sleeps_; }

 private:
  static inline const char kKind = 0;
  std::atomic<bool> woken_{false};
  std::uint32_t sleeps_ = 0;
};

/// The 64-bit microsecond counter of the TIMER, read high-low-high (no latching, so ISRs may read it too).
std::uint64_t time_us() noexcept;

/// The backend that aiopi::default_backend() returns on the RP2040.
Rp2040Backend& backend() noexcept;

}  // namespace aiopi::rp2040
