// GPS on the simulated board: the reader task over a SimUart (the seed's astests_pyb: the §4.7 sentences over
// a UART, with a fix callback), data_received / get_satellite_data on the virtual clock, the observer's "fix"
// and "satellites" reports, the end of the stream, deinit and destruction while tasks wait, and the
// read/write driver's PMTK commands and replies (the seed's ast_pbrw sequence against a model MTK receiver).
#include "aiopi/drivers/gps.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_stream_pair.hpp"
#include "aiopi/sim/sim_uart.hpp"
#include "support/co_assert.hpp"

namespace aiopi::drivers {
namespace {

using namespace std::chrono_literals;
using hal::IoErrc;

constexpr std::string_view kRmc = "$GPRMC,083559.00,A,5130.4421,N,00007.6540,W,3.21,47.50,150624,,,A*78\r\n";
constexpr std::string_view kGga =
    "$GPGGA,083559.00,5130.4421,N,00007.6540,W,1,09,0.92,35.4,M,45.3,M,,*7A\r\n";
constexpr std::string_view kGgaNoFix = "$GPGGA,083600.00,,,,,0,00,99.99,,,,,,*6B\r\n";
constexpr std::string_view kGll = "$GPGLL,5130.4421,N,00007.6540,W,083559.00,A,A*7D\r\n";
constexpr std::string_view kVtg = "$GPVTG,47.50,T,,M,3.21,N,5.94,K,A*03\r\n";
constexpr std::string_view kGsv1 = "$GPGSV,2,1,07,05,38,291,42,12,64,105,45,15,22,048,37,18,11,318,33*74\r\n";
constexpr std::string_view kGsv2 = "$GPGSV,2,2,07,24,56,176,44,25,31,236,40,29,09,072,30*49\r\n";

std::string sentence(std::string_view body) {
  unsigned sum = 0;
  for (char c : body)
    sum ^= static_cast<unsigned char>(c);
  char tail[8];
  std::snprintf(tail, sizeof tail, "*%02X\r\n", sum);
  return "$" + std::string(body) + tail;
}

struct SimGps : ::testing::Test {
  sim::SimBackend backend;
  Loop loop{backend};
  sim::SimUart uart{loop, {.baud = 9600}, {.rx = 256, .tx = 256}};
  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }
};

TEST_F(SimGps, SentencesOverTheUart_CountersAndFixCallback) {
  // astests_pyb: the §4.7 sentences over a UART, a callback reporting UTC with an extra argument (42).
  const std::string all =
      std::string(kRmc) + "$GNRMC,235959.000,A,3352.1234,S,15112.5678,E,0.00,0.00,311224,,,A*62\r\n" +
      std::string(kGga) + std::string(kGgaNoFix) + std::string(kGll) + std::string(kVtg) +
      "$GPGSA,A,3,05,12,15,18,24,25,29,,,,,,1.60,0.92,1.31*0C\r\n" + std::string(kGsv1) + std::string(kGsv2) +
      "$GPRMC,083601.00,V,,,,,,,150624,,,N*75\r\n" + "$GPZDA,083559.00,15,06,2024,00,00*62\r\n" +
      "$GLGSV,1,1,02,70,45,120,38,71,20,300,31*6C\r\n" +
      "$GPRMC,083559.00,A,5130.4421,N,00007.6540,W,3.21,47.50,150624,,,A*00\r\n";
  // At 9600 baud a byte takes ~1 ms: deliver it in 20-byte chunks 20 ms apart, splitting sentences anywhere.
  std::vector<std::string> chunks;
  for (std::size_t i = 0; i < all.size(); i += 20)
    chunks.push_back(all.substr(i, 20));
  for (std::size_t i = 0; i < chunks.size(); ++i)
    uart.schedule({{std::chrono::milliseconds(20 * (i + 1)), chunks[i]}});
  GPS gps(uart.reader(), {.cb_mask = nmea::ALL});
  std::vector<std::uint8_t> types;
  std::vector<Hms> utc;
  const int extra = 42;
  gps.set_fix_callback([&, extra](std::uint8_t t) {
    types.push_back(t);
    utc.push_back(gps.utc());
    EXPECT_EQ(extra, 42);
  });
  loop.run_until_complete([&]() -> Task<> {
    gps.start();
    co_await sleep(std::chrono::milliseconds(20 * (chunks.size() + 1)));
  }());
  EXPECT_EQ(gps.clean_sentences(), 12u);
  EXPECT_EQ(gps.parsed_sentences(), 11u);
  EXPECT_EQ(gps.unsupported_sentences(), 1u);
  EXPECT_EQ(gps.crc_fails(), 1u);
  EXPECT_EQ(types, (std::vector<std::uint8_t>{nmea::RMC, nmea::RMC, nmea::GGA, nmea::GGA, nmea::GLL,
                                              nmea::VTG, nmea::GSA, nmea::GSV, nmea::GSV, nmea::GSV}));
  ASSERT_EQ(utc.size(), 10u);
  EXPECT_EQ(utc[0], (Hms{8, 35, 59}));
  EXPECT_EQ(utc[1], (Hms{23, 59, 59}));
  EXPECT_TRUE(gps.running());
}

TEST_F(SimGps, DataReceived_WaitsForEachGroup) {
  uart.schedule({{100ms, kVtg},       // course without a position: not yet
                 {200ms, kGgaNoFix},  // GGA without a fix: neither position nor altitude
                 {300ms, kGll},       // position (and the course seen before it counts only with one after)
                 {400ms, kVtg},       // course + position: course done
                 {500ms, kGga},       // altitude
                 {600ms, kRmc}});     // date
  GPS gps(uart.reader());
  std::int64_t course_at = -1, position_at = -1, altitude_at = -1, all_at = -1;
  loop.run_until_complete([&]() -> Task<> {
    gps.start();
    auto position = [&]() -> Task<> {
      CO_ASSERT(co_await gps.data_received({.position = true}));
      position_at = now_us();
    };
    auto course = [&]() -> Task<> {
      CO_ASSERT(co_await gps.data_received({.course = true}));
      course_at = now_us();
    };
    auto altitude = [&]() -> Task<> {
      CO_ASSERT(co_await gps.data_received({.altitude = true}));
      altitude_at = now_us();
    };
    auto a = create_task(position());
    auto b = create_task(course());
    auto c = create_task(altitude());
    CO_ASSERT(co_await gps.data_received({.position = true, .course = true, .date = true, .altitude = true}));
    all_at = now_us();
    co_await a;
    co_await b;
    co_await c;
  }());
  EXPECT_EQ(position_at, 300'000);
  EXPECT_EQ(course_at, 300'000);  // VTG at 100 ms plus GLL at 300 ms: both since the call
  EXPECT_EQ(altitude_at, 500'000);
  EXPECT_EQ(all_at, 600'000);
}

TEST_F(SimGps, DataReceived_CountsOnlySentencesAfterTheCall) {
  uart.schedule({{100ms, kRmc}, {900ms, kVtg}, {1000ms, kRmc}});
  GPS gps(uart.reader());
  std::int64_t at = -1;
  loop.run_until_complete([&]() -> Task<> {
    gps.start();
    co_await sleep(500ms);  // the first RMC is old news
    CO_ASSERT(co_await gps.data_received({.date = true}));
    at = now_us();
  }());
  EXPECT_EQ(at, 1'000'000);
}

TEST_F(SimGps, Observer_FixReportsWithTimestampAndReadings) {
  uart.schedule({{100ms, kGga}, {150ms, kVtg}, {200ms, kRmc}, {300ms, kGsv1}, {400ms, kGsv2}, {500ms, kGll}});
  GPS gps(uart.reader());
  std::vector<GpsReport> reports;
  gps.set_observer([&](const GpsReport& r) { reports.push_back(r); });
  loop.run_until_complete([&]() -> Task<> {
    gps.start();
    co_await sleep(1s);
  }());
  ASSERT_EQ(reports.size(), 2u);  // RMC only (the default mask), and the GSV set
  EXPECT_STREQ(to_string(reports[0].event), "fix");
  EXPECT_EQ(reports[0].t_us, 200'000);
  EXPECT_EQ(reports[0].sentence, nmea::RMC);
  EXPECT_NEAR(reports[0].latitude, 51.507368, 1e-6);
  EXPECT_NEAR(reports[0].longitude, -0.127567, 1e-6);
  EXPECT_DOUBLE_EQ(reports[0].altitude, 35.4);
  EXPECT_EQ(reports[0].satellites_in_use, 9);
  EXPECT_EQ(reports[0].fix_quality, 1);
  EXPECT_DOUBLE_EQ(reports[0].speed_knots, 3.21);
  EXPECT_DOUBLE_EQ(reports[0].course, 47.5);
  EXPECT_EQ(reports[0].utc_epoch_s, 1718440559);
  EXPECT_STREQ(to_string(reports[1].event), "satellites");
  EXPECT_EQ(reports[1].t_us, 400'000);
  EXPECT_EQ(reports[1].satellites_in_view, 7);
}

TEST_F(SimGps, Observer_MaskSelectsPositionSentences) {
  uart.schedule({{100ms, kGga}, {200ms, kGgaNoFix}, {300ms, kGll}, {400ms, kVtg}, {500ms, kRmc}});
  GPS gps(uart.reader());
  std::vector<std::uint8_t> fixes;
  gps.set_observer([&](const GpsReport& r) { fixes.push_back(r.sentence); }, nmea::ALL);
  loop.run_until_complete([&]() -> Task<> {
    gps.start();
    co_await sleep(1s);
  }());
  EXPECT_EQ(fixes, (std::vector<std::uint8_t>{nmea::GGA, nmea::GLL, nmea::RMC}));  // no fix, no VTG
}

TEST_F(SimGps, GetSatelliteData_WaitsForAFreshSet) {
  uart.schedule({{100ms, kGsv1}, {200ms, kGsv2}, {600ms, kGsv1}, {700ms, kGsv2}});
  GPS gps(uart.reader());
  std::int64_t at = -1;
  std::size_t count = 0;
  loop.run_until_complete([&]() -> Task<> {
    gps.start();
    co_await sleep(150ms);  // half a set has arrived: it does not count
    auto r = co_await gps.get_satellite_data();
    CO_ASSERT(r.ok());
    at = now_us();
    count = r->size();
  }());
  EXPECT_EQ(at, 700'000);
  EXPECT_EQ(count, 7u);
}

TEST_F(SimGps, TimeSinceFix_OnTheLoopClock) {
  uart.schedule({{100ms, kRmc}});
  GPS gps(uart.reader());
  std::int64_t before = 0, after = 0;
  loop.run_until_complete([&]() -> Task<> {
    gps.start();
    before = gps.time_since_fix();
    co_await sleep(1350ms);
    after = gps.time_since_fix();
  }());
  EXPECT_EQ(before, -1);
  EXPECT_EQ(after, 1250);
}

TEST_F(SimGps, EndOfStream_WakesWaitersAndSaysWhy) {
  uart.schedule({{100ms, kVtg}});
  uart.schedule_eof(200ms);
  GPS gps(uart.reader());
  bool got = true;
  bool sat_closed = false;
  std::int64_t at = -1;
  loop.run_until_complete([&]() -> Task<> {
    gps.start();
    auto sats = [&]() -> Task<> {
      auto r = co_await gps.get_satellite_data();
      sat_closed = !r.ok() && r.error() == IoErrc::closed;
    };
    auto t = create_task(sats());
    got = co_await gps.data_received({.position = true});
    at = now_us();
    co_await t;
  }());
  EXPECT_FALSE(got);
  EXPECT_TRUE(sat_closed);
  EXPECT_EQ(at, 200'000);
  EXPECT_EQ(gps.stream_error().kind, IoErrc::closed);
  EXPECT_FALSE(gps.running());
  EXPECT_DOUBLE_EQ(gps.course(), 47.5);
}

TEST_F(SimGps, StreamError_IsReported) {
  uart.schedule_error(100ms, IoErrc::io);
  GPS gps(uart.reader());
  loop.run_until_complete([&]() -> Task<> {
    gps.start();
    co_await sleep(200ms);
  }());
  EXPECT_EQ(gps.stream_error().kind, IoErrc::io);
  EXPECT_FALSE(gps.running());
}

TEST_F(SimGps, Deinit_WakesWaitersAndStopsReading) {
  uart.schedule({{500ms, kRmc}});
  GPS gps(uart.reader());
  bool got = true;
  loop.run_until_complete([&]() -> Task<> {
    gps.start();
    auto waiter = [&]() -> Task<> { got = co_await gps.data_received({.position = true}); };
    auto t = create_task(waiter());
    co_await sleep(100ms);
    gps.deinit();
    co_await t;
    co_await sleep(1s);
  }());
  EXPECT_FALSE(got);
  EXPECT_EQ(gps.clean_sentences(), 0u);  // the RMC at 500 ms was not read
  EXPECT_EQ(uart.reader().buffered(), kRmc.size());
  // Started again, it reads on.
  loop.run_until_complete([&]() -> Task<> {
    gps.start();
    co_await sleep(10ms);
  }());
  EXPECT_EQ(gps.clean_sentences(), 1u);
}

TEST_F(SimGps, DestroyedWhileReadingAndWhileTasksWait) {
  uart.schedule({{300ms, kRmc}, {400ms, kRmc}});
  auto gps = std::make_unique<GPS>(uart.reader());
  bool got = true;
  loop.run_until_complete([&]() -> Task<> {
    gps->start();
    auto waiter = [&]() -> Task<> { got = co_await gps->data_received({.position = true}); };
    auto t = create_task(waiter());
    co_await sleep(100ms);
    gps.reset();  // the reader task is cancelled, the waiter woken
    co_await t;
    co_await sleep(1s);  // bytes keep arriving: nothing refers to the GPS any more
  }());
  EXPECT_FALSE(got);
}

TEST_F(SimGps, DeinitFromInsideTheFixCallback) {
  uart.schedule({{100ms, std::string(kVtg) + std::string(kVtg)}, {200ms, kRmc}});
  GPS gps(uart.reader(), {.cb_mask = nmea::ALL});
  int calls = 0;
  gps.set_fix_callback([&](std::uint8_t) {
    ++calls;
    gps.deinit();
  });
  loop.run_until_complete([&]() -> Task<> {
    gps.start();
    co_await sleep(1s);
  }());
  EXPECT_EQ(calls, 2);  // the chunk being parsed is finished, then the task stops
  EXPECT_FALSE(gps.running());
  EXPECT_EQ(gps.clean_sentences(), 2u);
}

// ---- read/write
// ---------------------------------------------------------------------------------------------

TEST_F(SimGps, Commands_SentWithChecksumsAndCrLf) {
  GPS gps(uart);
  loop.run_until_complete([&]() -> Task<> {
    CO_ASSERT((co_await gps.baudrate(19200)).ok());
    CO_ASSERT((co_await gps.update_interval(2000)).ok());
    CO_ASSERT((co_await gps.update_interval(200)).ok());
    CO_ASSERT((co_await gps.enable({.gsv = 0})).ok());
    CO_ASSERT((co_await gps.command(GpsCommand::VERSION)).ok());
    CO_ASSERT((co_await gps.command(GpsCommand::ENABLE)).ok());
    CO_ASSERT((co_await gps.command(GpsCommand::ANTENNA)).ok());
    CO_ASSERT((co_await gps.command(GpsCommand::FULL_COLD_START)).ok());
    CO_ASSERT((co_await gps.command(GpsCommand::DEFAULT_SENTENCES)).ok());
    CO_ASSERT((co_await gps.command(GpsCommand::STANDBY)).ok());
    CO_ASSERT((co_await gps.command(GpsCommand::HOT_START)).ok());
    co_await sleep(10ms);
  }());
  EXPECT_EQ(uart.written_text(),
            "$PMTK251,19200*22\r\n"
            "$PMTK220,2000*1C\r\n"
            "$PMTK220,200*2C\r\n"
            "$PMTK314,0,1,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0*28\r\n"
            "$PMTK605*31\r\n"
            "$PMTK414*33\r\n"
            "$PGCMD,33,1*6C\r\n"
            "$PMTK104*37\r\n"
            "$PMTK314,-1*04\r\n"
            "$PMTK161,0*28\r\n"
            "$PMTK101*32\r\n");
  EXPECT_EQ(gps.update_interval_ms(), 200);
}

TEST_F(SimGps, Commands_InvalidValuesAndReadOnlyGps) {
  GPS rw(uart);
  GPS ro(uart.reader());
  loop.run_until_complete([&]() -> Task<> {
    auto r1 = co_await rw.baudrate(12345);
    EXPECT_EQ(r1.error().kind, IoErrc::invalid_argument);
    auto r2 = co_await rw.update_interval(99);
    EXPECT_EQ(r2.error().kind, IoErrc::invalid_argument);
    auto r3 = co_await rw.update_interval(10001);
    EXPECT_EQ(r3.error().kind, IoErrc::invalid_argument);
    auto r4 = co_await rw.enable({.rmc = 6});
    EXPECT_EQ(r4.error().kind, IoErrc::invalid_argument);
    auto r5 = co_await ro.command(GpsCommand::VERSION);
    EXPECT_EQ(r5.error().kind, IoErrc::unsupported);
    auto r6 = co_await ro.update_interval(500);
    EXPECT_EQ(r6.error().kind, IoErrc::unsupported);
    co_await sleep(10ms);
  }());
  EXPECT_EQ(uart.written_text(), "");
  EXPECT_EQ(rw.update_interval_ms(), 1000);
  EXPECT_EQ(ro.update_interval_ms(), 1000);
}

TEST_F(SimGps, Commands_WaitForRoomInTheWriter) {
  sim::SimUart small(loop, {.baud = 9600}, {.rx = 64, .tx = 16});
  small.set_peer_rate(4);  // 4 bytes per ms
  GPS gps(small);
  std::int64_t done_at = -1;
  loop.run_until_complete([&]() -> Task<> {
    CO_ASSERT((co_await gps.enable()).ok());  // 51 bytes through a 16-byte buffer
    done_at = now_us();
    co_await sleep(50ms);
  }());
  EXPECT_GT(done_at, 0);
  EXPECT_EQ(small.written_text(), "$PMTK314,0,1,1,1,1,5,0,0,0,0,0,0,0,0,0,0,0,0,0*2D\r\n");
}

TEST_F(SimGps, Replies_VersionEnabledAntennaAndOthers) {
  uart.schedule({{100ms, "$PMTK705,AXN_2.10_3339_2012072601,5223,PA6H,1.0*6A\r\n"},
                 {200ms, "$PMTK514,0,1,1,1,1,5,0,0,0,0,0,0,0,0,0,0,0,0,0*2B\r\n"},
                 {300ms, "$PGTOP,11,3*6F\r\n"},
                 {400ms, "$PMTK001,220,3*30\r\n"},
                 {500ms, "$GPZDA,083559.00,15,06,2024,00,00*62\r\n"}});
  GPS gps(uart);
  std::vector<std::string> messages;
  gps.set_message_callback([&](GpsMessage kind, const NmeaFields& f) {
    messages.push_back(std::string(to_string(kind)) + ":" + std::string(f[0]) + ":" +
                       std::to_string(f.size()));
  });
  std::vector<std::string> unsupported;
  gps.set_unsupported_hook([&](const NmeaFields& f) {
    unsupported.emplace_back(f[0]);
    return true;
  });
  EXPECT_EQ(gps.enabled(), nullptr);
  EXPECT_EQ(gps.antenna(), GpsAntenna::unknown);
  loop.run_until_complete([&]() -> Task<> {
    gps.start();
    co_await sleep(1s);
  }());
  EXPECT_EQ(messages, (std::vector<std::string>{"version:PMTK705:5", "enabled:PMTK514:20", "antenna:PGTOP:3",
                                                "other:PMTK001:3"}));
  EXPECT_EQ(unsupported, std::vector<std::string>{"GPZDA"});
  EXPECT_EQ(gps.version(), "AXN_2.10_3339_2012072601,5223,PA6H,1.0");
  ASSERT_NE(gps.enabled(), nullptr);
  EXPECT_EQ(*gps.enabled(), (SentenceRates{.gsv = 5}));
  EXPECT_EQ(gps.antenna(), GpsAntenna::external);
  EXPECT_EQ(gps.unsupported_sentences(), 5u);
}

/// A model MTK3339 on the far end of a stream pair: sends an RMC+GGA+GSV burst every update interval (only
/// the enabled sentences) and answers PMTK605, PMTK414, PMTK314 and PMTK220 as the datasheet says.
struct MtkModel {
  explicit MtkModel(hal::ByteStream& p) : port(p) {}
  hal::ByteStream& port;
  SentenceRates rates;
  int interval_ms = 1000;
  int bursts = 0;
  std::vector<std::string> received;
  std::array<std::uint8_t, 128> line{};

  void send(const std::string& s) { EXPECT_TRUE(port.writer().write(s).ok()); }

  Task<> answer() {
    for (;;) {
      auto l = co_await port.reader().readline(line);
      if (!l || l->empty()) co_return;
      std::string cmd(hal::as_text(*l));
      received.push_back(cmd);
      if (cmd.rfind("$PMTK605*", 0) == 0) {
        send(sentence("PMTK705,AXN_2.10_3339_2012072601,5223,PA6H,1.0"));
      } else if (cmd.rfind("$PMTK414*", 0) == 0) {
        char body[96];
        std::snprintf(body, sizeof body, "PMTK514,%d,%d,%d,%d,%d,%d,0,0,0,0,0,0,0,0,0,0,0,0,%d", rates.gll,
                      rates.rmc, rates.vtg, rates.gga, rates.gsa, rates.gsv, rates.chan);
        send(sentence(body));
      } else if (cmd.rfind("$PMTK314,", 0) == 0) {
        int v[19];
        if (std::sscanf(cmd.c_str(), "$PMTK314,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d",
                        &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11],
                        &v[12], &v[13], &v[14], &v[15], &v[16], &v[17], &v[18]) == 19)
          rates = {v[0], v[1], v[2], v[3], v[4], v[5], v[18]};
        send(sentence("PMTK001,314,3"));
      } else if (cmd.rfind("$PMTK220,", 0) == 0) {
        interval_ms = std::atoi(cmd.c_str() + 9);
        send(sentence("PMTK001,220,3"));
      }
    }
  }

  Task<> emit() {
    for (int n = 0;; ++n) {
      co_await sleep_ms(interval_ms);
      char body[96];
      std::snprintf(body, sizeof body, "GPRMC,0835%02d.00,A,5130.4421,N,00007.6540,W,3.21,47.50,150624,,,A",
                    n % 60);
      if (rates.rmc != 0) send(sentence(body));
      if (rates.gga != 0) send(std::string(kGga));
      if (rates.gsv != 0) send(std::string(kGsv1) + std::string(kGsv2));
      ++bursts;
    }
  }
};

TEST_F(SimGps, ReadWriteSequence_OfTheSeedsAstPbrw) {
  sim::SimStreamPair link;
  MtkModel model(link.b());
  GPS gps(link.a());
  std::vector<std::string> messages;
  gps.set_message_callback(
      [&](GpsMessage kind, const NmeaFields&) { messages.emplace_back(to_string(kind)); });
  std::int64_t gap = 0;
  loop.run_until_complete([&]() -> Task<> {
    auto answer = create_task(model.answer());
    auto emit = create_task(model.emit());
    gps.start();
    // ast_pbrw: once every data type has arrived, query, slow down to 2 s, drop GSV, query again.
    EXPECT_TRUE(
        co_await gps.data_received({.position = true, .course = true, .date = true, .altitude = true}));
    EXPECT_TRUE((co_await gps.command(GpsCommand::VERSION)).ok());
    EXPECT_TRUE((co_await gps.command(GpsCommand::ENABLE)).ok());
    co_await sleep(100ms);
    EXPECT_TRUE(gps.enabled() != nullptr && gps.enabled()->gsv == 5);
    EXPECT_TRUE((co_await gps.update_interval(2000)).ok());
    EXPECT_TRUE((co_await gps.enable({.gsv = 0, .chan = 0})).ok());
    EXPECT_TRUE((co_await gps.command(GpsCommand::ENABLE)).ok());
    co_await sleep(100ms);
    EXPECT_TRUE(gps.enabled() != nullptr && gps.enabled()->gsv == 0);
    // The next two bursts come 2 s apart and carry no GSV.
    const std::uint32_t sets = gps.satellite_sets();
    EXPECT_TRUE(co_await gps.data_received({.date = true}));
    const std::int64_t t1 = now_us();
    EXPECT_TRUE(co_await gps.data_received({.date = true}));
    gap = now_us() - t1;
    EXPECT_EQ(gps.satellite_sets(), sets);
    answer.cancel();
    emit.cancel();
    co_await sleep(1ms);  // let them unwind while the model exists
  }());
  EXPECT_EQ(gap, 2'000'000);
  EXPECT_EQ(gps.version(), "AXN_2.10_3339_2012072601,5223,PA6H,1.0");
  EXPECT_EQ(messages, (std::vector<std::string>{"version", "enabled", "other", "other", "enabled"}));
  EXPECT_EQ(model.received.size(), 5u);
  EXPECT_EQ(gps.crc_fails(), 0u);
  EXPECT_EQ(gps.update_interval_ms(), 2000);
}

}  // namespace
}  // namespace aiopi::drivers
