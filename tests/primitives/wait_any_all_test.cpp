// WaitAny / WaitAll: which member fired, nesting, many waiters, cancellation and timeouts unregistering every
// member, members of every kind (Event, Message, ThreadSafeEvent, ThreadSafeFlag, Delay_ms, ELO).
#include <memory>
#include <thread>

#include "aiopi/delay_ms.hpp"
#include "b_support.hpp"

namespace aiopi::testing {
namespace {

TEST_F(BSimTest, WaitAnyTellsWhichEventFired) {
  Event a, b, c;
  WaitAny any{a, b, c};
  auto setter = [&]() -> Task<> {
    co_await sleep(5ms);
    b.set();
  };
  auto main_task = [&]() -> Task<std::size_t> {
    auto s = create_task(setter());
    std::size_t i = co_await any;
    EXPECT_EQ(t_ms(), 5);
    co_await s;
    co_return i;
  };
  EXPECT_EQ(run(main_task()), 1u);
  EXPECT_EQ(any.event(), 1u);
  EXPECT_TRUE(b.is_set()) << "firing is not consumed";
}

TEST_F(BSimTest, WaitAnyReturnsAtOnceWhenAMemberIsSet) {
  Event a, b;
  b.set();
  auto main_task = [&]() -> Task<std::size_t> {
    const auto before = loop.stats().resumes;
    std::size_t i = co_await WaitAny{a, b}.wait();
    EXPECT_EQ(loop.stats().resumes, before) << "no suspension";
    co_return i;
  };
  EXPECT_EQ(run(main_task()), 1u);
}

TEST_F(BSimTest, WaitAnyReportsTheFirstToFireInOnePass) {
  Event a, b, c;
  WaitAny any{a, b, c};
  auto main_task = [&]() -> Task<std::size_t> {
    auto setter = [&]() -> Task<> {
      c.set();  // same pass, c first
      a.set();
      co_return;
    };
    auto s = create_task(setter());
    std::size_t i = co_await any;
    co_await s;
    co_return i;
  };
  EXPECT_EQ(run(main_task()), 2u);
}

TEST_F(BSimTest, WaitAnyReleasesEveryWaiterWithTheSameIndex) {
  Event a, b;
  WaitAny any{a, b};
  std::vector<std::size_t> got;
  auto waiter = [&]() -> Task<> { got.push_back(co_await any); };
  auto main_task = [&]() -> Task<> {
    auto w1 = create_task(waiter());
    auto w2 = create_task(waiter());
    auto w3 = create_task(waiter());
    co_await sleep(1ms);
    b.set();
    co_await gather(w1, w2, w3);
  };
  run(main_task());
  EXPECT_EQ(got, (std::vector<std::size_t>{1, 1, 1}));
}

TEST_F(BSimTest, WaitAllWaitsForEveryMemberAndRemembersOnesClearedMeanwhile) {
  Event a, b, c;
  auto setter = [&]() -> Task<> {
    co_await sleep(1ms);
    a.set();
    co_await sleep(1ms);
    a.clear();  // fired once: counts for this wait
    b.set();
    co_await sleep(1ms);
    c.set();
  };
  auto main_task = [&]() -> Task<> {
    auto s = create_task(setter());
    co_await WaitAll{a, b, c};
    EXPECT_EQ(t_ms(), 3);
    co_await s;
  };
  run(main_task());
}

TEST_F(BSimTest, WaitAllWithEveryMemberSetReturnsAtOnce) {
  Event a, b;
  a.set();
  b.set();
  WaitAll all{a, b};
  EXPECT_TRUE(all.is_set());
  auto main_task = [&]() -> Task<> {
    const auto before = loop.stats().resumes;
    co_await all;
    EXPECT_EQ(loop.stats().resumes, before);
  };
  run(main_task());
}

TEST_F(BSimTest, ClearClearsEveryMemberIncludingNestedGroups) {
  Event a, b, c;
  a.set();
  b.set();
  c.set();
  WaitAny any{a, WaitAll{b, c}};
  EXPECT_TRUE(any.is_set());
  any.clear();
  EXPECT_FALSE(a.is_set());
  EXPECT_FALSE(b.is_set());
  EXPECT_FALSE(c.is_set());
  EXPECT_FALSE(any.is_set());
}

TEST_F(BSimTest, CancellingTheWaiterUnregistersEveryMember) {
  Event a, b, c;
  int destroyed = 0;
  auto waiter = [&]() -> Task<> {
    BDtorProbe probe(destroyed);
    // The group lives in the frame: if any listener stayed linked in an Event after the frame is gone, the
    // set() calls below would reach freed memory (caught by the sanitizer builds).
    WaitAny any{a, WaitAll{b, c}};
    co_await any;
    ADD_FAILURE() << "must not resume";
  };
  auto main_task = [&]() -> Task<> {
    auto w = create_task(waiter());
    co_await sleep(1ms);
    w.cancel();
    co_await w.wait_outcome();
    EXPECT_EQ(destroyed, 1);
    a.set();
    b.set();
    c.set();
    co_await sleep(1ms);
  };
  run(main_task());
}

TEST_F(BSimTest, OneOfTwoWaitersCancelledTheOtherStillReleased) {
  Event a, b;
  WaitAny any{a, b};
  std::size_t got = 99;
  auto waiter = [&]() -> Task<> { got = co_await any; };
  auto main_task = [&]() -> Task<> {
    auto w1 = create_task(waiter());
    auto w2 = create_task(waiter());
    co_await sleep(1ms);
    w1.cancel();
    co_await sleep(1ms);
    a.set();
    co_await w2;
    EXPECT_TRUE(w1.cancelled());
  };
  run(main_task());
  EXPECT_EQ(got, 0u);
}

TEST_F(BSimTest, WaitForOverAGroupTimesOutAndUnregisters) {
  Event a, b;
  auto body = [&]() -> Task<> { co_await WaitAll{a, b}; };
  auto main_task = [&]() -> Task<> {
    a.set();
    auto r = co_await wait_for(body(), 4s);
    EXPECT_TRUE(r.timed_out());
    EXPECT_EQ(t_ms(), 4000);
    b.set();  // the timed-out group is gone: nothing may be reached
    co_await sleep(1ms);
  };
  run(main_task());
}

TEST_F(BSimTest, GroupDestroyedWhileATaskWaitsLeavesNoDanglingPointer) {
  Event a;
  auto any = std::make_unique<WaitAny<Event&>>(a);
  int destroyed = 0;
  auto waiter = [&]() -> Task<> {
    BDtorProbe probe(destroyed);
    co_await *any;
  };
  auto main_task = [&]() -> Task<> {
    auto w = create_task(waiter());
    co_await sleep(1ms);
    any.reset();  // unregisters from `a`; the waiter stays stuck but unlinked
    a.set();
    co_await sleep(1ms);
    EXPECT_FALSE(w.done());
    w.cancel();
    co_await w.wait_outcome();
  };
  run(main_task());
  EXPECT_EQ(destroyed, 1);
}

TEST_F(BSimTest, SameEventTwiceInAWaitAll) {
  Event a;
  auto main_task = [&]() -> Task<> {
    auto setter = [&]() -> Task<> {
      co_await sleep(1ms);
      a.set();
    };
    auto s = create_task(setter());
    co_await WaitAll{a, a};
    co_await s;
  };
  run(main_task());
  EXPECT_EQ(t_ms(), 1);
}

TEST_F(BSimTest, GroupsAreReusable) {
  Event a, b;
  WaitAny any{a, b};
  auto main_task = [&]() -> Task<std::vector<std::size_t>> {
    std::vector<std::size_t> got;
    for (int round = 0; round < 4; ++round) {
      auto setter = [&](Event& e) -> Task<> {
        co_await sleep(1ms);
        e.set();
      };
      auto s = create_task(setter(round % 2 == 0 ? b : a));
      got.push_back(co_await any);
      any.clear();
      co_await s;
    }
    co_return got;
  };
  EXPECT_EQ(run(main_task()), (std::vector<std::size_t>{1, 0, 1, 0}));
}

TEST_F(BSimTest, MembersOfEveryListenableKind) {
  Event ev;
  Message<int> msg;
  ThreadSafeEvent tse;
  auto job = [&]() -> Task<int> {
    co_await sleep(4ms);
    co_return 4;
  };
  auto main_task = [&]() -> Task<> {
    ELO elo(job());  // created inside the loop: ELO starts its task on the current loop
    auto stepper = [&]() -> Task<> {
      co_await sleep(1ms);
      msg.set(1);
      co_await sleep(1ms);
      tse.set();
      co_await sleep(1ms);
      ev.set();
    };
    auto s = create_task(stepper());
    WaitAny any{ev, msg, tse, elo};
    EXPECT_EQ(co_await any, 1u);
    msg.clear();
    EXPECT_EQ(co_await any, 2u);
    tse.clear();
    EXPECT_EQ(co_await any, 0u);
    ev.clear();
    EXPECT_EQ(co_await any, 3u);
    EXPECT_EQ(t_ms(), 4);
    co_await s;
    msg.set(1);
    tse.set();
    ev.set();
    co_await WaitAll{ev, msg, tse, elo};  // all set or done: at once
  };
  run(main_task());
}

TEST_F(BSimTest, ThreadSafeFlagMemberIsWatchedAndItsWatcherGoesAway) {
  ThreadSafeFlag flag;
  Event ev;
  auto main_task = [&]() -> Task<> {
    auto set_flag = [&]() -> Task<> {
      co_await sleep(2ms);
      flag.set();
    };
    auto s = create_task(set_flag());
    EXPECT_EQ(co_await WaitAny(ev, flag), 1u);
    EXPECT_EQ(t_ms(), 2);
    co_await s;
    // The event fires first now; the flag's watcher is destroyed while waiting, so the flag is not consumed
    // by it: a later set() stays for the next wait().
    auto set_ev = [&]() -> Task<> {
      co_await sleep(1ms);
      ev.set();
    };
    auto s2 = create_task(set_ev());
    EXPECT_EQ(co_await WaitAny(ev, flag), 0u);
    co_await s2;
    flag.set();
    co_await flag.wait();  // would hang if a watcher had kept waiting on the flag (only one waiter allowed)
    // The watcher frames were recycled: only the main task is left.
    std::size_t alive = 0;
    for (auto& t : loop.tasks()) {
      (void)t;
      ++alive;
    }
    EXPECT_EQ(alive, 1u);
  };
  run(main_task());
}

TEST_F(BSimTest, DelayMsMemberTimesOut) {
  Delay_ms watchdog(50);
  Event ev;
  auto main_task = [&]() -> Task<> {
    watchdog.trigger();
    const auto created = loop.stats().tasks_created;
    std::size_t i = co_await WaitAny(ev, watchdog);
    EXPECT_EQ(i, 1u);
    EXPECT_EQ(t_ms(), 50);
    EXPECT_EQ(loop.stats().tasks_created, created)
        << "Delay_ms is listened to directly, without a watcher task";
    watchdog.clear();
    watchdog.trigger();
    co_await WaitAll(WaitAny(ev, watchdog), watchdog);
    EXPECT_EQ(t_ms(), 100);
  };
  run(main_task());
}

TEST_F(BSimTest, WaitAnyAndWaitAllMayBeAwaitedThroughWait) {
  Event a;
  a.set();
  WaitAll all{a};
  WaitAny any{all};
  auto main_task = [&]() -> Task<std::size_t> {
    co_await all.wait();
    co_return co_await any.wait();
  };
  EXPECT_EQ(run(main_task()), 0u);
}

// --- real threads
// ----------------------------------------------------------------------------------------------

class GroupThreads : public BBackendTest {};
AIOPI_B_ALL_BACKENDS(GroupThreads);

TEST_P(GroupThreads, WaitAllOverThreadSignalledMembers) {
  ThreadSafeEvent done1, done2;
  Message<int> result;
  std::thread t1, t2;
  auto main_task = [&]() -> Task<int> {
    t1 = std::thread([&] {
      result.set(42);
      done1.set();
    });
    t2 = std::thread([&] { done2.set(); });
    co_await WaitAll{done1, done2, result};
    co_return result.value();
  };
  EXPECT_EQ(run(main_task()), 42);
  t1.join();
  t2.join();
}

TEST_P(GroupThreads, WaitAnyOverAThreadSignalledMemberAndATimer) {
  ThreadSafeEvent from_thread;
  Event never;
  std::thread t;
  auto main_task = [&]() -> Task<std::size_t> {
    t = std::thread([&] { from_thread.set(); });
    co_return co_await WaitAny{never, from_thread};
  };
  EXPECT_EQ(run(main_task()), 1u);
  t.join();
}

}  // namespace
}  // namespace aiopi::testing
