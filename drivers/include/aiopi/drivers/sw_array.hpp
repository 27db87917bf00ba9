// SwArray: micropython-async's crosspoint switch array with open / close / long / double events
// (primitives.sw_array), on the KeyMatrix scanner of keyboard.hpp (same lines, scan codes and cadence).
//
//   using drivers::SwArray;
//   SwArray keys(rows, cols, {.cfg = SwArray::CLOSE | SwArray::OPEN | SwArray::LONG | SwArray::DOUBLE |
//                                     SwArray::SUPPRESS});
//   if (auto r = keys.start(); !r) log(r.error().what);
//   for (;;) {
//     drivers::SwEvent e = co_await keys.get();          // {scan_code, event}: event is one of the bits
//     if (e.event == SwArray::DOUBLE) toggle(e.scan_code);
//   }
//
// An event is queued only if its bit is in `cfg`; a full queue drops its oldest item. With columns that
// detect falling edges the array sleeps while every key is open and no sequence is timing (see keyboard.hpp).
//
// Basic mode (cfg has none of LONG, DOUBLE, SUPPRESS): every debounced change of a key queues CLOSE or OPEN
// at once (for diode-isolated switch matrices).
//
// Timed mode: each key runs the seed's per-key sequence, evaluated at every scan (so its times have the
// resolution of the scan period), from the scan that saw the key close:
//   1. without SUPPRESS: CLOSE;
//   2. held longer than long_press_ms: LONG; then OPEN when released; done;
//   3. released first: without SUPPRESS, OPEN;
//   4. no second closure within double_click_ms of the first: with SUPPRESS, CLOSE then OPEN (the single
//      click, held back until it could not become a double); without SUPPRESS nothing more (CLOSE and OPEN
//      were reported already: the seed reports them a second time here, a known bug); done;
//   5. a second closure in time: DOUBLE; then OPEN when released; done.
// So with SUPPRESS: single = CLOSE, OPEN (after double_click_ms); long = LONG, OPEN; double = DOUBLE, OPEN.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/drivers/keyboard.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/queue.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi::drivers {

/// One queued event: the key and which event (one of SwArray's bits).
struct SwEvent {
  std::uint16_t scan_code = 0;
  std::uint8_t event = 0;
  friend bool operator==(const SwEvent&, const SwEvent&) = default;
};

struct SwArrayConfig {
  std::uint8_t cfg = 1 | 2;            // the seed's mandatory cfg: OR of CLOSE OPEN LONG DOUBLE SUPPRESS
  std::size_t bufsize = 10;            // the seed's buffer length: the queue holds bufsize - 1 events
  std::int64_t debounce_ms = 50;       // the pause after a scan that saw a change
  std::int64_t long_press_ms = 1000;   // held longer than this: LONG
  std::int64_t double_click_ms = 400;  // second closure within this of the first: DOUBLE
  std::int64_t scan_ms = 10;           // the pause after a scan that saw no change (>= 1)
};

enum class SwArrayEvent : unsigned char { close, open, long_press, double_click };
constexpr const char* to_string(SwArrayEvent e) noexcept {
  switch (e) {
    case SwArrayEvent::close:
      return "close";
    case SwArrayEvent::open:
      return "open";
    case SwArrayEvent::long_press:
      return "long";
    case SwArrayEvent::double_click:
      return "double";
  }
  return "unknown";
}

/// What the observer is told for every event queued (those in cfg).
struct SwArrayReport {
  SwArrayEvent kind = SwArrayEvent::close;
  std::int64_t t_us = 0;  // loop clock: the scan that produced the event
  std::uint16_t scan_code = 0;
};

class SwArray {
 public:
  static constexpr std::uint8_t CLOSE = 1;
  static constexpr std::uint8_t OPEN = 2;
  static constexpr std::uint8_t LONG = 4;
  static constexpr std::uint8_t DOUBLE = 8;
  static constexpr std::uint8_t SUPPRESS = 16;

  using Config = SwArrayConfig;
  using Observer = InplaceFunction<void(const SwArrayReport&)>;
  using GetAwaiter = Queue<SwEvent>::GetAwaiter;

  /// Allocates the queue (bufsize - 1 slots, at least 1). Nothing runs until start().
  SwArray(std::span<hal::DigitalOutput* const> rows, std::span<hal::DigitalInput* const> cols,
          const Config& config = {});
  SwArray(const SwArray&) = delete;
  SwArray& operator=(const SwArray&) = delete;
  ~SwArray() { deinit(); }

  /// Checks the matrix and the times, releases every row and starts the scan task on the current loop.
  hal::IoResult<void> start();
  /// Stops scanning and forgets every key's sequence (safe at any time). start() may run again.
  void deinit() noexcept;
  bool running() const noexcept { return static_cast<bool>(task_); }

  /// `co_await sw.get()`: the oldest event, waiting while there is none (the seed's `async for`).
  GetAwaiter get() noexcept { return queue_.get(); }
  std::optional<SwEvent> get_nowait() { return queue_.get_nowait(); }
  std::size_t qsize() const noexcept { return queue_.qsize(); }
  bool empty() const noexcept { return queue_.empty(); }
  std::size_t overwritten() const noexcept { return overwritten_; }

  /// The debounced state of a key: true while closed.
  bool operator[](std::uint16_t scan_code) const noexcept {
    return scan_code < 64 && ((state_ >> scan_code) & 1u) != 0;
  }
  /// Every key's debounced state, bit = scan code (1 = closed).
  std::uint64_t keymap() const noexcept { return state_; }

  void set_observer(Observer observer) noexcept { observer_ = std::move(observer); }
  const hal::IoError& error() const noexcept { return error_; }
  std::size_t errors() const noexcept { return errors_; }
  const Config& config() const noexcept { return config_; }

 private:
  /// Where a key is in the timed sequence.
  enum class Phase : unsigned char { idle, held, released, finishing };
  struct Key {
    Phase phase = Phase::idle;
    std::int64_t since_us = 0;  // the scan that saw the first closure
  };

  Task<> run();
  /// Queues `event` for `code` if cfg asks for it and tells the observer. False when the observer stopped
  /// or destroyed the array (touch nothing then).
  bool put(std::uint16_t code, std::uint8_t event, std::int64_t t_us);
  /// Advances one key's timed sequence by one scan. False as for put().
  bool step(std::uint16_t code, bool closed, std::int64_t t_us);
  /// No key in a timed sequence (nothing to time out).
  bool all_idle() const noexcept;

  KeyMatrix matrix_;
  ColumnWatch watch_;
  Config config_;
  Queue<SwEvent> queue_;
  Observer observer_;
  TaskHandle<> task_;
  std::array<Key, KeyMatrix::kMaxKeys> keys_{};
  std::uint64_t state_ = 0;
  std::size_t overwritten_ = 0;
  std::size_t errors_ = 0;
  hal::IoError error_{};
  bool* destroyed_flag_ = nullptr;
};

}  // namespace aiopi::drivers
