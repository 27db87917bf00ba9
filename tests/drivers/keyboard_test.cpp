// Keyboard on a simulated key matrix (key_matrix_rig.hpp) on the virtual clock: scan codes, only new presses
// queued, rollover, debounce, queue overflow, the scan cadence, the lines' levels, errors, observer, and
// teardown.
#include "aiopi/drivers/keyboard.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "key_matrix_rig.hpp"
#include "support/co_assert.hpp"

namespace aiopi::drivers {
namespace {

using hal::IoErrc;
using testing::KeyMatrixRig;

class KeyboardTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};
  KeyMatrixRig rig{loop, 4, 4};

  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }
  void run(Task<> t) { loop.run_until_complete(std::move(t)); }
  /// Everything queued now, oldest first.
  static std::vector<std::uint16_t> drain(Keyboard& kb) {
    std::vector<std::uint16_t> out;
    while (auto c = kb.get_nowait())
      out.push_back(*c);
    return out;
  }
};

constexpr std::int64_t ms(std::int64_t v) {
  return v * 1000;
}

TEST_F(KeyboardTest, ScanCodeIsRowTimesColumnsPlusColumn) {
  Keyboard kb(rig.rows(), rig.cols());
  std::vector<std::uint16_t> got;
  // Every key once, one after the other, in a scrambled order.
  const std::uint16_t order[] = {9, 0, 15, 3, 12, 6, 1, 14, 2, 7, 11, 4, 13, 8, 10, 5};
  std::int64_t t = ms(20);
  for (std::uint16_t code : order) {
    rig.press(code, t, t + ms(100));
    t += ms(200);
  }
  run([&]() -> Task<> {
    CO_ASSERT(kb.start().ok());
    for (std::size_t i = 0; i < std::size(order); ++i)
      got.push_back(co_await kb.get());
  }());
  EXPECT_EQ(got, std::vector<std::uint16_t>(std::begin(order), std::end(order)));
  EXPECT_EQ(KeyMatrixRig::code(2, 1, 4), 9);  // row 2, column 1
}

TEST_F(KeyboardTest, OnlyNewPressesAreQueuedAndTheStateFollowsTheKeys) {
  Keyboard kb(rig.rows(), rig.cols());
  rig.press(5, ms(100), ms(700));
  run([&]() -> Task<> {
    CO_ASSERT(kb.start().ok());
    co_await sleep_ms(300);
    EXPECT_TRUE(kb[5]);
    EXPECT_FALSE(kb[4]);
    co_await sleep_ms(600);
    EXPECT_FALSE(kb[5]);
    kb.deinit();
  }());
  EXPECT_EQ(drain(kb), (std::vector<std::uint16_t>{5}));
}

TEST_F(KeyboardTest, SecondKeyWhileTheFirstIsHeldIsReported) {
  Keyboard kb(rig.rows(), rig.cols());
  rig.press(0, ms(100), ms(900));
  rig.press(10, ms(400), ms(600));
  rig.press(0 + 1, ms(500), ms(800));  // a third one, same row as the first
  run([&]() -> Task<> {
    CO_ASSERT(kb.start().ok());
    co_await sleep_ms(1000);
    kb.deinit();
  }());
  EXPECT_EQ(drain(kb), (std::vector<std::uint16_t>{0, 10, 1}));
}

TEST_F(KeyboardTest, KeysPressedInOneScanAreQueuedInScanCodeOrder) {
  Keyboard kb(rig.rows(), rig.cols());
  rig.press(14, ms(103), ms(500));
  rig.press(2, ms(104), ms(500));
  rig.press(7, ms(105), ms(500));
  run([&]() -> Task<> {
    CO_ASSERT(kb.start().ok());
    co_await sleep_ms(600);
    kb.deinit();
  }());
  EXPECT_EQ(drain(kb), (std::vector<std::uint16_t>{2, 7, 14}));
}

TEST_F(KeyboardTest, BounceShorterThanTheDebounceDelayIsIgnored) {
  Keyboard kb(rig.rows(), rig.cols());
  std::vector<std::int64_t> times;
  kb.set_observer([&](const KeyboardReport& r) { times.push_back(r.t_us); });
  // Closing bounces for 18 ms (10 changes 2 ms apart, ending closed), opening bounces for 12 ms.
  rig.bounce(6, ms(101), 9, ms(2));
  rig.bounce(6, ms(700), 6, ms(2));
  // Repeated at other phases relative to the scans.
  rig.bounce(6, ms(1205), 9, ms(2));
  rig.bounce(6, ms(1800), 6, ms(2));
  run([&]() -> Task<> {
    CO_ASSERT(kb.start().ok());
    co_await sleep_ms(2500);
    kb.deinit();
  }());
  EXPECT_EQ(drain(kb), (std::vector<std::uint16_t>{6, 6}));
  ASSERT_EQ(times.size(), 2u);
  EXPECT_EQ(times[0], ms(110));  // the first scan after the first contact
  EXPECT_EQ(times[1], ms(1210));
}

TEST_F(KeyboardTest, FullQueueDropsTheOldest) {
  Keyboard kb(rig.rows(), rig.cols(), {.bufsize = 4});  // the seed's buffer of 4 holds 3 codes
  for (std::uint16_t k = 0; k < 5; ++k)
    rig.press(k, ms(100) + k * ms(100), ms(150) + k * ms(100));
  run([&]() -> Task<> {
    CO_ASSERT(kb.start().ok());
    co_await sleep_ms(800);
    kb.deinit();
  }());
  EXPECT_EQ(kb.overwritten(), 2u);
  EXPECT_EQ(drain(kb), (std::vector<std::uint16_t>{2, 3, 4}));
}

TEST_F(KeyboardTest, ScansEveryScanMsWhenIdleAndPausesDbDelayAfterAChange) {
  Keyboard kb(rig.rows(), rig.cols(), {.db_delay = 50, .scan_ms = 20});
  rig.press(3, ms(205), ms(1000));
  run([&]() -> Task<> {
    CO_ASSERT(kb.start().ok());
    co_await sleep_ms(330);
    kb.deinit();
  }());
  // Scans at 0, 20, ... 200; the one at 220 sees the press; the next waits 50 ms (270), then 20 ms again.
  const auto& s = rig.scan_times;
  ASSERT_EQ(s.size(), 15u);
  EXPECT_EQ(s[0], 0);
  EXPECT_EQ(s[10], ms(200));
  EXPECT_EQ(s[11], ms(220));
  EXPECT_EQ(s[12], ms(270));
  EXPECT_EQ(s[13], ms(290));
  EXPECT_EQ(s[14], ms(310));
}

TEST_F(KeyboardTest, RowsAreReleasedAtStartAndDrivenOneAtATime) {
  Keyboard kb(rig.rows(), rig.cols());
  EXPECT_FALSE(rig.all_rows_released());
  rig.press(0, ms(50), ms(80));
  rig.press(5, ms(60), ms(90));
  rig.press(10, ms(70), ms(100));
  run([&]() -> Task<> {
    CO_ASSERT(kb.start().ok());
    EXPECT_TRUE(rig.all_rows_released());
    co_await sleep_ms(300);
    EXPECT_TRUE(rig.all_rows_released());
    kb.deinit();
  }());
  EXPECT_GT(rig.column_reads, 100u);
  EXPECT_EQ(rig.several_rows_driven, 0u);
}

TEST_F(KeyboardTest, AScanErrorIsCountedAndScanningGoesOn) {
  Keyboard kb(rig.rows(), rig.cols());
  rig.press(9, ms(100), ms(300));
  run([&]() -> Task<> {
    CO_ASSERT(kb.start().ok());
    co_await sleep_ms(95);
    rig.fail_reads = 3;  // the next scans fail one after the other
    co_await sleep_ms(200);
    kb.deinit();
  }());
  EXPECT_EQ(kb.errors(), 3u);
  EXPECT_EQ(kb.error(), IoErrc::io);
  EXPECT_TRUE(rig.all_rows_released()) << "a failed scan releases the row it drove";
  EXPECT_EQ(drain(kb), (std::vector<std::uint16_t>{9}));
}

TEST_F(KeyboardTest, AKeyHeldAtStartIsAPress) {
  Keyboard kb(rig.rows(), rig.cols());
  rig.press(13, 0, ms(1000));
  run([&]() -> Task<> {
    CO_ASSERT(kb.start().ok());
    co_await sleep_ms(100);
    kb.deinit();
    CO_ASSERT(kb.start().ok());  // again: held keys count as new presses, as at the seed's construction
    co_await sleep_ms(100);
    kb.deinit();
  }());
  EXPECT_EQ(drain(kb), (std::vector<std::uint16_t>{13, 13}));
}

TEST_F(KeyboardTest, WithColumnEdgesItSleepsWhileNoKeyIsClosed) {
  KeyMatrixRig edges(loop, 4, 4, /*column_edges=*/true);
  Keyboard kb(edges.rows(), edges.cols());
  std::vector<KeyboardReport> reports;
  kb.set_observer([&reports](const KeyboardReport& r) { reports.push_back(r); });
  edges.press(6, ms(1000) + 3, ms(1200));
  edges.bounce(9, ms(3000) + 7, 9, ms(2));  // 16 ms of bounce ending closed, open again at 3500
  edges.press(9, ms(3500) - 1, ms(3500));
  bool rows_driven_while_idle = false;
  std::size_t scans_idle = 0;
  run([&]() -> Task<> {
    CO_ASSERT(kb.start().ok());
    co_await sleep_ms(900);
    scans_idle = edges.scan_times.size();
    rows_driven_while_idle = !edges.row(0).level() && !edges.row(3).level();
    co_await sleep_ms(4000);
    kb.deinit();
  }());
  EXPECT_EQ(scans_idle, 1u) << "one scan at start, then asleep";
  EXPECT_TRUE(rows_driven_while_idle);
  EXPECT_TRUE(edges.all_rows_released()) << "deinit releases the rows";
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].scan_code, 6);
  EXPECT_EQ(reports[0].t_us, ms(1000) + 3) << "scanned at the edge, not at the next period";
  EXPECT_EQ(reports[1].scan_code, 9);
  EXPECT_EQ(reports[1].t_us, ms(3000) + 7);
  // While a key is held the matrix is scanned; between the presses it sleeps again.
  std::size_t between = 0;
  for (std::int64_t t : edges.scan_times)
    if (t > ms(1400) && t < ms(2900)) ++between;
  EXPECT_EQ(between, 0u);
  EXPECT_EQ(drain(kb), (std::vector<std::uint16_t>{6, 9}));
}

TEST_F(KeyboardTest, StartChecksTheMatrix) {
  KeyMatrixRig big(loop, 9, 8);  // 72 keys
  hal::DigitalOutput* rows_with_null[] = {rig.rows()[0], nullptr};
  run([&]() -> Task<> {
    Keyboard none(std::span<hal::DigitalOutput* const>{}, rig.cols());
    EXPECT_EQ(none.start().error(), IoErrc::invalid_argument);
    Keyboard too_big(big.rows(), big.cols());
    EXPECT_EQ(too_big.start().error(), IoErrc::invalid_argument);
    Keyboard null_row(rows_with_null, rig.cols());
    EXPECT_EQ(null_row.start().error(), IoErrc::invalid_argument);
    Keyboard ok(rig.rows(), rig.cols());
    EXPECT_TRUE(ok.start().ok());
    EXPECT_EQ(ok.start().error(), IoErrc::invalid_argument);
    co_return;
  }());
}

TEST_F(KeyboardTest, ObserverSeesEveryPressEvenWhenTheQueueDrops) {
  Keyboard kb(rig.rows(), rig.cols(), {.bufsize = 2});
  std::vector<KeyboardReport> reports;
  kb.set_observer([&reports](const KeyboardReport& r) { reports.push_back(r); });
  rig.press(1, ms(100), ms(150));
  rig.press(2, ms(300), ms(350));
  run([&]() -> Task<> {
    CO_ASSERT(kb.start().ok());
    co_await sleep_ms(500);
    kb.deinit();
  }());
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[1].scan_code, 2);
  EXPECT_EQ(reports[1].t_us, ms(300));
  EXPECT_STREQ(to_string(reports[1].kind), "press");
  EXPECT_EQ(drain(kb), (std::vector<std::uint16_t>{2}));
}

TEST_F(KeyboardTest, DestroyedByItsObserverAndWhileATaskWaits) {
  auto kb = std::make_unique<Keyboard>(rig.rows(), rig.cols());
  int calls = 0;
  kb->set_observer([&](const KeyboardReport&) {
    ++calls;
    kb.reset();
  });
  rig.press(1, ms(100), ms(150));
  rig.press(2, ms(300), ms(350));
  run([&]() -> Task<> {
    CO_ASSERT(kb->start().ok());
    co_await sleep_ms(500);
    CO_ASSERT(kb == nullptr);
    auto other = std::make_unique<Keyboard>(rig.rows(), rig.cols());
    CO_ASSERT(other->start().ok());
    co_await sleep_ms(30);
    other.reset();  // the scan task sleeping: unwound at once
    const std::size_t writes = rig.row(0).writes;
    co_await sleep_ms(100);
    EXPECT_EQ(rig.row(0).writes, writes);
  }());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace aiopi::drivers
