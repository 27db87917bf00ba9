// A loop backend for the gate image: reads the RP2040's 1 MHz TIMER and waits by polling it. It has no
// interrupts: the IRQ-driven backend (TIMER alarm + WFI, wake-ups from ISRs) comes with the firmware issue.
#pragma once

#include "aiopi/backend.hpp"

namespace aiopi::gate {

class TimerPollBackend final : public Backend {
 public:
  TimePoint now() noexcept override;
  void wait(TimePoint deadline) noexcept override;
  void wake() noexcept override { woken_ = true; }
  bool idle_is_deadlock() const noexcept override { return true; }
  std::uint64_t profile_ns() noexcept override {
    return static_cast<std::uint64_t>(now().time_since_epoch().count()) * 1000;
  }

 private:
  volatile bool woken_ = false;
};

}  // namespace aiopi::gate
