// The HAL's digital lines on the RP2040's GPIOs (SIO, IO_BANK0 interrupts).
//
//   rp2040::GpioOutput led(25);                                            // push-pull, starts low
//   rp2040::GpioOutput bus(3, {.drive = hal::Drive::open_drain});          // high = released
//   rp2040::GpioInput button(loop, 14, {.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_up,
//                                       .active_low = true});
//   hal::IoResult<hal::EdgeEvent> e = co_await button.next_edge();         // e->timestamp_us: when it
//   happened
//
// GpioOutput(pin, config): FUNCSEL = SIO, pad input enabled (so get() of an open-drain line can be checked
//   against pins::level()), output driven at config.initial before the pin is handed to SIO (no glitch).
//   open_drain: OUT stays 0 and a logical/electrical high releases the line (OE off: a pull-up, external or
//   the pad's as the board set it, raises it); open_source: OUT 1 and a low releases it. release() gives the
//   pin back (FUNCSEL null, output off); the destructor does too.
// GpioInput(loop, pin, config): FUNCSEL = SIO, output off, pad input enabled with config.bias. With edges
//   configured the IO_BANK0 interrupt (aiopi_isr_io_bank0) stamps each edge with the TIMER's microseconds at
//   ISR entry (the loop's clock) and stages (pin, edge, time) in a fixed ring of kStagedEdges; the loop takes
//   them (through a ForeignWake) into the input's EdgeQueue. Edges lost because that staging ring was full
//   are counted into the queue with push_lost (dropped() and the seq gap show them). Two edges of one pin
//   between two ISR runs (a pulse shorter than the interrupt latency) are both reported, in the order the
//   pin's present level implies, with the same timestamp. release() disables the pin's interrupt bits and
//   closes its queue (readers get IoErrc::closed); the destructor releases. One input per pin.
#pragma once

#include <cstddef>
#include <cstdint>

#include "aiopi/hal/digital.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::rp2040 {

class GpioOutput final : public hal::DigitalOutput {
 public:
  /// Pin 0..29 (another number is a usage error).
  explicit GpioOutput(unsigned pin, const hal::OutputConfig& config = {}) noexcept;
  ~GpioOutput() override { release(); }

  hal::IoResult<void> set(bool level) override;
  hal::IoResult<bool> get() override;
  /// Flips the line (one SIO write); closed after release().
  hal::IoResult<void> toggle() { return set(!level_); }
  /// Stops driving the pin; later set()/get() fail with IoErrc::closed.
  void release() noexcept;
  unsigned pin() const noexcept { return pin_; }

 private:
  void drive(bool logical) noexcept;
  unsigned pin_;
  bool level_ = false;
  bool released_ = false;
};

class GpioInput final : public hal::DigitalInput {
 public:
  /// Edges staged between the IO_BANK0 interrupt and the loop (all inputs share the ring).
  static constexpr std::size_t kStagedEdges = 32;

  /// Pin 0..29, not already an input (a usage error otherwise).
  GpioInput(Loop& loop, unsigned pin, const hal::InputConfig& config = {}) noexcept;
  ~GpioInput() override { release(); }

  hal::IoResult<bool> value() override;
  /// Disables the pin's interrupt, closes the edge queue; value() then fails with IoErrc::closed.
  void release() noexcept;
  unsigned pin() const noexcept { return pin_; }

  /// Loop side: moves the staged edges into their inputs' queues (the ForeignWake does this; public for the
  /// ISR glue in gpio.cpp).
  static void deliver_staged() noexcept;

 private:
  void deliver(bool electrical_rising, std::int64_t t_us) noexcept;
  Loop& loop_;
  unsigned pin_;
  bool released_ = false;
  bool counted_source_ = false;
};

}  // namespace aiopi::rp2040
