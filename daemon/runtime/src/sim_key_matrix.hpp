// The sim board's key matrix behind a `keypad` or `switch_array` with `sim_key_every`: row outputs and column
// inputs wired through simulated keys, so that the driver's scan finds a pressed key exactly as on a real
// matrix. A column reads low while a row driven low has a closed key on it. The columns detect no edges (the
// drivers scan them, as on the linux board, where open_matrix asks for none).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/error.hpp"

namespace aiopid::runtime::driver_support {

/// The wiring: which rows are driven low and which keys are closed. Shared by the lines and the stimulus, so
/// whichever is destroyed last frees it.
struct SimKeyWiring {
  SimKeyWiring(std::size_t rows, std::size_t cols) : ncols(cols), row_low(rows, false), closed(rows * cols) {}
  std::size_t ncols;
  std::vector<bool> row_low;
  std::vector<bool> closed;  ///< by scan code: row x ncols + col
};

class SimMatrixRow final : public aiopi::hal::DigitalOutput {
 public:
  SimMatrixRow(std::shared_ptr<SimKeyWiring> wiring, std::size_t row)
      : aiopi::hal::DigitalOutput({.initial = true, .drive = aiopi::hal::Drive::open_drain}),
        wiring_(std::move(wiring)),
        row_(row) {}
  aiopi::hal::IoResult<void> set(bool level) override {
    wiring_->row_low[row_] = !level;
    return {};
  }
  aiopi::hal::IoResult<bool> get() override { return !wiring_->row_low[row_]; }

 private:
  std::shared_ptr<SimKeyWiring> wiring_;
  std::size_t row_;
};

class SimMatrixColumn final : public aiopi::hal::DigitalInput {
 public:
  SimMatrixColumn(std::shared_ptr<SimKeyWiring> wiring, std::size_t col)
      : aiopi::hal::DigitalInput({.edges = aiopi::hal::EdgeMode::none, .bias = aiopi::hal::Bias::pull_up}),
        wiring_(std::move(wiring)),
        col_(col) {}
  aiopi::hal::IoResult<bool> value() override {
    const SimKeyWiring& w = *wiring_;
    for (std::size_t r = 0; r < w.row_low.size(); ++r)
      if (w.row_low[r] && w.closed[r * w.ncols + col_]) return false;  // pulled low through the key
    return true;                                                       // the pull-up
  }

 private:
  std::shared_ptr<SimKeyWiring> wiring_;
  std::size_t col_;
};

}  // namespace aiopid::runtime::driver_support
