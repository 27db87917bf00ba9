// Conformance of DigitalInput / DigitalOutput, written against the HAL interfaces and run on every board.
#include <vector>

#include "board.hpp"

namespace aiopi::hal_testing {
namespace {

using hal::Edge;
using hal::EdgeEvent;
using hal::EdgeMode;
using hal::IoErrc;
using hal::IoResult;

template <class B>
class DigitalConformance : public ::testing::Test {
 protected:
  B board;
};

using Boards = ::testing::Types<SimBoard>;
TYPED_TEST_SUITE(DigitalConformance, Boards, BoardName);

TYPED_TEST(DigitalConformance, ValueIsTheLogicalLevel) {
  auto in = this->board.make_input({});
  auto low = this->board.make_input({.edges = EdgeMode::none, .bias = hal::Bias::off, .active_low = true});
  ASSERT_TRUE(in->value().ok());
  EXPECT_FALSE(*in->value());
  EXPECT_TRUE(*low->value()) << "active low: electrical 0 reads as active";
  this->board.drive(*in, true);
  this->board.drive(*low, true);
  EXPECT_TRUE(*in->value());
  EXPECT_FALSE(*low->value());
}

TYPED_TEST(DigitalConformance, EdgesOfEachModeWithInjectionTimestampsAndIncreasingSeq) {
  struct Case {
    EdgeMode mode;
    std::vector<Edge> expected;
    std::vector<std::int64_t> at;
  };
  const Case cases[] = {
      {EdgeMode::rising, {Edge::rising, Edge::rising}, {1000, 3000}},
      {EdgeMode::falling, {Edge::falling, Edge::falling}, {2000, 4000}},
      {EdgeMode::both, {Edge::rising, Edge::falling, Edge::rising, Edge::falling}, {1000, 2000, 3000, 4000}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.mode));
    TypeParam bd;
    auto in = bd.make_input({.edges = c.mode});
    const std::int64_t t0 = bd.now_us();
    bd.schedule(*in, {{Duration(t0 + 1000), true},
                      {Duration(t0 + 2000), false},
                      {Duration(t0 + 3000), true},
                      {Duration(t0 + 4000), false}});
    std::vector<EdgeEvent> got;
    auto reader = [&]() -> Task<> {
      for (std::size_t i = 0; i < c.expected.size(); ++i) {
        IoResult<EdgeEvent> e = co_await in->next_edge();
        EXPECT_TRUE(e.ok()) << e.error().what;
        if (!e) co_return;
        got.push_back(*e);
      }
    };
    bd.run(reader());
    ASSERT_EQ(got.size(), c.expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].edge, c.expected[i]) << i;
      EXPECT_EQ(got[i].timestamp_us, t0 + c.at[i]) << i;
      if (i > 0) {
        EXPECT_GT(got[i].seq, got[i - 1].seq);
      }
    }
    EXPECT_EQ(in->dropped(), 0u);
  }
}

TYPED_TEST(DigitalConformance, TimestampIsWhenTheEdgeHappenedNotWhenTheReaderWoke) {
  auto& b = this->board;
  auto in = b.make_input({.edges = EdgeMode::both});
  b.schedule(*in, {{2ms, true}});
  auto reader = [&]() -> Task<> {
    co_await sleep(10ms);
    auto e = co_await in->next_edge();
    EXPECT_EQ(e->timestamp_us, 2000);
    EXPECT_EQ(e->seq, 1u);
    EXPECT_EQ(b.now_us(), 10000);
  };
  b.run(reader());
}

TYPED_TEST(DigitalConformance, ActiveLowReportsLogicalEdges) {
  auto& b = this->board;
  auto in = b.make_input({.edges = EdgeMode::rising, .active_low = true}, /*electrical=*/true);
  EXPECT_FALSE(*in->value());
  b.schedule(*in, {{1ms, false}, {2ms, true}});
  auto reader = [&]() -> Task<> {
    auto e = co_await in->next_edge();
    EXPECT_EQ(e->edge, Edge::rising) << "electrical high -> low is logical low -> high";
    EXPECT_EQ(e->timestamp_us, 1000);
    co_await sleep(5ms);
    EXPECT_EQ(in->pending_edges(), 0u) << "the logical falling edge is not detected";
  };
  b.run(reader());
}

TYPED_TEST(DigitalConformance, AWaitForThatTimedOutLosesNoLaterEdge) {
  auto& b = this->board;
  auto in = b.make_input({.edges = EdgeMode::both});
  b.schedule(*in, {{5ms, true}});
  auto reader = [&]() -> Task<> {
    auto r = co_await wait_for(in->next_edge(), 1ms);
    EXPECT_TRUE(r.timed_out());
    EXPECT_EQ(b.now_us(), 1000);
    auto r2 = co_await wait_for(in->next_edge(), 100ms);
    CO_ASSERT(!r2.timed_out());
    CO_ASSERT(r2->ok());
    EXPECT_EQ((*r2)->edge, Edge::rising);
    EXPECT_EQ((*r2)->timestamp_us, 5000);
  };
  b.run(reader());
}

TYPED_TEST(DigitalConformance, AnEdgeArrivingAsTheWaitTimesOutIsKept) {
  auto& b = this->board;
  auto in = b.make_input({.edges = EdgeMode::both});
  b.schedule(*in, {{1ms, true}});  // same virtual time as the time limit
  auto reader = [&]() -> Task<> {
    auto r = co_await wait_for(in->next_edge(), 1ms);
    if (r.timed_out()) {
      auto e = in->next_edge_nowait();
      CO_ASSERT(e.has_value());
      EXPECT_EQ(e->timestamp_us, 1000);
    } else {
      EXPECT_EQ((*r)->timestamp_us, 1000);
    }
    EXPECT_EQ(in->pending_edges(), 0u);
  };
  b.run(reader());
}

TYPED_TEST(DigitalConformance, AReaderCancelledAfterBeingWokenLosesNoEdge) {
  auto& b = this->board;
  auto in = b.make_input({.edges = EdgeMode::both});
  bool a_resumed = false;
  std::vector<EdgeEvent> b_got;
  auto reader_a = [&]() -> Task<> {
    (void)co_await in->next_edge();
    a_resumed = true;
  };
  auto reader_b = [&]() -> Task<> {
    auto e = co_await in->next_edge();
    if (e) b_got.push_back(*e);
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(reader_a());
    auto bt = create_task(reader_b());
    co_await sleep(1ms);
    b.drive(*in, true);  // wakes A (first in line) with a claim on the edge
    EXPECT_TRUE(a.cancel());
    (void)co_await a.wait_outcome();
    co_await bt;
  };
  b.run(main_task());
  EXPECT_FALSE(a_resumed);
  ASSERT_EQ(b_got.size(), 1u) << "the claim of the cancelled reader passed to the next one";
  EXPECT_EQ(b_got[0].timestamp_us, 1000);
  EXPECT_EQ(in->pending_edges(), 0u);
}

TYPED_TEST(DigitalConformance, ReadersAreServedInOrderAndANewcomerDoesNotBarge) {
  auto& b = this->board;
  auto in = b.make_input({.edges = EdgeMode::both});
  std::vector<int> order;
  auto reader = [&](int id) -> Task<> {
    auto e = co_await in->next_edge();
    if (e) order.push_back(id);
  };
  auto main_task = [&]() -> Task<> {
    auto r1 = create_task(reader(1));
    auto r2 = create_task(reader(2));
    co_await sleep(1ms);
    b.drive(*in, true);
    EXPECT_FALSE(in->next_edge_nowait().has_value()) << "the edge is promised to reader 1";
    b.drive(*in, false);
    co_await r1;
    co_await r2;
  };
  b.run(main_task());
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TYPED_TEST(DigitalConformance, OverflowDropsTheOldestAndCountsIt) {
  auto& b = this->board;
  auto in = b.make_input({.edges = EdgeMode::both});
  constexpr std::size_t kCap = hal::EdgeQueue::kCapacity;
  const std::size_t n = kCap + 5;
  for (std::size_t i = 0; i < n; ++i)
    b.drive(*in, i % 2 == 0);
  EXPECT_EQ(in->dropped(), 5u);
  EXPECT_EQ(in->pending_edges(), kCap);
  auto reader = [&]() -> Task<> {
    auto e = co_await in->next_edge();
    EXPECT_EQ(e->seq, 6u) << "seq reveals the gap: edges 1..5 were dropped";
    std::uint32_t last = e->seq;
    while (auto more = in->next_edge_nowait()) {
      EXPECT_EQ(more->seq, last + 1);
      last = more->seq;
    }
    EXPECT_EQ(last, n);
  };
  b.run(reader());
}

TYPED_TEST(DigitalConformance, AReleasedLineWakesItsWaiterWithClosed) {
  auto& b = this->board;
  auto in = b.make_input({.edges = EdgeMode::both});
  auto main_task = [&]() -> Task<> {
    auto waiter = [&]() -> Task<IoResult<EdgeEvent>> { co_return co_await in->next_edge(); };
    auto w = create_task(waiter());
    co_await sleep(1ms);
    b.release(*in);
    IoResult<EdgeEvent> r = co_await w;
    CO_ASSERT(!r.ok());
    EXPECT_EQ(r.error().kind, IoErrc::closed);
    EXPECT_NE(std::string(r.error().what), "");
    auto again = co_await in->next_edge();
    EXPECT_EQ(again.error().kind, IoErrc::closed) << "later reads fail at once";
    EXPECT_EQ(in->value().error().kind, IoErrc::closed);
  };
  b.run(main_task());
}

TYPED_TEST(DigitalConformance, EdgesQueuedBeforeTheReleaseAreStillDelivered) {
  auto& b = this->board;
  auto in = b.make_input({.edges = EdgeMode::both});
  b.drive(*in, true);
  b.release(*in);
  auto main_task = [&]() -> Task<> {
    auto e = co_await in->next_edge();
    EXPECT_TRUE(e.ok());
    auto e2 = co_await in->next_edge();
    EXPECT_EQ(e2.error().kind, IoErrc::closed);
  };
  b.run(main_task());
}

TYPED_TEST(DigitalConformance, NextEdgeWithoutEdgeDetectionIsAnError) {
  auto& b = this->board;
  auto in = b.make_input({.edges = EdgeMode::none});
  auto main_task = [&]() -> Task<> {
    auto e = co_await in->next_edge();
    EXPECT_EQ(e.error().kind, IoErrc::invalid_argument);
  };
  b.run(main_task());
}

TYPED_TEST(DigitalConformance, OutputSetGetAndActiveLow) {
  auto& b = this->board;
  auto out = b.make_output({.initial = true});
  EXPECT_TRUE(*out->get());
  EXPECT_TRUE(b.electrical(*out));
  ASSERT_TRUE(out->set(false).ok());
  EXPECT_FALSE(*out->get());
  EXPECT_FALSE(b.electrical(*out));
  auto low = b.make_output({.initial = false, .drive = hal::Drive::push_pull, .active_low = true});
  EXPECT_TRUE(b.electrical(*low));
  ASSERT_TRUE(low->set(true).ok());
  EXPECT_FALSE(b.electrical(*low));
}

// ---- sim-only: the simulated board's own tools
// -------------------------------------------------------------

class SimDigital : public ::testing::Test {
 protected:
  SimBoard b;
};

TEST_F(SimDigital, OutputHistoryRecordsEveryChangeWithItsVirtualTime) {
  sim::SimDigitalOutput out(b.loop, {.initial = false});
  auto main_task = [&]() -> Task<> {
    co_await sleep(1ms);
    (void)out.set(true);
    co_await sleep(1ms);
    (void)out.set(true);  // no change: not a history entry
    co_await sleep(3ms);
    (void)out.set(false);
  };
  b.run(main_task());
  EXPECT_EQ(out.history(), (std::vector<sim::LevelChange>{{0, false}, {1000, true}, {5000, false}}));
  EXPECT_EQ(out.writes(), 3u);
  out.release();
  EXPECT_EQ(out.set(true).error().kind, IoErrc::closed);
}

TEST_F(SimDigital, BounceBurstGivesAlternatingEdgesAtItsTimes) {
  sim::SimDigitalInput in(b.loop, {.edges = EdgeMode::both});
  in.bounce(1ms, 5, 100us);
  auto main_task = [&]() -> Task<> {
    co_await sleep(2ms);
    for (int i = 0; i < 5; ++i) {
      auto e = in.next_edge_nowait();
      CO_ASSERT(e.has_value());
      EXPECT_EQ(e->edge, i % 2 == 0 ? Edge::rising : Edge::falling);
      EXPECT_EQ(e->timestamp_us, 1000 + 100 * i);
    }
    EXPECT_TRUE(*in.value()) << "an odd count leaves the line inverted";
  };
  b.run(main_task());
}

TEST_F(SimDigital, AnInputDestroyedWhileATaskWaitsWakesItWithClosed) {
  auto in = std::make_unique<sim::SimDigitalInput>(b.loop, hal::InputConfig{.edges = EdgeMode::both});
  auto main_task = [&]() -> Task<> {
    auto waiter = [&]() -> Task<IoResult<EdgeEvent>> { co_return co_await in->next_edge(); };
    auto w = create_task(waiter());
    co_await sleep(1ms);
    in.reset();
    auto r = co_await w;
    EXPECT_EQ(r.error().kind, IoErrc::closed);
  };
  b.run(main_task());
}

}  // namespace
}  // namespace aiopi::hal_testing
