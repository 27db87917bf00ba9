// Shared by the hardening tests (issue #8): a loop the test can close while its lambdas still exist, and
// liveness bookkeeping that lets a destructor ask whether an object it refers to still exists without
// touching it (reading a destroyed object would itself be undefined).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_backend.hpp"

namespace aiopi::testing {

using namespace std::chrono_literals;

inline std::size_t blocks_in_use() {
  return default_frame_allocator_stats().blocks_in_use;
}

/// Which objects are alive; destructors that find a dead one count a violation.
class Liveness {
 public:
  void born(const void* p) { alive_.insert(p); }
  void died(const void* p) { alive_.erase(p); }
  bool alive(const void* p) const { return alive_.count(p) != 0; }

  int violations = 0;

 private:
  std::set<const void*> alive_;
};

/// A local of a parent frame, alive from construction to destruction.
class ParentScope {
 public:
  explicit ParentScope(Liveness& live) : live_(live) { live_.born(this); }
  ParentScope(const ParentScope&) = delete;
  ~ParentScope() { live_.died(this); }

 private:
  Liveness& live_;
};

/// Held by a child task (or a member's wait): when it is destroyed (the child finished or unwound), the
/// object it refers to — the parent's scope, the member — must still exist: a child must not outlive the
/// frame that started it.
class ChildGuard {
 public:
  ChildGuard(Liveness& live, const void* must_be_alive, int& destroyed)
      : live_(live), target_(must_be_alive), destroyed_(&destroyed) {}
  ChildGuard(const ChildGuard&) = delete;
  ~ChildGuard() {
    if (!live_.alive(target_)) ++live_.violations;
    ++*destroyed_;
  }

 private:
  Liveness& live_;
  const void* target_;
  int* destroyed_;
};

/// A fresh loop on a fresh virtual clock, which a test can close (unwinding what is left) before its own
/// lambdas and locals go away.
class HardeningTest : public ::testing::Test {
 public:
  HardeningTest() { loop_.emplace(backend); }

  Loop& loop() { return *loop_; }
  std::int64_t t_ms() { return loop_->now().time_since_epoch().count() / 1000; }
  template <class T>
  T run(Task<T> main) {
    return loop_->run_until_complete(std::move(main));
  }
  /// Destroys the loop now: tasks still pending unwind while the test's lambdas still exist.
  void close_loop() { loop_.reset(); }

  /// Runs a task that awaits `make_wait()` while the main task sleeps `later`, then closes the loop. True if
  /// the wait ended within that time.
  template <class MakeWait>
  bool wait_ends_within(MakeWait make_wait, Duration later) {
    bool ended = false;
    auto waiter = [&]() -> Task<> {
      co_await make_wait();
      ended = true;
    };
    auto main_task = [&]() -> Task<> {
      (void)create_task(waiter());
      co_await sleep(later);
    };
    run(main_task());
    close_loop();
    return ended;
  }

  Liveness live;  // declared before the loop: outlives every frame
  sim::SimBackend backend;
  std::optional<Loop> loop_;
};

}  // namespace aiopi::testing
