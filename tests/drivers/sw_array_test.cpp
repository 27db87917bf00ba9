// SwArray on a simulated key matrix (key_matrix_rig.hpp) on the virtual clock: basic mode, the timed
// sequences with and without SUPPRESS (single, long, double, double with a long second press), the cfg mask,
// double-click timing at both edges of the window, long-press timing, independent keys, bounce, keymap(),
// the observer and teardown.
#include "aiopi/drivers/sw_array.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "key_matrix_rig.hpp"
#include "support/co_assert.hpp"

namespace aiopi::drivers {

std::ostream& operator<<(std::ostream& os, const SwEvent& e) {
  return os << "{" << e.scan_code << "," << static_cast<int>(e.event) << "}";
}

namespace {

using hal::IoErrc;
using testing::KeyMatrixRig;

constexpr std::uint8_t C = SwArray::CLOSE, O = SwArray::OPEN, L = SwArray::LONG, D = SwArray::DOUBLE,
                       S = SwArray::SUPPRESS;
constexpr std::uint8_t kAll = C | O | L | D;

constexpr std::int64_t ms(std::int64_t v) {
  return v * 1000;
}

struct Timed {
  SwEvent e;
  std::int64_t t_us;
};

class SwArrayTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};
  KeyMatrixRig rig{loop, 3, 4};
  std::vector<Timed> seen;  // what the observer was told, with times

  /// Runs the array for `run_ms` with the rig's script, returns the events queued (oldest first).
  std::vector<SwEvent> play(SwArray& sw, std::int64_t run_ms) {
    sw.set_observer([this](const SwArrayReport& r) {
      const std::uint8_t bit = r.kind == SwArrayEvent::close        ? C
                               : r.kind == SwArrayEvent::open       ? O
                               : r.kind == SwArrayEvent::long_press ? L
                                                                    : D;
      seen.push_back({{r.scan_code, bit}, r.t_us});
    });
    loop.run_until_complete([&]() -> Task<> {
      CO_ASSERT(sw.start().ok());
      co_await sleep_ms(run_ms);
      sw.deinit();
    }());
    std::vector<SwEvent> out;
    while (auto e = sw.get_nowait())
      out.push_back(*e);
    return out;
  }
  std::vector<SwEvent> events(std::uint16_t code, std::initializer_list<std::uint8_t> bits) {
    std::vector<SwEvent> v;
    for (std::uint8_t b : bits)
      v.push_back({code, b});
    return v;
  }
  std::int64_t seen_at(std::size_t i) const { return seen.at(i).t_us; }
};

TEST_F(SwArrayTest, BasicModeReportsEveryChangeAtOnce) {
  SwArray sw(rig.rows(), rig.cols(), {.cfg = C | O});
  rig.press(7, ms(100), ms(250));
  rig.press(7, ms(400), ms(2500));  // a long closure is just CLOSE ... OPEN
  EXPECT_EQ(play(sw, 3000), events(7, {C, O, C, O}));
  EXPECT_EQ(seen_at(0), ms(100));
  EXPECT_EQ(seen_at(1), ms(250));
  EXPECT_EQ(seen_at(3), ms(2500));
}

TEST_F(SwArrayTest, SuppressSingleClickIsCloseOpenAfterTheDoubleClickWindow) {
  SwArray sw(rig.rows(), rig.cols(), {.cfg = kAll | S});
  rig.press(4, ms(100), ms(200));
  EXPECT_EQ(play(sw, 1500), events(4, {C, O}));
  EXPECT_EQ(seen_at(0), ms(510));  // the first scan more than 400 ms after the closure at 100
  EXPECT_EQ(seen_at(1), ms(510));
}

TEST_F(SwArrayTest, SuppressLongPressIsLongThenOpen) {
  SwArray sw(rig.rows(), rig.cols(), {.cfg = kAll | S});
  rig.press(4, ms(100), ms(2000));
  EXPECT_EQ(play(sw, 3000), events(4, {L, O}));
  EXPECT_GT(seen_at(0), ms(1100));
  EXPECT_LE(seen_at(0), ms(1110));
  EXPECT_EQ(seen_at(1), ms(2000));
}

TEST_F(SwArrayTest, SuppressDoubleClickIsDoubleThenOpen) {
  SwArray sw(rig.rows(), rig.cols(), {.cfg = kAll | S});
  rig.press(4, ms(100), ms(200));
  rig.press(4, ms(300), ms(400));
  EXPECT_EQ(play(sw, 1500), events(4, {D, O}));
  EXPECT_EQ(seen_at(0), ms(300));
  EXPECT_EQ(seen_at(1), ms(400));
}

TEST_F(SwArrayTest, SuppressDoubleWithALongSecondPressGivesNoLong) {
  SwArray sw(rig.rows(), rig.cols(), {.cfg = kAll | S});
  rig.press(4, ms(100), ms(200));
  rig.press(4, ms(300), ms(2500));
  EXPECT_EQ(play(sw, 3000), events(4, {D, O}));
  EXPECT_EQ(seen_at(1), ms(2500));
}

TEST_F(SwArrayTest, DoubleWithOpenBitClearIsOnlyDouble) {
  // The seed's doc: with OPEN clear (and SUPPRESS), a double click gives only DOUBLE.
  SwArray sw(rig.rows(), rig.cols(), {.cfg = D | S});
  rig.press(2, ms(100), ms(200));
  rig.press(2, ms(300), ms(400));
  rig.press(5, ms(1000), ms(1100));  // a single click: nothing asked for
  rig.press(6, ms(2000), ms(3500));  // a long press: nothing asked for
  EXPECT_EQ(play(sw, 4000), events(2, {D}));
}

TEST_F(SwArrayTest, TimedWithoutSuppressReportsAsItHappensAndASingleClickOnlyOnce) {
  // Appendix B 7: the seed reports CLOSE, OPEN a second time after the double-click window. Built as
  // documented: once.
  SwArray sw(rig.rows(), rig.cols(), {.cfg = kAll});
  rig.press(4, ms(100), ms(200));
  EXPECT_EQ(play(sw, 1500), events(4, {C, O}));
  EXPECT_EQ(seen_at(0), ms(100));
  EXPECT_EQ(seen_at(1), ms(200));
}

TEST_F(SwArrayTest, TimedWithoutSuppressLongAndDouble) {
  SwArray sw(rig.rows(), rig.cols(), {.cfg = kAll});
  rig.press(1, ms(100), ms(2000));   // long
  rig.press(9, ms(3000), ms(3100));  // double
  rig.press(9, ms(3250), ms(3350));
  std::vector<SwEvent> want = events(1, {C, L, O});
  for (const SwEvent& e : events(9, {C, O, D, O}))
    want.push_back(e);
  EXPECT_EQ(play(sw, 4000), want);
}

TEST_F(SwArrayTest, DoubleClickWindowAtBothEdges) {
  // Closures are seen on 10 ms scans; the window runs from the scan that saw the first closure.
  SwArray sw(rig.rows(), rig.cols(), {.cfg = kAll | S});
  rig.press(3, ms(100), ms(150));
  rig.press(3, ms(490), ms(540));  // seen at 490: 390 ms after 100: DOUBLE
  rig.press(8, ms(1000), ms(1050));
  rig.press(8, ms(1420), ms(1470));  // seen at 1420: the single click went out at 1410
  std::vector<SwEvent> want = events(3, {D, O});
  for (const SwEvent& e : events(8, {C, O, C, O}))
    want.push_back(e);
  EXPECT_EQ(play(sw, 2500), want);
  EXPECT_EQ(seen_at(2), ms(1410));
  EXPECT_EQ(seen_at(4), ms(1830));  // the second click's own window
}

TEST_F(SwArrayTest, LongPressJustShortOfTheTimeIsASingleClick) {
  SwArray sw(rig.rows(), rig.cols(), {.cfg = kAll | S});
  rig.press(0, ms(100), ms(1095));  // released before the first scan past 1100
  rig.press(11, ms(2000), ms(3015));
  std::vector<SwEvent> want = events(0, {C, O});
  for (const SwEvent& e : events(11, {L, O}))
    want.push_back(e);
  EXPECT_EQ(play(sw, 4000), want);
}

TEST_F(SwArrayTest, KeysRunTheirSequencesIndependently) {
  SwArray sw(rig.rows(), rig.cols(), {.cfg = kAll | S});
  rig.press(2, ms(100), ms(1600));  // long
  rig.press(6, ms(300), ms(350));   // double while 2 is held
  rig.press(6, ms(500), ms(550));
  rig.press(10, ms(700), ms(750));  // single
  const std::vector<SwEvent> got = play(sw, 2500);
  // Key 2's LONG and key 10's held-back click fall in the same scan (1110): scan code order.
  const std::vector<SwEvent> want = {{6, D}, {6, O}, {2, L}, {10, C}, {10, O}, {2, O}};
  EXPECT_EQ(got, want);
}

TEST_F(SwArrayTest, BounceShorterThanTheDebounceTimeIsIgnored) {
  SwArray sw(rig.rows(), rig.cols(), {.cfg = C | O});
  rig.bounce(5, ms(101), 9, ms(3));  // 24 ms of bounce ending closed
  rig.bounce(5, ms(800), 6, ms(3));  // 15 ms ending open
  EXPECT_EQ(play(sw, 1500), events(5, {C, O}));
}

TEST_F(SwArrayTest, KeymapAndStateFollowTheKeys) {
  SwArray sw(rig.rows(), rig.cols(), {.cfg = C | O});
  rig.press(0, ms(100), ms(500));
  rig.press(11, ms(200), ms(500));
  std::uint64_t map = 0;
  bool k0 = false, k1 = true;
  loop.run_until_complete([&]() -> Task<> {
    CO_ASSERT(sw.start().ok());
    co_await sleep_ms(300);
    map = sw.keymap();
    k0 = sw[0];
    k1 = sw[1];
    sw.deinit();
  }());
  EXPECT_EQ(map, (std::uint64_t{1} << 11) | 1u);
  EXPECT_TRUE(k0);
  EXPECT_FALSE(k1);
}

TEST_F(SwArrayTest, GetWaitsForTheNextEvent) {
  SwArray sw(rig.rows(), rig.cols(), {.cfg = kAll | S});
  rig.press(7, ms(100), ms(200));
  rig.press(7, ms(300), ms(400));
  std::vector<SwEvent> got;
  loop.run_until_complete([&]() -> Task<> {
    CO_ASSERT(sw.start().ok());
    got.push_back(co_await sw.get());
    got.push_back(co_await sw.get());
    sw.deinit();
  }());
  EXPECT_EQ(got, events(7, {D, O}));
}

TEST_F(SwArrayTest, FullQueueDropsTheOldest) {
  SwArray sw(rig.rows(), rig.cols(), {.cfg = C | O, .bufsize = 3});  // holds 2
  rig.press(1, ms(100), ms(200));
  rig.press(2, ms(300), ms(400));
  EXPECT_EQ(play(sw, 600), (std::vector<SwEvent>{{2, C}, {2, O}}));
  EXPECT_EQ(sw.overwritten(), 2u);
  EXPECT_EQ(seen.size(), 4u) << "the observer sees every event";
}

TEST_F(SwArrayTest, WithColumnEdgesTheSequencesAreTheSameAndIdleIsAsleep) {
  KeyMatrixRig edges(loop, 3, 4, /*column_edges=*/true);
  SwArray sw(edges.rows(), edges.cols(), {.cfg = kAll | S});
  edges.press(4, ms(100), ms(200));  // double
  edges.press(4, ms(300), ms(400));
  edges.press(7, ms(2000), ms(2100));  // single
  edges.press(1, ms(4000), ms(5500));  // long
  std::vector<SwEvent> want = events(4, {D, O});
  for (const SwEvent& e : events(7, {C, O}))
    want.push_back(e);
  for (const SwEvent& e : events(1, {L, O}))
    want.push_back(e);
  EXPECT_EQ(play(sw, 6000), want);
  EXPECT_EQ(seen_at(0), ms(300));
  EXPECT_EQ(seen_at(2), ms(2410));  // the click's window runs from the edge at 2000
  EXPECT_EQ(seen_at(4), ms(5010));
  std::size_t idle_scans = 0;
  for (std::int64_t t : edges.scan_times)
    if ((t > ms(600) && t < ms(1990)) || (t > ms(2600) && t < ms(3990))) ++idle_scans;
  EXPECT_EQ(idle_scans, 0u);
}

TEST_F(SwArrayTest, StartChecksAndDestructionFromTheObserver) {
  auto sw = std::make_unique<SwArray>(rig.rows(), rig.cols(), SwArray::Config{.cfg = C | O, .scan_ms = 0});
  int calls = 0;
  loop.run_until_complete([&]() -> Task<> {
    EXPECT_EQ(sw->start().error(), IoErrc::invalid_argument);
    sw = std::make_unique<SwArray>(rig.rows(), rig.cols(), SwArray::Config{.cfg = C | O});
    sw->set_observer([&](const SwArrayReport&) {
      ++calls;
      sw.reset();
    });
    rig.press(3, ms(100), ms(200));
    CO_ASSERT(sw->start().ok());
    co_await sleep_ms(400);
    EXPECT_EQ(sw, nullptr);
  }());
  EXPECT_EQ(calls, 1);
  EXPECT_STREQ(to_string(SwArrayEvent::long_press), "long");
  EXPECT_STREQ(to_string(SwArrayEvent::double_click), "double");
  EXPECT_STREQ(to_string(SwArrayEvent::close), "close");
  EXPECT_STREQ(to_string(SwArrayEvent::open), "open");
}

}  // namespace
}  // namespace aiopi::drivers
