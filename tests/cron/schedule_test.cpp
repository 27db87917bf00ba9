// schedule() and Sequence on the virtual clock: a year of fires in milliseconds, times, missed-fire and
// overlap policies, jitter, wall-clock steps both ways, Event / Sequence actions, cancellation,
// introspection.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "aiopi/cron/schedule.hpp"
#include "aiopi/cron/sequence.hpp"
#include "aiopi/event.hpp"
#include "aiopi/gather.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopi/wall_sleep.hpp"
#include "cron_test_support.hpp"

namespace aiopi::cron::test {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kSecondUs = 1'000'000;

std::int64_t us(Instant t) {
  return t.time_since_epoch().count() * kSecondUs;
}

/// "2025-01-01T04:10:00Z".
std::string utc(Instant t) {
  std::string text = iso(t, utc_zone());
  if (text.ends_with("+00:00")) text.replace(text.size() - 6, 6, "Z");
  return text;
}
/// The same for a wall-clock reading in µs (truncated to the second).
std::string utc(std::int64_t wall_us) {
  return utc(Instant{std::chrono::seconds{wall_us / kSecondUs}});
}

/// Counts destructions, to prove a cancelled run's frame unwound.
struct DtorProbe {
  explicit DtorProbe(int& counter) : counter_(&counter) {}
  DtorProbe(const DtorProbe&) = delete;
  DtorProbe& operator=(const DtorProbe&) = delete;
  ~DtorProbe() { ++*counter_; }
  int* counter_;
};

class ScheduleTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};

  void set_wall(std::string_view iso_text) { backend.set_wall_clock_quietly(us(at(iso_text))); }
  std::int64_t mono_us() { return loop.now().time_since_epoch().count(); }
  std::string wall() { return utc(loop.wall_now_us()); }

  template <class T>
  T run(Task<T> main) {
    return loop.run_until_complete(std::move(main));
  }

  /// Sleeps until the wall clock reads `iso_text` (again after a step).
  static Task<> wall_until(std::string_view iso_text) {
    const std::int64_t target = us(at(iso_text));
    while (Loop::running().wall_now_us() < target)
      co_await sleep_until_wall(target);
  }

  /// Cancels a schedule and checks that it left nothing behind.
  Task<> stop(TaskHandle<std::uint64_t> h) {
    EXPECT_TRUE(h.cancel());
    const Outcome<std::uint64_t> out = co_await h.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_TRUE(loop.timers().empty());
    EXPECT_TRUE(loop.wall_sleepers().empty());
  }
};

// --- a year in Europe/London -------------------------------------------------------------------------------

/// 04:10 Europe/London on every Monday and Friday of 2025, computed without next_fire: the days from
/// <chrono>'s calendar, the offset from the EU rule (BST from 01:00 UTC on the last Sunday of March to 01:00
/// UTC on the last Sunday of October).
std::vector<Instant> expected_london_2025() {
  using namespace std::chrono;
  const sys_seconds bst_begin = sys_days{2025y / March / Sunday[last]} + 1h;
  const sys_seconds bst_end = sys_days{2025y / October / Sunday[last]} + 1h;
  std::vector<Instant> out;
  for (sys_days d = sys_days{2025y / 1 / 1}; d < sys_days{2026y / 1 / 1}; d += days{1}) {
    const weekday wd{d};
    if (wd != Monday && wd != Friday) continue;
    const sys_seconds if_bst = d + 3h + 10min;  // 04:10 BST = 03:10 UTC
    out.push_back(if_bst >= bst_begin && if_bst < bst_end ? if_bst : sys_seconds{d + 4h + 10min});
  }
  return out;
}

TEST_F(ScheduleTest, MondaysAndFridaysAt0410LondonOverTheYear2025) {
  const TimeZone& london = zone("Europe/London");
  const std::vector<Instant> expected = expected_london_2025();
  ASSERT_EQ(expected.size(), 104u);  // 2025 starts on a Wednesday: 52 Mondays and 52 Fridays
  // The zone agrees with the EU rule (none of these local times is in a gap or a repeat).
  for (const Instant t : expected) {
    const LocalMapping m = london.from_local(london.to_local(t));
    ASSERT_EQ(m.kind, LocalMapping::Kind::kUnique);
    ASSERT_EQ(m.first, t);
    ASSERT_EQ(zoned_time(london, t).local.hour, 4);
    ASSERT_EQ(zoned_time(london, t).local.minute, 10);
  }

  set_wall("2025-01-01T00:00:00Z");
  std::vector<Trigger> fires;
  std::vector<std::int64_t> fired_at_wall;
  auto record = [&](const Trigger& t) {
    fires.push_back(t);
    fired_at_wall.push_back(loop.wall_now_us());
  };
  ScheduleState state;
  const auto started = std::chrono::steady_clock::now();
  auto main_task = [&]() -> Task<> {
    auto h = create_task(schedule(record, must_parse("hrs=4 mins=10 wday=mon,fri"), london,
                                  {.name = "mon-fri", .state = &state}));
    co_await wall_until("2026-01-01T00:00:00Z");
    EXPECT_EQ(state.fire_count, 104u);
    co_await stop(h);
  };
  run(main_task());
  const auto elapsed = std::chrono::steady_clock::now() - started;

  ASSERT_EQ(fires.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(utc(fires[i].scheduled), utc(expected[i])) << "fire " << i;
    EXPECT_EQ(fired_at_wall[i], us(expected[i])) << "fire " << i << " not on time";
    EXPECT_EQ(fires[i].number, i + 1);
    EXPECT_FALSE(fires[i].catch_up);
    EXPECT_STREQ(fires[i].name, "mon-fri");
  }
  EXPECT_EQ(state.missed_count, 0u);
  EXPECT_FALSE(state.running);
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 1000)
      << "a virtual year should take milliseconds";
}

// --- times -------------------------------------------------------------------------------------------------

TEST_F(ScheduleTest, TimesThreeFiresThreeTimesAndReturns) {
  set_wall("2025-01-01T00:00:05Z");
  std::vector<std::string> fired;
  auto record = [&] { fired.push_back(wall()); };
  const std::uint64_t n = run(schedule(record, must_parse("hrs=* mins=* secs=0,30 times=3"), utc_zone()));
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(fired, (std::vector<std::string>{"2025-01-01T00:00:30Z", "2025-01-01T00:01:00Z",
                                             "2025-01-01T00:01:30Z"}));
  EXPECT_EQ(wall(), "2025-01-01T00:01:30Z") << "returned right after the third fire";
  EXPECT_TRUE(loop.timers().empty());
  EXPECT_TRUE(loop.wall_sleepers().empty());
}

TEST_F(ScheduleTest, AFireInstantEqualToTheStartFires) {
  set_wall("2025-01-01T00:01:00Z");
  std::vector<std::string> fired;
  auto record = [&] { fired.push_back(wall()); };
  EXPECT_EQ(run(schedule(record, must_parse("hrs=* mins=* times=2"), utc_zone())), 2u);
  EXPECT_EQ(fired, (std::vector<std::string>{"2025-01-01T00:01:00Z", "2025-01-01T00:02:00Z"}));
}

TEST_F(ScheduleTest, ASpecThatNeverFiresReturnsAtOnce) {
  set_wall("2025-01-01T00:00:00Z");
  Spec never;
  never.secs = SecondSet{};  // empty: can_ever_fire() is false
  int calls = 0;
  auto count = [&] { ++calls; };
  EXPECT_EQ(run(schedule(count, never, utc_zone())), 0u);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(mono_us(), 0);
}

TEST_F(ScheduleTest, TimesWaitsForTheLastRunToFinish) {
  set_wall("2025-01-01T00:00:00Z");
  std::vector<std::string> log;
  auto job = [&]() -> Task<> {
    log.push_back("start " + wall());
    co_await sleep(45s);
    log.push_back("end " + wall());
  };
  EXPECT_EQ(run(schedule(job, must_parse("hrs=* mins=* secs=30 times=2"), utc_zone())), 2u);
  EXPECT_EQ(log, (std::vector<std::string>{"start 2025-01-01T00:00:30Z", "end 2025-01-01T00:01:15Z",
                                           "start 2025-01-01T00:01:30Z", "end 2025-01-01T00:02:15Z"}));
  EXPECT_EQ(wall(), "2025-01-01T00:02:15Z");
}

// --- clock steps and missed fires --------------------------------------------------------------------------

TEST_F(ScheduleTest, AForwardStepShortOfTheFireWakesTheScheduleAtOnce) {
  // A Pi without RTC boots with an old clock; NTP steps it forward 4 h 9 min, one minute before 04:10.
  set_wall("2025-01-01T00:00:00Z");
  std::vector<std::int64_t> fired_mono;
  auto record = [&] { fired_mono.push_back(mono_us()); };
  ScheduleState state;
  auto main_task = [&]() -> Task<> {
    auto h = create_task(schedule(record, must_parse("hrs=4 mins=10"), utc_zone(), {.state = &state}));
    co_await sleep(10s);
    backend.step_wall_clock(us(at("2025-01-01T04:09:00Z")));
    co_await sleep(61s);
    co_await stop(h);
  };
  run(main_task());
  ASSERT_EQ(fired_mono.size(), 1u);
  EXPECT_EQ(fired_mono[0], 70 * kSecondUs) << "fired one minute after the step, not 4 h later";
  EXPECT_EQ(state.clock_steps, 1u);
  EXPECT_EQ(state.missed_count, 0u);
}

struct StepRun {
  std::vector<std::string> fired;  // "scheduled@wall" (+ " catch-up")
  ScheduleState state;
};

/// Every minute at :00, tolerance 1 s. Starts 00:00:30; at 00:01:10 the clock is stepped to `step_to`;
/// stops at wall `stop_at`.
void run_step_scenario(sim::SimBackend& backend, Loop& loop, MissedPolicy policy, std::string_view step_to,
                       std::string_view stop_at, StepRun& out) {
  backend.set_wall_clock_quietly(us(at("2025-01-01T00:00:30Z")));
  auto record = [&](const Trigger& t) {
    out.fired.push_back(utc(t.scheduled).substr(11, 8) + "@" + utc(loop.wall_now_us()).substr(11, 8) +
                        (t.catch_up ? " catch-up" : ""));
  };
  ScheduleOptions options;
  options.missed = policy;
  options.missed_tolerance = 1s;
  options.state = &out.state;
  const std::int64_t step_us = us(at(step_to));
  const std::int64_t stop_us = us(at(stop_at));
  auto main_task = [&]() -> Task<> {
    auto h = create_task(schedule(record, must_parse("hrs=* mins=*"), utc_zone(), options));
    co_await sleep(40s);
    backend.step_wall_clock(step_us);
    while (loop.wall_now_us() < stop_us)
      co_await sleep_until_wall(stop_us);
    h.cancel();
    co_await h.wait_outcome();
  };
  loop.run_until_complete(main_task());
}

TEST_F(ScheduleTest, SkipFiresNothingForInstantsJumpedOver) {
  StepRun r;
  run_step_scenario(backend, loop, MissedPolicy::skip, "2025-01-01T00:05:30Z", "2025-01-01T00:07:30Z", r);
  EXPECT_EQ(r.fired,
            (std::vector<std::string>{"00:01:00@00:01:00", "00:06:00@00:06:00", "00:07:00@00:07:00"}));
  EXPECT_EQ(r.state.missed_count, 4u);  // 00:02 .. 00:05
  EXPECT_EQ(r.state.clock_steps, 1u);
  EXPECT_EQ(r.state.fire_count, 3u);
}

TEST_F(ScheduleTest, RunOnceFiresOnceAtTheStepForAllInstantsJumpedOver) {
  StepRun r;
  run_step_scenario(backend, loop, MissedPolicy::run_once, "2025-01-01T00:05:30Z", "2025-01-01T00:07:30Z", r);
  EXPECT_EQ(r.fired, (std::vector<std::string>{"00:01:00@00:01:00", "00:05:00@00:05:30 catch-up",
                                               "00:06:00@00:06:00", "00:07:00@00:07:00"}));
  EXPECT_EQ(r.state.missed_count, 4u);
  EXPECT_EQ(r.state.fire_count, 4u);
}

TEST_F(ScheduleTest, ABackwardStepNeverFiresAnInstantTwiceSkip) {
  StepRun r;
  // Fired 00:01:00, then the clock goes back to 00:00:50: 00:01:00 comes round again and must not fire.
  run_step_scenario(backend, loop, MissedPolicy::skip, "2025-01-01T00:00:50Z", "2025-01-01T00:02:30Z", r);
  EXPECT_EQ(r.fired, (std::vector<std::string>{"00:01:00@00:01:00", "00:02:00@00:02:00"}));
  EXPECT_EQ(r.state.missed_count, 0u);
  EXPECT_EQ(r.state.clock_steps, 1u);
}

TEST_F(ScheduleTest, ABackwardStepNeverFiresAnInstantTwiceRunOnce) {
  StepRun r;
  run_step_scenario(backend, loop, MissedPolicy::run_once, "2025-01-01T00:00:50Z", "2025-01-01T00:02:30Z", r);
  EXPECT_EQ(r.fired, (std::vector<std::string>{"00:01:00@00:01:00", "00:02:00@00:02:00"}));
  EXPECT_EQ(r.state.missed_count, 0u);
}

TEST_F(ScheduleTest, ABackwardStepWhileWaitingDelaysTheFireToTheNewWallTime) {
  set_wall("2025-01-01T00:00:30Z");
  std::vector<std::int64_t> fired_mono;
  auto record = [&] { fired_mono.push_back(mono_us()); };
  auto main_task = [&]() -> Task<> {
    auto h = create_task(schedule(record, must_parse("hrs=* mins=*"), utc_zone()));
    co_await sleep(20s);                                      // wall 00:00:50
    backend.step_wall_clock(us(at("2025-01-01T00:00:20Z")));  // back 30 s
    co_await sleep(45s);
    co_await stop(h);
  };
  run(main_task());
  ASSERT_EQ(fired_mono.size(), 1u);
  EXPECT_EQ(fired_mono[0], 60 * kSecondUs) << "00:01:00 on the stepped clock: 20 s + 40 s";
}

TEST_F(ScheduleTest, ABlockedLoopMissesFiresByPolicy) {
  // The loop is blocked (a long synchronous call) from 00:01:30 to 00:04:30: 00:02, 00:03 and 00:04 pass.
  for (const MissedPolicy policy : {MissedPolicy::skip, MissedPolicy::run_once}) {
    sim::SimBackend b;
    Loop l{b};
    b.set_wall_clock_quietly(us(at("2025-01-01T00:00:30Z")));
    std::vector<std::string> fired;
    auto record = [&](const Trigger& t) {
      fired.push_back(utc(t.scheduled).substr(11, 8) + "@" + utc(l.wall_now_us()).substr(11, 8));
    };
    ScheduleState state;
    auto main_task = [&]() -> Task<> {
      ScheduleOptions o;
      o.missed = policy;
      o.missed_tolerance = 1s;
      o.state = &state;
      auto h = create_task(schedule(record, must_parse("hrs=* mins=*"), utc_zone(), o));
      co_await sleep(60s);
      b.advance(3min);  // blocked: time passes without the loop running
      co_await sleep(90s);
      h.cancel();
      co_await h.wait_outcome();
    };
    l.run_until_complete(main_task());
    if (policy == MissedPolicy::skip) {
      EXPECT_EQ(fired, (std::vector<std::string>{"00:01:00@00:01:00", "00:05:00@00:05:00"}));
    } else {
      EXPECT_EQ(fired,
                (std::vector<std::string>{"00:01:00@00:01:00", "00:04:00@00:04:30", "00:05:00@00:05:00"}));
    }
    EXPECT_EQ(state.missed_count, 3u) << to_string(policy);
    EXPECT_EQ(state.clock_steps, 0u);
  }
}

TEST_F(ScheduleTest, AFireLateWithinTheToleranceStillFires) {
  // Default tolerance (60 s): a loop blocked for 20 s past 04:10 fires late, not missed, under either policy.
  set_wall("2025-01-01T04:09:50Z");
  std::vector<std::string> fired;
  auto record = [&](const Trigger& t) { fired.push_back(utc(t.scheduled) + "@" + wall()); };
  ScheduleState state;
  auto main_task = [&]() -> Task<> {
    auto h = create_task(schedule(record, must_parse("hrs=4 mins=10"), utc_zone(), {.state = &state}));
    co_await sleep(5s);
    backend.advance(25s);  // blocked until 04:10:20
    co_await sleep(1s);
    co_await stop(h);
  };
  run(main_task());
  EXPECT_EQ(fired, (std::vector<std::string>{"2025-01-01T04:10:00Z@2025-01-01T04:10:20Z"}));
  EXPECT_EQ(state.missed_count, 0u);
}

TEST_F(ScheduleTest, OvertakenInstantsAreMissedEvenWithinTheTolerance) {
  // Every 10 s, blocked for 35 s: 00:00:10 .. 00:00:30 were overtaken, 00:00:40 is 5 s late and fires.
  set_wall("2025-01-01T00:00:05Z");
  std::vector<std::string> fired;
  auto record = [&](const Trigger& t) {
    fired.push_back(utc(t.scheduled).substr(11, 8) + "@" + wall().substr(11, 8));
  };
  ScheduleState state;
  auto main_task = [&]() -> Task<> {
    auto h =
        create_task(schedule(record, must_parse("hrs=* mins=* secs=*/10"), utc_zone(), {.state = &state}));
    co_await sleep(1s);
    backend.advance(39s);  // blocked until 00:00:45
    co_await sleep(1s);
    co_await stop(h);
  };
  run(main_task());
  EXPECT_EQ(fired, (std::vector<std::string>{"00:00:40@00:00:45"}));
  EXPECT_EQ(state.missed_count, 3u);
}

TEST_F(ScheduleTest, ResumingFromAPersistedLastFireCatchesUpOnceWithRunOnce) {
  for (const MissedPolicy policy : {MissedPolicy::skip, MissedPolicy::run_once}) {
    sim::SimBackend b;
    Loop l{b};
    b.set_wall_clock_quietly(us(at("2025-01-05T12:00:00Z")));
    std::vector<Trigger> fired;
    auto record = [&](const Trigger& t) { fired.push_back(t); };
    ScheduleState state;
    ScheduleOptions o;
    o.missed = policy;
    o.last_fired = at("2025-01-02T04:10:00Z");  // the daemon was down for three days
    o.state = &state;
    auto main_task = [&]() -> Task<> {
      auto h = create_task(schedule(record, must_parse("hrs=4 mins=10"), utc_zone(), o));
      co_await sleep(1h);
      EXPECT_EQ(state.next_fire, at("2025-01-06T04:10:00Z"));
      h.cancel();
      co_await h.wait_outcome();
    };
    l.run_until_complete(main_task());
    EXPECT_EQ(state.missed_count, 3u);  // 01-03, 01-04, 01-05
    if (policy == MissedPolicy::skip) {
      EXPECT_TRUE(fired.empty());
    } else {
      ASSERT_EQ(fired.size(), 1u);
      EXPECT_EQ(fired[0].scheduled, at("2025-01-05T04:10:00Z"));
      EXPECT_TRUE(fired[0].catch_up);
      EXPECT_EQ(fired[0].wall_us, us(at("2025-01-05T12:00:00Z")));
    }
  }
}

TEST_F(ScheduleTest, AHugeForwardStepIsHandledWithoutScanningEveryInstant) {
  // Every second, stepped forward by 30 days (2.6 million instants): the scan stops counting after 10,000.
  set_wall("2025-01-01T00:00:00Z");
  ScheduleState state;
  std::vector<std::string> fired;
  auto record = [&] { fired.push_back(wall()); };
  const auto started = std::chrono::steady_clock::now();
  auto main_task = [&]() -> Task<> {
    ScheduleOptions o;
    o.missed_tolerance = 1s;
    o.state = &state;
    auto h = create_task(schedule(record, must_parse("secs=* mins=* hrs=*"), utc_zone(), o));
    co_await sleep(500ms);
    backend.step_wall_clock(us(at("2025-01-31T00:00:00Z")) + 700'000);
    co_await sleep(1600ms);
    co_await stop(h);
  };
  run(main_task());
  const auto elapsed = std::chrono::steady_clock::now() - started;
  // 00:00:00 at the start; after the step 2025-01-31T00:00:00 is 0.7 s late (within 1 s): fired; then :01,
  // :02.
  EXPECT_EQ(fired, (std::vector<std::string>{"2025-01-01T00:00:00Z", "2025-01-31T00:00:00Z",
                                             "2025-01-31T00:00:01Z", "2025-01-31T00:00:02Z"}));
  EXPECT_GE(state.missed_count, 10'000u);
  EXPECT_LT(state.missed_count, 30u * 86400u);
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 500);
}

// --- overlap -----------------------------------------------------------------------------------------------

struct OverlapRun {
  std::vector<std::string> log;
  int unwound = 0;  // run frames destroyed
  ScheduleState state;
  bool schedule_cancelled = false;
};

/// Every minute at :00 from 00:00:30; each run takes 2 min 10 s; the schedule is cancelled at 00:06:05.
void run_overlap_scenario(sim::SimBackend& backend, Loop& loop, OverlapPolicy policy, OverlapRun& out) {
  backend.set_wall_clock_quietly(us(at("2025-01-01T00:00:30Z")));
  auto hhmmss = [&] { return utc(loop.wall_now_us()).substr(11, 8); };
  auto job = [&](const Trigger& t) -> Task<> {
    DtorProbe probe(out.unwound);
    out.log.push_back("start " + utc(t.scheduled).substr(11, 8) + " at " + hhmmss());
    co_await sleep(130s);
    out.log.push_back("end " + utc(t.scheduled).substr(11, 8) + " at " + hhmmss());
  };
  ScheduleOptions o;
  o.name = "job";
  o.overlap = policy;
  o.state = &out.state;
  auto main_task = [&]() -> Task<> {
    auto h = create_task(schedule(job, must_parse("hrs=* mins=*"), utc_zone(), o), "schedule");
    co_await sleep(5min + 35s);
    out.log.push_back("cancel at " + hhmmss());
    h.cancel();
    const Outcome<std::uint64_t> result = co_await h.wait_outcome();
    out.schedule_cancelled = result.cancelled();
    out.log.push_back("schedule gone at " + hhmmss());
    EXPECT_TRUE(loop.timers().empty());
    EXPECT_TRUE(loop.wall_sleepers().empty());
    for (const TaskBase& t : loop.tasks()) {
      if (&t != loop.current_task()) ADD_FAILURE() << "task left behind: " << t.name();
    }
  };
  loop.run_until_complete(main_task());
}

TEST_F(ScheduleTest, OverlapSkipStartsNothingWhileARunIsGoing) {
  OverlapRun r;
  run_overlap_scenario(backend, loop, OverlapPolicy::skip, r);
  EXPECT_EQ(r.log, (std::vector<std::string>{"start 00:01:00 at 00:01:00", "end 00:01:00 at 00:03:10",
                                             "start 00:04:00 at 00:04:00", "cancel at 00:06:05",
                                             "schedule gone at 00:06:05"}));
  EXPECT_EQ(r.state.fire_count, 2u);
  EXPECT_EQ(r.state.skipped_overlaps, 4u);  // 00:02, 00:03, 00:05, 00:06
  EXPECT_EQ(r.unwound, 2);                  // the run in progress was cancelled and unwound with the schedule
  EXPECT_TRUE(r.schedule_cancelled);
  EXPECT_FALSE(r.state.running);
  EXPECT_FALSE(r.state.run_active);
}

TEST_F(ScheduleTest, OverlapQueueStartsOneWaitingRunWhenThePreviousEnds) {
  OverlapRun r;
  run_overlap_scenario(backend, loop, OverlapPolicy::queue, r);
  EXPECT_EQ(r.log, (std::vector<std::string>{
                       "start 00:01:00 at 00:01:00", "end 00:01:00 at 00:03:10",
                       "start 00:02:00 at 00:03:10",  // queued at 00:02; 00:03 found the queue full
                       "end 00:02:00 at 00:05:20",
                       "start 00:04:00 at 00:05:20",  // queued at 00:04; 00:05 skipped
                       "cancel at 00:06:05",          // 00:06 is queued; it never starts
                       "schedule gone at 00:06:05"}));
  EXPECT_EQ(r.state.fire_count, 4u);        // 00:01, 00:02, 00:04, 00:06
  EXPECT_EQ(r.state.skipped_overlaps, 2u);  // 00:03, 00:05
  EXPECT_EQ(r.unwound, 3);
  EXPECT_TRUE(r.schedule_cancelled);
  EXPECT_FALSE(r.state.run_queued);
}

TEST_F(ScheduleTest, OverlapCancelPreviousCancelsTheOldRunBeforeStartingTheNew) {
  OverlapRun r;
  run_overlap_scenario(backend, loop, OverlapPolicy::cancel_previous, r);
  EXPECT_EQ(r.log, (std::vector<std::string>{"start 00:01:00 at 00:01:00", "start 00:02:00 at 00:02:00",
                                             "start 00:03:00 at 00:03:00", "start 00:04:00 at 00:04:00",
                                             "start 00:05:00 at 00:05:00", "start 00:06:00 at 00:06:00",
                                             "cancel at 00:06:05", "schedule gone at 00:06:05"}));
  EXPECT_EQ(r.state.fire_count, 6u);
  EXPECT_EQ(r.state.cancelled_runs, 5u);
  EXPECT_EQ(r.unwound, 6);
  EXPECT_TRUE(r.schedule_cancelled);
}

TEST_F(ScheduleTest, CancelPreviousUnwindsTheOldRunBeforeTheNewOneRuns) {
  set_wall("2025-01-01T00:00:30Z");
  std::vector<std::string> log;
  struct Note {
    std::vector<std::string>* log;
    std::string text;
    ~Note() { log->push_back(text); }
  };
  auto job = [&](const Trigger& t) -> Task<> {
    Note note{&log, "unwound " + std::to_string(t.number)};
    log.push_back("start " + std::to_string(t.number));
    co_await sleep(1h);
  };
  auto main_task = [&]() -> Task<> {
    auto h = create_task(
        schedule(job, must_parse("hrs=* mins=*"), utc_zone(), {.overlap = OverlapPolicy::cancel_previous}));
    co_await sleep(100s);
    co_await stop(h);
  };
  run(main_task());
  EXPECT_EQ(log, (std::vector<std::string>{"start 1", "unwound 1", "start 2", "unwound 2"}));
}

/// Every minute from 00:00:30 with a run that lasts an hour; another task cancels the schedule `cancel_at`
/// after the start. Returns the order of events: the run must unwind before the schedule's frame — which
/// holds the action the run refers to — goes.
std::vector<std::string> cancel_with_a_run_going(Duration cancel_at, std::string_view spec = "hrs=* mins=*") {
  sim::SimBackend b;
  Loop l{b};
  b.set_wall_clock_quietly(us(at("2025-01-01T00:00:30Z")));
  std::vector<std::string> log;
  struct Note {
    std::vector<std::string>* log;
    ~Note() { log->push_back("run unwound"); }
  };
  /// Logs when the schedule's own copy of the action is destroyed (moved-from copies stay quiet).
  struct OwnerProbe {
    explicit OwnerProbe(std::vector<std::string>* to) : log(to) {}
    OwnerProbe(OwnerProbe&& o) noexcept : log(std::exchange(o.log, nullptr)) {}
    OwnerProbe& operator=(OwnerProbe&&) = delete;
    ~OwnerProbe() {
      if (log != nullptr) log->push_back("action destroyed");
    }
    std::vector<std::string>* log;
  };
  auto job = [&log, probe = OwnerProbe(&log)]() -> Task<> {
    Note note{&log};
    co_await sleep(1h);
  };
  auto main_task = [&]() -> Task<> {
    auto h = create_task(schedule(std::move(job), must_parse(spec), utc_zone()));
    auto canceller = [&]() -> Task<> {
      co_await sleep_until(l.now() + cancel_at);
      log.push_back("cancel");
      EXPECT_TRUE(h.cancel());
    };
    auto c = create_task(canceller());
    const Outcome<std::uint64_t> out = co_await h.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    co_await c;
    EXPECT_TRUE(l.timers().empty());
    EXPECT_TRUE(l.wall_sleepers().empty());
    for (const TaskBase& t : l.tasks()) {
      if (&t != l.current_task()) ADD_FAILURE() << "task left behind: " << t.name();
    }
  };
  l.run_until_complete(main_task());
  return log;
}

TEST(ScheduleCancel, CancellingWhileARunIsGoingUnwindsTheRunFirst) {
  // 00:01:15: the schedule waits for 00:02:00, the run started at 00:01:00 is going.
  EXPECT_EQ(cancel_with_a_run_going(45s),
            (std::vector<std::string>{"cancel", "run unwound", "action destroyed"}));
}

TEST(ScheduleCancel, CancellingWhileWaitingForTheLastRunUnwindsTheRunFirst) {
  // times=1: after its only fire the schedule just waits for the run to finish.
  EXPECT_EQ(cancel_with_a_run_going(45s, "hrs=* mins=* times=1"),
            (std::vector<std::string>{"cancel", "run unwound", "action destroyed"}));
}

TEST(ScheduleCancel, ACancelRightAfterTheScheduleWokeStillUnwindsTheRunFirst) {
  // 00:02:00: the schedule's timer has fired (it is queued to resume) when the canceller, whose timer was
  // armed earlier for the same instant, runs and cancels it.
  EXPECT_EQ(cancel_with_a_run_going(90s),
            (std::vector<std::string>{"cancel", "run unwound", "action destroyed"}));
}

// --- jitter ------------------------------------------------------------------------------------------------

/// Delays (µs after the fire instant) of ten every-minute fires with the given jitter options.
std::vector<std::int64_t> jittered_delays(std::uint64_t seed, Duration max_jitter,
                                          std::string_view spec_text) {
  sim::SimBackend b;
  Loop l{b};
  b.set_wall_clock_quietly(us(at("2025-01-01T00:00:00Z")) + 1);
  std::vector<std::int64_t> delays;
  auto record = [&](const Trigger& t) {
    delays.push_back(l.wall_now_us() - us(t.scheduled));
    EXPECT_EQ(t.wall_us, l.wall_now_us());
  };
  ScheduleOptions o;
  o.max_jitter = max_jitter;
  o.jitter_seed = seed;
  Spec spec = must_parse(spec_text);
  spec.times = 10;
  EXPECT_EQ(l.run_until_complete(schedule(record, spec, utc_zone(), o)), 10u);
  return delays;
}

TEST(ScheduleJitter, StaysWithinBoundsAndIsDeterministicForASeed) {
  const Duration max = 20s;
  const std::vector<std::int64_t> a = jittered_delays(42, max, "hrs=* mins=*");
  ASSERT_EQ(a.size(), 10u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_GE(a[i], 0);
    EXPECT_LE(a[i], max.count());
    const Instant fire = at("2025-01-01T00:01:00Z") + std::chrono::minutes(static_cast<long>(i));
    EXPECT_EQ(a[i], jitter_for(42, fire, max)) << i;
  }
  std::int64_t smallest = a[0], largest = a[0];
  for (const std::int64_t d : a) {
    smallest = std::min(smallest, d);
    largest = std::max(largest, d);
  }
  EXPECT_GT(largest - smallest, 1'000'000) << "delays should spread over the range";
  EXPECT_EQ(jittered_delays(42, max, "hrs=* mins=*"), a) << "same seed, same delays";
  EXPECT_NE(jittered_delays(43, max, "hrs=* mins=*"), a) << "another seed, other delays";
  EXPECT_EQ(jittered_delays(42, Duration{0}, "hrs=* mins=*"), std::vector<std::int64_t>(10, 0));
}

TEST(ScheduleJitter, IsCappedBelowTheGapToTheNextFire) {
  // Every second with up to 5 s of jitter: each delay stays under one second, so fires keep their order and
  // none overtakes another.
  const std::vector<std::int64_t> d = jittered_delays(7, 5s, "secs=* mins=* hrs=*");
  ASSERT_EQ(d.size(), 10u);
  for (const std::int64_t x : d) {
    EXPECT_GE(x, 0);
    EXPECT_LT(x, 1'000'000);
  }
}

// --- Event and Sequence actions ----------------------------------------------------------------------------

TEST_F(ScheduleTest, AnEventIsSetAtEachFire) {
  set_wall("2025-01-01T00:00:30Z");
  Event event;
  std::vector<std::string> seen;
  auto consumer = [&]() -> Task<> {
    for (int i = 0; i < 3; ++i) {
      co_await event.wait();
      event.clear();
      seen.push_back(wall());
    }
  };
  auto main_task = [&]() -> Task<> {
    auto h = create_task(schedule(event, must_parse("hrs=* mins=*"), utc_zone()));
    co_await consumer();
    co_await stop(h);
  };
  run(main_task());
  EXPECT_EQ(seen, (std::vector<std::string>{"2025-01-01T00:01:00Z", "2025-01-01T00:02:00Z",
                                            "2025-01-01T00:03:00Z"}));
}

TEST_F(ScheduleTest, ASequenceAggregatesSeveralSchedules) {
  set_wall("2025-01-01T00:00:10Z");
  Sequence seq;
  std::vector<std::string> seen;
  auto consumer = [&]() -> Task<> {
    for (int i = 0; i < 5; ++i) {
      const Trigger t = co_await seq.next();
      seen.push_back(std::string(t.name) + "/" + std::to_string(t.tag) + " " +
                     utc(t.scheduled).substr(11, 8) + " #" + std::to_string(t.number));
    }
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(schedule(seq, must_parse("hrs=* mins=*"), utc_zone(), {.name = "a", .tag = 1}));
    auto b =
        create_task(schedule(seq, must_parse("hrs=* mins=* secs=0,30"), utc_zone(), {.name = "b", .tag = 2}));
    co_await consumer();
    a.cancel();
    co_await a.wait_outcome();
    co_await stop(b);
  };
  run(main_task());
  // Both fire at 00:01:00: the seed kept only the latest; the queue keeps both, in firing order.
  EXPECT_EQ(seen, (std::vector<std::string>{"b/2 00:00:30 #1", "a/1 00:01:00 #1", "b/2 00:01:00 #2",
                                            "b/2 00:01:30 #3", "a/1 00:02:00 #2"}));
  EXPECT_EQ(seq.dropped(), 0u);
}

TEST_F(ScheduleTest, ASeedStyleSequenceKeepsOnlyTheLatestTrigger) {
  BasicSequence<1> seq;
  Trigger t;
  t.tag = 1;
  seq.trigger(t);
  t.tag = 2;
  seq.trigger(t);
  EXPECT_EQ(seq.size(), 1u);
  EXPECT_EQ(seq.dropped(), 1u);
  auto main_task = [&]() -> Task<std::uint32_t> { co_return (co_await seq.next()).tag; };
  EXPECT_EQ(run(main_task()), 2u);
  EXPECT_TRUE(seq.empty());
}

TEST_F(ScheduleTest, AFullSequenceDropsTheOldestTrigger) {
  BasicSequence<3> seq;
  for (std::uint32_t i = 1; i <= 5; ++i) {
    Trigger t;
    t.tag = i;
    seq.trigger(t);
  }
  EXPECT_EQ(seq.dropped(), 2u);
  EXPECT_EQ(seq.triggered(), 5u);
  std::vector<std::uint32_t> tags;
  auto main_task = [&]() -> Task<> {
    while (!seq.empty())
      tags.push_back((co_await seq.next()).tag);
  };
  run(main_task());
  EXPECT_EQ(tags, (std::vector<std::uint32_t>{3, 4, 5}));
}

TEST_F(ScheduleTest, ATriggerHandedToACancelledConsumerIsNotLost) {
  Sequence seq;
  std::vector<std::uint32_t> got;
  auto consumer = [&]() -> Task<> { got.push_back((co_await seq.next()).tag); };
  auto main_task = [&]() -> Task<> {
    auto first = create_task(consumer());
    auto second = create_task(consumer());
    co_await sleep(1s);  // both wait, first in line
    Trigger t;
    t.tag = 7;
    seq.trigger(t);  // handed to `first`, which has not run yet
    first.cancel();  // ... and is cancelled before it does: the trigger goes to `second`
    co_await second;
    EXPECT_TRUE(first.cancelled());
  };
  run(main_task());
  EXPECT_EQ(got, (std::vector<std::uint32_t>{7}));
  EXPECT_TRUE(seq.empty());
}

TEST_F(ScheduleTest, ATriggerHandedToACancelledLastConsumerGoesBackToTheQueue) {
  Sequence seq;
  auto consumer = [&]() -> Task<> { co_await seq.next(); };
  auto main_task = [&]() -> Task<> {
    auto c = create_task(consumer());
    co_await sleep(1s);
    Trigger t;
    t.tag = 9;
    seq.trigger(t);
    c.cancel();
    co_await c.wait_outcome();
    EXPECT_EQ(seq.size(), 1u);
    EXPECT_EQ((co_await seq.next()).tag, 9u);
  };
  run(main_task());
}

// --- cancellation, introspection, failures -----------------------------------------------------------------

TEST_F(ScheduleTest, CancellingAWaitingScheduleLeavesNothingBehind) {
  set_wall("2025-01-01T00:00:00Z");
  int calls = 0;
  auto count = [&] { ++calls; };
  ScheduleState state;
  auto main_task = [&]() -> Task<> {
    auto h = create_task(schedule(count, must_parse("hrs=4 mins=10"), utc_zone(), {.state = &state}));
    co_await sleep(1h);
    EXPECT_TRUE(state.running);
    EXPECT_EQ(loop.wall_sleepers().size(), 1u);
    EXPECT_FALSE(loop.timers().empty());
    co_await stop(h);
    EXPECT_FALSE(state.running);
    EXPECT_FALSE(state.next_fire.has_value());
  };
  run(main_task());
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(mono_us(), 3600 * kSecondUs);
}

TEST_F(ScheduleTest, StateShowsTheNextFireTimesOfARunningSchedule) {
  set_wall("2025-01-01T00:00:00Z");
  auto nothing = [] {};
  ScheduleState state;
  auto main_task = [&]() -> Task<> {
    auto h = create_task(schedule(nothing, must_parse("hrs=4 mins=10 wday=mon,fri times=4"),
                                  zone("Europe/London"), {.name = "backup", .state = &state}));
    co_await sleep(1s);
    EXPECT_STREQ(state.name, "backup");
    EXPECT_TRUE(state.running);
    EXPECT_EQ(state.next_fire, at("2025-01-03T04:10:00Z"));
    EXPECT_EQ(state.next_wake_us, us(at("2025-01-03T04:10:00Z")));
    std::vector<Instant> next(10);
    next.resize(state.upcoming(next));
    EXPECT_EQ(next, (std::vector<Instant>{at("2025-01-03T04:10:00Z"), at("2025-01-06T04:10:00Z"),
                                          at("2025-01-10T04:10:00Z"), at("2025-01-13T04:10:00Z")}))
        << "times=4 limits the list";
    co_await wall_until("2025-01-07T00:00:00Z");
    EXPECT_EQ(state.fire_count, 2u);
    EXPECT_EQ(state.last_fire, at("2025-01-06T04:10:00Z"));
    next.assign(10, Instant{});
    next.resize(state.upcoming(next));
    EXPECT_EQ(next.size(), 2u);
    EXPECT_EQ(co_await h, 4u);
  };
  run(main_task());
  EXPECT_FALSE(state.running);
}

TEST_F(ScheduleTest, ScheduleTasksAndRunsAreNamed) {
  set_wall("2025-01-01T00:00:59Z");
  std::vector<std::string> names;
  auto job = [&]() -> Task<> {
    for (const TaskBase& t : loop.tasks())
      names.push_back(t.name());
    co_return;
  };
  run(schedule(job, must_parse("hrs=* mins=* times=1"), utc_zone(), {.name = "nightly"}));
  EXPECT_EQ(names, (std::vector<std::string>{"main", "nightly"}));
}

#if AIOPI_HAS_EXCEPTIONS
int g_reported = 0;
void count_report(Loop&, const ExceptionContext&) {
  ++g_reported;
}

TEST_F(ScheduleTest, FailingActionsAreReportedAndTheScheduleGoesOn) {
  set_wall("2025-01-01T00:00:30Z");
  g_reported = 0;
  loop.set_exception_handler(&count_report);
  int calls = 0;
  auto throwing = [&] {
    ++calls;
    throw std::runtime_error("boom");
  };
  auto failing_run = [&]() -> Task<> {
    co_await sleep(1s);
    throw std::runtime_error("run boom");
  };
  ScheduleState s1, s2;
  EXPECT_EQ(run(schedule(throwing, must_parse("hrs=* mins=* times=2"), utc_zone(), {.state = &s1})), 2u);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(s1.failed_runs, 2u);
  EXPECT_EQ(run(schedule(failing_run, must_parse("hrs=* mins=* times=2"), utc_zone(), {.state = &s2})), 2u);
  EXPECT_EQ(s2.failed_runs, 2u);
  EXPECT_EQ(g_reported, 4) << "each failure reported once";
}
#endif

TEST(ScheduleNames, PoliciesHaveNames) {
  EXPECT_STREQ(to_string(MissedPolicy::skip), "skip");
  EXPECT_STREQ(to_string(MissedPolicy::run_once), "run_once");
  EXPECT_STREQ(to_string(OverlapPolicy::skip), "skip");
  EXPECT_STREQ(to_string(OverlapPolicy::queue), "queue");
  EXPECT_STREQ(to_string(OverlapPolicy::cancel_previous), "cancel_previous");
}

}  // namespace
}  // namespace aiopi::cron::test
