// AADC: micropython-async's awaitable ADC threshold trigger (primitives.aadc), on a hal::AdcChannel.
//
//   drivers::AADC aadc(adc);                             // adc: hal::AdcChannel& (read_u16: 0..65535)
//   aadc.sense(false);                                   // wait until the value is INSIDE the bounds
//   hal::IoResult<std::uint16_t> v = co_await aadc(5000, 10000);   // absolute bounds
//   aadc.sense(true);                                    // wait until it is OUTSIDE (the default)
//   v = co_await aadc(2000);                             // relative: last value read +- 2000
//   v = co_await aadc();                                 // the bounds of the previous call
//
// The result is the reading that met the condition, or the ADC's error. The bounds are the AADC's (as in the
// seed, a call sets them for every later wait); they start at 0..65535, so a wait without bounds in the
// default sense never completes. Sense true: ready when the value is outside [lower, upper]; false: inside.
//
// Polling: an awaiting task checks the condition at once (one read), then every `poll_ms` on the loop's
// timer, with no task of its own and no allocation: the awaiter is a timer node in the waiting frame. When a
// reading meets the condition every task waiting on this AADC is released with it (and the observer told
// once); a failed read releases them all with the error. Cancel-safe: a cancelled waiter disarms its timer
// and leaves the queue. Destroying the AADC (or deinit()) releases waiting tasks with IoErrc::closed.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <optional>

#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/detail/timer_queue.hpp"
#include "aiopi/detail/wait_list.hpp"
#include "aiopi/hal/adc.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/time.hpp"

namespace aiopi::drivers {

struct AadcConfig {
  std::int64_t poll_ms = 10;  // how often a waiting task reads the ADC, >= 1 (the seed: every scheduler pass)
  bool sense = true;          // the seed's sense(): true = trigger out of range, false = in range
};

enum class AadcEvent : unsigned char { out_of_range, in_range };
constexpr const char* to_string(AadcEvent e) noexcept {
  return e == AadcEvent::out_of_range ? "out_of_range" : "in_range";
}

/// What the observer is told each time a reading releases the waiting tasks.
struct AadcReport {
  AadcEvent kind = AadcEvent::out_of_range;  // which condition was met
  std::int64_t t_us = 0;                     // loop clock: when the reading was taken
  std::uint16_t value = 0;
  std::int32_t lower = 0;  // the bounds in force
  std::int32_t upper = 0;
};

class AADC {
 public:
  using Config = AadcConfig;
  using Observer = InplaceFunction<void(const AadcReport&)>;

  /// `adc` must outlive the AADC.
  explicit AADC(hal::AdcChannel& adc, const Config& config = {}) noexcept;
  AADC(const AADC&) = delete;
  AADC& operator=(const AADC&) = delete;
  ~AADC() { deinit(); }

  /// The awaiter of `co_await aadc(...)`: IoResult<std::uint16_t>. Await it in the expression that makes it.
  class [[nodiscard]] Trigger : private TimerNode, private WaitNode {
   public:
    Trigger(AADC& a, hal::IoError early) noexcept;
    Trigger(const Trigger&) = delete;
    Trigger& operator=(const Trigger&) = delete;
    ~Trigger() = default;  // an armed timer disarms itself, a queued node unlinks itself

    bool await_ready();
    void await_suspend(std::coroutine_handle<> h);
    hal::IoResult<std::uint16_t> await_resume() const noexcept;

   private:
    friend AADC;
    static void on_timer(TimerNode& node) noexcept;
    void release(std::uint16_t value, hal::IoError error) noexcept;

    AADC* aadc_;
    hal::IoError error_;
    std::uint16_t value_ = 0;
    bool done_ = false;
  };

  /// The previous bounds.
  Trigger operator()() noexcept { return Trigger(*this, {}); }
  /// Bounds relative to the last value read: [last - delta, last + delta] (reads now if nothing was read).
  Trigger operator()(std::int32_t delta);
  /// Absolute bounds [lower, upper].
  Trigger operator()(std::int32_t lower, std::int32_t upper) noexcept {
    lower_ = lower;
    upper_ = upper;
    return Trigger(*this, {});
  }

  /// true (the default): a wait ends when the value is outside the bounds; false: inside.
  void sense(bool out_of_range) noexcept { sense_ = out_of_range; }
  bool sense() const noexcept { return sense_; }
  std::int32_t lower() const noexcept { return lower_; }
  std::int32_t upper() const noexcept { return upper_; }

  /// A fresh reading (remembered as the last), or with `last` the last value read (by a wait or by this
  /// call; IoErrc::invalid_argument before any).
  hal::IoResult<std::uint16_t> read_u16(bool last = false);

  /// The daemon's hook: told once per reading that releases the waiting tasks.
  void set_observer(Observer observer) noexcept { observer_ = std::move(observer); }

  /// Releases every waiting task with IoErrc::closed. Later waits work again.
  void deinit() noexcept;

  const Config& config() const noexcept { return config_; }

 private:
  /// True when `v` meets the condition in force.
  bool met(std::uint16_t v) const noexcept {
    const bool inside = lower_ <= v && v <= upper_;
    return sense_ ? !inside : inside;
  }
  struct Reading {
    bool fired;  // the reading met the condition, or failed: every waiting task was released
    std::uint16_t value;
    hal::IoError error;
  };
  /// One reading checked for the waiting tasks: releases them all when it meets the condition (or fails),
  /// then tells the observer (which may destroy the AADC: nothing is touched after).
  Reading check();
  Duration poll_period() const noexcept {
    return std::chrono::milliseconds(config_.poll_ms > 0 ? config_.poll_ms : 1);
  }
  void release_all(std::uint16_t value, hal::IoError error) noexcept;

  hal::AdcChannel& adc_;
  Config config_;
  Observer observer_;
  WaitList<> waiters_;
  std::int32_t lower_ = 0;
  std::int32_t upper_ = 65535;
  std::optional<std::uint16_t> last_;
  bool sense_;
};

}  // namespace aiopi::drivers
