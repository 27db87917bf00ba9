// The rig of the switch and button tests: a loop on the simulated board's virtual clock, one simulated input
// line, gestures put on it at virtual times (ms), and a log of what the driver reported, with times.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_digital.hpp"

namespace aiopi::drivers::testing {

using namespace std::chrono_literals;

/// One logged report: what and when (ms on the virtual clock).
struct Entry {
  std::string what;
  std::int64_t t_ms;
  friend bool operator==(const Entry&, const Entry&) = default;
};
inline std::ostream& operator<<(std::ostream& os, const Entry& e) {
  return os << e.what << "@" << e.t_ms;
}

/// What the driver did, in order.
struct Log {
  explicit Log(Loop& l) : loop(l) {}
  Loop& loop;
  std::vector<Entry> entries;
  void add(const char* what) { entries.push_back({what, loop.now().time_since_epoch().count() / 1000}); }
  void add_at(const char* what, std::int64_t t_us) { entries.push_back({what, t_us / 1000}); }
  int count(const std::string& what) const {
    int n = 0;
    for (const Entry& e : entries)
      n += e.what == what ? 1 : 0;
    return n;
  }
};

/// A contact on one simulated line. Electrical levels: a contact to ground with a pull-up reads 1 when open.
struct Rig {
  explicit Rig(hal::InputConfig config = {.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_up},
               int initial = 1)
      : pin(loop, config, initial) {}

  sim::SimBackend backend;
  Loop loop{backend};
  sim::SimDigitalInput pin;
  Log log{loop};

  std::int64_t now_ms() { return loop.now().time_since_epoch().count() / 1000; }

  /// Puts `level` (electrical) on the line at `ms` of virtual time.
  void level_at(std::int64_t ms, bool level) { pin.schedule_edges({{std::chrono::milliseconds(ms), level}}); }
  /// A contact to ground closed over [from, to) ms (electrical 0 while closed).
  void close_between(std::int64_t from_ms, std::int64_t to_ms, bool idle = true) {
    level_at(from_ms, !idle);
    level_at(to_ms, idle);
  }
  /// Runs the loop until `ms` of virtual time.
  void run_until(std::int64_t ms) {
    loop.run_until_complete([](std::int64_t until) -> Task<> {
      co_await sleep_until(TimePoint(std::chrono::milliseconds(until)));
    }(ms));
  }
};

}  // namespace aiopi::drivers::testing
