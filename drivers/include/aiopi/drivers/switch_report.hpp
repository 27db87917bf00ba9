// What Switch and ESwitch share: their Config and the report their observer hook receives.
#pragma once

#include <cstdint>

namespace aiopi::drivers {

/// A switch's parameters, with micropython-async's defaults.
struct SwitchConfig {
  /// The level DigitalInput::value() reads while the switch is open (the seed's ESwitch lopen; after the
  /// HAL's active_low). 1: a switch to ground with a pull-up, the seed's Switch.
  bool lopen = true;
  /// The line is ignored this long after each change it acted on.
  std::int64_t debounce_ms = 50;
};

enum class SwitchEvent : unsigned char { close, open };

/// "close", "open".
constexpr const char* to_string(SwitchEvent e) noexcept {
  return e == SwitchEvent::close ? "close" : "open";
}

/// One event, as the observer hook receives it.
struct SwitchReport {
  SwitchEvent event;
  /// When it happened, in µs on the loop clock (the edge's timestamp).
  std::int64_t t_us;
  /// The debounced state after the event: true while closed.
  bool closed;
};

}  // namespace aiopi::drivers
