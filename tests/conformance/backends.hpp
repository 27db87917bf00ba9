// Parameterises a test over every loop backend.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "aiopi/aiopi.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/sim/sim_backend.hpp"

namespace aiopi::testing {

using namespace std::chrono_literals;

enum class BackendKind { sim, linux_epoll };

inline std::string backend_name(const ::testing::TestParamInfo<BackendKind>& info) {
  return info.param == BackendKind::sim ? "sim" : "linux";
}

/// Owns one backend of the requested kind.
class BackendHolder {
 public:
  explicit BackendHolder(BackendKind kind) {
    if (kind == BackendKind::sim) {
      backend_ = &sim_.emplace();
    } else {
      backend_ = &linux_.emplace();
    }
  }
  Backend& get() { return *backend_; }

 private:
  std::optional<sim::SimBackend> sim_;
  std::optional<os_linux::LinuxBackend> linux_;
  Backend* backend_ = nullptr;
};

class BackendTest : public ::testing::TestWithParam<BackendKind> {
 protected:
  BackendTest() : holder_(GetParam()) { loop_.emplace(holder_.get()); }
  ~BackendTest() override { loop_.reset(); }

  Loop& loop() { return *loop_; }
  bool is_sim() const { return GetParam() == BackendKind::sim; }
  template <class T>
  T run(Task<T> main) {
    return loop_->run_until_complete(std::move(main));
  }

 private:
  BackendHolder holder_;
  std::optional<Loop> loop_;
};

#define AIOPI_ALL_BACKENDS(Suite)              \
  INSTANTIATE_TEST_SUITE_P(AllBackends, Suite, \
                           ::testing::Values(BackendKind::sim, BackendKind::linux_epoll), backend_name)

}  // namespace aiopi::testing
