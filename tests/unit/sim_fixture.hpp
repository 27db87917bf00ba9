// A fresh loop on a fresh virtual clock for every test.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_backend.hpp"

/// Misuse gives a clear error instead of undefined behaviour: a UsageError where exceptions exist, otherwise
/// a panic with the same message (a death test in the noexcept build).
#if AIOPI_HAS_EXCEPTIONS
#define EXPECT_USAGE_ERROR(stmt, pattern) EXPECT_THROW(stmt, ::aiopi::UsageError)
#else
#define EXPECT_USAGE_ERROR(stmt, pattern) EXPECT_DEATH(stmt, pattern)
#endif

namespace aiopi::testing {

using namespace std::chrono_literals;

class SimTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};

  /// Microseconds of virtual time since the test began.
  std::int64_t t_us() { return loop.now().time_since_epoch().count(); }
  std::int64_t t_ms() { return t_us() / 1000; }

  template <class T>
  T run(Task<T> main) {
    return loop.run_until_complete(std::move(main));
  }
};

/// Counts constructions and destructions, to prove a cancelled frame's destructors ran.
struct DtorProbe {
  explicit DtorProbe(int& counter) : counter_(&counter) {}
  DtorProbe(const DtorProbe&) = delete;
  ~DtorProbe() { ++*counter_; }
  int* counter_;
};

}  // namespace aiopi::testing
