// A simulated crosspoint key matrix for the Keyboard and SwArray tests: row outputs and column inputs whose
// levels follow which row is driven low and which keys are closed at the loop's virtual time. Each key has a
// script of (time, closed) changes; a column reads low when a driven (low) row has a closed key on it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "aiopi/hal/digital.hpp"
#include "aiopi/loop.hpp"

namespace aiopi::drivers::testing {

class KeyMatrixRig;

class RigRow final : public hal::DigitalOutput {
 public:
  RigRow() : hal::DigitalOutput({.initial = false, .drive = hal::Drive::open_drain}) {}
  hal::IoResult<void> set(bool level) override {
    if (fail_sets > 0) {
      --fail_sets;
      return hal::io_error(hal::IoErrc::io, "rig row: scripted failure");
    }
    level_ = level;
    ++writes;
    return {};
  }
  hal::IoResult<bool> get() override { return level_; }
  bool level() const noexcept { return level_; }
  int fail_sets = 0;
  std::size_t writes = 0;

 private:
  bool level_ = false;  // low until the driver releases it: start() must
};

class RigColumn final : public hal::DigitalInput {
 public:
  RigColumn(KeyMatrixRig& rig, std::size_t col) : hal::DigitalInput({}), rig_(rig), col_(col) {}
  hal::IoResult<bool> value() override;

 private:
  KeyMatrixRig& rig_;
  std::size_t col_;
};

class KeyMatrixRig {
 public:
  KeyMatrixRig(Loop& loop, std::size_t rows, std::size_t cols)
      : loop_(loop), ncols_(cols), script_(rows * cols) {
    for (std::size_t r = 0; r < rows; ++r) {
      rows_.push_back(std::make_unique<RigRow>());
      row_ptrs_.push_back(rows_.back().get());
    }
    for (std::size_t c = 0; c < cols; ++c) {
      cols_.push_back(std::make_unique<RigColumn>(*this, c));
      col_ptrs_.push_back(cols_.back().get());
    }
  }

  std::span<hal::DigitalOutput* const> rows() const noexcept { return row_ptrs_; }
  std::span<hal::DigitalInput* const> cols() const noexcept { return col_ptrs_; }
  RigRow& row(std::size_t r) { return *rows_[r]; }

  static std::uint16_t code(std::size_t row, std::size_t col, std::size_t ncols) {
    return static_cast<std::uint16_t>(row * ncols + col);
  }
  /// Key `code` is closed from `from_us` until `to_us` (virtual time; -1: for ever).
  void press(std::uint16_t code, std::int64_t from_us, std::int64_t to_us = -1) {
    add(code, from_us, true);
    if (to_us >= 0) add(code, to_us, false);
  }
  /// Contact bounce: `count` changes of key `code` from `at_us`, `interval_us` apart, starting with a
  /// closure.
  void bounce(std::uint16_t code, std::int64_t at_us, int count, std::int64_t interval_us) {
    for (int i = 0; i < count; ++i)
      add(code, at_us + i * interval_us, i % 2 == 0);
  }
  bool closed(std::uint16_t code) const {
    const std::int64_t now = loop_.now().time_since_epoch().count();
    bool state = false;
    for (const auto& [t, c] : script_[code])
      if (t <= now) state = c;
    return state;
  }
  bool column_level(std::size_t col) {
    std::size_t driven = 0;
    bool level = true;  // pull-up
    for (std::size_t r = 0; r < rows_.size(); ++r) {
      if (rows_[r]->level()) continue;
      ++driven;
      if (closed(code(r, col, ncols_))) level = false;
    }
    if (driven > 1) ++several_rows_driven;
    if (col == 0 && !rows_[0]->level()) scan_times.push_back(loop_.now().time_since_epoch().count());
    ++column_reads;
    return level;
  }
  bool all_rows_released() const {
    return std::all_of(rows_.begin(), rows_.end(), [](const auto& r) { return r->level(); });
  }

  std::size_t several_rows_driven = 0;
  std::size_t column_reads = 0;
  std::vector<std::int64_t> scan_times;  // each scan: when it read (row 0, column 0)
  int fail_reads = 0;

 private:
  void add(std::uint16_t code, std::int64_t t, bool c) {
    auto& s = script_[code];
    s.emplace_back(t, c);
    std::stable_sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  }

  Loop& loop_;
  std::size_t ncols_;
  std::vector<std::vector<std::pair<std::int64_t, bool>>> script_;
  std::vector<std::unique_ptr<RigRow>> rows_;
  std::vector<std::unique_ptr<RigColumn>> cols_;
  std::vector<hal::DigitalOutput*> row_ptrs_;
  std::vector<hal::DigitalInput*> col_ptrs_;
};

inline hal::IoResult<bool> RigColumn::value() {
  if (rig_.fail_reads > 0) {
    --rig_.fail_reads;
    return hal::io_error(hal::IoErrc::io, "rig column: scripted failure");
  }
  return rig_.column_level(col_);
}

}  // namespace aiopi::drivers::testing
