// A simulated crosspoint key matrix for the Keyboard and SwArray tests: row outputs and column inputs whose
// levels follow which row is driven low and which keys are closed at the loop's virtual time. Each key has a
// script of (time, closed) changes; a column reads low when a driven (low) row has a closed key on it. With
// `column_edges` the columns also queue an edge whenever their level changes (a row set, a key's scripted
// change), stamped with the virtual time, as a GPIO backend would.
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
  explicit RigRow(KeyMatrixRig& rig)
      : hal::DigitalOutput({.initial = false, .drive = hal::Drive::open_drain}), rig_(rig) {}
  hal::IoResult<void> set(bool level) override;
  hal::IoResult<bool> get() override { return level_; }
  bool level() const noexcept { return level_; }
  int fail_sets = 0;
  std::size_t writes = 0;

 private:
  KeyMatrixRig& rig_;
  bool level_ = false;  // low until the driver releases it: start() must
};

class RigColumn final : public hal::DigitalInput {
 public:
  RigColumn(KeyMatrixRig& rig, std::size_t col, bool edges)
      : hal::DigitalInput({.edges = edges ? hal::EdgeMode::both : hal::EdgeMode::none}),
        rig_(rig),
        col_(col) {}
  hal::IoResult<bool> value() override;
  /// Re-evaluates the level; queues an edge if it changed (with edge detection).
  void refresh(std::int64_t now_us);

 private:
  KeyMatrixRig& rig_;
  std::size_t col_;
  bool last_ = true;
};

class KeyMatrixRig {
 public:
  KeyMatrixRig(Loop& loop, std::size_t rows, std::size_t cols, bool column_edges = false)
      : loop_(loop), ncols_(cols), column_edges_(column_edges), script_(rows * cols) {
    for (std::size_t r = 0; r < rows; ++r) {
      rows_.push_back(std::make_unique<RigRow>(*this));
      row_ptrs_.push_back(rows_.back().get());
    }
    for (std::size_t c = 0; c < cols; ++c) {
      cols_.push_back(std::make_unique<RigColumn>(*this, c, column_edges));
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
  /// The level of a column now (not counted as a read).
  bool level_now(std::size_t col) const {
    bool level = true;  // pull-up
    for (std::size_t r = 0; r < rows_.size(); ++r)
      if (!rows_[r]->level() && closed(code(r, col, ncols_))) level = false;
    return level;
  }
  /// A read of a column by the driver: counted, checked (at most one row driven while scanning).
  bool column_level(std::size_t col) {
    std::size_t driven = 0;
    for (const auto& r : rows_)
      if (!r->level()) ++driven;
    if (driven > 1) ++several_rows_driven;
    if (col == 0 && driven == 1 && !rows_[0]->level())
      scan_times.push_back(loop_.now().time_since_epoch().count());
    ++column_reads;
    return level_now(col);
  }
  void refresh_all() {
    const std::int64_t now = loop_.now().time_since_epoch().count();
    for (auto& c : cols_)
      c->refresh(now);
  }
  bool all_rows_released() const {
    return std::all_of(rows_.begin(), rows_.end(), [](const auto& r) { return r->level(); });
  }

  std::size_t several_rows_driven = 0;  // reads with more than one row driven (idle waits read that way too)
  std::size_t column_reads = 0;
  std::vector<std::int64_t> scan_times;  // each scan: when it read (row 0, column 0) with only row 0 driven
  int fail_reads = 0;

 private:
  void add(std::uint16_t code, std::int64_t t, bool c) {
    auto& s = script_[code];
    s.emplace_back(t, c);
    std::stable_sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    if (column_edges_) (void)loop_.call_at(TimePoint(Duration(t)), [this] { refresh_all(); });
  }

  Loop& loop_;
  std::size_t ncols_;
  bool column_edges_;
  std::vector<std::vector<std::pair<std::int64_t, bool>>> script_;
  std::vector<std::unique_ptr<RigRow>> rows_;
  std::vector<std::unique_ptr<RigColumn>> cols_;
  std::vector<hal::DigitalOutput*> row_ptrs_;
  std::vector<hal::DigitalInput*> col_ptrs_;
};

inline hal::IoResult<void> RigRow::set(bool level) {
  if (fail_sets > 0) {
    --fail_sets;
    return hal::io_error(hal::IoErrc::io, "rig row: scripted failure");
  }
  level_ = level;
  ++writes;
  rig_.refresh_all();
  return {};
}

inline void RigColumn::refresh(std::int64_t now_us) {
  const bool level = rig_.level_now(col_);
  if (level == last_) return;
  last_ = level;
  if (config().edges != hal::EdgeMode::none)
    edge_queue().push(level ? hal::Edge::rising : hal::Edge::falling, now_us);
}

inline hal::IoResult<bool> RigColumn::value() {
  if (rig_.fail_reads > 0) {
    --rig_.fail_reads;
    return hal::io_error(hal::IoErrc::io, "rig column: scripted failure");
  }
  return rig_.column_level(col_);
}

}  // namespace aiopi::drivers::testing
