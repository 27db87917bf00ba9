// Switch on the simulated board's virtual clock: the seed's switches.py scenarios (callbacks, coroutines,
// Events on close and open), debouncing on edges and by polling, lopen, replacing and removing actions, and
// deinit or destruction at any time (from inside its own actions too).
#include "aiopi/drivers/switch.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "contact_rig.hpp"
#include "support/co_assert.hpp"

namespace aiopi::drivers {
namespace {

using testing::Entry;
using testing::Log;
using testing::Rig;
using namespace std::chrono_literals;

void log_both(Switch& sw, Log& log) {
  sw.close_func([&log] { log.add("close"); });
  sw.open_func([&log] { log.add("open"); });
}

TEST(Switch, CallbacksOnCloseAndOpenWithBounceIgnored) {
  // The seed's test_swcb: closure and opening callbacks; contacts bounce for a few ms each time.
  Rig rig;
  Switch sw(rig.pin);
  sw.start(rig.loop);
  log_both(sw, rig.log);
  EXPECT_TRUE(sw()) << "the seed's __call__: 1 = open";
  rig.pin.bounce(100ms, 5, 3ms);   // closes
  rig.pin.bounce(500ms, 7, 2ms);   // opens
  rig.pin.bounce(900ms, 11, 4ms);  // closes
  rig.run_until(2000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close", 100}, {"open", 500}, {"close", 900}}));
  EXPECT_FALSE(sw());
  EXPECT_TRUE(sw.closed());
}

TEST(Switch, CoroutineActionsStartTasks) {
  // The seed's test_sw: closure and opening each start a coroutine (a 1 s LED pulse there).
  Rig rig;
  Switch sw(rig.pin);
  sw.start(rig.loop);
  auto pulse = [](Log& log, const char* name) -> Task<> {
    co_await sleep(1s);
    log.add(name);
  };
  sw.close_func(pulse, std::ref(rig.log), "close pulse ended");
  sw.open_func(pulse, std::ref(rig.log), "open pulse ended");
  rig.close_between(100, 400);
  rig.run_until(3000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close pulse ended", 1100}, {"open pulse ended", 1400}}));
}

TEST(Switch, NullptrBindsTheCloseAndOpenEvents) {
  // The seed's test_sw_event.
  Rig rig;
  Switch sw(rig.pin);
  sw.start(rig.loop);
  sw.close_func(nullptr);
  sw.open_func(nullptr);
  rig.close_between(100, 400);
  rig.close_between(700, 900);
  auto main = [&]() -> Task<> {
    for (int i = 0; i < 2; ++i) {
      co_await sw.close.wait();
      sw.close.clear();
      rig.log.add("close");
      co_await sw.open.wait();
      sw.open.clear();
      rig.log.add("open");
    }
  };
  rig.loop.run_until_complete(main());
  EXPECT_EQ(rig.log.entries,
            (std::vector<Entry>{{"close", 100}, {"open", 400}, {"close", 700}, {"open", 900}}));
}

TEST(Switch, NoArgumentRemovesAnAction) {
  Rig rig;
  Switch sw(rig.pin);
  sw.start(rig.loop);
  log_both(sw, rig.log);
  sw.open_func();
  rig.close_between(100, 400);
  rig.run_until(1000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close", 100}}));
}

TEST(Switch, ASwitchThatOpensWithinTheDebounceTimeIsSeenAtTheEndOfIt) {
  Rig rig;
  Switch sw(rig.pin);
  sw.start(rig.loop);
  std::vector<SwitchReport> reports;
  sw.set_observer([&reports](const SwitchReport& r) { reports.push_back(r); });
  rig.close_between(100, 120);
  rig.close_between(125, 140);  // bounce on the way out: settles open at 140
  rig.run_until(1000);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].event, SwitchEvent::close);
  EXPECT_EQ(reports[0].t_us, 100'000);
  EXPECT_TRUE(reports[0].closed);
  EXPECT_EQ(reports[1].event, SwitchEvent::open);
  EXPECT_EQ(reports[1].t_us, 140'000);
  EXPECT_FALSE(reports[1].closed);
  EXPECT_STREQ(to_string(reports[0].event), "close");
  EXPECT_STREQ(to_string(reports[1].event), "open");
}

TEST(Switch, WithoutEdgeDetectionItSamplesEveryDebounceMsAsTheSeed) {
  Rig rig({.edges = hal::EdgeMode::none, .bias = hal::Bias::pull_up});
  Switch sw(rig.pin);
  sw.start(rig.loop);
  log_both(sw, rig.log);
  rig.close_between(110, 140);  // between samples 100 and 150: never seen
  rig.close_between(230, 520);
  rig.run_until(1000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close", 250}, {"open", 550}}));
}

TEST(Switch, LopenZeroForALineThatReadsOneWhenClosed) {
  // To ground with a pull-up, requested active_low: value() reads 1 while closed.
  Rig rig({.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_up, .active_low = true}, 1);
  Switch sw(rig.pin, {.lopen = false});
  sw.start(rig.loop);
  log_both(sw, rig.log);
  EXPECT_FALSE(sw.closed());
  rig.close_between(100, 300);
  rig.run_until(1000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close", 100}, {"open", 300}}));
}

TEST(Switch, DebounceTimeIsAParameter) {
  Rig rig;
  Switch sw(rig.pin, {.debounce_ms = 200});
  sw.start(rig.loop);
  log_both(sw, rig.log);
  rig.close_between(100, 250);
  rig.run_until(1000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close", 100}, {"open", 300}}));
}

TEST(Switch, DeinitAndDestructionAtAnyTime) {
  for (std::int64_t stop_at : {50, 100, 120, 300}) {
    SCOPED_TRACE(stop_at);
    Rig rig;
    auto sw = std::make_unique<Switch>(rig.pin);
    sw->start(rig.loop);
    log_both(*sw, rig.log);
    rig.close_between(100, 400);
    rig.close_between(600, 800);
    rig.run_until(stop_at);
    sw.reset();
    rig.run_until(2000);
    for (const Entry& e : rig.log.entries)
      EXPECT_LE(e.t_ms, stop_at) << e;
  }
  {
    Rig rig;
    Switch sw(rig.pin);
    sw.start(rig.loop);
    log_both(sw, rig.log);
    rig.close_between(100, 400);
    rig.run_until(200);
    sw.deinit();
    sw.deinit();
    rig.run_until(2000);
    EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close", 100}}));
  }
}

TEST(Switch, AnActionMayReplaceActionsDeinitOrDestroyTheSwitch) {
  {
    Rig rig;
    Switch sw(rig.pin);
    sw.start(rig.loop);
    sw.close_func([&] {
      rig.log.add("close 1");
      sw.close_func([&] { rig.log.add("close 2"); });
    });
    rig.close_between(100, 200);
    rig.close_between(300, 400);
    rig.run_until(1000);
    EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close 1", 100}, {"close 2", 300}}));
  }
  {
    Rig rig;
    Switch sw(rig.pin);
    sw.start(rig.loop);
    log_both(sw, rig.log);
    sw.close_func([&] {
      rig.log.add("close");
      sw.deinit();
    });
    rig.close_between(100, 200);
    rig.run_until(1000);
    EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close", 100}}));
  }
  {
    Rig rig;
    auto sw = std::make_unique<Switch>(rig.pin);
    sw->start(rig.loop);
    sw->close_func([&] {
      rig.log.add("close");
      sw.reset();
    });
    rig.close_between(100, 200);
    rig.run_until(1000);
    EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close", 100}}));
  }
}

TEST(Switch, ConstructedInsideARunningLoopItStartsAtOnce) {
  Rig rig;
  std::unique_ptr<Switch> sw;
  rig.close_between(100, 200);
  auto main = [&]() -> Task<> {
    sw = std::make_unique<Switch>(rig.pin);
    log_both(*sw, rig.log);
    co_await sleep(1s);
  };
  rig.loop.run_until_complete(main());
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close", 100}, {"open", 200}}));
  sw.reset();
}

/// An input whose edge events lag behind its level, as a kernel's event FIFO can lag behind a read of the
/// line.
class LaggingInput final : public hal::DigitalInput {
 public:
  LaggingInput() : hal::DigitalInput({.edges = hal::EdgeMode::both}) {}
  hal::IoResult<bool> value() override { return level; }
  void push(hal::Edge e, std::int64_t t_us) { edge_queue().push(e, t_us); }
  bool level = true;
};

TEST(Switch, AnEdgeThatArrivesAfterItsLevelWasReadIsNotReportedTwice) {
  Rig rig;
  LaggingInput in;
  Switch sw(in);
  sw.start(rig.loop);
  std::vector<SwitchReport> reports;
  sw.set_observer([&reports](const SwitchReport& r) { reports.push_back(r); });
  auto main = [&]() -> Task<> {
    co_await sleep_until(TimePoint(100ms));
    in.level = false;  // closes at 100, its edge on time
    in.push(hal::Edge::falling, 100'000);
    co_await sleep_until(TimePoint(120ms));
    in.level = true;  // opens at 120, its edge not delivered yet when the hold ends at 150
    co_await sleep_until(TimePoint(200ms));
    in.push(hal::Edge::rising, 120'000);  // the late edge: already accounted for
    co_await sleep_until(TimePoint(1s));
  };
  rig.loop.run_until_complete(main());
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].event, SwitchEvent::close);
  EXPECT_EQ(reports[0].t_us, 100'000);
  EXPECT_EQ(reports[1].event, SwitchEvent::open);
  EXPECT_EQ(reports[1].t_us, 150'000) << "seen by the re-read at the end of the hold, before its edge came";
}

TEST(Switch, AReleasedLineEndsItsTaskWithTheError) {
  Rig rig;
  Switch sw(rig.pin);
  sw.start(rig.loop);
  log_both(sw, rig.log);
  rig.run_until(100);
  rig.pin.release();
  rig.run_until(500);
  EXPECT_EQ(sw.error().kind, hal::IoErrc::closed);
  EXPECT_TRUE(rig.log.entries.empty());
}

}  // namespace
}  // namespace aiopi::drivers
