// What Pushbutton and EButton share: their Config (the seed's class attributes and constructor arguments) and
// the report their observer hook receives.
#pragma once

#include <cstdint>
#include <optional>

namespace aiopi::drivers {

/// A button's parameters, with micropython-async's defaults.
struct ButtonConfig {
  /// Suppress mode (see docs/drivers.md; Pushbutton and EButton differ, as in the seed).
  bool suppress = false;
  /// The level DigitalInput::value() reads while the button is NOT pressed (so after the HAL's active_low).
  /// Empty (the seed's sense=None): read at construction, assuming the button is not pressed then; this
  /// works for normally open and normally closed buttons, pull-up or pull-down.
  std::optional<bool> sense{};
  /// The line is ignored this long after each change it acted on.
  std::int64_t debounce_ms = 50;
  /// A press held this long (from its edge) is a long press.
  std::int64_t long_press_ms = 1000;
  /// A second press within this time of the first is a double click. Keep it below long_press_ms.
  std::int64_t double_click_ms = 400;
};

/// The events of a button, named as the seed's (and the daemon's) events.
enum class ButtonEvent : unsigned char { press, release, double_click, long_press };

/// "press", "release", "double", "long".
constexpr const char* to_string(ButtonEvent e) noexcept {
  switch (e) {
    case ButtonEvent::press:
      return "press";
    case ButtonEvent::release:
      return "release";
    case ButtonEvent::double_click:
      return "double";
    case ButtonEvent::long_press:
      return "long";
  }
  return "unknown";
}

/// One event, as the observer hook receives it.
struct ButtonReport {
  ButtonEvent event;
  /// When it happened, in µs on the loop clock: the edge's timestamp for press and release (and double, which
  /// fires at the second press), the timer's expiry for long (and for a release delayed by suppress).
  std::int64_t t_us;
  /// The debounced state after the event: true while the button is held.
  bool pressed;
};

}  // namespace aiopi::drivers
