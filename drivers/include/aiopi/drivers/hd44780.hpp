// HD44780 character LCD in 4-bit mode on six digital outputs (RS, E, D4-D7; R/W tied low), after
// micropython-async's alcd: the display is a list of row strings. Assigning a row stores it padded or cut
// to the width and marks it dirty when it changed; a background task writes the dirty rows every 20 ms.
//
//   drivers::HD44780 lcd({rs, e, d4, d5, d6, d7}, {.cols = 16, .rows = 2});
//   lcd.start();                          // the datasheet's power-on initialisation, then the refresh task
//   lcd[0] = "MicroPython";               // or lcd.set_line(0, "MicroPython")
//   std::string_view shown = lcd[0];      // "MicroPython     " (always `cols` characters)
//
// Bus as the seed drives it: RS 0 for a command, 1 for a character; high nibble then low nibble on D4..D7
// (bit 0 on D4); per nibble: data out, wait, E high, wait, E low, wait (pulse_us each, the seed's 50 µs);
// the display latches on E's falling edge. All waits are on the loop's clock.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aiopi/event.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopi/time.hpp"

namespace aiopi::drivers {

/// The six lines, in the seed's PINLIST order.
struct HD44780Pins {
  hal::DigitalOutput& rs;
  hal::DigitalOutput& e;
  hal::DigitalOutput& d4;
  hal::DigitalOutput& d5;
  hal::DigitalOutput& d6;
  hal::DigitalOutput& d7;
};

struct HD44780Config {
  std::uint8_t cols = 16;         // the seed's `cols` (mandatory there); at most kMaxCols
  std::uint8_t rows = 2;          // the seed's default; at most 4
  std::uint32_t refresh_ms = 20;  // how often dirty rows are written
  std::uint32_t pulse_us = 50;    // each of the three waits of a nibble
};

/// The display's commands used here (datasheet).
namespace hd44780_cmd {
inline constexpr std::uint8_t kClear = 0x01;              // needs 1.52 ms
inline constexpr std::uint8_t kEntryIncrement = 0x06;     // cursor moves right, no shift
inline constexpr std::uint8_t kDisplayOn = 0x0C;          // display on, cursor off, blink off
inline constexpr std::uint8_t kFunction4Bit2Line = 0x28;  // 4-bit bus, 2 lines, 5x8 font
inline constexpr std::uint8_t kSetDdram = 0x80;           // | address
}  // namespace hd44780_cmd

class HD44780 {
 public:
  static constexpr std::size_t kMaxCols = 40;
  static constexpr std::size_t kMaxRows = 4;

  /// Power-on waits of the datasheet's initialisation by instruction (4-bit interface).
  static constexpr Duration kPowerOnWait = std::chrono::milliseconds(50);  // > 40 ms after Vcc reaches 2.7 V
  static constexpr Duration kAfterFirstNibble = std::chrono::microseconds(5000);  // > 4.1 ms
  static constexpr Duration kAfterInitNibble = std::chrono::microseconds(150);    // > 100 µs
  static constexpr Duration kCommandWait = std::chrono::microseconds(50);         // > 37 µs
  static constexpr Duration kClearWait = std::chrono::microseconds(2000);         // > 1.52 ms

  /// The rows start blank (spaces). cols and rows are clamped to 1..kMaxCols and 1..kMaxRows. Starts at once
  /// when constructed inside a running loop (as the seed); elsewhere call start(loop) / start().
  explicit HD44780(const HD44780Pins& pins, const HD44780Config& config = {});
  HD44780(const HD44780&) = delete;
  HD44780& operator=(const HD44780&) = delete;
  ~HD44780() { deinit(); }

  /// Starts the task on the current loop (a no-op while it runs): initialises the display, then writes the
  /// dirty rows every refresh_ms. After an output error the task initialises the display again.
  void start(Loop& loop);
  void start() { start(Loop::get()); }
  /// Stops the task at once (unwinds it, possibly in the middle of a character).
  void deinit() noexcept;
  bool running() const noexcept;

  /// Stores `text` in `row`, padded with spaces or cut to `cols` characters; the row is written at the next
  /// refresh only if it changed. False (and nothing stored) for a row beyond `rows` (the seed: IndexError).
  bool set_line(std::size_t row, std::string_view text) noexcept;
  /// The stored row: exactly `cols` characters (empty for a row beyond `rows`).
  std::string_view line(std::size_t row) const noexcept;
  /// True while `row` waits to be written.
  bool dirty(std::size_t row) const noexcept { return row < rows_ && dirty_[row]; }

  /// `lcd[row] = text` and `std::string_view s = lcd[row]`, as the seed's list interface.
  class Row {
   public:
    Row& operator=(std::string_view text) noexcept {
      lcd_->set_line(row_, text);
      return *this;
    }
    operator std::string_view() const noexcept { return lcd_->line(row_); }  // NOLINT: reads like a string

   private:
    friend class HD44780;
    Row(HD44780& lcd, std::size_t row) noexcept : lcd_(&lcd), row_(row) {}
    HD44780* lcd_;
    std::size_t row_;
  };
  Row operator[](std::size_t row) noexcept { return Row(*this, row); }
  std::string_view operator[](std::size_t row) const noexcept { return line(row); }

  std::size_t cols() const noexcept { return cols_; }
  std::size_t rows() const noexcept { return rows_; }
  /// The DDRAM address of a row's first character: 0x00, 0x40, then cols and 0x40 + cols (4-row displays).
  std::uint8_t row_address(std::size_t row) const noexcept;

  /// Set once the initialisation has been sent.
  Event& initialised() noexcept { return initialised_; }
  /// The latest output error (kind ok while none); write_errors() counts them.
  const hal::IoError& last_error() const noexcept { return last_error_; }
  std::uint32_t write_errors() const noexcept { return write_errors_; }

 private:
  Task<> run();
  Task<hal::IoResult<void>> initialise();
  Task<hal::IoResult<void>> write_row(std::size_t row);
  Task<hal::IoResult<void>> send(bool rs, std::uint8_t value, bool both_nibbles, Duration after);

  HD44780Pins pins_;
  std::size_t cols_;
  std::size_t rows_;
  Duration refresh_;
  Duration pulse_;
  std::array<std::array<char, kMaxCols>, kMaxRows> text_{};
  std::array<bool, kMaxRows> dirty_{};
  Event initialised_;
  TaskHandle<void> task_;
  hal::IoError last_error_{};
  std::uint32_t write_errors_ = 0;
};

}  // namespace aiopi::drivers
