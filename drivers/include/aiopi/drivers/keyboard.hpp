// Keyboard: micropython-async's crosspoint keypad (primitives.matrix_keypad), and KeyMatrix, the scanner it
// shares with SwArray.
//
//   hal::DigitalOutput* rows[] = {&r0, &r1, &r2, &r3};   // open drain, idle high (the driver sets them)
//   hal::DigitalInput* cols[] = {&c0, &c1, &c2, &c3};     // pull-ups: a pressed key reads low
//   drivers::Keyboard kb(rows, cols);                     // {.bufsize = 10, .db_delay = 50}
//   if (auto r = kb.start(); !r) log(r.error().what);
//   for (;;) { std::uint16_t key = co_await kb.get(); show("123A456B789C*0#D"[key]); }
//
// Scanning: each row in turn is driven active (set(false): low), every column is read (a pressed key pulls
// its column low: value() == false), and the row is released (set(true)). Key (row, col) has the scan code
// row * ncols + col: 0 is the first key scanned. Lines are logical, so a matrix with the opposite polarity
// is described by requesting its lines active_low. Up to 64 keys.
//
// Cadence (the seed's): after a scan that saw any change, the next scan waits `db_delay` ms, so contact
// bounce shorter than that is never seen; otherwise the next scan follows after `scan_ms` (the seed scans at
// every pass of its scheduler, which would keep a loop busy for ever).
//
// Idle on edges: when every column detects falling edges (requested with EdgeMode::falling or both) and no
// key is closed, the driver drives every row, and sleeps until a column's edge says a key closed: no scans,
// no wake-ups while nobody types. The scan after the wake-up is immediate; scanning then goes on as above
// until every key is open again. With columns that detect no edges it polls every `scan_ms`.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/event.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/queue.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi::drivers {

/// Rows x columns of switches: one scan reads the state of every key.
class KeyMatrix {
 public:
  static constexpr std::size_t kMaxKeys = 64;

  /// The arrays (and the lines) must outlive the matrix.
  KeyMatrix(std::span<hal::DigitalOutput* const> rows, std::span<hal::DigitalInput* const> cols) noexcept
      : rows_(rows), cols_(cols) {}

  /// invalid_argument for no rows or columns, a null line, or more than kMaxKeys keys.
  hal::IoResult<void> check() const noexcept;
  /// Every row released (set(true)).
  hal::IoResult<void> release_rows();
  /// One scan: bit `row * ncols + col` set for each pressed key. On a line's error the row being driven is
  /// released before the error is returned.
  hal::IoResult<std::uint64_t> scan();

  /// True when every column detects falling edges (EdgeMode::falling or both) and there are at most
  /// ColumnWatch::kMaxColumns of them: a driver can then sleep until a key closes instead of polling.
  bool can_wait_for_keys() const noexcept;
  /// Drives every row active (the idle state of a driver waiting for a key) and reads the columns: true if a
  /// key is closed already (no edge will come for it). On an error every row is released.
  hal::IoResult<bool> drive_all_rows();

  std::span<hal::DigitalInput* const> columns() const noexcept { return cols_; }
  std::size_t rows() const noexcept { return rows_.size(); }
  std::size_t cols() const noexcept { return cols_.size(); }
  std::size_t keys() const noexcept { return rows_.size() * cols_.size(); }

 private:
  std::span<hal::DigitalOutput* const> rows_;
  std::span<hal::DigitalInput* const> cols_;
};

/// One small task per column, each waiting on its column's edges and setting activity(): how a driver with
/// every row driven sleeps until any key closes.
class ColumnWatch {
 public:
  static constexpr std::size_t kMaxColumns = 16;

  ColumnWatch() noexcept = default;
  ColumnWatch(const ColumnWatch&) = delete;
  ColumnWatch& operator=(const ColumnWatch&) = delete;
  ~ColumnWatch() { stop(); }

  /// Starts the watchers on the current loop (at most kMaxColumns columns; the rest are ignored).
  void start(std::span<hal::DigitalInput* const> cols);
  void stop() noexcept;
  bool running() const noexcept { return running_; }
  /// Set by any column's edge; the driver clears it before it waits.
  Event& activity() noexcept { return activity_; }

 private:
  Task<> watch(hal::DigitalInput& col);
  std::array<TaskHandle<>, kMaxColumns> tasks_{};
  Event activity_;
  bool running_ = false;
};

struct KeyboardConfig {
  std::size_t bufsize = 10;    // the seed's buffer length: the queue holds bufsize - 1 scan codes
  std::int64_t db_delay = 50;  // ms: the pause after a scan that saw a change (debounce)
  std::int64_t scan_ms = 10;   // ms: the pause after a scan that saw none (>= 1)
};

enum class KeyboardEvent : unsigned char { press };
constexpr const char* to_string(KeyboardEvent) noexcept {
  return "press";
}

/// What the observer is told for every newly pressed key (also when the queue had to drop one).
struct KeyboardReport {
  KeyboardEvent kind = KeyboardEvent::press;
  std::int64_t t_us = 0;  // loop clock: the scan that saw the press
  std::uint16_t scan_code = 0;
};

class Keyboard {
 public:
  using Config = KeyboardConfig;
  using Observer = InplaceFunction<void(const KeyboardReport&)>;
  using GetAwaiter = Queue<std::uint16_t>::GetAwaiter;

  /// Allocates the queue (bufsize - 1 slots, at least 1). Nothing runs until start().
  Keyboard(std::span<hal::DigitalOutput* const> rows, std::span<hal::DigitalInput* const> cols,
           const Config& config = {});
  Keyboard(const Keyboard&) = delete;
  Keyboard& operator=(const Keyboard&) = delete;
  ~Keyboard() { deinit(); }

  /// Checks the matrix, releases every row and starts the scan task on the current loop.
  hal::IoResult<void> start();
  /// Stops scanning (safe at any time). start() may run again.
  void deinit() noexcept;
  bool running() const noexcept { return static_cast<bool>(task_); }

  /// `co_await kb.get()`: the oldest scan code, waiting while there is none (the seed's `async for`).
  GetAwaiter get() noexcept { return queue_.get(); }
  std::optional<std::uint16_t> get_nowait() { return queue_.get_nowait(); }
  std::size_t qsize() const noexcept { return queue_.qsize(); }
  bool empty() const noexcept { return queue_.empty(); }
  /// Scan codes dropped because the queue was full (the oldest go first).
  std::size_t overwritten() const noexcept { return overwritten_; }

  /// The debounced state of a key (for auto-repeat): true while pressed.
  bool operator[](std::uint16_t scan_code) const noexcept {
    return scan_code < 64 && ((state_ >> scan_code) & 1u) != 0;
  }

  void set_observer(Observer observer) noexcept { observer_ = std::move(observer); }
  /// The last scan error (kind ok if none); the scan goes on at the next period.
  const hal::IoError& error() const noexcept { return error_; }
  std::size_t errors() const noexcept { return errors_; }
  const Config& config() const noexcept { return config_; }

 private:
  Task<> run();

  KeyMatrix matrix_;
  ColumnWatch watch_;
  Config config_;
  Queue<std::uint16_t> queue_;
  Observer observer_;
  TaskHandle<> task_;
  std::uint64_t state_ = 0;
  std::size_t overwritten_ = 0;
  std::size_t errors_ = 0;
  hal::IoError error_{};
  bool* destroyed_flag_ = nullptr;  // set while the observer runs: deinit() from it ends the scan task
};

namespace detail {
/// Unwinds a driver's task at once and forgets it; from inside the task itself it only forgets it (the
/// task sees its UserCallGuard and returns).
void stop_task(TaskHandle<>& task) noexcept;

/// Around a call of user code from a driver's task: `slot` points at `stopped` meanwhile, so that deinit()
/// or the destructor called from the user code can say so; cleared on return (or exception) unless stopped.
class UserCallGuard {
 public:
  explicit UserCallGuard(bool*& slot) noexcept : slot_(slot) { slot_ = &stopped; }
  UserCallGuard(const UserCallGuard&) = delete;
  UserCallGuard& operator=(const UserCallGuard&) = delete;
  ~UserCallGuard() {
    if (!stopped) slot_ = nullptr;
  }
  bool stopped = false;

 private:
  bool*& slot_;
};
}  // namespace detail

}  // namespace aiopi::drivers
