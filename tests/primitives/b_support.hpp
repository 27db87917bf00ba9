// Fixtures of the part-B primitive tests: a fresh loop on the virtual clock per test (BSimTest), and the same
// test run once on the simulated backend and once on the Linux (epoll) backend (BBackendTest), for the tests
// that use real threads.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "aiopi/broker.hpp"
#include "aiopi/elo.hpp"
#include "aiopi/event.hpp"
#include "aiopi/gather.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/lock.hpp"
#include "aiopi/message.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopi/thread_context.hpp"
#include "aiopi/thread_safe_event.hpp"
#include "aiopi/thread_safe_flag.hpp"
#include "aiopi/thread_safe_queue.hpp"
#include "aiopi/to_thread.hpp"
#include "aiopi/wait_all.hpp"
#include "aiopi/wait_any.hpp"
#include "aiopi/wait_for.hpp"

namespace aiopi::testing {

using namespace std::chrono_literals;

class BSimTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};

  std::int64_t t_ms() { return loop.now().time_since_epoch().count() / 1000; }

  template <class T>
  T run(Task<T> main) {
    return loop.run_until_complete(std::move(main));
  }
};

enum class BKind { sim, linux_epoll };

inline std::string bkind_name(const ::testing::TestParamInfo<BKind>& info) {
  return info.param == BKind::sim ? "sim" : "linux";
}

class BBackendTest : public ::testing::TestWithParam<BKind> {
 protected:
  BBackendTest() {
    if (GetParam() == BKind::sim) {
      backend_ = &sim_.emplace();
    } else {
      backend_ = &linux_.emplace();
    }
    loop_.emplace(*backend_);
  }
  ~BBackendTest() override { loop_.reset(); }

  Loop& loop() { return *loop_; }
  template <class T>
  T run(Task<T> main) {
    return loop_->run_until_complete(std::move(main));
  }

 private:
  std::optional<sim::SimBackend> sim_;
  std::optional<os_linux::LinuxBackend> linux_;
  Backend* backend_ = nullptr;
  std::optional<Loop> loop_;
};

#define AIOPI_B_ALL_BACKENDS(Suite) \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::Values(BKind::sim, BKind::linux_epoll), bkind_name)

/// Counts destructions, to prove a cancelled frame's destructors ran.
struct BDtorProbe {
  explicit BDtorProbe(int& counter) : counter_(&counter) {}
  BDtorProbe(const BDtorProbe&) = delete;
  ~BDtorProbe() { ++*counter_; }
  int* counter_;
};

}  // namespace aiopi::testing
