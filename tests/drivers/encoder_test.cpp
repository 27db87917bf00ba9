// Encoder on the simulated board: quadrature counting from timestamped edges (both directions, contact
// bounce, bursts, simultaneous and lost edges), div / vmin / vmax / mod, the delay-then-report worker, the
// observer, next_value(), and the seed's encoder_test / encoder_stop scenarios (seed-features.md §8.7).
#include "aiopi/drivers/encoder.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_digital.hpp"
#include "support/co_assert.hpp"

namespace aiopi::drivers {
namespace {

using hal::Edge;
using hal::EdgeMode;
using hal::IoErrc;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------------------
// The table and the rounding, without the loop.

TEST(QuadratureDecoder, TableMatchesTheSeedsEdgeRules) {
  // The seed: an x edge counts +1 if x ^ y (after the edge) else -1; a y edge counts -1 if y ^ x else +1.
  for (unsigned from = 0; from < 4; ++from) {
    for (unsigned to = 0; to < 4; ++to) {
      const bool fx = (from & 2u) != 0, fy = (from & 1u) != 0;
      const bool tx = (to & 2u) != 0, ty = (to & 1u) != 0;
      const auto got = QuadratureDecoder::lookup(from, to);
      if (from == to) {
        EXPECT_EQ(got, QuadratureDecoder::Step::none) << from << "->" << to;
      } else if (fx != tx && fy != ty) {
        EXPECT_EQ(got, QuadratureDecoder::Step::invalid) << from << "->" << to;
      } else if (fx != tx) {
        EXPECT_EQ(static_cast<int>(got), (tx != ty) ? 1 : -1) << from << "->" << to;
      } else {
        EXPECT_EQ(static_cast<int>(got), (ty != tx) ? -1 : 1) << from << "->" << to;
      }
    }
  }
}

TEST(QuadratureDecoder, FullCyclesBothWaysAndInvalidJumps) {
  QuadratureDecoder d;
  d.reset(false, false, 10);
  const bool fwd[][2] = {{true, false}, {true, true}, {false, true}, {false, false}};
  for (int cycle = 0; cycle < 3; ++cycle)
    for (const auto& s : fwd)
      d.step(s[0], s[1]);
  EXPECT_EQ(d.count(), 22);
  for (int i = 3; i >= 0; --i)
    d.step(fwd[(i + 3) % 4][0], fwd[(i + 3) % 4][1]);
  EXPECT_EQ(d.count(), 18);
  EXPECT_EQ(d.invalid(), 0u);
  d.step(true, true);  // 00 -> 11: both bits
  EXPECT_EQ(d.count(), 18);
  EXPECT_EQ(d.invalid(), 1u);
  d.step(false, false);
  EXPECT_EQ(d.invalid(), 2u);
}

TEST(EncoderRounding, HalfToEvenLikePythonRound) {
  struct V {
    std::int64_t n, d, want;
  };
  const V vs[] = {{0, 4, 0},    {1, 4, 0},  {2, 4, 0},  {3, 4, 1},   {4, 4, 1},   {6, 4, 2},
                  {10, 4, 2},   {14, 4, 4}, {-1, 4, 0}, {-2, 4, 0},  {-3, 4, -1}, {-6, 4, -2},
                  {-10, 4, -2}, {5, 2, 2},  {7, 2, 4},  {-5, 2, -2}, {-7, 2, -4}, {9, 1, 9}};
  for (const V& v : vs)
    EXPECT_EQ(divide_round_half_even(v.n, v.d), v.want) << v.n << "/" << v.d;
}

TEST(EncoderConfigCheck, TheSeedsValueErrorsAndOurs) {
  EXPECT_TRUE(Encoder::check({}).ok());
  EXPECT_TRUE(Encoder::check({.v = 5, .vmin = 0, .vmax = 5}).ok());
  EXPECT_EQ(Encoder::check({.v = 6, .vmin = 0, .vmax = 5}).error(), IoErrc::invalid_argument);
  EXPECT_EQ(Encoder::check({.v = -1, .vmin = 0}).error(), IoErrc::invalid_argument);
  EXPECT_EQ(Encoder::check({.div = 0}).error(), IoErrc::invalid_argument);
  EXPECT_EQ(Encoder::check({.mod = 0}).error(), IoErrc::invalid_argument);
  EXPECT_EQ(Encoder::check({.vmin = 3, .vmax = 2}).error(), IoErrc::invalid_argument);
  EXPECT_EQ(Encoder::check({.delay_ms = -1}).error(), IoErrc::invalid_argument);
}

// ---------------------------------------------------------------------------------------------------------
// On the sim board.

/// An input the test pushes edges into directly (any timestamps, bursts, lost edges).
class PushInput final : public hal::DigitalInput {
 public:
  explicit PushInput(bool level = false) : hal::DigitalInput({.edges = EdgeMode::both}), level_(level) {}
  hal::IoResult<bool> value() override { return level_; }
  void push(bool level, std::int64_t t_us) {
    level_ = level;
    edge_queue().push(level ? Edge::rising : Edge::falling, t_us);
  }
  void lose(std::uint32_t n) { edge_queue().push_lost(n); }
  void close() { edge_queue().close(); }

 private:
  bool level_;
};

/// The far side of a knob: quadrature steps on two lines (forward 00 -> 10 -> 11 -> 01 -> 00).
template <class In>
struct Knob {
  In& x;
  In& y;
  bool lx = false, ly = false;

  /// Levels of the next state in direction `dir` (+1 / -1).
  void next(int dir, bool& nx, bool& ny) const {
    static constexpr unsigned kOrder[4] = {0, 2, 3, 1};
    const unsigned s = QuadratureDecoder::state_of(lx, ly);
    unsigned i = 0;
    while (kOrder[i] != s)
      ++i;
    const unsigned n = kOrder[(i + (dir > 0 ? 1 : 3)) % 4];
    nx = (n & 2u) != 0;
    ny = (n & 1u) != 0;
  }
  /// One step at virtual time t_us: exactly one line changes.
  void step(std::int64_t t_us, int dir) {
    bool nx = false, ny = false;
    next(dir, nx, ny);
    if (nx != lx) put(x, nx, t_us);
    if (ny != ly) put(y, ny, t_us);
    lx = nx;
    ly = ny;
  }
  /// `n` steps `gap_us` apart from t_us; returns the time after the last.
  std::int64_t steps(std::int64_t t_us, std::int64_t gap_us, int n, int dir) {
    for (int i = 0; i < n; ++i)
      step(t_us + i * gap_us, dir);
    return t_us + n * gap_us;
  }

  static void put(sim::SimDigitalInput& in, bool level, std::int64_t t) {
    in.schedule_edges({{Duration(t), level}});
  }
  static void put(PushInput& in, bool level, std::int64_t t) { in.push(level, t); }
};

struct Change {
  std::int64_t t_us, value, delta;
  friend bool operator==(const Change&, const Change&) = default;
};
std::ostream& operator<<(std::ostream& os, const Change& c) {
  return os << "{t=" << c.t_us << " v=" << c.value << " d=" << c.delta << "}";
}

class EncoderTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};
  sim::SimDigitalInput x{loop, {.edges = EdgeMode::both}, 0};
  sim::SimDigitalInput y{loop, {.edges = EdgeMode::both}, 0};
  Knob<sim::SimDigitalInput> knob{x, y};
  std::vector<Change> changes;

  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }
  /// A callback recording (loop time, value, delta).
  Encoder::Callback recorder() {
    return [this](std::int64_t v, std::int64_t d) { changes.push_back({now_us(), v, d}); };
  }
  void run(Task<> t) { loop.run_until_complete(std::move(t)); }
};

TEST_F(EncoderTest, CountsForwardAndReportsOnceAfterTheDelay) {
  Encoder enc(x, y, {}, recorder());
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    knob.steps(1000, 1000, 20, +1);  // 20 transitions, 1 ms apart, from t = 1 ms
    co_await sleep_ms(300);
  }());
  EXPECT_EQ(enc.count(), 20);
  EXPECT_EQ(enc.value(), 20);
  EXPECT_EQ(enc.edges(), 20u);
  EXPECT_EQ(enc.invalid(), 0u);
  // The first edge at 1 ms starts the 100 ms delay; everything up to 20 ms is in the one report.
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0], (Change{101'000, 20, 20}));
}

TEST_F(EncoderTest, CountsBackward) {
  Encoder enc(x, y, {.v = 7}, recorder());
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    knob.steps(1000, 500, 13, -1);
    co_await sleep_ms(300);
  }());
  EXPECT_EQ(enc.count(), 7 - 13);
  EXPECT_EQ(enc.value(), -6);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].delta, -13);
}

TEST_F(EncoderTest, ContactBounceOnOneLineNetsToZero) {
  Encoder enc(x, y, {}, recorder());
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    // Bounce that returns to where it began (an even number of changes) moves nothing.
    x.bounce(Duration(1000), 8, Duration(37));
    y.bounce(Duration(5000), 6, Duration(50));
    co_await sleep_ms(300);
    CO_ASSERT(enc.count() == 0);
    CO_ASSERT(changes.empty());
    // Each real transition of a line arrives as a burst of 7 changes (odd: the line ends inverted). The
    // state sequence of x rising with bounce is 00 10 00 10 00 10 00 10: +1 -1 +1 -1 +1 -1 +1 = +1.
    // Four forward steps: x up, y up, x down, y down, each bouncing.
    const std::int64_t t = now_us() + 1000;
    x.bounce(Duration(t), 7, Duration(20));
    y.bounce(Duration(t + 2000), 7, Duration(20));
    x.bounce(Duration(t + 4000), 7, Duration(20));
    y.bounce(Duration(t + 6000), 7, Duration(20));
    // And back one step, bouncing too: y up again.
    y.bounce(Duration(t + 8000), 5, Duration(30));
    co_await sleep_ms(300);
  }());
  EXPECT_EQ(enc.count(), 3);
  EXPECT_EQ(enc.value(), 3);
  EXPECT_EQ(enc.edges(), 8u + 6u + 4 * 7u + 5u);
  EXPECT_EQ(enc.invalid(), 0u);
}

TEST_F(EncoderTest, JitteryBackAndForthAcrossBothLines) {
  // A knob rocking around a detent: +1 -1 +1 +1 -1 -1 -1 +1 ... generated from a fixed pattern, 50 us
  // apart (20 kHz edges): the count follows the sum exactly.
  Encoder enc(x, y, {}, recorder());
  const int pattern[] = {+1, -1, +1, +1, -1, -1, -1, +1, +1, +1, +1, -1, +1, -1, -1, +1, +1, +1};
  int sum = 0;
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    std::int64_t t = 1000;
    for (int rep = 0; rep < 50; ++rep) {
      for (int d : pattern) {
        knob.step(t, d);
        sum += d;
        t += 50;
      }
    }
    co_await sleep_ms(300);
  }());
  EXPECT_EQ(sum, 50 * 4);
  EXPECT_EQ(enc.count(), sum);
  EXPECT_EQ(enc.edges(), 50u * std::size(pattern));
  EXPECT_EQ(enc.invalid(), 0u);
}

TEST_F(EncoderTest, BurstsDeliveredTogetherAreMergedByTimestamp) {
  // Edges of both lines that reach their rings in the same loop pass (x's first, as a poll of two fds
  // would) are decoded in timestamp order: 40 forward steps = 20 edges per line in one pass.
  Encoder enc(x, y, {.delay_ms = 0}, recorder());
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    co_await sleep_ms(10);
    // Times in the past apply at the next timer expiry, all at once, stamped with the times asked.
    const std::int64_t t = now_us() - 5000;
    knob.steps(t, 10, 40, +1);
    co_await sleep_ms(1);
    CO_ASSERT(enc.count() == 40);
    knob.steps(now_us() - 4000, 10, 25, -1);
    co_await sleep_ms(1);
  }());
  EXPECT_EQ(enc.count(), 15);
  EXPECT_EQ(enc.value(), 15);
  EXPECT_EQ(enc.invalid(), 0u);
}

TEST_F(EncoderTest, FullRingsOfBothLinesWithNoMissedCount) {
  // The largest bursts the HAL can hold: both rings full (64 edges each) before the readers run.
  PushInput px, py;
  Knob<PushInput> k{px, py};
  Encoder enc(px, py, {.delay_ms = 0});
  std::int64_t expected = 0;
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    std::int64_t t = 1;
    for (int burst = 0; burst < 50; ++burst) {
      const int dir = (burst % 3 == 2) ? -1 : +1;
      t = k.steps(t, 3, 2 * static_cast<int>(hal::EdgeQueue::kCapacity), dir);
      expected += dir * 2 * static_cast<int>(hal::EdgeQueue::kCapacity);
      CO_ASSERT(px.dropped() == 0 && py.dropped() == 0);
      co_await sleep_ms(2);  // the last edge of a burst is decoded once settled (1 ms)
      CO_ASSERT(enc.count() == expected);
    }
  }());
  EXPECT_EQ(enc.count(), expected);
  EXPECT_EQ(enc.edges(), 50u * 2 * hal::EdgeQueue::kCapacity);
  EXPECT_EQ(enc.invalid(), 0u);
  EXPECT_EQ(enc.lost(), 0u);
}

TEST_F(EncoderTest, AnEdgeArrivingLateWithinSettleUsTakesItsPlace) {
  // One forward cycle, x 1000 / y 1100 / x 1200 / y 1300, but the loop gets x's two edges first (its fd was
  // read in one poll) and y's 50 us later in the next: within settle_us the y edges still go between.
  for (const std::int64_t settle : {std::int64_t{1000}, std::int64_t{0}}) {
    SCOPED_TRACE(settle);
    PushInput px, py;
    Encoder enc(px, py, {.delay_ms = 0, .settle_us = settle});
    run([&]() -> Task<> {
      CO_ASSERT(enc.start().ok());
      co_await sleep(Duration(1250));
      px.push(true, 1000);
      px.push(false, 1200);
      co_await sleep(Duration(50));
      py.push(true, 1100);
      py.push(false, 1300);
      co_await sleep_ms(5);
    }());
    if (settle > 0) {
      EXPECT_EQ(enc.count(), 4);
    } else {
      EXPECT_EQ(enc.count(), 0) << "without the settle time the late y edges are decoded after x's";
    }
    EXPECT_EQ(enc.invalid(), 0u);
  }
}

TEST_F(EncoderTest, BothLinesAtOnceIsInvalidAndCountedNotGuessed) {
  PushInput px, py;
  Encoder enc(px, py, {.delay_ms = 0});
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    px.push(true, 100);  // 00 -> 10: +1
    co_await sleep_ms(1);
    px.push(false, 200);  // 10 -> 01 at one timestamp: both bits
    py.push(true, 200);
    co_await sleep_ms(1);
    px.push(false, 300);  // x "falls" while already low: an edge went missing
    co_await sleep_ms(1);
    py.push(false, 400);  // 01 -> 00: +1
    co_await sleep_ms(1);
  }());
  EXPECT_EQ(enc.count(), 2);
  EXPECT_EQ(enc.invalid(), 2u);
  EXPECT_EQ(enc.edges(), 5u);
}

TEST_F(EncoderTest, EdgesLostByTheHalAreCountedAndMoveNothing) {
  PushInput px, py;
  Encoder enc(px, py, {.delay_ms = 0});
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    px.push(true, 100);  // +1
    py.push(true, 200);  // +1
    co_await sleep_ms(1);
    px.lose(3);          // a kernel FIFO overflow: three x edges never seen
    px.push(true, 600);  // the next one: direction unknown
    co_await sleep_ms(1);
    py.push(false, 700);  // 11 -> 10: -1
    co_await sleep_ms(1);
  }());
  EXPECT_EQ(enc.lost(), 3u);
  EXPECT_EQ(enc.invalid(), 1u);
  EXPECT_EQ(enc.count(), 1);
}

TEST_F(EncoderTest, DivRoundsHalfToEven) {
  Encoder enc(x, y, {.div = 4}, recorder());
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    knob.steps(1000, 100, 2, +1);  // count 2 -> round(0.5) = 0: no change
    co_await sleep_ms(200);
    CO_ASSERT(changes.empty());
    knob.steps(now_us() + 1000, 100, 4, +1);  // count 6 -> round(1.5) = 2
    co_await sleep_ms(200);
    knob.steps(now_us() + 1000, 100, 5, +1);  // count 11 -> round(2.75) = 3
    co_await sleep_ms(200);
    knob.steps(now_us() + 1000, 100, 12, -1);  // count -1 -> 0
    co_await sleep_ms(200);
  }());
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].value, 2);
  EXPECT_EQ(changes[1].value, 3);
  EXPECT_EQ(changes[1].delta, 1);
  EXPECT_EQ(changes[2].value, 0);
  EXPECT_EQ(changes[2].delta, -3);
  EXPECT_EQ(enc.count(), -1);
}

TEST_F(EncoderTest, ClampsToVminVmaxAndMovesAwayFromAnEndStopAtOnce) {
  Encoder enc(x, y, {.v = 0, .vmin = 0, .vmax = 10}, recorder());
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    knob.steps(1000, 100, 15, +1);
    co_await sleep_ms(200);
    CO_ASSERT(enc.value() == 10);
    knob.steps(now_us() + 1000, 100, 3, -1);  // no hidden over-travel: 10 - 3
    co_await sleep_ms(200);
    CO_ASSERT(enc.value() == 7);
    knob.steps(now_us() + 1000, 100, 30, -1);
    co_await sleep_ms(200);
    knob.steps(now_us() + 1000, 100, 30, -1);  // further past the stop: value stays, no callback
    co_await sleep_ms(200);
  }());
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].value, 10);
  EXPECT_EQ(changes[0].delta, 10);
  EXPECT_EQ(changes[1].value, 7);
  EXPECT_EQ(changes[1].delta, -3);
  EXPECT_EQ(changes[2].value, 0);
  EXPECT_EQ(changes[2].delta, -7);
  EXPECT_EQ(enc.count(), 15 - 3 - 60);
}

TEST_F(EncoderTest, WrapsModuloMod) {
  Encoder enc(x, y, {.v = 20, .mod = 24}, recorder());
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    knob.steps(1000, 100, 6, +1);  // 26 % 24
    co_await sleep_ms(200);
    CO_ASSERT(enc.value() == 2);
    knob.steps(now_us() + 1000, 100, 5, -1);  // -3 -> 21 (floor modulo)
    co_await sleep_ms(200);
  }());
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0], (Change{changes[0].t_us, 2, -18}));
  EXPECT_EQ(changes[1].value, 21);
  EXPECT_EQ(changes[1].delta, 19);
}

TEST_F(EncoderTest, WhileTurningReportsAtMostOncePerDelay) {
  // The seed's delay is a rate limit: continuous turning for 1 s with delay 100 ms gives a report
  // every ~100 ms, each carrying the steps since the previous one.
  Encoder enc(x, y, {.delay_ms = 100}, recorder());
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    knob.steps(1000, 10'000, 100, +1);  // a step every 10 ms from 1 ms to 991 ms
    co_await sleep_ms(1500);
  }());
  ASSERT_GE(changes.size(), 9u);
  ASSERT_LE(changes.size(), 11u);
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    sum += changes[i].delta;
    if (i > 0) {
      EXPECT_GE(changes[i].t_us - changes[i - 1].t_us, 100'000) << i;
    }
  }
  EXPECT_EQ(changes.front().t_us, 101'000);
  EXPECT_EQ(sum, 100);
  EXPECT_EQ(enc.value(), 100);
}

TEST_F(EncoderTest, QuietReportsOnceTheKnobHasBeenStillForTheDelay) {
  Encoder enc(x, y, {.delay_ms = 100, .quiet = true}, recorder());
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    knob.steps(1000, 10'000, 100, +1);     // a step every 10 ms, the last at 991 ms
    knob.steps(1'500'000, 50'000, 3, -1);  // three slow steps back, 50 ms apart: still under the delay
    co_await sleep_ms(2000);
  }());
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0], (Change{1'091'000, 100, 100}));
  EXPECT_EQ(changes[1], (Change{1'700'000, 97, -3}));
}

TEST_F(EncoderTest, ObserverGetsTheLastEdgeTimeAndTheCount) {
  Encoder enc(x, y, {.div = 2, .delay_ms = 50});
  std::vector<EncoderReport> reports;
  enc.set_observer([&reports](const EncoderReport& r) { reports.push_back(r); });
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    knob.steps(2000, 1000, 8, +1);  // last edge at 9 ms
    co_await sleep_ms(200);
  }());
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, EncoderEvent::change);
  EXPECT_STREQ(to_string(reports[0].kind), "change");
  EXPECT_EQ(reports[0].t_us, 9000);
  EXPECT_EQ(reports[0].value, 4);
  EXPECT_EQ(reports[0].delta, 4);
  EXPECT_EQ(reports[0].count, 8);
}

TEST_F(EncoderTest, MovedAndCameBackWithinTheDelayReportsNothing) {
  Encoder enc(x, y, {}, recorder());
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    const std::int64_t t = knob.steps(1000, 1000, 5, +1);
    knob.steps(t, 1000, 5, -1);
    co_await sleep_ms(300);
  }());
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(enc.count(), 0);
  EXPECT_EQ(enc.edges(), 10u);
}

TEST_F(EncoderTest, NextValueIsTheSeedsAsyncIterator) {
  Encoder enc(x, y, {.delay_ms = 20});
  std::vector<std::int64_t> seen;
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    knob.steps(1000, 100, 3, +1);
    knob.steps(100'000, 100, 2, -1);
    knob.steps(200'000, 100, 4, +1);
    for (int i = 0; i < 3; ++i)
      seen.push_back(co_await enc.next_value());
  }());
  EXPECT_EQ(seen, (std::vector<std::int64_t>{3, 1, 5}));
  EXPECT_FALSE(enc.changed().is_set());
}

TEST_F(EncoderTest, SeedEncoderTestValuesNeverLeaveTheLimits) {
  // encoder_test.py: Encoder(v=0, vmin=0, vmax=100), the callback prints (value, delta); values never leave
  // 0..100 whatever the knob does. A pseudo-random walk with long runs both ways.
  Encoder enc(x, y, {.v = 0, .vmin = 0, .vmax = 100, .delay_ms = 100}, recorder());
  std::uint32_t rng = 12345;
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    std::int64_t t = 1000;
    int dir = +1;
    for (int i = 0; i < 5000; ++i) {
      rng = rng * 1664525u + 1013904223u;
      if ((rng >> 24) < 8) dir = -dir;  // a run lasts ~32 steps
      knob.step(t, dir);
      t += 200 + (rng >> 20) % 800;
    }
    co_await sleep(Duration(t + 500'000 - now_us()));
  }());
  ASSERT_FALSE(changes.empty());
  std::int64_t v = 0;
  for (const Change& c : changes) {
    EXPECT_GE(c.value, 0);
    EXPECT_LE(c.value, 100);
    v += c.delta;
    EXPECT_EQ(v, c.value);  // deltas add up to the values reported
  }
  EXPECT_EQ(enc.invalid(), 0u);
}

TEST_F(EncoderTest, SeedEncoderStopReportsOnceWhenMotionStops) {
  // encoder_stop.py: the callback retriggers a 400 ms Delay_ms whose callback prints the final position
  // and the accumulated delta once motion stops.
  struct Stop {
    std::int64_t value = 0, delta = 0, at = 0;
    int calls = 0;
  } stop;
  std::int64_t accumulated = 0;
  Encoder* encp = nullptr;
  Delay_ms stopped(
      [&] {
        ++stop.calls;
        stop.value = encp->value();
        stop.delta = accumulated;
        stop.at = now_us();
        accumulated = 0;
      },
      400);
  Encoder enc(x, y, {}, [&](std::int64_t, std::int64_t d) {
    accumulated += d;
    stopped.trigger();
  });
  encp = &enc;
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    knob.steps(1000, 20'000, 50, +1);  // turning for ~1 s
    co_await sleep_ms(3000);
  }());
  EXPECT_EQ(stop.calls, 1);
  EXPECT_EQ(stop.value, 50);
  EXPECT_EQ(stop.delta, 50);
  EXPECT_GT(stop.at, 981'000 + 400'000);
}

TEST_F(EncoderTest, StartChecksTheLinesAndTheConfig) {
  sim::SimDigitalInput rising{loop, {.edges = EdgeMode::rising}, 0};
  run([&]() -> Task<> {
    Encoder bad_lines(x, rising);
    hal::IoResult<void> r = bad_lines.start();
    EXPECT_EQ(r.error(), IoErrc::invalid_argument);
    Encoder same(x, x);
    EXPECT_EQ(same.start().error(), IoErrc::invalid_argument);
    Encoder bad_config(x, y, {.v = 200, .vmax = 100});
    EXPECT_EQ(bad_config.start().error(), IoErrc::invalid_argument);
    Encoder ok(x, y);
    EXPECT_TRUE(ok.start().ok());
    EXPECT_EQ(ok.start().error(), IoErrc::invalid_argument) << "already started";
    co_return;
  }());
}

TEST_F(EncoderTest, StartsFromTheLevelsNowIgnoringEdgesQueuedBefore) {
  x.drive(true);  // queued before start: ignored, the level is read
  x.drive(false);
  x.drive(true);
  Encoder enc(x, y, {.delay_ms = 0});
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    // State 10 now; forward from 10 is y rising.
    y.schedule_edges({{Duration(1000), true}});
    co_await sleep_ms(5);
  }());
  EXPECT_EQ(enc.count(), 1);
  EXPECT_EQ(enc.edges(), 1u);
  EXPECT_EQ(enc.invalid(), 0u);
}

TEST_F(EncoderTest, ReleasedLineEndsItsReaderWithClosed) {
  Encoder enc(x, y, {.delay_ms = 0});
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    knob.steps(1000, 100, 2, +1);
    co_await sleep_ms(5);
    y.release();
    co_await sleep_ms(1);
  }());
  EXPECT_EQ(enc.error(), IoErrc::closed);
  EXPECT_EQ(enc.count(), 2);
}

TEST_F(EncoderTest, DestroyedFromItsOwnCallbackAndWhileReadersWait) {
  auto enc = std::make_unique<Encoder>(x, y, Encoder::Config{.delay_ms = 10});
  int calls = 0;
  enc->set_callback([&](std::int64_t, std::int64_t) {
    ++calls;
    enc.reset();  // destroys the Encoder inside its callback
  });
  run([&]() -> Task<> {
    CO_ASSERT(enc->start().ok());
    knob.steps(1000, 100, 3, +1);
    co_await sleep_ms(50);
    CO_ASSERT(enc == nullptr);
    knob.steps(now_us() + 1000, 100, 3, +1);  // nobody listens any more
    co_await sleep_ms(50);
    auto other = std::make_unique<Encoder>(x, y);
    CO_ASSERT(other->start().ok());
    co_await sleep_ms(1);
    other.reset();  // readers waiting on their lines: unwound at once
    knob.steps(now_us() + 1000, 100, 3, +1);
    co_await sleep_ms(50);
  }());
  EXPECT_EQ(calls, 1);
}

TEST_F(EncoderTest, DeinitStopsAndStartResumesFromTheValue) {
  Encoder enc(x, y, {.delay_ms = 10}, recorder());
  run([&]() -> Task<> {
    CO_ASSERT(enc.start().ok());
    knob.steps(1000, 100, 4, +1);
    co_await sleep_ms(50);
    enc.deinit();
    CO_ASSERT(!enc.running());
    knob.steps(now_us() + 1000, 100, 4, +1);  // not counted
    co_await sleep_ms(50);
    CO_ASSERT(enc.value() == 4);
    CO_ASSERT(enc.start().ok());
    knob.steps(now_us() + 1000, 100, 2, -1);
    co_await sleep_ms(50);
  }());
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].value, 2);
  EXPECT_EQ(changes[1].delta, -2);
}

}  // namespace
}  // namespace aiopi::drivers
