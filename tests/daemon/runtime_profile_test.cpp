// Task profiling ([daemon] profile_tasks): the loop's figures per task, summed over the task's runs, counted
// from zero each time profiling is turned on, and turned on and off by a reload that changes the key. The sim
// backend's profile clock is the real monotonic clock, so times are only checked for consistency (and for
// having advanced at all over several resumes); resume counts are exact.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sleep.hpp"
#include "aiopid/runtime/runtime.hpp"
#include "aiopid/runtime/sim_board.hpp"
#include "runtime_support.hpp"

using namespace std::chrono_literals;
using aiopid::runtime::LiveTask;
using aiopid::runtime::Runtime;
using aiopid::runtime::TaskProfile;
using aiopid::runtime::testing::parse;

namespace {

std::string config_text(bool profile_tasks) {
  return std::string("[daemon]\nboard = \"sim\"\nlog_level = \"off\"\nprofile_tasks = ") +
         (profile_tasks ? "true" : "false") + R"(

[tasks.steps]
start = "boot"
actions = [ { sleep = "100ms" }, { sleep = "100ms" }, { sleep = "100ms" } ]

[tasks.ticker]
start = "boot"
repeat = true
actions = [ { sleep = "100ms" } ]
)";
}

struct Profiling : ::testing::Test {
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop{backend};
  aiopid::runtime::SimBoard board;
  Runtime runtime{loop, board, {}};

  const LiveTask& task(const std::string& name) { return *runtime.registry().tasks.at(name); }

  void apply(bool profile_tasks) {
    auto body = [&]() -> aiopi::Task<> { co_await runtime.apply(parse(config_text(profile_tasks))); };
    loop.run_until_complete(body());
  }
  void run_for(aiopi::Duration d) {
    auto body = [d]() -> aiopi::Task<> { co_await aiopi::sleep(d); };
    loop.run_until_complete(body());
  }
  void TearDown() override {
    auto body = [&]() -> aiopi::Task<> { co_await runtime.shutdown(); };
    loop.run_until_complete(body());
  }
};

TEST_F(Profiling, OffUnlessConfigured) {
  apply(false);
  run_for(1s);
  EXPECT_FALSE(runtime.profiling());
  EXPECT_FALSE(loop.profiling());
  EXPECT_FALSE(runtime.info().profiling);
  EXPECT_EQ(task("steps").run.base().run_time_ns(), 0u) << "nothing measured";
}

TEST_F(Profiling, FiguresOfOneRunAreTheLoops) {
  apply(true);
  EXPECT_TRUE(runtime.profiling());
  EXPECT_TRUE(runtime.info().profiling);
  run_for(1s);
  const LiveTask& steps = task("steps");
  ASSERT_TRUE(steps.run.done());
  const TaskProfile p = steps.profile();
  EXPECT_EQ(p.resumes, steps.run.run_count());
  EXPECT_GE(p.resumes, 4u) << "the first resume and one per sleep";
  EXPECT_EQ(p.run_time_ns, steps.run.base().run_time_ns());
  EXPECT_EQ(p.longest_run_ns, steps.run.base().longest_run_ns());
  EXPECT_GT(p.run_time_ns, 0u);
  EXPECT_LE(p.longest_run_ns, p.run_time_ns);
}

TEST_F(Profiling, RunsAddUp) {
  apply(true);
  run_for(1s);
  const LiveTask& steps = task("steps");
  const TaskProfile first = steps.profile();
  const std::uint32_t first_resumes = steps.run.run_count();
  ASSERT_TRUE(runtime.start_task("steps"));
  run_for(1s);
  ASSERT_TRUE(steps.run.done());
  EXPECT_EQ(steps.starts, 2u);
  const TaskProfile both = steps.profile();
  EXPECT_EQ(both.resumes, first_resumes + steps.run.run_count()) << "the ended run's resumes kept";
  EXPECT_EQ(both.run_time_ns, first.run_time_ns + steps.run.base().run_time_ns());
  EXPECT_EQ(both.longest_run_ns,
            std::max<std::uint64_t>(first.longest_run_ns, steps.run.base().longest_run_ns()));
}

TEST_F(Profiling, TurnedOnMidRunCountsFromThen) {
  apply(false);
  run_for(1s);
  const LiveTask& ticker = task("ticker");
  ASSERT_TRUE(ticker.running());
  const std::uint32_t before = ticker.run.run_count();
  ASSERT_GT(before, 5u);
  runtime.set_profiling(true);
  EXPECT_EQ(ticker.profile().resumes, 0u) << "resumes before profiling are not counted";
  EXPECT_EQ(ticker.profile().run_time_ns, 0u);
  EXPECT_EQ(task("steps").profile().resumes, 0u) << "an ended run's resumes neither";
  run_for(1s);
  const TaskProfile p = ticker.profile();
  EXPECT_EQ(p.resumes, ticker.run.run_count() - before);
  EXPECT_GE(p.resumes, 9u) << "about ten 100 ms sleeps in a second";
  EXPECT_EQ(p.run_time_ns, ticker.run.base().run_time_ns());
  EXPECT_LE(p.longest_run_ns, p.run_time_ns);
}

TEST_F(Profiling, AReloadChangingTheKeyTurnsItOffAndOnFromZero) {
  apply(true);
  run_for(1s);
  ASSERT_GT(task("steps").profile().resumes, 0u);
  apply(false);
  EXPECT_FALSE(runtime.profiling());
  EXPECT_FALSE(loop.profiling());
  const std::uint64_t measured = task("steps").run.base().run_time_ns();
  ASSERT_TRUE(runtime.start_task("steps"));
  run_for(1s);
  EXPECT_EQ(task("steps").starts, 2u) << "the task's table did not change: the same task, kept";
  EXPECT_EQ(task("steps").run.base().run_time_ns(), 0u) << "a run while off is not measured";
  EXPECT_GT(measured, 0u);

  apply(true);
  EXPECT_TRUE(runtime.profiling());
  EXPECT_EQ(task("steps").profile().resumes, 0u) << "turned on again: from zero";
  EXPECT_EQ(task("steps").profile().run_time_ns, 0u);
  ASSERT_TRUE(runtime.start_task("steps"));
  run_for(1s);
  EXPECT_EQ(task("steps").profile().resumes, task("steps").run.run_count());
}

TEST_F(Profiling, AReloadLeavingTheKeyKeepsWhatTheRuntimeWasTold) {
  apply(false);
  runtime.set_profiling(true);
  apply(false);
  EXPECT_TRUE(runtime.profiling()) << "profile_tasks did not change: the reload leaves profiling as it was";
}

}  // namespace
