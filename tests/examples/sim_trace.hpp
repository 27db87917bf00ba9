// What the examples' tests read from the sim board: an output's changes as intervals, and time helpers.
#pragma once

#include <cstdint>
#include <vector>

#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_digital.hpp"

namespace aiopi::examples_test {

inline std::int64_t now_us() {
  return Loop::get().now().time_since_epoch().count();
}

/// The times (µs) of the changes of level in `history` within [from_us, to_us), the initial entry left out.
inline std::vector<std::int64_t> change_times(const std::vector<sim::LevelChange>& history,
                                              std::int64_t from_us, std::int64_t to_us) {
  std::vector<std::int64_t> times;
  for (std::size_t i = 1; i < history.size(); ++i)
    if (history[i].level != history[i - 1].level && history[i].t_us >= from_us && history[i].t_us < to_us)
      times.push_back(history[i].t_us);
  return times;
}

/// The gaps (ms) between consecutive changes within [from_us, to_us).
inline std::vector<std::int64_t> intervals_ms(const std::vector<sim::LevelChange>& history,
                                              std::int64_t from_us, std::int64_t to_us) {
  const std::vector<std::int64_t> t = change_times(history, from_us, to_us);
  std::vector<std::int64_t> gaps;
  for (std::size_t i = 1; i < t.size(); ++i)
    gaps.push_back((t[i] - t[i - 1]) / 1000);
  return gaps;
}

}  // namespace aiopi::examples_test
