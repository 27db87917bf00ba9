// ESwitch on the simulated board's virtual clock: the close and open Events with debouncing, lopen, the
// logical state, the observer, and deinit (which the seed's code gets wrong) and destruction at any time.
#include "aiopi/drivers/eswitch.hpp"

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

Task<> watch(Event& e, Log& log, const char* name) {
  for (;;) {
    co_await e.wait();
    e.clear();
    log.add(name);
  }
}

void run_watching(Rig& rig, ESwitch& sw, std::int64_t until_ms) {
  auto main = [&]() -> Task<> {
    TaskHandle<void> c = create_task(watch(sw.close, rig.log, "close"));
    TaskHandle<void> o = create_task(watch(sw.open, rig.log, "open"));
    co_await sleep_until(TimePoint(std::chrono::milliseconds(until_ms)));
    c.cancel();
    o.cancel();
    co_await c.wait_outcome();
    co_await o.wait_outcome();
  };
  rig.loop.run_until_complete(main());
}

TEST(ESwitch, EventsOnCloseAndOpenWithBounceIgnored) {
  Rig rig;
  ESwitch sw(rig.pin);
  sw.start(rig.loop);
  EXPECT_FALSE(sw()) << "logical state: 0 = open";
  rig.pin.bounce(100ms, 5, 3ms);
  rig.pin.bounce(500ms, 9, 2ms);
  run_watching(rig, sw, 1000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close", 100}, {"open", 500}}));
}

TEST(ESwitch, LogicalStateIsOneWhileClosed) {
  Rig rig;
  ESwitch sw(rig.pin);
  sw.start(rig.loop);
  rig.level_at(100, false);
  rig.run_until(200);
  EXPECT_TRUE(sw());
  EXPECT_TRUE(sw.closed());
  EXPECT_TRUE(sw.close.is_set());
  EXPECT_FALSE(sw.open.is_set());
}

TEST(ESwitch, LopenZeroForASwitchToTheSupply) {
  // A switch to 3V3 with a pull-down: reads 0 when open.
  Rig rig({.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_down}, 0);
  ESwitch sw(rig.pin, {.lopen = false});
  sw.start(rig.loop);
  EXPECT_FALSE(sw());
  rig.close_between(100, 300, /*idle=*/false);
  run_watching(rig, sw, 1000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close", 100}, {"open", 300}}));
}

TEST(ESwitch, ObserverSeesEveryChange) {
  Rig rig;
  ESwitch sw(rig.pin);
  sw.start(rig.loop);
  sw.set_observer([&rig](const SwitchReport& r) { rig.log.add_at(to_string(r.event), r.t_us); });
  rig.close_between(100, 130);  // opens within the debounce time: seen at its end, stamped with its edge
  rig.close_between(400, 600);
  rig.run_until(1000);
  EXPECT_EQ(rig.log.entries,
            (std::vector<Entry>{{"close", 100}, {"open", 130}, {"close", 400}, {"open", 600}}));
}

TEST(ESwitch, WithoutEdgeDetectionItSamplesEveryDebounceMs) {
  Rig rig({.edges = hal::EdgeMode::none, .bias = hal::Bias::pull_up});
  ESwitch sw(rig.pin);
  sw.start(rig.loop);
  rig.close_between(120, 330);
  run_watching(rig, sw, 1000);
  EXPECT_EQ(rig.log.entries, (std::vector<Entry>{{"close", 150}, {"open", 350}}));
}

TEST(ESwitch, DeinitStopsTheTaskAndClearsBothEvents) {
  // The seed's deinit() raises (it cancels a method, not its task); here it does what it means to.
  Rig rig;
  ESwitch sw(rig.pin);
  sw.start(rig.loop);
  rig.close_between(100, 300);
  rig.close_between(500, 700);
  rig.run_until(400);
  EXPECT_TRUE(sw.close.is_set());
  EXPECT_TRUE(sw.open.is_set());
  sw.deinit();
  EXPECT_FALSE(sw.close.is_set());
  EXPECT_FALSE(sw.open.is_set());
  rig.run_until(1000);
  EXPECT_FALSE(sw.close.is_set());
  EXPECT_FALSE(sw.open.is_set());
  sw.deinit();
}

TEST(ESwitch, DestroyedAtAnyTime) {
  for (std::int64_t destroy_at : {50, 100, 120, 300}) {
    SCOPED_TRACE(destroy_at);
    Rig rig;
    auto sw = std::make_unique<ESwitch>(rig.pin);
    sw->start(rig.loop);
    sw->set_observer([&rig](const SwitchReport& r) { rig.log.add_at(to_string(r.event), r.t_us); });
    rig.close_between(100, 400);
    rig.run_until(destroy_at);
    sw.reset();
    rig.run_until(1000);
    for (const Entry& e : rig.log.entries)
      EXPECT_LE(e.t_ms, destroy_at) << e;
  }
}

}  // namespace
}  // namespace aiopi::drivers
