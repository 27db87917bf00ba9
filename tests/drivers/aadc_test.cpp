// AADC on the simulated board's ADC (SimAdc, a reading as a function of virtual time): absolute, relative
// and repeated bounds, both senses, the poll period, errors, several waiters, cancellation, destruction, and
// the seed's adctest.py scenario (seed-features.md §8.7).
#include "aiopi/drivers/aadc.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_analog.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "support/co_assert.hpp"

namespace aiopi::drivers {
namespace {

using hal::IoErrc;
using hal::IoResult;
using namespace std::chrono_literals;

class AadcTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};
  sim::SimAdc adc{loop};

  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }
  void run(Task<> t) { loop.run_until_complete(std::move(t)); }
};

/// `co_await aadc(...)` as a Task, for wait_for and for tasks of their own.
Task<IoResult<std::uint16_t>> await_bounds(AADC& a, std::int32_t lo, std::int32_t hi) {
  co_return co_await a(lo, hi);
}
Task<IoResult<std::uint16_t>> await_previous(AADC& a) {
  co_return co_await a();
}

TEST_F(AadcTest, SeedAdctestInRangeThenRelativeSteps) {
  // adctest.py: a DAC sawtooth rising 1 LSB (12 bits: 16 in read_u16 units) every 50 ms, looped into the
  // ADC. sense(False) + aadc(5000, 10000) returns about 5000 (the first value in range); then sense(True) +
  // aadc(2000) returns each time the value moved more than 2000 from the last reading (about every 6.25 s).
  adc.set_signal([](std::int64_t t) { return static_cast<std::uint16_t>(16 * ((t / 50'000) % 4096)); });
  AADC aadc(adc);
  std::vector<std::uint16_t> values;
  std::vector<std::int64_t> times;
  run([&]() -> Task<> {
    aadc.sense(false);
    IoResult<std::uint16_t> v = co_await aadc(5000, 10000);
    CO_ASSERT(v.ok());
    values.push_back(*v);
    times.push_back(now_us());
    aadc.sense(true);
    for (int i = 0; i < 3; ++i) {
      v = co_await aadc(2000);
      CO_ASSERT(v.ok());
      values.push_back(*v);
      times.push_back(now_us());
    }
  }());
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[0], 5008);  // 313 steps: 15.65 s
  EXPECT_GE(times[0], 15'650'000);
  EXPECT_LT(times[0], 15'650'000 + 10'000);  // caught at the first poll after
  EXPECT_EQ(values[1], 5008 + 2016);         // first value above 5008 + 2000
  EXPECT_EQ(values[2], 5008 + 2 * 2016);
  EXPECT_EQ(values[3], 5008 + 3 * 2016);
  for (std::size_t i = 1; i < times.size(); ++i)
    EXPECT_NEAR(static_cast<double>(times[i] - times[i - 1]), 6'300'000.0, 10'000.0) << i;
  EXPECT_EQ(aadc.lower(), 5008 + 2 * 2016 - 2000);
  EXPECT_EQ(aadc.upper(), 5008 + 2 * 2016 + 2000);
}

TEST_F(AadcTest, ReturnsAtOnceWhenTheConditionHoldsAlready) {
  adc.set_value(30000);
  AADC aadc(adc);
  run([&]() -> Task<> {
    IoResult<std::uint16_t> v = co_await aadc(0, 1000);  // default sense: outside the bounds
    CO_ASSERT(v.ok());
    EXPECT_EQ(*v, 30000);
    EXPECT_EQ(now_us(), 0);
    aadc.sense(false);
    v = co_await aadc(29000, 31000);
    CO_ASSERT(v.ok());
    EXPECT_EQ(*v, 30000);
    co_return;
  }());
  EXPECT_EQ(adc.reads(), 2u);
}

TEST_F(AadcTest, InitialBoundsInTheDefaultSenseNeverComplete) {
  adc.set_value(65535);
  AADC aadc(adc);
  run([&]() -> Task<> {
    EXPECT_EQ(aadc.lower(), 0);
    EXPECT_EQ(aadc.upper(), 65535);
    auto r = co_await wait_for(await_previous(aadc), 5s);
    EXPECT_TRUE(r.timed_out());
  }());
  // One read at the await, then one per 10 ms until the timeout (the last poll and the timeout coincide).
  EXPECT_GE(adc.reads(), 1u + 499u);
  EXPECT_LE(adc.reads(), 1u + 500u);
}

TEST_F(AadcTest, PollsEveryPollMs) {
  adc.set_signal([](std::int64_t t) -> std::uint16_t { return t < 1'000'000 ? 100 : 50000; });
  AADC aadc(adc, {.poll_ms = 25});
  std::int64_t at = -1;
  run([&]() -> Task<> {
    IoResult<std::uint16_t> v = co_await aadc(0, 1000);
    CO_ASSERT(v.ok());
    EXPECT_EQ(*v, 50000);
    at = now_us();
  }());
  EXPECT_EQ(at, 1'000'000);
  EXPECT_EQ(adc.reads(), 1u + 40u);
}

TEST_F(AadcTest, RelativeBoundsReadFirstWhenNothingWasRead) {
  std::uint16_t level = 20000;
  adc.set_signal([&level](std::int64_t) { return level; });
  AADC aadc(adc);
  run([&]() -> Task<> {
    auto later = [&]() -> Task<> {
      co_await sleep_ms(100);
      level = 20400;  // inside +-500: nothing
      co_await sleep_ms(100);
      level = 19400;  // outside
    };
    auto t = create_task(later());
    IoResult<std::uint16_t> v = co_await aadc(500);
    CO_ASSERT(v.ok());
    EXPECT_EQ(*v, 19400);
    EXPECT_EQ(aadc.lower(), 19500);
    EXPECT_EQ(aadc.upper(), 20500);
    EXPECT_GE(now_us(), 200'000);
    co_await t;
  }());
}

TEST_F(AadcTest, ReadU16FreshAndLast) {
  adc.set_value(1234);
  AADC aadc(adc);
  EXPECT_EQ(aadc.read_u16(true).error(), IoErrc::invalid_argument);
  ASSERT_TRUE(aadc.read_u16().ok());
  adc.set_value(4321);
  EXPECT_EQ(*aadc.read_u16(true), 1234);
  EXPECT_EQ(*aadc.read_u16(), 4321);
  EXPECT_EQ(*aadc.read_u16(true), 4321);
}

TEST_F(AadcTest, AReadErrorEndsTheWaitWithIt) {
  adc.set_value(500);
  AADC aadc(adc);
  run([&]() -> Task<> {
    auto breaker = [&]() -> Task<> {
      co_await sleep_ms(55);
      adc.fail_next(IoErrc::io);
    };
    auto t = create_task(breaker());
    IoResult<std::uint16_t> v = co_await aadc(0, 1000);
    EXPECT_EQ(v.error(), IoErrc::io);
    EXPECT_EQ(now_us(), 60'000);
    co_await t;
    // A relative wait whose first read fails returns the error at once.
    AADC fresh(adc);
    adc.fail_next(IoErrc::timeout);
    v = co_await fresh(100);
    EXPECT_EQ(v.error(), IoErrc::timeout);
  }());
}

TEST_F(AadcTest, OneReadingReleasesEveryWaiterAndTellsTheObserverOnce) {
  adc.set_signal([](std::int64_t t) -> std::uint16_t { return t < 300'000 ? 10'000 : 12'345; });
  AADC aadc(adc, {.poll_ms = 7});
  std::vector<AadcReport> reports;
  aadc.set_observer([&reports](const AadcReport& r) { reports.push_back(r); });
  std::vector<std::uint16_t> got;
  run([&]() -> Task<> {
    auto waiter = [&](std::int64_t delay_ms) -> Task<> {
      co_await sleep_ms(delay_ms);
      IoResult<std::uint16_t> v = co_await aadc();
      CO_ASSERT(v.ok());
      got.push_back(*v);
    };
    (void)aadc(9000, 11000);  // sets the bounds (the trigger itself is dropped unawaited)
    auto a = create_task(waiter(0));
    auto b = create_task(waiter(3));
    auto c = create_task(waiter(5));
    co_await a;
    co_await b;
    co_await c;
  }());
  EXPECT_EQ(got, (std::vector<std::uint16_t>{12'345, 12'345, 12'345}));
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, AadcEvent::out_of_range);
  EXPECT_STREQ(to_string(reports[0].kind), "out_of_range");
  EXPECT_EQ(reports[0].value, 12'345);
  EXPECT_EQ(reports[0].lower, 9000);
  EXPECT_EQ(reports[0].upper, 11000);
  EXPECT_EQ(reports[0].t_us, 301'000);  // the first waiter polls at 7 ms multiples
}

TEST_F(AadcTest, InRangeReportsItsKind) {
  adc.set_signal([](std::int64_t t) -> std::uint16_t { return t < 50'000 ? 0 : 700; });
  AADC aadc(adc, {.sense = false});
  std::vector<AadcReport> reports;
  aadc.set_observer([&reports](const AadcReport& r) { reports.push_back(r); });
  run([&]() -> Task<> {
    IoResult<std::uint16_t> v = co_await aadc(600, 800);
    CO_ASSERT(v.ok());
    EXPECT_EQ(*v, 700);
  }());
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, AadcEvent::in_range);
  EXPECT_STREQ(to_string(reports[0].kind), "in_range");
}

TEST_F(AadcTest, ACancelledWaitStopsPolling) {
  adc.set_value(100);
  AADC aadc(adc);
  run([&]() -> Task<> {
    auto r = co_await wait_for(await_bounds(aadc, 0, 1000), 100ms);
    EXPECT_TRUE(r.timed_out());
    const std::size_t reads = adc.reads();
    co_await sleep_ms(1000);
    EXPECT_EQ(adc.reads(), reads) << "the cancelled waiter's timer is disarmed";
    adc.set_value(5000);
    IoResult<std::uint16_t> v = co_await aadc();
    EXPECT_EQ(*v, 5000);
  }());
}

TEST_F(AadcTest, DestroyedWhileTasksWaitReleasesThemWithClosed) {
  adc.set_value(100);
  auto aadc = std::make_unique<AADC>(adc);
  std::vector<IoErrc> results;
  run([&]() -> Task<> {
    auto waiter = [&]() -> Task<> {
      IoResult<std::uint16_t> v = co_await (*aadc)(0, 1000);
      results.push_back(v.error().kind);
    };
    auto a = create_task(waiter());
    auto b = create_task(waiter());
    co_await sleep_ms(35);
    aadc.reset();
    co_await a;
    co_await b;
    const std::size_t reads = adc.reads();
    co_await sleep_ms(100);
    EXPECT_EQ(adc.reads(), reads);
  }());
  EXPECT_EQ(results, (std::vector<IoErrc>{IoErrc::closed, IoErrc::closed}));
}

TEST_F(AadcTest, DestroyedByItsObserver) {
  adc.set_signal([](std::int64_t t) -> std::uint16_t { return t < 20'000 ? 0 : 40'000; });
  auto aadc = std::make_unique<AADC>(adc);
  int calls = 0;
  aadc->set_observer([&](const AadcReport&) {
    ++calls;
    aadc.reset();
  });
  run([&]() -> Task<> {
    IoResult<std::uint16_t> v = co_await (*aadc)(0, 1000);
    EXPECT_EQ(*v, 40'000);
    co_await sleep_ms(50);
  }());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(aadc, nullptr);
}

}  // namespace
}  // namespace aiopi::drivers
