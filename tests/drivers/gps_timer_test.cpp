// GPS_Timer on the virtual clock: a simulated PPS line (100 ms pulses on whole seconds) and RMCs over a
// simulated UART 300 ms after each pulse, as a 9600-baud receiver sends them. The seed's as_GPS_time demo
// (time(): the precise time of day between pulses), midnight, month and year ends with a local offset,
// 5 Hz and 0.5 Hz update rates, a late task, the pps callback and the observer's "pps" report, deinit.
#include "aiopi/drivers/gps_timer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_digital.hpp"
#include "aiopi/sim/sim_uart.hpp"
#include "support/co_assert.hpp"

namespace aiopi::drivers {
namespace {

using namespace std::chrono_literals;

std::string rmc(std::string_view hhmmss_ss, std::string_view ddmmyy) {
  std::string body = "GPRMC," + std::string(hhmmss_ss) + ",A,5130.4421,N,00007.6540,W,0.02,0.00," +
                     std::string(ddmmyy) + ",,,A";
  unsigned sum = 0;
  for (char c : body)
    sum ^= static_cast<unsigned char>(c);
  char tail[8];
  std::snprintf(tail, sizeof tail, "*%02X\r\n", sum);
  return "$" + body + tail;
}

struct SimPps : ::testing::Test {
  sim::SimBackend backend;
  Loop loop{backend};
  sim::SimUart uart{loop, {.baud = 9600}, {.rx = 512, .tx = 64}};
  sim::SimDigitalInput pps{loop, {.edges = hal::EdgeMode::both}, 0};
  std::vector<std::string> lines;  // kept alive for the UART's schedule

  /// PPS pulses (100 ms high) at each of `seconds` (virtual time).
  void pulses(std::initializer_list<int> seconds) {
    for (int s : seconds) {
      pps.schedule_edges({{std::chrono::seconds(s), true}, {std::chrono::seconds(s) + 100ms, false}});
    }
  }
  void send_at(Duration at, std::string line) {
    lines.push_back(std::move(line));
    uart.schedule({{at, lines.back()}});
  }
  /// Runs `body` on the loop with GPS and timer started.
  template <class F>
  void run(GPS& gps, GPS_Timer& timer, F body) {
    loop.run_until_complete([&]() -> Task<> {
      gps.start();
      timer.start();
      co_await body();
    }());
  }
  static Task<> until(std::int64_t us) { co_await sleep_until(TimePoint(Duration(us))); }
};

TEST_F(SimPps, TimeOfDayBetweenPulses_SeedTimeDemo) {
  pulses({1, 2, 3, 4});
  send_at(1300ms, rmc("083559.00", "150624"));
  send_at(2300ms, rmc("083600.00", "150624"));
  send_at(3300ms, rmc("083601.00", "150624"));
  GPS gps(uart.reader());
  GPS_Timer timer(gps, pps);
  std::int64_t ready_at = -1;
  std::vector<GPS_Timer::TSplit> splits;
  std::vector<std::int64_t> ms;
  run(gps, timer, [&]() -> Task<> {
    co_await timer.ready();
    ready_at = loop.now().time_since_epoch().count();
    co_await until(2'000'123);
    splits.push_back(timer.get_t_split());
    ms.push_back(timer.get_ms());
    co_await until(2'999'999);
    splits.push_back(timer.get_t_split());
    co_await until(3'500'000);
    splits.push_back(timer.get_t_split());
    ms.push_back(timer.get_ms());
    co_await until(4'000'000);
    splits.push_back(timer.get_t_split());
    co_await until(4'200'000);
  });
  EXPECT_EQ(ready_at, 2'000'000);  // the pulse at 1 s came before any RMC
  ASSERT_EQ(splits.size(), 4u);
  EXPECT_EQ(splits[0], (GPS_Timer::TSplit{8, 36, 0, 123}));
  EXPECT_EQ(splits[1], (GPS_Timer::TSplit{8, 36, 0, 999'999}));
  EXPECT_EQ(splits[2], (GPS_Timer::TSplit{8, 36, 1, 500'000}));
  EXPECT_EQ(splits[3], (GPS_Timer::TSplit{8, 36, 2, 0}));
  EXPECT_EQ(ms, (std::vector<std::int64_t>{30'960'000, 30'961'500}));
  EXPECT_EQ(timer.pps_count(), 3u);
  EXPECT_EQ(timer.skipped(), 1u);
  EXPECT_EQ(timer.acquired_us(), 4'000'000);
  EXPECT_EQ(timer.pps_utc_ms(), 1'718'440'562'000);
  EXPECT_EQ(timer.utc_us(4'100'000), 1'718'440'562'100'000);
}

struct MidnightCase {
  const char* date;
  double offset_h;
  civil::Ymd local_date;
  GPS_Timer::TSplit at_250ms;
};

TEST_F(SimPps, MidnightMonthAndYearEndsWithLocalOffset) {
  const MidnightCase cases[] = {
      {"311224", 0, {2025, 1, 1}, {0, 0, 0, 250'000}},      // UTC year end (as_tGPS skips this edge)
      {"311224", 1, {2025, 1, 1}, {1, 0, 0, 250'000}},      //
      {"311224", -5, {2024, 12, 31}, {19, 0, 0, 250'000}},  //
      {"280224", 0, {2024, 2, 29}, {0, 0, 0, 250'000}},     // leap year
      {"280223", 0, {2023, 3, 1}, {0, 0, 0, 250'000}},      // not a leap year
      {"300424", 5.5, {2024, 5, 1}, {5, 30, 0, 250'000}},   // 30-day month
  };
  for (const MidnightCase& c : cases) {
    SCOPED_TRACE(std::string(c.date) + " offset " + std::to_string(c.offset_h));
    sim::SimBackend b;
    Loop l{b};
    sim::SimUart u{l, {.baud = 9600}, {.rx = 512, .tx = 64}};
    sim::SimDigitalInput p{l, {.edges = hal::EdgeMode::rising}, 0};
    const std::string line = rmc("235959.00", c.date);
    u.schedule({{1300ms, line}});
    p.schedule_edges({{2000ms, true}, {2100ms, false}});
    GPS gps(u.reader(), {.local_offset_h = c.offset_h});
    GPS_Timer timer(gps, p);
    GPS_Timer::TSplit split;
    civil::Ymd date{};
    std::int64_t ms = -1;
    l.run_until_complete([&]() -> Task<> {
      gps.start();
      timer.start();
      co_await sleep_until(TimePoint(2250ms));
      split = timer.get_t_split();
      date = timer.local_date();
      ms = timer.get_ms();
    }());
    EXPECT_EQ(split, c.at_250ms);
    EXPECT_EQ(date, c.local_date);
    EXPECT_EQ(ms, ((split.hours * 60 + split.minutes) * 60 + split.seconds) * 1000 + split.us / 1000);
    // Just before the edge, the day before (UTC 23:59:59.999).
    EXPECT_EQ(timer.get_t_split(1'999'000).us, 999'000);
  }
}

TEST_F(SimPps, FiveHertzUpdates) {
  pulses({2, 3});
  for (int k = 0; k < 5; ++k) {
    char t[16];
    std::snprintf(t, sizeof t, "083559.%02d", 20 * k);
    send_at(std::chrono::milliseconds(1100 + 200 * k), rmc(t, "150624"));
    std::snprintf(t, sizeof t, "083600.%02d", 20 * k);
    send_at(std::chrono::milliseconds(2100 + 200 * k), rmc(t, "150624"));
  }
  GPS gps(uart.reader());
  GPS_Timer timer(gps, pps);
  std::vector<GPS_Timer::TSplit> splits;
  run(gps, timer, [&]() -> Task<> {
    co_await until(2'500'000);
    splits.push_back(timer.get_t_split());
    co_await until(3'000'010);
    splits.push_back(timer.get_t_split());
  });
  ASSERT_EQ(splits.size(), 2u);
  EXPECT_EQ(splits[0], (GPS_Timer::TSplit{8, 36, 0, 500'000}));
  EXPECT_EQ(splits[1], (GPS_Timer::TSplit{8, 36, 1, 10}));
}

TEST_F(SimPps, TwoSecondUpdates_EdgeIsTheNextSecondNotRmcPlusInterval) {
  pulses({2, 3, 4});
  send_at(1300ms, rmc("083559.00", "150624"));
  send_at(3300ms, rmc("083601.00", "150624"));
  GPS gps(uart.reader());
  GPS_Timer timer(gps, pps);
  std::vector<GPS_Timer::TSplit> splits;
  run(gps, timer, [&]() -> Task<> {
    co_await until(2'250'000);
    splits.push_back(timer.get_t_split());
    co_await until(3'250'000);  // the pulse at 3 s had no new RMC: the clock runs on from 2 s
    splits.push_back(timer.get_t_split());
    co_await until(4'250'000);
    splits.push_back(timer.get_t_split());
  });
  ASSERT_EQ(splits.size(), 3u);
  EXPECT_EQ(splits[0], (GPS_Timer::TSplit{8, 36, 0, 250'000}));
  EXPECT_EQ(splits[1], (GPS_Timer::TSplit{8, 36, 1, 250'000}));
  EXPECT_EQ(splits[2], (GPS_Timer::TSplit{8, 36, 2, 250'000}));
  EXPECT_EQ(timer.skipped(), 1u);
}

TEST_F(SimPps, LateEdgeIsDatedByItsTimestamp) {
  send_at(1300ms, rmc("083600.00", "150624"));
  GPS gps(uart.reader());
  GPS_Timer timer(gps, pps);
  GPS_Timer::TSplit split;
  run(gps, timer, [&]() -> Task<> {
    co_await until(1'500'000);
    // The edge of 1 s reaches the timer only now (a busy loop, a late IRQ inbox): the RMC read at 1.3 s
    // came after it, so it names the second the edge starts.
    pps.schedule_edges({{1s, true}});
    co_await until(1'600'000);
    split = timer.get_t_split();
  });
  EXPECT_EQ(timer.acquired_us(), 1'000'000);
  EXPECT_EQ(split, (GPS_Timer::TSplit{8, 36, 0, 600'000}));
}

TEST_F(SimPps, PpsCallbackAndObserverReport) {
  pulses({1, 2, 3});
  send_at(1300ms, rmc("083559.00", "150624"));
  send_at(2300ms, rmc("083600.00", "150624"));
  GPS gps(uart.reader());
  GPS_Timer timer(gps, pps);
  int calls = 0;
  std::vector<std::int64_t> call_ms;
  timer.set_pps_callback([&] {
    ++calls;
    call_ms.push_back(timer.get_ms());
  });
  std::vector<GpsReport> reports;
  timer.set_observer([&](const GpsReport& r) { reports.push_back(r); });
  run(gps, timer, [&]() -> Task<> { co_await until(3'500'000); });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(call_ms, (std::vector<std::int64_t>{30'960'000, 30'961'000}));
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_STREQ(to_string(reports[0].event), "pps");
  EXPECT_EQ(reports[0].t_us, 2'000'000);
  EXPECT_EQ(reports[0].utc_epoch_s, 1'718'440'560);
  EXPECT_EQ(reports[0].utc_ms, 0);
  EXPECT_NEAR(reports[0].latitude, 51.507368, 1e-6);
  EXPECT_EQ(reports[1].t_us, 3'000'000);
  EXPECT_EQ(reports[1].utc_epoch_s, 1'718'440'561);
}

TEST_F(SimPps, DeinitStopsDatingAndDestructionIsSafe) {
  pulses({2, 3, 4});
  send_at(1300ms, rmc("083559.00", "150624"));
  send_at(2300ms, rmc("083600.00", "150624"));
  send_at(3300ms, rmc("083601.00", "150624"));
  GPS gps(uart.reader());
  auto timer = std::make_unique<GPS_Timer>(gps, pps);
  GPS_Timer::TSplit split;
  run(gps, *timer, [&]() -> Task<> {
    co_await until(2'500'000);
    timer->deinit();
    co_await until(3'500'000);
    split = timer->get_t_split();  // still running from the edge at 2 s
    EXPECT_EQ(timer->pps_count(), 1u);
    timer->start();
    co_await until(4'100'000);
    EXPECT_EQ(timer->pps_count(), 2u);
    EXPECT_EQ(timer->get_t_split(), (GPS_Timer::TSplit{8, 36, 2, 100'000}));
    timer.reset();  // destroyed with its task waiting for an edge
    co_await until(6'000'000);
  });
  EXPECT_EQ(split, (GPS_Timer::TSplit{8, 36, 1, 500'000}));
}

TEST_F(SimPps, ReleasedLineEndsTheTask) {
  GPS gps(uart.reader());
  GPS_Timer timer(gps, pps);
  run(gps, timer, [&]() -> Task<> {
    co_await until(100'000);
    pps.release();
    co_await until(200'000);
  });
  EXPECT_FALSE(timer.running());
  EXPECT_EQ(timer.error().kind, hal::IoErrc::closed);
  EXPECT_FALSE(timer.is_ready());
}

}  // namespace
}  // namespace aiopi::drivers
