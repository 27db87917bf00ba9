// ESwitch: micropython-async's Event-only switch. Two Events, always there, set by the switch and cleared by
// the application: close and open.
//
//   aiopi::drivers::ESwitch sw(pin, {.lopen = true});   // reads 1 when open (to ground, pull-up)
//   co_await sw.close.wait();
//   sw.close.clear();
//
// Debouncing: debouncer.hpp (act on the first edge, then deaf for debounce_ms; polled without edge
// detection).
#pragma once

#include <cstdint>
#include <utility>

#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/drivers/debouncer.hpp"
#include "aiopi/drivers/switch_report.hpp"
#include "aiopi/event.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::drivers {

class ESwitch {
 public:
  using Config = SwitchConfig;
  using Report = SwitchReport;
  using Observer = InplaceFunction<void(const SwitchReport&)>;

  /// Takes `pin` by reference (it must outlive the ESwitch) and reads its level. Started at once when
  /// constructed inside a running loop (as the seed); otherwise call start().
  explicit ESwitch(hal::DigitalInput& pin, const Config& config = Config{});
  ESwitch(const ESwitch&) = delete;
  ESwitch& operator=(const ESwitch&) = delete;
  /// Safe at any time: the task ends, nothing refers to *this (tasks waiting on its Events must not outlive
  /// it).
  ~ESwitch();

  /// Starts the debouncing task on `loop` (Loop::get() without an argument). Idempotent; nothing after
  /// deinit().
  void start(Loop& loop);
  void start() { start(Loop::get()); }

  /// The bound Events (the application clears them).
  Event close;
  Event open;

  /// The one generic hook (the daemon's): called with every close and open as its Event is set. Must not
  /// destroy or deinit the ESwitch. nullptr removes it.
  void set_observer(Observer observer) noexcept { observer_ = std::move(observer); }

  /// The debounced logical state, as the seed's __call__(): true (1) while closed.
  bool operator()() const noexcept { return closed(); }
  bool closed() const noexcept { return debouncer_.level() != config_.lopen; }

  /// Stops for good (the task ends) and clears both Events. Idempotent.
  void deinit() noexcept;

  const Config& config() const noexcept { return config_; }
  /// The last error reading the pin (kind closed once the line was released: the ESwitch then stops).
  const hal::IoError& error() const noexcept { return debouncer_.error(); }

 private:
  static bool on_level(void* self, bool level, std::int64_t t_us) {
    return static_cast<ESwitch*>(self)->on_level(level, t_us);
  }
  bool on_level(bool level, std::int64_t t_us);

  Config config_;
  bool stopped_ = false;
  bool started_ = false;
  Observer observer_;
  Debouncer debouncer_;
};

}  // namespace aiopi::drivers
