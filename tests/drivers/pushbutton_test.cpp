// Pushbutton on the simulated board's virtual clock: debouncing (edges and polling), the seed's callback
// sequences in both modes (its table, §2.4 of the seed inventory), the edges of the double-click window and
// the long-press time, sense and active_low, Events and coroutine actions, and destruction or deinit at any
// time (timers pending, from inside its own actions).
#include "aiopi/drivers/pushbutton.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "contact_rig.hpp"
#include "support/co_assert.hpp"

namespace aiopi::drivers {
namespace {

using testing::Entry;
using testing::Log;
using testing::Rig;
using namespace std::chrono_literals;

/// Registers all four actions as callbacks that log their name.
void log_all(Pushbutton& pb, Log& log) {
  pb.press_func([&log] { log.add("press"); });
  pb.release_func([&log] { log.add("release"); });
  pb.double_func([&log] { log.add("double"); });
  pb.long_func([&log] { log.add("long"); });
}

// --- debouncing
// ---------------------------------------------------------------------------------------------

TEST(Pushbutton, BounceShorterThanTheDebounceTimeIsIgnored) {
  Rig rig;
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  log_all(pb, rig.log);
  // Closing bounces 5 times 2 ms apart (ends closed), opening 7 times 3 ms apart (ends open).
  rig.pin.bounce(100ms, 5, 2ms);
  rig.pin.bounce(600ms, 7, 3ms);
  rig.run_until(2000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 100}, {"release", 600}}));
  EXPECT_FALSE(pb());
}

TEST(Pushbutton, AGlitchThatEndsWithinTheDebounceTimeIsOneShortPress) {
  // The first edge is acted on at once (as the seed's sampler acts on the first sample that sees a change);
  // what the line does in the next debounce_ms is not looked at until they are over.
  Rig rig;
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  log_all(pb, rig.log);
  rig.close_between(100, 110);
  rig.run_until(1000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 100}, {"release", 150}}));
}

TEST(Pushbutton, ReleaseWithinTheHoldIsStampedWithItsEdge) {
  Rig rig;
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  std::vector<ButtonReport> reports;
  pb.set_observer([&reports](const ButtonReport& r) {
    if (r.event != ButtonEvent::double_click) reports.push_back(r);
  });
  rig.close_between(100, 130);
  rig.run_until(1000);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].event, ButtonEvent::press);
  EXPECT_EQ(reports[0].t_us, 100'000);
  EXPECT_TRUE(reports[0].pressed);
  EXPECT_EQ(reports[1].event, ButtonEvent::release);
  EXPECT_EQ(reports[1].t_us, 130'000) << "the edge's time, though seen at the end of the hold (150 ms)";
  EXPECT_FALSE(reports[1].pressed);
}

TEST(Pushbutton, WithoutEdgeDetectionItSamplesEveryDebounceMsAsTheSeed) {
  Rig rig({.edges = hal::EdgeMode::none, .bias = hal::Bias::pull_up});
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  log_all(pb, rig.log);
  rig.close_between(120, 135);     // between two samples (100, 150): never seen
  rig.close_between(210, 480);     // seen at the samples 250 and 500
  rig.pin.bounce(710ms, 5, 4ms);   // settles closed at 726: seen at 750
  rig.pin.bounce(1020ms, 5, 4ms);  // settles open at 1036: seen at 1050
  rig.run_until(2000);
  EXPECT_EQ(rig.log.entries,
            (std::vector<Entry>{{"press", 250}, {"release", 500}, {"press", 750}, {"release", 1050}}));
}

TEST(Pushbutton, EdgesQueuedBeforeConstructionAreNotReplayed) {
  Rig rig;
  rig.close_between(100, 200);
  rig.run_until(500);
  ASSERT_EQ(rig.pin.pending_edges(), 2u);
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  log_all(pb, rig.log);
  rig.close_between(1000, 1100);
  rig.run_until(2000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 1000}, {"release", 1100}}));
}

TEST(Pushbutton, DebounceTimeIsAParameter) {
  Rig rig;
  Pushbutton pb(rig.pin, {.debounce_ms = 5});
  pb.start(rig.loop);
  log_all(pb, rig.log);
  rig.close_between(100, 110);
  rig.run_until(1000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 100}, {"release", 110}}));
}

// --- the seed's sequences --------------------------------------------------------------------------------

struct Gesture {
  const char* name;
  std::vector<std::pair<std::int64_t, std::int64_t>> closed;  // [from, to) ms after 1000
  std::vector<Entry> normal;                                  // times relative to 1000
  std::vector<Entry> suppressed;
};

// The seed's table (§2.4): all four actions registered, a short press is 100 ms, the gap 100 ms.
const Gesture kGestures[] = {
    {"short", {{0, 100}}, {{"press", 0}, {"release", 100}}, {{"press", 0}, {"release", 400}}},
    {"medium", {{0, 600}}, {{"press", 0}, {"release", 600}}, {{"press", 0}, {"release", 600}}},
    {"long", {{0, 2000}}, {{"press", 0}, {"long", 1000}, {"release", 2000}}, {{"press", 0}, {"long", 1000}}},
    {"double",
     {{0, 100}, {200, 300}},
     {{"press", 0}, {"release", 100}, {"press", 200}, {"double", 200}, {"release", 300}},
     {{"press", 0}, {"press", 200}, {"double", 200}}},
    {"double, second press held 2 s",
     {{0, 100}, {200, 2200}},
     {{"press", 0}, {"release", 100}, {"press", 200}, {"double", 200}, {"release", 2200}},
     {{"press", 0}, {"press", 200}, {"double", 200}}},
};

std::vector<Entry> relative(std::vector<Entry> entries, std::int64_t base) {
  for (Entry& e : entries)
    e.t_ms -= base;
  return entries;
}

TEST(Pushbutton, TheSeedsSequencesWithAndWithoutSuppress) {
  for (const Gesture& g : kGestures) {
    for (bool suppress : {false, true}) {
      SCOPED_TRACE(std::string(g.name) + (suppress ? ", suppress" : ""));
      Rig rig;
      Pushbutton pb(rig.pin, {.suppress = suppress});
      pb.start(rig.loop);
      log_all(pb, rig.log);
      for (auto [from, to] : g.closed)
        rig.close_between(1000 + from, 1000 + to);
      rig.run_until(6000);
      EXPECT_EQ(relative(rig.log.entries, 1000), suppress ? g.suppressed : g.normal);
    }
  }
}

TEST(Pushbutton, ALongPressDoesNotAlsoReportAClickInSuppressMode) {
  Rig rig;
  Pushbutton pb(rig.pin, {.suppress = true});
  pb.start(rig.loop);
  log_all(pb, rig.log);
  rig.close_between(100, 1600);
  rig.close_between(2000, 3500);  // and again, after the double-click window of nothing
  rig.run_until(6000);
  EXPECT_EQ(rig.log.count("long"), 2);
  EXPECT_EQ(rig.log.count("release"), 0);
}

TEST(Pushbutton, SuppressWithoutADoubleActionReleasesAtOnceUnlessLongRan) {
  Rig rig;
  Pushbutton pb(rig.pin, {.suppress = true});
  pb.start(rig.loop);
  pb.press_func([&] { rig.log.add("press"); });
  pb.release_func([&] { rig.log.add("release"); });
  pb.long_func([&] { rig.log.add("long"); });
  rig.close_between(100, 200);
  rig.close_between(1000, 2500);
  rig.run_until(4000);
  EXPECT_EQ(rig.log.entries,
            (std::vector<Entry>{{"press", 100}, {"release", 200}, {"press", 1000}, {"long", 2000}}));
}

TEST(Pushbutton, SuppressWithoutALongActionDelaysOnlyForTheDoubleClick) {
  // The seed's test_btn(suppress=True, lf=False): a long hold is just a press and a release.
  Rig rig;
  Pushbutton pb(rig.pin, {.suppress = true});
  pb.start(rig.loop);
  pb.press_func([&] { rig.log.add("press"); });
  pb.release_func([&] { rig.log.add("release"); });
  pb.double_func([&] { rig.log.add("double"); });
  rig.close_between(1000, 1100);
  rig.close_between(2000, 4000);
  rig.close_between(5000, 5100);
  rig.close_between(5200, 5300);
  rig.run_until(7000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 1000},
                                                 {"release", 1400},
                                                 {"press", 2000},
                                                 {"release", 4000},
                                                 {"press", 5000},
                                                 {"press", 5200},
                                                 {"double", 5200}}));
}

TEST(Pushbutton, SuppressWithNeitherLongNorDoubleActionChangesNothing) {
  // The seed's test_btn(suppress=True, lf=False, df=False).
  Rig rig;
  Pushbutton pb(rig.pin, {.suppress = true});
  pb.start(rig.loop);
  pb.press_func([&] { rig.log.add("press"); });
  pb.release_func([&] { rig.log.add("release"); });
  rig.close_between(1000, 1100);
  rig.close_between(1200, 1300);
  rig.close_between(2000, 4000);
  rig.run_until(6000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 1000},
                                                 {"release", 1100},
                                                 {"press", 1200},
                                                 {"release", 1300},
                                                 {"press", 2000},
                                                 {"release", 4000}}));
}

TEST(Pushbutton, PressIsNeverDelayedEvenWithSuppress) {
  for (bool suppress : {false, true}) {
    SCOPED_TRACE(suppress);
    Rig rig;
    Pushbutton pb(rig.pin, {.suppress = suppress});
    pb.start(rig.loop);
    std::vector<std::int64_t> presses;
    pb.press_func([&] { presses.push_back(rig.loop.now().time_since_epoch().count()); });
    pb.release_func([] {});
    pb.double_func([] {});
    pb.long_func([] {});
    rig.close_between(100, 150);    // a click
    rig.close_between(250, 320);    // its second press: a double click
    rig.close_between(1000, 2400);  // a long press
    rig.run_until(4000);
    EXPECT_EQ(presses, (std::vector<std::int64_t>{100'000, 250'000, 1'000'000}));
  }
}

// --- timing edges
// --------------------------------------------------------------------------------------------

TEST(Pushbutton, SecondPressJustInsideTheDoubleClickWindowIsADoubleClick) {
  Rig rig;
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  log_all(pb, rig.log);
  rig.close_between(1000, 1100);
  rig.close_between(1399, 1500);  // 399 ms after the first press
  rig.run_until(3000);
  EXPECT_EQ(rig.log.entries,
            (std::vector<Entry>{
                {"press", 1000}, {"release", 1100}, {"press", 1399}, {"double", 1399}, {"release", 1500}}));
}

TEST(Pushbutton, SecondPressJustOutsideTheDoubleClickWindowIsAnotherClick) {
  for (bool suppress : {false, true}) {
    SCOPED_TRACE(suppress);
    Rig rig;
    Pushbutton pb(rig.pin, {.suppress = suppress});
    pb.start(rig.loop);
    log_all(pb, rig.log);
    rig.close_between(1000, 1100);
    rig.close_between(1401, 1500);  // 401 ms after the first press
    rig.run_until(3000);
    if (suppress) {
      EXPECT_EQ(rig.log.entries,
                (std::vector<Entry>{{"press", 1000}, {"release", 1400}, {"press", 1401}, {"release", 1801}}));
    } else {
      EXPECT_EQ(rig.log.entries,
                (std::vector<Entry>{{"press", 1000}, {"release", 1100}, {"press", 1401}, {"release", 1500}}));
    }
  }
}

TEST(Pushbutton, DoubleClickWindowIsAParameter) {
  Rig rig;
  Pushbutton pb(rig.pin, {.long_press_ms = 2000, .double_click_ms = 800});
  pb.start(rig.loop);
  pb.double_func([&] { rig.log.add("double"); });
  rig.close_between(1000, 1100);
  rig.close_between(1700, 1800);
  rig.close_between(3000, 3100);
  rig.close_between(3801, 3900);
  rig.run_until(6000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"double", 1700}}));
}

TEST(Pushbutton, LongPressFiresAtLongPressMsFromTheFirstEdge) {
  Rig rig;
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  pb.long_func([&] { rig.log.add("long"); });
  rig.pin.bounce(1000ms, 5, 2ms);  // closes at 1000 with bounce, stays closed
  rig.level_at(3000, true);
  rig.run_until(4000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"long", 2000}}));
}

TEST(Pushbutton, NoLongPressWhenReleasedJustBefore) {
  Rig rig;
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  log_all(pb, rig.log);
  rig.close_between(1000, 1999);
  rig.run_until(4000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 1000}, {"release", 1999}}));
}

TEST(Pushbutton, LongPressTimeIsAParameter) {
  Rig rig;
  Pushbutton pb(rig.pin, {.long_press_ms = 3000});
  pb.start(rig.loop);
  pb.long_func([&] { rig.log.add("long"); });
  rig.close_between(1000, 3500);
  rig.close_between(5000, 8500);
  rig.run_until(10000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"long", 8000}}));
}

// --- sense and active_low
// ------------------------------------------------------------------------------------

TEST(Pushbutton, SenseNoneReadsTheIdleLevelAtConstructionNormallyOpen) {
  Rig rig;  // to ground with a pull-up: idle 1, pressed 0
  Pushbutton pb(rig.pin);
  EXPECT_TRUE(pb.sense());
  EXPECT_FALSE(pb());
  ASSERT_TRUE(pb.rawstate().ok());
  EXPECT_FALSE(*pb.rawstate());
  pb.start(rig.loop);
  log_all(pb, rig.log);
  rig.close_between(100, 200, /*idle=*/true);
  rig.run_until(1000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 100}, {"release", 200}}));
}

TEST(Pushbutton, SenseNoneReadsTheIdleLevelAtConstructionNormallyClosed) {
  Rig rig({.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_up}, /*initial=*/0);  // idle 0, pressed 1
  Pushbutton pb(rig.pin);
  EXPECT_FALSE(pb.sense());
  EXPECT_FALSE(pb());
  pb.start(rig.loop);
  log_all(pb, rig.log);
  rig.close_between(100, 200, /*idle=*/false);
  rig.run_until(1000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 100}, {"release", 200}}));
  rig.pin.drive(true);
  EXPECT_TRUE(*pb.rawstate());
}

TEST(Pushbutton, ExplicitSenseIsTheLevelValueReadsAfterTheHalsActiveLow) {
  // A button to ground with a pull-up, the line requested active_low: value() reads 0 when idle, so sense 0.
  Rig rig({.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_up, .active_low = true}, /*initial=*/1);
  Pushbutton pb(rig.pin, {.sense = false});
  EXPECT_FALSE(pb());
  pb.start(rig.loop);
  log_all(pb, rig.log);
  rig.close_between(100, 200);
  rig.run_until(1000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 100}, {"release", 200}}));
}

TEST(Pushbutton, ASenseThatContradictsTheHalConfigMeansPressedAtIdle) {
  // Same line, but sense 1 (the electrical idle level): with active_low value() reads 0, so "pressed".
  Rig rig({.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_up, .active_low = true}, /*initial=*/1);
  Pushbutton pb(rig.pin, {.sense = true});
  EXPECT_TRUE(pb()) << "the seed's state at construction is rawstate()";
  pb.start(rig.loop);
  pb.press_func([&] { rig.log.add("press"); });
  pb.release_func([&] { rig.log.add("release"); });
  rig.close_between(100, 200);
  rig.run_until(1000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"release", 100}, {"press", 200}}));
}

// --- Events, coroutines, observer
// ----------------------------------------------------------------------------

TEST(Pushbutton, NullptrBindsTheEventOfTheSameName) {
  Rig rig;
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  pb.press_func(nullptr);
  pb.release_func(nullptr);
  pb.double_func(nullptr);
  pb.long_func(nullptr);
  rig.close_between(100, 150);
  rig.close_between(300, 1800);   // a double click whose second press is held: no long (the seed's #101)
  rig.close_between(3000, 4500);  // a long press
  auto waiter = [&]() -> Task<> {
    co_await pb.press.wait();
    rig.log.add("press");
    co_await pb.double_click.wait();
    rig.log.add("double");
    co_await pb.long_press.wait();
    rig.log.add("long");
    co_await sleep(1s);
  };
  rig.loop.run_until_complete(waiter());
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 100}, {"double", 300}, {"long", 4000}}));
  EXPECT_TRUE(pb.release.is_set()) << "Events stay set until the application clears them";
}

TEST(Pushbutton, ActionsWithArgumentsAndCoroutinesFollowLaunchRules) {
  Rig rig;
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  int presses = 0;
  pb.press_func([](int& n, int step) { n += step; }, std::ref(presses), 10);
  pb.release_func(
      [](Log& log) -> Task<> {
        co_await sleep(250ms);
        log.add("release, 250 ms later");
      },
      std::ref(rig.log));
  rig.close_between(100, 200);
  rig.run_until(1000);
  EXPECT_EQ(presses, 10);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"release, 250 ms later", 450}}));
}

TEST(Pushbutton, ObserverSeesEveryEventWithItsNameAndCountsAsAnAction) {
  Rig rig;
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  pb.set_observer([&rig](const ButtonReport& r) { rig.log.add_at(to_string(r.event), r.t_us); });
  rig.close_between(100, 150);
  rig.close_between(300, 400);
  rig.close_between(1000, 2200);
  rig.run_until(4000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 100},
                                                 {"release", 150},
                                                 {"press", 300},
                                                 {"double", 300},
                                                 {"release", 400},
                                                 {"press", 1000},
                                                 {"long", 2000},
                                                 {"release", 2200}}));
}

TEST(Pushbutton, ConstructedInsideARunningLoopItStartsAtOnce) {
  Rig rig;
  std::unique_ptr<Pushbutton> pb;
  rig.close_between(100, 200);
  auto main = [&]() -> Task<> {
    pb = std::make_unique<Pushbutton>(rig.pin);
    pb->press_func([&] { rig.log.add("press"); });
    co_await sleep(1s);
  };
  rig.loop.run_until_complete(main());
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 100}}));
  pb.reset();
}

// --- deinit, destruction, replacement
// ------------------------------------------------------------------------

TEST(Pushbutton, DestroyedWhileItsTimersRunNothingFiresAfterwards) {
  for (std::int64_t destroy_at : {20, 100, 150, 300, 1200}) {
    SCOPED_TRACE(destroy_at);
    Rig rig;
    auto pb = std::make_unique<Pushbutton>(rig.pin, ButtonConfig{.suppress = true});
    pb->start(rig.loop);
    log_all(*pb, rig.log);
    rig.close_between(10, 110);    // timers: double until 410, long stopped at 110; hold until 160
    rig.close_between(250, 1500);  // the double click's second press
    rig.run_until(destroy_at);
    pb.reset();
    rig.run_until(5000);
    for (const Entry& e : rig.log.entries)
      EXPECT_LE(e.t_ms, destroy_at) << e;
  }
}

TEST(Pushbutton, DeinitStopsTasksAndTimersForGood) {
  Rig rig;
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  log_all(pb, rig.log);
  rig.close_between(100, 1500);
  rig.close_between(3000, 3100);
  rig.run_until(200);
  pb.deinit();
  pb.deinit();
  pb.start(rig.loop);  // nothing after deinit
  rig.run_until(5000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 100}}));
}

TEST(Pushbutton, AnActionMayDeinitOrDestroyItsButton) {
  {
    Rig rig;
    auto pb = std::make_unique<Pushbutton>(rig.pin);
    pb->start(rig.loop);
    pb->press_func([&] {
      rig.log.add("press");
      pb.reset();  // from inside the debouncing task
    });
    rig.close_between(100, 1500);
    rig.run_until(3000);
    EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 100}}));
  }
  {
    Rig rig;
    auto pb = std::make_unique<Pushbutton>(rig.pin);
    pb->start(rig.loop);
    pb->long_func([&] {
      rig.log.add("long");
      pb.reset();  // from inside a timer's expiry
    });
    pb->release_func([&] { rig.log.add("release"); });
    rig.close_between(100, 1500);
    rig.run_until(3000);
    EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"long", 1100}}));
  }
  {
    Rig rig;
    Pushbutton pb(rig.pin);
    pb.start(rig.loop);
    pb.press_func([&] {
      rig.log.add("press");
      pb.deinit();
    });
    pb.long_func([&] { rig.log.add("long"); });
    pb.double_func([&] { rig.log.add("double"); });
    rig.close_between(100, 150);
    rig.close_between(200, 1500);
    rig.run_until(3000);
    EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 100}}));
  }
}

TEST(Pushbutton, ALongActionMayReplaceEveryActionItsOwnIncluded) {
  // The seed's btn_dynamic: a long press swaps the actions for new ones.
  Rig rig;
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  pb.press_func([&] { rig.log.add("press 1"); });
  pb.long_func([&] {
    rig.log.add("long 1");
    pb.press_func([&] { rig.log.add("press 2"); });
    pb.release_func([&] { rig.log.add("release 2"); });
    pb.long_func([&] { rig.log.add("long 2"); });
  });
  rig.close_between(100, 1300);
  rig.close_between(2000, 3200);
  rig.run_until(5000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press 1", 100},
                                                 {"long 1", 1100},
                                                 {"release 2", 1300},
                                                 {"press 2", 2000},
                                                 {"long 2", 3000},
                                                 {"release 2", 3200}}));
}

TEST(Pushbutton, AReleasedLineEndsItsTaskWithTheError) {
  Rig rig;
  Pushbutton pb(rig.pin);
  pb.start(rig.loop);
  log_all(pb, rig.log);
  rig.close_between(100, 200);
  rig.run_until(500);
  rig.pin.release();
  rig.run_until(1000);
  EXPECT_EQ(pb.error().kind, hal::IoErrc::closed);
  EXPECT_FALSE(pb.rawstate().ok());
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"press", 100}, {"release", 200}}));
}

}  // namespace
}  // namespace aiopi::drivers
