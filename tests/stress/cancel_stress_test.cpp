// Randomised cancellation stress (issue #8): a few hundred tasks run random operations over Lock, Semaphore,
// Queue, Condition, Event, WaitAny/WaitAll, wait_for, Timeout, gather, TaskGroup and awaited tasks, while a
// driver cancels tasks at random points, toggles the events, feeds the queue and finally cancels everything
// still running. One seeded PRNG per test case, on the virtual clock, so a failing seed replays exactly.
//
// What must hold afterwards:
//  * no stuck task: every worker finishes once cancelled, and no task at all is left (children of gather,
//    TaskGroup, wait_for and watchers end with their parents); an idle virtual clock with tasks still waiting
//    is a deadlock, which the loop reports as a usage error;
//  * no lost item: every item whose put completed was either got or is still in the queue, none twice, and
//    nothing comes out that was never put;
//  * no leaked permit: the Semaphore is back to its initial value, the Lock and the Condition's lock are
//  free;
//  * mutual exclusion held throughout (at most one Lock holder, at most kPermits Semaphore holders);
//  * the frame allocator is back to its baseline block count; and (asan/tsan presets) no sanitizer report.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_backend.hpp"

namespace aiopi::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kWorkers = 600;
constexpr int kDriverSteps = 6000;
constexpr int kPermits = 3;
constexpr int kQueueSize = 6;
constexpr int kMaxDepth = 2;  // how deeply composite operations (wait_for, gather, TaskGroup, ...) nest

/// splitmix64: small, fast and the same everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  bool one_in(int n) { return below(n) == 0; }
  Duration up_to(Duration d) { return Duration(static_cast<std::int64_t>(next() % (d.count() + 1))); }

 private:
  std::uint64_t state_;
};

/// Counts the holders of something for as long as it lives (RAII, so a cancelled holder is counted out).
class Hold {
 public:
  explicit Hold(int& count) : count_(count) { ++count_; }
  Hold(const Hold&) = delete;
  ~Hold() { --count_; }

 private:
  int& count_;
};

struct World;

/// A Lock, a Semaphore and an Event. The world has one; composite operations (gather, TaskGroup, wait_for,
/// Timeout, WaitAny) make one in their own frame and hand it to their children, as structured code does. When
/// a frame's set goes, every child must have ended: nothing may still hold its lock or a permit.
struct Resources {
  Resources(World& world, bool in_frame) : w(world), local(in_frame) {}
  Resources(const Resources&) = delete;
  ~Resources();

  World& w;
  bool local;
  Lock lock;
  int lock_holders = 0;
  Semaphore sem{kPermits};
  int sem_holders = 0;
  Event ev;
};

/// Everything the tasks share. Outlives the loop.
struct World {
  explicit World(std::uint64_t seed) : rng(seed) {}

  void check(bool ok, const char* what) {
    if (!ok && violations.size() < 20) violations.emplace_back(what);
  }

  Rng rng;
  Resources shared{*this, false};
  Queue<int> queue{kQueueSize};
  int next_item = 0;
  std::set<int> attempted;       // items offered to the queue
  std::set<int> definitely_put;  // items whose put completed (put_nowait true, or put() resumed)
  std::set<int> got;
  Condition cond;
  int cond_items = 0;
  Event ev_a;
  Event ev_b;
  std::vector<TaskHandle<>> workers;
  std::vector<std::string> violations;
  int ops = 0;
};

Resources::~Resources() {
  if (!local) return;
  w.check(!lock.locked() && lock_holders == 0,
          "a child still held its parent's Lock when the parent's frame went");
  w.check(sem.value() == kPermits && sem_holders == 0,
          "a child still held its parent's Semaphore permit when the parent's frame went");
}

Task<> random_op(World& w, Resources& r, int depth);

Task<> op_lock(World& w, Resources& r) {
  auto guard = co_await r.lock;
  Hold hold(r.lock_holders);
  w.check(r.lock_holders == 1, "two tasks hold the Lock");
  w.check(r.lock.locked(), "a Lock holder finds the Lock unlocked");
  co_await sleep(w.rng.up_to(2ms));
  w.check(r.lock_holders == 1, "two tasks hold the Lock (after a sleep)");
}

Task<> op_sem(World& w, Resources& r) {
  auto permit = co_await r.sem;
  Hold hold(r.sem_holders);
  w.check(r.sem_holders <= kPermits, "more Semaphore holders than permits");
  co_await sleep(w.rng.up_to(2ms));
  w.check(r.sem_holders <= kPermits, "more Semaphore holders than permits (after a sleep)");
}

Task<> op_put(World& w) {
  const int item = w.next_item++;
  w.attempted.insert(item);
  if (w.rng.one_in(3)) {
    if (w.queue.put_nowait(item)) w.definitely_put.insert(item);
    co_return;
  }
  co_await w.queue.put(item);
  w.definitely_put.insert(item);
}

Task<> op_get(World& w) {
  int item = -1;
  if (w.rng.one_in(4)) {
    std::optional<int> v = w.queue.get_nowait();
    if (!v) co_return;
    item = *v;
  } else {
    item = co_await w.queue.get();
  }
  w.check(w.attempted.count(item) == 1, "got an item nobody put");
  w.check(w.got.insert(item).second, "an item was got twice");
}

Task<> op_cond_produce(World& w) {
  auto guard = co_await w.cond;
  w.check(w.cond.locked(), "a Condition holder finds its lock free");
  ++w.cond_items;
  if (w.rng.one_in(3)) {
    w.cond.notify_all();
  } else {
    w.cond.notify();
  }
}

Task<> op_cond_consume(World& w) {
  auto guard = co_await w.cond;
  if (w.rng.one_in(2)) {
    (void)co_await w.cond.wait_for([&w] { return w.cond_items > 0; });
    w.check(w.cond.locked(), "Condition.wait_for returned without the lock");
    w.check(w.cond_items > 0, "Condition.wait_for returned with its predicate false");
    --w.cond_items;
  } else {
    auto r = co_await wait_for(w.cond.wait(), w.rng.up_to(3ms));
    w.check(w.cond.locked(), "Condition.wait under wait_for returned without the lock");
    (void)r;
  }
}

Task<> op_events(World& w, Resources& r) {
  switch (w.rng.below(5)) {
    case 0:
      (void)co_await w.ev_a.wait();
      break;
    case 4:
      if (w.rng.one_in(2)) r.ev.set();
      (void)co_await r.ev.wait();
      break;
    case 1:
      (void)co_await WaitAny{w.ev_a, w.ev_b};
      break;
    case 2:
      co_await WaitAll{w.ev_a, w.ev_b};
      break;
    default:
      (void)co_await WaitAny{w.ev_b, WaitAll{w.ev_a, w.ev_b}};
      break;
  }
}

/// An event-like member without is_set(): WaitAny watches it with a task that runs a random operation, on
/// resources of the frame that waits.
struct OpMember {
  World& w;
  Resources& r;
  int depth;
  Task<> wait() { return random_op(w, r, depth); }
};

Task<std::string> text_op(World& w, Resources& r, int depth) {
  co_await random_op(w, r, depth);
  co_return std::string(100, 't');
}

Task<> op_composite(World& w, Resources& parent, int depth) {
  Resources local(w, true);  // lives in this frame: children that use it must end before it goes
  Resources& r = w.rng.one_in(3) ? parent : local;
  switch (w.rng.below(10)) {
    case 0: {
      const Duration limit = w.rng.up_to(4ms);
      auto res = co_await wait_for(random_op(w, r, depth + 1), limit);
      (void)res;
      break;
    }
    case 1:
      (void)co_await gather(random_op(w, r, depth + 1), random_op(w, r, depth + 1));
      break;
    case 2:
      (void)co_await gather_outcomes(random_op(w, r, depth + 1), random_op(w, r, depth + 1),
                                     random_op(w, r, depth + 1));
      break;
    case 3: {
      TaskGroup group;
      const int n = 1 + w.rng.below(3);
      for (int i = 0; i < n; ++i)
        (void)group.create_task(random_op(w, r, depth + 1));
      switch (w.rng.below(4)) {
        case 0:
          co_await sleep(w.rng.up_to(2ms));
          break;  // leaves with children still running: the group's destructor ends them
        case 1:
          (void)group.cancel_all();
          co_await group.wait();
          break;
        default:
          co_await group.wait();
          break;
      }
      break;
    }
    case 4: {
      // A helper is not a child (nothing ends it with this frame): it only uses the world's resources.
      TaskHandle<> h = create_task(random_op(w, w.shared, depth + 1), "helper");
      co_await sleep(w.rng.up_to(2ms));
      if (w.rng.one_in(2)) (void)h.cancel();
      (void)co_await h.wait_outcome();
      break;
    }
    case 5: {
      TaskHandle<> h = create_task(random_op(w, w.shared, depth + 1), "helper");
      if (w.rng.one_in(4)) (void)h.cancel();
      co_await h;  // a cancelled helper cancels this task
      break;
    }
    case 6: {
      TaskHandle<> h = create_task(random_op(w, w.shared, depth + 1), "helper");
      if (w.rng.one_in(3)) {
        (void)h.cancel();
        if (w.rng.one_in(2)) (void)co_await h.wait_outcome();  // cancelled before the wait_for begins
      }
      const Duration limit = w.rng.up_to(3ms);
      const TimePoint start = now();
      auto res = co_await wait_for(h, limit);  // on a cancelled helper: this task is cancelled, as co_await h
      if (res.timed_out()) {
        w.check(now() - start >= limit, "wait_for on a task timed out before its time limit");
        w.check(h.cancelled(), "wait_for timed out but its task was not cancelled");
      } else {
        w.check(h.done() && !h.cancelled(), "wait_for ended without a result and without a time-out");
      }
      break;
    }
    case 7: {
      // Results are shared: gather and wait_for on a named handle must leave the result in it.
      TaskHandle<std::string> h = create_task(text_op(w, w.shared, depth + 1), "helper");
      if (w.rng.one_in(2)) {
        auto [text] = co_await gather(h);
        w.check(text.size() == 100 && h.result().size() == 100,
                "gather took the result out of a named handle");
      } else {
        auto res = co_await wait_for(h, w.rng.up_to(3ms));
        if (!res.timed_out())
          w.check(res->size() == 100 && h.result().size() == 100,
                  "wait_for took the result out of a named handle");
      }
      break;
    }
    case 8: {
      OpMember member{w, r, depth + 1};
      if (w.rng.one_in(2)) {
        (void)co_await WaitAny{w.ev_a, member};
      } else {
        co_await WaitAll{member, r.ev};
      }
      break;
    }
    default: {
      Timeout t = timeout(w.rng.up_to(4ms));
      auto res = co_await t.run(random_op(w, r, depth + 1));
      (void)res;
      break;
    }
  }
}

Task<> random_op(World& w, Resources& r, int depth) {
  ++w.ops;
  const int kinds = depth < kMaxDepth ? 10 : 9;
  switch (w.rng.below(kinds)) {
    case 0:
      co_await op_lock(w, r);
      break;
    case 1:
      co_await op_sem(w, r);
      break;
    case 2:
      co_await op_put(w);
      break;
    case 3:
      co_await op_get(w);
      break;
    case 4:
      co_await op_cond_produce(w);
      break;
    case 5:
      co_await op_cond_consume(w);
      break;
    case 6:
      co_await op_events(w, r);
      break;
    case 7:
      co_await sleep(w.rng.up_to(3ms));
      break;
    case 8:
      co_await yield_now();
      break;
    default:
      co_await op_composite(w, r, depth);
      break;
  }
}

Task<> worker(World& w) {
  const int n = 4 + w.rng.below(24);
  for (int i = 0; i < n; ++i) {
    co_await random_op(w, w.shared, 0);
    if (w.rng.one_in(10) && !w.workers.empty()) {
      (void)w.workers[static_cast<std::size_t>(w.rng.below(static_cast<int>(w.workers.size())))].cancel();
    }
  }
}

Task<> driver(World& w) {
  int spawned = 0;
  for (int step = 0; step < kDriverSteps || spawned < kWorkers; ++step) {
    if (spawned < kWorkers && !w.rng.one_in(3)) {
      w.workers.push_back(create_task(worker(w), "worker"));
      ++spawned;
    }
    switch (w.rng.below(10)) {
      case 0:
      case 1:
        if (!w.workers.empty())
          (void)w.workers[static_cast<std::size_t>(w.rng.below(static_cast<int>(w.workers.size())))].cancel();
        break;
      case 2:
        w.ev_a.set();
        break;
      case 3:
        w.ev_a.clear();
        break;
      case 4:
        w.ev_b.set();
        break;
      case 5:
        w.ev_b.clear();
        break;
      case 6: {
        const int item = w.next_item++;
        w.attempted.insert(item);
        if (w.queue.put_nowait(item)) w.definitely_put.insert(item);
        break;
      }
      default:
        break;
    }
    if (w.rng.one_in(3)) {
      co_await sleep(w.rng.up_to(1500us));
    } else {
      co_await yield_now();
    }
  }
  // Stop: cancel whatever still runs and wait until each worker has ended.
  for (TaskHandle<>& h : w.workers)
    (void)h.cancel();
  for (TaskHandle<>& h : w.workers) {
    (void)co_await h.wait_outcome();
    w.check(h.done(), "a cancelled worker did not finish");
  }
}

class CancelStress : public ::testing::TestWithParam<int> {};

TEST_P(CancelStress, NothingLostLeakedOrStuck) {
  const std::size_t baseline_blocks = default_frame_allocator_stats().blocks_in_use;
  {
    World w(static_cast<std::uint64_t>(GetParam()) * 7919u + 1u);
    {
      sim::SimBackend backend;
      Loop loop(backend);
      loop.run_until_complete(driver(w));
      EXPECT_TRUE(loop.tasks().empty())
          << loop.tasks().size() << " task(s) left after every worker ended, e.g. '"
          << (loop.tasks().empty() ? "" : loop.tasks().front().name()) << "'";
      EXPECT_EQ(w.workers.size(), static_cast<std::size_t>(kWorkers));
      EXPECT_GT(w.ops, kWorkers);

      // Permits and locks.
      EXPECT_FALSE(w.shared.lock.locked()) << "the Lock is still held";
      EXPECT_EQ(w.shared.lock_holders, 0);
      EXPECT_EQ(w.shared.sem.value(), kPermits) << "a Semaphore permit leaked";
      EXPECT_EQ(w.shared.sem_holders, 0);
      EXPECT_FALSE(w.cond.locked()) << "the Condition's lock is still held";
      EXPECT_GE(w.cond_items, 0);

      // Queue conservation.
      std::set<int> remaining;
      while (std::optional<int> item = w.queue.get_nowait()) {
        EXPECT_TRUE(remaining.insert(*item).second) << "item " << *item << " is in the queue twice";
        EXPECT_EQ(w.got.count(*item), 0u) << "item " << *item << " was got and is still in the queue";
      }
      EXPECT_EQ(w.queue.qsize(), 0u);
      for (int item : w.definitely_put) {
        EXPECT_TRUE(w.got.count(item) == 1 || remaining.count(item) == 1) << "item " << item << " was lost";
      }
      for (int item : remaining)
        EXPECT_EQ(w.attempted.count(item), 1u) << "item " << item << " was never put";

      for (const std::string& v : w.violations)
        ADD_FAILURE() << v;
      w.workers.clear();
    }
  }
  EXPECT_EQ(default_frame_allocator_stats().blocks_in_use, baseline_blocks) << "frame blocks leaked";
  EXPECT_EQ(outstanding_frames(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, CancelStress, ::testing::Range(1, 21));

}  // namespace
}  // namespace aiopi::testing
