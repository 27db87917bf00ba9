// Regression tests of issue #8 "Core hardening", one test case per defect (the number in each name is the
// defect's number in the issue), on the virtual clock. Each asserts the behaviour the fix gives; on the core
// before the fix they fail, and some crash (heap-use-after-free under the asan preset, whose frame allocator
// mallocs every block). Each is its own test case so that a crash hides nothing else when ctest runs them.
// The Linux-backend parts of defects 4 and 10 are in hardening_linux_test.cpp.
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hardening_support.hpp"
#include "sim_fixture.hpp"

namespace aiopi::testing {
namespace {

// Long enough to live on the heap, so a moved-from or freed result shows.
const std::string kLongText(200, 'x');

Task<int> value_after(Duration d, int v) {
  co_await sleep(d);
  co_return v;
}

/// A task that awaits a task that awaits ... (depth levels): a cancel is forwarded to the innermost one and
/// comes back up one level per loop pass, so the outer levels unwind late.
Task<int> awaits_a_chain(int depth) {
  if (depth == 0) {
    co_await sleep(1h);
    co_return 1;
  }
  TaskHandle<int> inner = create_task(awaits_a_chain(depth - 1));
  co_return co_await inner;
}

// --- 1. wait_for on a task that has already been cancelled ---

TEST_F(HardeningTest, Defect1WaitForOnAnAlreadyCancelledHandleCancelsTheAwaiter) {
  int awaiter_destroyed = 0;
  bool after_wait = false;
  TaskHandle<int> victim;
  auto awaiter = [&]() -> Task<> {
    DtorProbe probe(awaiter_destroyed);
    auto r = co_await wait_for(victim, 1s);
    (void)r;
    after_wait = true;
    co_await yield_now();  // the defective core had queued this task already: a second entry
  };
  auto main_task = [&]() -> Task<> {
    victim = create_task(value_after(1h, 1));
    co_await yield_now();
    EXPECT_TRUE(victim.cancel());
    (void)co_await victim.wait_outcome();
    EXPECT_TRUE(victim.cancelled());
    TaskHandle<> a = create_task(awaiter());
    Outcome<void> out = co_await a.wait_outcome();
    EXPECT_TRUE(out.cancelled())
        << "wait_for on a cancelled task cancels the awaiting task, as co_await does";
    EXPECT_FALSE(after_wait) << "the code after the wait_for must not run (it ran with timed_out() == true)";
    EXPECT_EQ(awaiter_destroyed, 1);
    EXPECT_EQ(a.run_count(), 1u) << "the awaiter runs once, to the wait_for, then unwinds";
    EXPECT_EQ(t_ms(), 0);
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningTest, Defect1WaitForOnAnAlreadyCancelledHandleUnwindsAnUnreferencedAwaiterOnce) {
  // Nobody holds a handle to the awaiter, so its block goes as soon as it ends: a stale ready-queue entry
  // would be a use after free.
  int awaiter_destroyed = 0;
  bool after_wait = false;
  TaskHandle<int> victim;
  auto awaiter = [&]() -> Task<> {
    DtorProbe probe(awaiter_destroyed);
    auto r = co_await wait_for(victim, 1s);
    (void)r;
    after_wait = true;
    co_await yield_now();
  };
  auto main_task = [&]() -> Task<> {
    victim = create_task(value_after(1h, 1));
    co_await yield_now();
    EXPECT_TRUE(victim.cancel());
    (void)co_await victim.wait_outcome();
    (void)create_task(awaiter());
    for (int i = 0; i < 4; ++i)
      co_await yield_now();
    EXPECT_FALSE(after_wait);
    EXPECT_EQ(awaiter_destroyed, 1);
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningTest, Defect1ControlPlainAwaitOfACancelledHandleCancelsTheAwaiter) {
  // What wait_for must match (passes before the fix too).
  bool after_await = false;
  TaskHandle<int> victim;
  auto awaiter = [&]() -> Task<> {
    (void)co_await victim;
    after_await = true;
  };
  auto main_task = [&]() -> Task<> {
    victim = create_task(value_after(1h, 1));
    co_await yield_now();
    EXPECT_TRUE(victim.cancel());
    (void)co_await victim.wait_outcome();
    TaskHandle<> a = create_task(awaiter());
    Outcome<void> out = co_await a.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_FALSE(after_await);
    EXPECT_EQ(a.run_count(), 1u);
  };
  run(main_task());
  close_loop();
}

// --- 2. no child outlives the frame that started it (gather, TaskGroup, WaitAny/WaitAll) ---

TEST_F(HardeningTest, Defect2CancellingAGatherUnwindsTheCallerAfterEveryChild) {
  int guards_destroyed = 0;
  // This child's cancellation is forwarded two tasks down, so it finishes unwinding late.
  auto deep_child = [&](const ParentScope& scope) -> Task<int> {
    ChildGuard guard(live, &scope, guards_destroyed);
    TaskHandle<int> chain = create_task(awaits_a_chain(1));
    co_return co_await chain;
  };
  auto quick_child = [&](const ParentScope& scope) -> Task<int> {
    ChildGuard guard(live, &scope, guards_destroyed);
    co_await sleep(1h);
    co_return 2;
  };
  bool after_gather = false;
  auto parent = [&]() -> Task<> {
    ParentScope scope(live);
    (void)co_await gather(deep_child(scope), quick_child(scope));
    after_gather = true;
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<> p = create_task(parent());
    co_await sleep(1ms);
    EXPECT_TRUE(p.cancel());
    Outcome<void> out = co_await p.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_EQ(guards_destroyed, 2) << "every child has unwound by the time the parent has";
    EXPECT_EQ(live.violations, 0) << "a child unwound after the parent's frame was gone";
  };
  run(main_task());
  close_loop();
  EXPECT_FALSE(after_gather);
  EXPECT_EQ(live.violations, 0);
}

TEST_F(HardeningTest, Defect2AChildCancelledOnItsOwnEndsTheGatherOnlyAfterTheOtherChildrenUnwound) {
  // New semantic: the first failure (here a cancellation) cancels the other children the gather started and
  // waits for them before the caller goes on (here: is cancelled in turn).
  int guards_destroyed = 0;
  TaskRef victim;
  auto victim_child = [&]() -> Task<int> {
    victim = current_task();
    co_await sleep(1h);
    co_return 1;
  };
  auto slow_child = [&](const ParentScope& scope) -> Task<int> {
    ChildGuard guard(live, &scope, guards_destroyed);
    TaskHandle<int> chain = create_task(awaits_a_chain(2));
    co_return co_await chain;
  };
  bool after_gather = false;
  auto parent = [&]() -> Task<> {
    ParentScope scope(live);
    (void)co_await gather(victim_child(), slow_child(scope));
    after_gather = true;
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<> p = create_task(parent());
    co_await sleep(1ms);
    EXPECT_TRUE(victim.cancel());
    Outcome<void> out = co_await p.wait_outcome();
    EXPECT_TRUE(out.cancelled()) << "a cancelled child cancels the task awaiting the gather";
    EXPECT_EQ(guards_destroyed, 1) << "the other child the gather started was cancelled and has unwound";
    EXPECT_EQ(live.violations, 0);
    EXPECT_EQ(t_ms(), 1);
  };
  run(main_task());
  close_loop();
  EXPECT_FALSE(after_gather);
  EXPECT_EQ(live.violations, 0);
}

TEST_F(HardeningTest, Defect2AGatherEndingOnAFailureDoesNotCancelHandlesPassedIn) {
  TaskRef victim;
  auto victim_child = [&]() -> Task<int> {
    victim = current_task();
    co_await sleep(1h);
    co_return 1;
  };
  TaskHandle<int> independent;
  auto parent = [&]() -> Task<> { (void)co_await gather(victim_child(), independent); };
  auto main_task = [&]() -> Task<> {
    independent = create_task(value_after(10ms, 3));
    TaskHandle<> p = create_task(parent());
    co_await sleep(1ms);
    EXPECT_TRUE(victim.cancel());
    Outcome<void> out = co_await p.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_FALSE(independent.done()) << "a task passed in as a handle is not the gather's to cancel";
    EXPECT_EQ(co_await independent, 3);
  };
  run(main_task());
  close_loop();
}

#if AIOPI_HAS_EXCEPTIONS
TEST_F(HardeningTest, Defect2AGatherEndingOnAnExceptionCancelsAndAwaitsTheOtherChildrenItStarted) {
  int guards_destroyed = 0;
  auto failing = []() -> Task<int> {
    co_await sleep(1ms);
    throw std::runtime_error("sensor unplugged");
  };
  auto slow_child = [&](const ParentScope& scope) -> Task<int> {
    ChildGuard guard(live, &scope, guards_destroyed);
    TaskHandle<int> chain = create_task(awaits_a_chain(2));
    co_return co_await chain;
  };
  bool caught = false;
  auto parent = [&]() -> Task<> {
    ParentScope scope(live);
    try {
      (void)co_await gather(failing(), slow_child(scope));
    } catch (const std::runtime_error&) {
      caught = true;
      EXPECT_EQ(guards_destroyed, 1) << "the other child was cancelled and unwound before gather reported";
    }
  };
  run(parent());
  EXPECT_TRUE(caught);
  EXPECT_EQ(guards_destroyed, 1);
  EXPECT_EQ(t_ms(), 1);
  close_loop();
  EXPECT_EQ(live.violations, 0) << "a child outlived the frame that started it";
}
#endif

TEST_F(HardeningTest, Defect2DestroyingATaskGroupUnwindsItsChildrenBeforeTheFrameGoes) {
  int guards_destroyed = 0;
  auto deep_child = [&](const ParentScope& scope) -> Task<int> {
    ChildGuard guard(live, &scope, guards_destroyed);
    TaskHandle<int> chain = create_task(awaits_a_chain(2));
    co_return co_await chain;
  };
  auto plain_child = [&](const ParentScope& scope) -> Task<> {
    ChildGuard guard(live, &scope, guards_destroyed);
    co_await sleep(1h);
  };
  auto parent = [&]() -> Task<> {
    ParentScope scope(live);
    TaskGroup group;  // destroyed before `scope`
    (void)group.create_task(deep_child(scope));
    (void)group.create_task(plain_child(scope));
    co_await sleep(1h);  // cancelled here, not in group.wait(): ~TaskGroup ends the children
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<> p = create_task(parent());
    co_await sleep(1ms);
    EXPECT_TRUE(p.cancel());
    Outcome<void> out = co_await p.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_EQ(guards_destroyed, 2) << "the group's children have unwound by the time its owner has";
    EXPECT_EQ(live.violations, 0);
  };
  run(main_task());
  close_loop();
  EXPECT_EQ(live.violations, 0);
}

TEST_F(HardeningTest, Defect2CancellingATaskGroupWaitUnwindsTheWaiterAfterEveryChild) {
  // Guards the rewrite (passes before the fix too).
  int guards_destroyed = 0;
  auto deep_child = [&](const ParentScope& scope) -> Task<int> {
    ChildGuard guard(live, &scope, guards_destroyed);
    TaskHandle<int> chain = create_task(awaits_a_chain(2));
    co_return co_await chain;
  };
  auto parent = [&]() -> Task<> {
    ParentScope scope(live);
    TaskGroup group;
    (void)group.create_task(deep_child(scope));
    (void)group.create_task(deep_child(scope));
    co_await group.wait();
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<> p = create_task(parent());
    co_await sleep(1ms);
    EXPECT_TRUE(p.cancel());
    Outcome<void> out = co_await p.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_EQ(guards_destroyed, 2);
  };
  run(main_task());
  close_loop();
  EXPECT_EQ(live.violations, 0);
}

/// An event-like member without is_set(): WaitAny/WaitAll watch it with a task awaiting wait(). The
/// sub-coroutine wait() returns checks, when it is destroyed, that the member still exists.
class WatchedProbe {
 public:
  WatchedProbe(Liveness& live, int& waits_destroyed) : live_(live), waits_destroyed_(&waits_destroyed) {
    live_.born(this);
  }
  WatchedProbe(const WatchedProbe&) = delete;
  ~WatchedProbe() { live_.died(this); }

  void fire() { fired_.set(); }
  Task<> wait() { return wait_impl(live_, this, waits_destroyed_); }

 private:
  static Task<> wait_impl(Liveness& live, WatchedProbe* self, int* destroyed) {
    ChildGuard guard(live, self, *destroyed);
    co_await self->fired_.wait();
  }

  Liveness& live_;
  int* waits_destroyed_;
  Event fired_;
};

template <class Group>
void cancel_a_group_waiter_while_its_watcher_is_woken(HardeningTest& test, Liveness& live) {
  Event other;
  WatchedProbe* probe = nullptr;
  int waits_destroyed = 0;
  auto parent = [&]() -> Task<> {
    WatchedProbe member(live, waits_destroyed);
    probe = &member;
    Group group{other, member};
    co_await group.wait();
    ADD_FAILURE() << "the group never fires";
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<> p = create_task(parent());
    co_await yield_now();
    co_await yield_now();  // the watcher task awaits the member's wait()
    EXPECT_TRUE(p.cancel());
    probe->fire();  // the watcher is woken, queued behind the cancelled parent
    Outcome<void> out = co_await p.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_EQ(waits_destroyed, 1) << "the watcher has unwound by the time the waiter has";
    EXPECT_EQ(live.violations, 0) << "the watcher unwound after the member (a local of the waiter) was gone";
  };
  test.loop().run_until_complete(main_task());
  test.close_loop();
  EXPECT_EQ(live.violations, 0);
}

TEST_F(HardeningTest, Defect2WaitAnyCancelledWhileAWatcherIsWokenUnwindsTheWatcherFirst) {
  cancel_a_group_waiter_while_its_watcher_is_woken<WaitAny<Event&, WatchedProbe&>>(*this, live);
}

TEST_F(HardeningTest, Defect2WaitAllCancelledWhileAWatcherIsWokenUnwindsTheWatcherFirst) {
  cancel_a_group_waiter_while_its_watcher_is_woken<WaitAll<Event&, WatchedProbe&>>(*this, live);
}

// --- 3. ~WaitForAwaiter unwinding its child outside loop teardown ---

/// An event-like member whose wait() runs a busy child under wait_for: stopping its watcher destroys a
/// wait_for whose child is on the ready queue.
class BusyProbe {
 public:
  explicit BusyProbe(int& busy_destroyed) : busy_destroyed_(&busy_destroyed) {}
  Task<> wait() { return wait_impl(busy_destroyed_); }

 private:
  static Task<> busy(int* destroyed) {
    DtorProbe probe(*destroyed);
    for (;;)
      co_await yield_now();
  }
  static Task<> wait_impl(int* destroyed) {
    auto r = co_await wait_for(busy(destroyed), 1s);
    (void)r;
  }
  int* busy_destroyed_;
};

TEST_F(HardeningTest, Defect3StoppingAWatcherInsideWaitForCancelsItsBusyChildCleanly) {
  Event event;
  int busy_destroyed = 0;
  auto parent = [&]() -> Task<std::size_t> {
    BusyProbe probe(busy_destroyed);
    WaitAny any{event, probe};
    co_return co_await any;
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<std::size_t> p = create_task(parent());
    for (int i = 0; i < 3; ++i)
      co_await yield_now();  // the watcher runs probe.wait(): busy() yields under wait_for
    event.set();
    EXPECT_EQ(co_await p, 0u);
    for (int i = 0; i < 5; ++i)
      co_await yield_now();
    EXPECT_EQ(busy_destroyed, 1) << "the busy child was cancelled and unwound with its watcher";
    EXPECT_EQ(loop().tasks().size(), 1u) << "only main is left";
  };
  run(main_task());
  close_loop();
}

// --- 4. "no time limit" must not expire at once (virtual clock; Linux: hardening_linux_test.cpp) ---

TEST_F(HardeningTest, Defect4SleepOfDurationMaxNeverWakes) {
  EXPECT_FALSE(wait_ends_within([] { return sleep(Duration::max()); }, 1h));
}

TEST_F(HardeningTest, Defect4SleepMsOfInt64MaxNeverWakes) {
  EXPECT_FALSE(wait_ends_within([] { return sleep_ms(std::numeric_limits<std::int64_t>::max()); }, 1h));
}

TEST_F(HardeningTest, Defect4SleepOfHoursMaxNeverWakes) {
  EXPECT_FALSE(wait_ends_within([] { return sleep(std::chrono::hours::max()); }, 1h));
}

TEST_F(HardeningTest, Defect4WaitForWithoutATimeLimitWaitsForTheResult) {
  auto main_task = [&]() -> Task<> {
    auto a = co_await wait_for(value_after(1h, 5), Duration::max());
    EXPECT_FALSE(a.timed_out());
    EXPECT_EQ(t_ms(), 3'600'000);
    auto b = co_await wait_for_ms(value_after(1h, 6), std::numeric_limits<std::int64_t>::max());
    EXPECT_FALSE(b.timed_out());
    EXPECT_EQ(t_ms(), 7'200'000);
    TaskHandle<int> h = create_task(value_after(1h, 7));
    auto c = co_await wait_for_ms(h, std::numeric_limits<std::int64_t>::max());
    EXPECT_FALSE(c.timed_out());
    EXPECT_EQ(t_ms(), 10'800'000);
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningTest, Defect4TimeoutWithoutALimitDoesNotExpire) {
  auto main_task = [&]() -> Task<> {
    Timeout t = timeout(Duration::max());
    auto r = co_await t.run(value_after(1h, 5));
    EXPECT_FALSE(t.expired());
    EXPECT_FALSE(r.timed_out());
    if (!r.timed_out()) {
      EXPECT_EQ(*r, 5);
    }
  };
  run(main_task());
  close_loop();
}

// --- 5. ThreadSafeFlag keeps a set() until a waiter actually resumes ---

TEST_F(HardeningTest, Defect5ASetRacingACancelledWaiterWakesTheNextWaiter) {
  ThreadSafeFlag flag;
  auto waiter = [&]() -> Task<> { co_await flag.wait(); };
  auto main_task = [&]() -> Task<> {
    TaskHandle<> w1 = create_task(waiter());
    co_await yield_now();  // w1 waits on the flag
    EXPECT_TRUE(w1.cancel());
    flag.set();
    (void)co_await w1.wait_outcome();
    EXPECT_TRUE(w1.cancelled());
    auto r = co_await wait_for(waiter(), 1s);
    EXPECT_FALSE(r.timed_out()) << "the set() was lost with the cancelled waiter";
    EXPECT_EQ(t_ms(), 0);
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningTest, Defect5AWaitAnyWatcherCancelledAfterItWasWokenLeavesTheFlagSet) {
  ThreadSafeFlag flag;
  Event other;
  auto parent = [&]() -> Task<std::size_t> {
    WaitAny any{other, flag};
    co_return co_await any;
  };
  auto flag_waiter = [&]() -> Task<> { co_await flag.wait(); };
  auto main_task = [&]() -> Task<> {
    TaskHandle<std::size_t> p = create_task(parent());
    co_await yield_now();
    co_await yield_now();  // the watcher task waits on the flag
    flag.set();
    co_await yield_now();  // the loop takes the post: the watcher is woken (queued behind us), not yet run
    other.set();           // ends the wait first: the woken watcher is cancelled before it resumes
    EXPECT_EQ(co_await p, 0u);
    auto r = co_await wait_for(flag_waiter(), 1s);
    EXPECT_FALSE(r.timed_out()) << "the watcher never resumed, so the flag must still be set";
    EXPECT_EQ(t_ms(), 0);
  };
  run(main_task());
  close_loop();
}

// --- 6. only an rvalue handle may give its result away ---

Task<std::string> long_text_after(Duration d) {
  co_await sleep(d);
  co_return kLongText;
}

TEST_F(HardeningTest, Defect6GatherOfANamedHandleLeavesItsResult) {
  auto main_task = [&]() -> Task<> {
    TaskHandle<std::string> h = create_task(long_text_after(1ms));
    auto [s] = co_await gather(h);
    EXPECT_EQ(s, kLongText);
    EXPECT_EQ(h.result(), kLongText) << "gather moved the shared result out of a named handle";
    std::string again = co_await h;
    EXPECT_EQ(again, kLongText);
    auto [t] = co_await gather(h);  // the handle is done now
    EXPECT_EQ(t, kLongText);
    EXPECT_EQ(h.result(), kLongText);
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningTest, Defect6GatherOfANamedVectorResultLeavesIt) {
  auto make = []() -> Task<std::vector<int>> {
    co_await sleep(1ms);
    co_return std::vector<int>(100, 7);
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<std::vector<int>> h = create_task(make());
    auto [v, text] = co_await gather(h, long_text_after(2ms));
    EXPECT_EQ(v.size(), 100u);
    EXPECT_EQ(text, kLongText);
    EXPECT_EQ(h.result().size(), 100u);
    EXPECT_EQ((co_await h).size(), 100u);
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningTest, Defect6WaitForOnANamedHandleLeavesItsResult) {
  auto main_task = [&]() -> Task<> {
    TaskHandle<std::string> h = create_task(long_text_after(1ms));
    auto r = co_await wait_for(h, 1s);  // the task is still running
    EXPECT_FALSE(r.timed_out());
    if (!r.timed_out()) {
      EXPECT_EQ(*r, kLongText);
    }
    EXPECT_EQ(h.result(), kLongText) << "wait_for moved the shared result out of a named handle";
    auto again = co_await wait_for(h, 1s);  // the task is done
    EXPECT_FALSE(again.timed_out());
    if (!again.timed_out()) {
      EXPECT_EQ(*again, kLongText);
    }
    EXPECT_EQ(h.result(), kLongText);
    std::string copy = co_await h;
    EXPECT_EQ(copy, kLongText);
  };
  run(main_task());
  close_loop();
}

// --- 8. the reference count of a task must not wrap ---

// The fix refuses the 65,536th reference (a panic) rather than widening the count; before it, the count
// wrapped and the block was freed while 65,536 handles still pointed at it.
TEST_F(HardeningTest, Defect8SeventyThousandHandlesToOneTaskAreRefusedInsteadOfWrapping) {
  auto make = []() -> Task<std::string> { co_return kLongText; };
  TaskHandle<std::string> h = loop().create_task(make());
  auto main_task = [&]() -> Task<> { EXPECT_EQ(co_await h, kLongText); };
  run(main_task());
  const std::size_t before = blocks_in_use();
  EXPECT_DEATH(
      {
        { std::vector<TaskHandle<std::string>> copies(70'000, h); }
        // Only reached if the count was widened instead: the block must still be there, freed once, later.
        if (blocks_in_use() == before && h.result() == kLongText)
          panic("more than 65,535 references: widened");
      },
      "more than 65,535 references");
  EXPECT_EQ(h.result(), kLongText);
  close_loop();
}

TEST_F(HardeningTest, Defect8HandlesUpToTheLimitFreeTheBlockExactlyOnce) {
  auto make = []() -> Task<std::string> { co_return kLongText; };
  const std::size_t before = blocks_in_use();
  {
    TaskHandle<std::string> h = loop().create_task(make());
    {
      // h, the loop's own reference while the task runs, and these: 65,535 in all.
      std::vector<TaskHandle<std::string>> copies(65'533, h);
      auto main_task = [&]() -> Task<> { EXPECT_EQ(co_await h, kLongText); };
      run(main_task());
      EXPECT_EQ(blocks_in_use(), before + 1);
    }
    EXPECT_EQ(blocks_in_use(), before + 1) << "dropping the copies freed the block the last handle holds";
    EXPECT_EQ(h.result(), kLongText);
  }
  EXPECT_EQ(blocks_in_use(), before) << "the block is freed with the last handle, once";
  close_loop();
}

// --- 9. a virtual clock started before zero ---

TEST(HardeningClock, Defect9ASleepOnAClockStartedBeforeZeroWakesOnTime) {
  sim::SimBackend backend(TimePoint(Duration(-10s)));
  Loop loop(backend);
  auto main_task = [&]() -> Task<> {
    EXPECT_EQ(loop.now(), TimePoint(Duration(-10s)));
    co_await sleep(5s);
    EXPECT_EQ(loop.now(), TimePoint(Duration(-5s)));
    co_await sleep(10s);  // across zero
    EXPECT_EQ(loop.now(), TimePoint(Duration(5s)));
  };
  loop.run_until_complete(main_task());
}

TEST(HardeningClock, Defect9DeadlinesBelowZeroFireInOrderAndOnTime) {
  sim::SimBackend backend(TimePoint(Duration(-10s)));
  Loop loop(backend);
  std::vector<std::pair<int, std::int64_t>> woke;  // (id, ms)
  auto sleeper = [&](int id, Duration d) -> Task<> {
    co_await sleep(d);
    woke.emplace_back(id, loop.now().time_since_epoch().count() / 1000);
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<> a = create_task(sleeper(1, 5s));
    TaskHandle<> b = create_task(sleeper(2, 1s));
    TaskHandle<> c = create_task(sleeper(3, 12s));
    bool called = false;
    (void)loop.call_later(3s, [&] {
      called = true;
      EXPECT_EQ(loop.now(), TimePoint(Duration(-7s)));
    });
    co_await sleep_until(TimePoint(Duration(-2s)));
    EXPECT_EQ(loop.now(), TimePoint(Duration(-2s)));
    EXPECT_TRUE(called);
    co_await a;
    co_await b;
    co_await c;
  };
  loop.run_until_complete(main_task());
  EXPECT_EQ(woke, (std::vector<std::pair<int, std::int64_t>>{{2, -9000}, {1, -5000}, {3, 2000}}));
}

// --- 11. suspected: a Lock destroyed while the waiter it chose has not resumed; Condition at teardown ---

TEST_F(HardeningTest, Defect11ALockDestroyedBeforeTheWaiterItChoseResumesIsNotTouchedWhenThatWaiterUnwinds) {
  auto lock = std::make_unique<Lock>();
  bool got_it = false;
  auto waiter = [&](Lock* l) -> Task<> {
    auto guard = co_await *l;
    got_it = true;
  };
  auto main_task = [&]() -> Task<> {
    co_await lock->acquire();
    TaskHandle<> w = create_task(waiter(lock.get()));
    co_await yield_now();     // w queues on the lock
    lock->release();          // handed to w, which has not resumed yet
    lock.reset();             // the lock's owner goes away ...
    EXPECT_TRUE(w.cancel());  // ... and cancels the waiter, which never ran with the lock
    Outcome<void> out = co_await w.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_FALSE(got_it);
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningTest, Defect11ALockDestroyedBeforeTheWaiterItChoseResumesIsNotTouchedAtLoopTeardown) {
  auto lock = std::make_unique<Lock>();
  bool got_it = false;
  auto waiter = [&](Lock* l) -> Task<> {
    auto guard = co_await *l;
    got_it = true;
  };
  auto main_task = [&]() -> Task<> {
    co_await lock->acquire();
    (void)create_task(waiter(lock.get()));
    co_await yield_now();  // the waiter queues on the lock
    lock->release();       // handed to the waiter, which has not resumed when main ends
    lock.reset();
  };
  run(main_task());
  close_loop();  // unwinds the waiter that was handed a lock that no longer exists
  EXPECT_FALSE(got_it);
}

TEST(HardeningTeardown, Defect11AConditionWaiterTornDownWhileAnotherTaskHoldsTheLockReleasesNothing) {
  Condition cond;
  int waiter_ran = 0, holder_ran = 0;
  auto waiter = [&]() -> Task<> {
    auto guard = co_await cond;
    ++waiter_ran;
    (void)co_await cond.wait();  // releases the lock; never notified
  };
  auto holder = [&]() -> Task<> {
    auto guard = co_await cond;  // takes the lock the waiter released
    ++holder_ran;
    co_await sleep(1h);
  };
  {
    sim::SimBackend backend;
    Loop loop(backend);
    auto main_task = [&]() -> Task<> {
      (void)create_task(waiter());  // unwound first at teardown (creation order)
      (void)create_task(holder());
      co_await sleep(1ms);
      EXPECT_TRUE(cond.locked());
    };
    loop.run_until_complete(main_task());
    // Destroying the loop unwinds the waiter (inside wait(), not holding the lock) and then the holder. The
    // waiter's guard must not release the lock the holder holds; the holder's guard then releases it once.
  }
  EXPECT_EQ(waiter_ran, 1);
  EXPECT_EQ(holder_ran, 1);
  EXPECT_FALSE(cond.locked());
}

// --- waking a running or queued task never makes a second ready-queue entry ---

TEST_F(HardeningTest, QueueEntryATaskQueuedByACancelAndThenHandedTheLockOnlyUnwinds) {
  Lock lock;
  bool body = false;
  auto contender = [&]() -> Task<> {
    auto guard = co_await lock;
    body = true;
    co_await yield_now();
  };
  auto main_task = [&]() -> Task<> {
    co_await lock.acquire();
    TaskHandle<> t = create_task(contender());
    co_await yield_now();  // t queues on the lock
    EXPECT_TRUE(t.cancel());
    lock.release();  // hands the lock to t, which is already queued to unwind
    Outcome<void> out = co_await t.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_FALSE(body);
    EXPECT_EQ(t.run_count(), 1u);
    EXPECT_FALSE(lock.locked());
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningTest, QueueEntryATaskWokenByAnEventAndThenCancelledUnwindsOnce) {
  Event e;
  bool body = false;
  auto t_fn = [&]() -> Task<> {
    co_await e.wait();
    body = true;
    co_await yield_now();
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<> t = create_task(t_fn());
    co_await yield_now();
    e.set();
    EXPECT_TRUE(t.cancel());
    Outcome<void> out = co_await t.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_FALSE(body);
    EXPECT_EQ(t.run_count(), 1u);
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningTest, QueueEntryATaskThatYieldsWhileAnEventItWaitedOnIsSetAgainRunsOncePerWake) {
  Event e;
  Event e2;
  int yields_done = 0;
  auto t_fn = [&]() -> Task<> {
    co_await e.wait();
    WaitAny any{e2, e};  // e is set: returns at once
    (void)co_await any;
    for (int i = 0; i < 3; ++i) {
      co_await yield_now();
      ++yields_done;
    }
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<> t = create_task(t_fn());
    co_await yield_now();  // t waits on e
    e.set();
    co_await yield_now();  // t runs and yields
    e.clear();
    e.set();  // nobody waits: changes nothing
    e2.set();
    co_await yield_now();
    e.set();
    co_await t;
    EXPECT_EQ(yields_done, 3);
    EXPECT_EQ(t.run_count(), 5u) << "start, the wake by e, three yields";
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningTest, QueueEntryATaskWokenThroughWaitAnyAndYieldingRunsOncePerWake) {
  Event a, b;
  auto t_fn = [&]() -> Task<std::size_t> {
    std::size_t i = co_await WaitAny{a, b};
    for (int k = 0; k < 3; ++k)
      co_await yield_now();
    co_return i;
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<std::size_t> t = create_task(t_fn());
    co_await yield_now();
    a.set();  // wakes t (queued)
    b.set();  // t is queued already
    co_await yield_now();
    a.set();  // t is yielding: nothing listens any more
    b.set();
    EXPECT_EQ(co_await t, 0u);
    EXPECT_EQ(t.run_count(), 5u);
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningTest, QueueEntryCancellingTheAwaiterOfTheRunningTaskReachesItselfAndIsRefused) {
  TaskRef u_ref;
  bool cancel_result = true;
  auto t_fn = [&]() -> Task<int> {
    co_await yield_now();            // u now awaits this task
    cancel_result = u_ref.cancel();  // forwarded to this very task: "can't cancel self"
    co_await yield_now();
    co_await yield_now();
    co_return 5;
  };
  auto u_fn = [&](TaskHandle<int> th) -> Task<int> { co_return co_await th; };
  auto main_task = [&]() -> Task<> {
    TaskHandle<int> th = create_task(t_fn());
    TaskHandle<int> u = create_task(u_fn(th));
    u_ref = u;
    EXPECT_EQ(co_await u, 5);
    EXPECT_FALSE(cancel_result);
    EXPECT_EQ(th.run_count(), 4u);
    EXPECT_EQ(u.run_count(), 2u);
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningTest, QueueEntryATaskGroupChildCancellingItsOwnersWaitIsNotQueuedTwice) {
  TaskRef u_ref;
  bool cancel_result = false;
  bool past_second_yield = false;
  TaskHandle<> child;
  auto t_fn = [&]() -> Task<> {
    co_await yield_now();            // the owner waits in group.wait()
    cancel_result = u_ref.cancel();  // cancels the group's children; this one is running, so not at once
    co_await yield_now();            // ... but the group cancels it again once the other child has ended
    past_second_yield = true;
    co_await yield_now();
  };
  auto u_fn = [&]() -> Task<> {
    TaskGroup group;
    child = group.create_task(t_fn());
    (void)group.create_task(value_after(1h, 1));
    co_await group.wait();
  };
  auto main_task = [&]() -> Task<> {
    TaskHandle<> u = create_task(u_fn());
    u_ref = u;
    Outcome<void> out = co_await u.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_TRUE(cancel_result);
    EXPECT_TRUE(child.cancelled());
    EXPECT_FALSE(past_second_yield);
    EXPECT_EQ(child.run_count(), 2u) << "runs to its first yield, then to the second, then only unwinds";
    EXPECT_EQ(u.run_count(), 1u);
  };
  run(main_task());
  close_loop();
}

TEST_F(HardeningTest, QueueEntryAGatherChildCancellingItsCallerIsNotQueuedTwice) {
  TaskRef u_ref;
  bool cancel_result = false;
  auto t_fn = [&]() -> Task<int> {
    co_await yield_now();            // the caller waits in the gather
    cancel_result = u_ref.cancel();  // forwarded to every child: this one refuses, the other is cancelled
    co_await yield_now();
    co_await yield_now();
    co_return 5;
  };
  auto u_fn = [&](TaskHandle<int> th) -> Task<> { (void)co_await gather(th, value_after(1h, 1)); };
  auto main_task = [&]() -> Task<> {
    TaskHandle<int> th = create_task(t_fn());
    TaskHandle<> u = create_task(u_fn(th));
    u_ref = u;
    Outcome<void> out = co_await u.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_TRUE(cancel_result);
    EXPECT_EQ(co_await th, 5);
    EXPECT_EQ(th.run_count(), 4u);
    EXPECT_EQ(u.run_count(), 1u);
  };
  run(main_task());
  close_loop();
}

}  // namespace
}  // namespace aiopi::testing
