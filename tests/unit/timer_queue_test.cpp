#include "aiopi/detail/timer_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

namespace {

using aiopi::Duration;
using aiopi::TimePoint;
using aiopi::TimerNode;
using aiopi::TimerQueue;

struct Probe : TimerNode {
  Probe() : TimerNode(&Probe::on_fire) {}
  static void on_fire(TimerNode& n) noexcept {
    auto& p = static_cast<Probe&>(n);
    p.log->push_back(p.id);
  }
  int id = 0;
  std::vector<int>* log = nullptr;
};

TimePoint at(std::int64_t us) {
  return TimePoint(Duration(us));
}

TEST(TimerQueue, FiresInDeadlineOrderAndEqualDeadlinesInArmingOrder) {
  TimerQueue q;
  std::vector<int> log;
  Probe p[5];
  const std::int64_t deadlines[5] = {300, 100, 200, 100, 300};
  for (int i = 0; i < 5; ++i) {
    p[i].id = i;
    p[i].log = &log;
    q.arm(p[i], at(deadlines[i]));
  }
  EXPECT_EQ(q.next_deadline(), at(100));
  EXPECT_EQ(q.expire(at(99)), 0u);
  EXPECT_EQ(q.expire(at(1000)), 5u);
  EXPECT_EQ(log, (std::vector<int>{1, 3, 2, 0, 4}));
  EXPECT_TRUE(q.empty());
}

TEST(TimerQueue, NeverFiresEarly) {
  TimerQueue q;
  std::vector<int> log;
  Probe p;
  p.log = &log;
  q.arm(p, at(1'000'000));
  for (std::int64_t t = 0; t < 1'000'000; t += 777)
    q.expire(at(t));
  EXPECT_TRUE(log.empty());
  q.expire(at(1'000'000));
  EXPECT_EQ(log.size(), 1u);
}

TEST(TimerQueue, CancelAndDestructionDisarm) {
  TimerQueue q;
  std::vector<int> log;
  Probe a, b;
  a.log = b.log = &log;
  a.id = 1;
  q.arm(a, at(10));
  {
    Probe c;
    c.log = &log;
    c.id = 3;
    q.arm(c, at(5));
  }
  q.arm(b, at(20));
  q.cancel(b);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.next_deadline(), at(10));
  q.expire(at(100));
  EXPECT_EQ(log, std::vector<int>{1});
}

TEST(TimerQueue, CallbackCancellingALaterNodeOfTheSameBatchStopsIt) {
  TimerQueue q;
  std::vector<int> log;
  struct Canceller : TimerNode {
    Canceller() : TimerNode(&Canceller::on_fire) {}
    static void on_fire(TimerNode& n) noexcept {
      auto& c = static_cast<Canceller&>(n);
      c.queue->cancel(*c.victim);
    }
    TimerQueue* queue = nullptr;
    TimerNode* victim = nullptr;
  } first;
  Probe second;
  second.log = &log;
  first.queue = &q;
  first.victim = &second;
  q.arm(first, at(10));
  q.arm(second, at(11));
  q.expire(at(20));
  EXPECT_TRUE(log.empty());
  EXPECT_TRUE(q.empty());
}

TEST(TimerQueue, WakeDeadlineBoundsALargeBucketAndConverges) {
  TimerQueue q;
  std::vector<int> log;
  std::vector<std::unique_ptr<Probe>> nodes;
  // 100 timers between 1,000,000 and 1,000,099 us: one large bucket.
  for (int i = 0; i < 100; ++i) {
    nodes.push_back(std::make_unique<Probe>());
    nodes.back()->id = i;
    nodes.back()->log = &log;
    q.arm(*nodes.back(), at(1'000'000 + (i * 37) % 100));
  }
  q.expire(at(1));  // drop the cached minimum, as after any expiry
  int wakes = 0;
  while (!q.empty()) {
    const TimePoint w = q.wake_deadline();
    ASSERT_LE(w, at(1'000'000 + 99));
    q.expire(w);
    ++wakes;
    ASSERT_LT(wakes, 200) << "wake-ups must converge";
  }
  EXPECT_EQ(log.size(), 100u);
  for (std::size_t i = 1; i < log.size(); ++i) {
    EXPECT_LE((log[i - 1] * 37) % 100, (log[i] * 37) % 100) << "fired out of deadline order";
  }
}

// Random arm/cancel/expire against a sorted reference: the log-bucket set must agree on order and next
// deadline.
TEST(TimerQueue, MatchesAReferenceModelUnderRandomOperations) {
  std::mt19937_64 rng(12345);
  TimerQueue q;
  std::vector<int> log;
  constexpr int kNodes = 500;
  std::vector<std::unique_ptr<Probe>> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.push_back(std::make_unique<Probe>());
    nodes.back()->id = i;
    nodes.back()->log = &log;
  }
  std::vector<std::int64_t> deadline(kNodes, -1);  // -1: not armed
  std::int64_t now = 0;
  for (int step = 0; step < 20000; ++step) {
    const int op = static_cast<int>(rng() % 10);
    const int i = static_cast<int>(rng() % kNodes);
    if (op < 5) {
      const std::int64_t d = now + static_cast<std::int64_t>(rng() % (1u << (rng() % 30)));
      q.arm(*nodes[i], at(d));
      deadline[i] = d;
    } else if (op < 7) {
      q.cancel(*nodes[i]);
      deadline[i] = -1;
    } else {
      now += static_cast<std::int64_t>(rng() % 5000);
      std::vector<std::pair<std::int64_t, int>> due;
      for (int k = 0; k < kNodes; ++k) {
        if (deadline[k] >= 0 && deadline[k] <= now) due.emplace_back(deadline[k], k);
      }
      log.clear();
      q.expire(at(now));
      ASSERT_EQ(log.size(), due.size()) << "step " << step;
      // Deadline order; ties may be in any arming order, so compare deadlines only.
      std::sort(due.begin(), due.end());
      for (std::size_t k = 0; k < due.size(); ++k)
        ASSERT_EQ(deadline[log[k]], due[k].first);
      for (auto& d : due)
        deadline[d.second] = -1;
    }
    std::int64_t best = INT64_MAX;
    std::size_t armed = 0;
    for (int k = 0; k < kNodes; ++k) {
      if (deadline[k] >= 0) {
        best = std::min(best, deadline[k]);
        ++armed;
      }
    }
    ASSERT_EQ(q.size(), armed);
    // The wake-up hint may be earlier than the earliest deadline (a bucket's bound), never later.
    ASSERT_LE(q.wake_deadline(), armed == 0 ? TimePoint::max() : at(best)) << "step " << step;
    if (armed == 0) {
      ASSERT_EQ(q.next_deadline(), TimePoint::max());
    } else {
      ASSERT_EQ(q.next_deadline(), at(best)) << "step " << step;
    }
  }
}

}  // namespace

namespace wake_target {

std::vector<int>* g_woken = nullptr;

struct Sleeper : TimerNode {
  explicit Sleeper(int* who) { set_wake_target(who); }
};

TEST(TimerQueue, ANodeWithAWakeTargetIsHandedToTheWakerInDeadlineOrder) {
  std::vector<int> woken;
  g_woken = &woken;
  TimerQueue q;
  q.set_waker([](void* target) noexcept { g_woken->push_back(*static_cast<int*>(target)); });
  int ids[3] = {7, 8, 9};
  Sleeper a(&ids[0]), b(&ids[1]), c(&ids[2]);
  std::vector<int> log;
  Probe callback;
  callback.id = 100;
  callback.log = &log;
  q.arm(a, at(30));
  q.arm(b, at(10));
  q.arm(callback, at(20));
  q.arm(c, at(40));
  q.cancel(c);
  EXPECT_EQ(q.expire(at(50)), 3u);
  EXPECT_EQ(woken, (std::vector<int>{8, 7}));
  EXPECT_EQ(log, (std::vector<int>{100}));
  // Re-arming keeps the node's mode; set_fire switches it back to a callback.
  q.arm(a, at(60));
  EXPECT_EQ(q.expire(at(60)), 1u);
  EXPECT_EQ(woken, (std::vector<int>{8, 7, 7}));
  static int fired = 0;
  a.set_fire([](TimerNode&) noexcept { ++fired; });
  q.arm(a, at(70));
  EXPECT_EQ(q.expire(at(70)), 1u);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(woken.size(), 3u);
  g_woken = nullptr;
}

}  // namespace wake_target
