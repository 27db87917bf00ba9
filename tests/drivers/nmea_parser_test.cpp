// NmeaParser: the verified vectors of seed-features §4.7 (and the repo's synthetic set, §8.9 astests.py),
// checks and counters, chunking, garbage, the callback mask, and local time across day, month and year ends.
#include "aiopi/drivers/nmea_parser.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

/// Heap allocations of the test program so far (gps_alloc_counter.cpp replaces operator new).
std::uint64_t gps_test_allocations() noexcept;

namespace aiopi::drivers {
namespace {

// §4.7, in order (13 is sentence 1 with checksum 00).
const char* const kVectors[13] = {
    "$GPRMC,083559.00,A,5130.4421,N,00007.6540,W,3.21,47.50,150624,,,A*78",
    "$GNRMC,235959.000,A,3352.1234,S,15112.5678,E,0.00,0.00,311224,,,A*62",
    "$GPGGA,083559.00,5130.4421,N,00007.6540,W,1,09,0.92,35.4,M,45.3,M,,*7A",
    "$GPGGA,083600.00,,,,,0,00,99.99,,,,,,*6B",
    "$GPGLL,5130.4421,N,00007.6540,W,083559.00,A,A*7D",
    "$GPVTG,47.50,T,,M,3.21,N,5.94,K,A*03",
    "$GPGSA,A,3,05,12,15,18,24,25,29,,,,,,1.60,0.92,1.31*0C",
    "$GPGSV,2,1,07,05,38,291,42,12,64,105,45,15,22,048,37,18,11,318,33*74",
    "$GPGSV,2,2,07,24,56,176,44,25,31,236,40,29,09,072,30*49",
    "$GPRMC,083601.00,V,,,,,,,150624,,,N*75",
    "$GPZDA,083559.00,15,06,2024,00,00*62",
    "$GLGSV,1,1,02,70,45,120,38,71,20,300,31*6C",
    "$GPRMC,083559.00,A,5130.4421,N,00007.6540,W,3.21,47.50,150624,,,A*00",
};

std::string all_vectors() {
  std::string s;
  for (const char* v : kVectors)
    s.append(v).append("\r\n");
  return s;
}

/// "$body*hh\r\n" with the right checksum.
std::string sentence(std::string_view body) {
  unsigned sum = 0;
  for (char c : body)
    sum ^= static_cast<unsigned char>(c);
  char tail[8];
  std::snprintf(tail, sizeof tail, "*%02X\r\n", sum);
  return "$" + std::string(body) + tail;
}

/// A parser that records the types its fix callback saw.
struct Recorder {
  NmeaParser parser;
  std::vector<std::uint8_t> types;
  explicit Recorder(NmeaParser::Config c = {.cb_mask = nmea::ALL}) : parser(c) {
    parser.set_fix_callback([this](std::uint8_t t) { types.push_back(t); });
  }
};

const std::vector<std::uint8_t> kAllTypes = {nmea::RMC, nmea::RMC, nmea::GGA, nmea::GGA, nmea::GLL,
                                             nmea::VTG, nmea::GSA, nmea::GSV, nmea::GSV, nmea::GSV};

void expect_vector_totals(const Recorder& r) {
  EXPECT_EQ(r.parser.clean_sentences(), 12u);
  EXPECT_EQ(r.parser.parsed_sentences(), 11u);
  EXPECT_EQ(r.parser.unsupported_sentences(), 1u);
  EXPECT_EQ(r.parser.crc_fails(), 1u);
  EXPECT_EQ(r.types, kAllTypes);
}

TEST(NmeaParser, Rmc_Vector1) {
  Recorder r;
  r.parser.feed(std::string(kVectors[0]) + "\r\n");
  const NmeaParser& p = r.parser;
  EXPECT_EQ(r.types, std::vector<std::uint8_t>{nmea::RMC});
  EXPECT_NEAR(p.latitude().decimal_degrees(), 51.507368, 1e-6);
  EXPECT_EQ(p.latitude().hemisphere, 'N');
  EXPECT_NEAR(p.longitude().decimal_degrees(), 0.127567, 1e-6);
  EXPECT_EQ(p.longitude().hemisphere, 'W');
  EXPECT_EQ(p.latitude().dms(), (Dms{51, 30, 27, 'N'}));
  EXPECT_EQ(p.latitude().degrees, 51);
  EXPECT_NEAR(p.latitude().minutes, 30.4421, 1e-9);
  EXPECT_DOUBLE_EQ(p.speed(), 3.21);
  EXPECT_DOUBLE_EQ(p.speed(SpeedUnit::KNOT), 3.21);
  EXPECT_NEAR(p.speed(SpeedUnit::KPH), 5.94492, 1e-9);
  EXPECT_DOUBLE_EQ(p.course(), 47.5);
  EXPECT_STREQ(p.compass_direction(), "NE");
  EXPECT_EQ(p.utc(), (Hms{8, 35, 59}));
  EXPECT_EQ(p.date(), (Dmy{15, 6, 24}));
  EXPECT_EQ(p.msecs(), 0);
  EXPECT_EQ(p.epoch_time(), 1718440559);  // 2024-06-15T08:35:59Z
  EXPECT_EQ(p.latitude_string(CoordFormat::DD), "51.507368\xC2\xB0 N");
  EXPECT_EQ(p.latitude_string(CoordFormat::DMS), "51\xC2\xB0 30' 27\" N");
  EXPECT_EQ(p.latitude_string(), "51\xC2\xB0 30.4421' N");
  EXPECT_EQ(p.longitude_string(CoordFormat::KML), "-0.127567");
  EXPECT_EQ(p.latitude_string(CoordFormat::KML), "51.507368");
  EXPECT_EQ(p.time_string(), "08:35:59");
  EXPECT_EQ(p.date_string(), "06/15/24");
  EXPECT_EQ(p.date_string(DateFormat::LONG), "June 15th, 2024");
  EXPECT_EQ(p.speed_string(), "5.94 km/h");
}

TEST(NmeaParser, Rmc_Vector1_NegativeHalfHourOffset) {
  NmeaParser p({.local_offset_h = -5.5});
  p.parse_line(kVectors[0]);
  EXPECT_EQ(p.local_time(), (Hms{3, 5, 59}));
  EXPECT_EQ(p.date(), (Dmy{15, 6, 24}));
  EXPECT_EQ(p.utc(), (Hms{8, 35, 59}));
  EXPECT_DOUBLE_EQ(p.local_offset(), -5.5);
}

TEST(NmeaParser, Rmc_Vector2_GnTalkerAndOffsetOverYearEnd) {
  Recorder r({.local_offset_h = 10, .cb_mask = nmea::ALL});
  r.parser.parse_line(kVectors[1]);
  const NmeaParser& p = r.parser;
  EXPECT_EQ(r.types, std::vector<std::uint8_t>{nmea::RMC});
  EXPECT_EQ(p.utc(), (Hms{23, 59, 59}));
  EXPECT_EQ(p.local_time(), (Hms{9, 59, 59}));
  EXPECT_EQ(p.date(), (Dmy{1, 1, 25}));
  EXPECT_EQ(p.date_string(DateFormat::LONG), "January  1st, 2025");
  EXPECT_EQ(p.date_string(DateFormat::DMY), "01/01/25");
  EXPECT_EQ(p.time_string(false), "23:59:59");
  EXPECT_EQ(p.time_string(), "09:59:59");
  EXPECT_EQ(p.latitude().hemisphere, 'S');
  EXPECT_LT(p.latitude().signed_degrees(), 0);
  EXPECT_EQ(p.msecs(), 0);
}

TEST(NmeaParser, Gga_Vector3_Fix) {
  Recorder r;
  r.parser.parse_line(kVectors[2]);
  const NmeaParser& p = r.parser;
  EXPECT_EQ(r.types, std::vector<std::uint8_t>{nmea::GGA});
  EXPECT_DOUBLE_EQ(p.altitude(), 35.4);
  EXPECT_DOUBLE_EQ(p.geoid_height(), 45.3);
  EXPECT_EQ(p.satellites_in_use(), 9);
  EXPECT_DOUBLE_EQ(p.hdop(), 0.92);
  EXPECT_EQ(p.fix_quality(), 1);
  EXPECT_NEAR(p.latitude().decimal_degrees(), 51.507368, 1e-6);
}

TEST(NmeaParser, Gga_Vector4_NoFixStillCallsBackButKeepsPosition) {
  Recorder r;
  r.parser.parse_line(kVectors[2], 1'000'000);
  r.parser.parse_line(kVectors[3], 2'000'000);
  const NmeaParser& p = r.parser;
  EXPECT_EQ(r.types, (std::vector<std::uint8_t>{nmea::GGA, nmea::GGA}));
  EXPECT_EQ(p.satellites_in_use(), 0);
  EXPECT_DOUBLE_EQ(p.hdop(), 99.99);
  EXPECT_DOUBLE_EQ(p.altitude(), 35.4);  // unchanged
  EXPECT_NEAR(p.latitude().decimal_degrees(), 51.507368, 1e-6);
  EXPECT_EQ(p.fix_time_us(), 1'000'000);  // no new fix
  EXPECT_EQ(p.time_since_fix_ms(3'500'000), 2500);
  EXPECT_EQ(p.fix_quality(), 0);
}

TEST(NmeaParser, Gll_Vector5) {
  Recorder r;
  EXPECT_EQ(r.parser.time_since_fix_ms(0), -1);
  r.parser.parse_line(kVectors[4], 7000);
  EXPECT_EQ(r.types, std::vector<std::uint8_t>{nmea::GLL});
  EXPECT_NEAR(r.parser.longitude().decimal_degrees(), 0.127567, 1e-6);
  EXPECT_EQ(r.parser.fix_time_us(), 7000);
}

TEST(NmeaParser, Vtg_Vector6) {
  Recorder r;
  r.parser.parse_line(kVectors[5]);
  EXPECT_EQ(r.types, std::vector<std::uint8_t>{nmea::VTG});
  EXPECT_DOUBLE_EQ(r.parser.course(), 47.5);
  EXPECT_DOUBLE_EQ(r.parser.speed(), 3.21);
  EXPECT_EQ(r.parser.fix_time_us(), -1);  // VTG is no position
}

TEST(NmeaParser, Gsa_Vector7) {
  Recorder r;
  r.parser.parse_line(kVectors[6]);
  const NmeaParser& p = r.parser;
  EXPECT_EQ(r.types, std::vector<std::uint8_t>{nmea::GSA});
  const std::vector<std::uint16_t> used(p.satellites_used().begin(), p.satellites_used().end());
  EXPECT_EQ(used, (std::vector<std::uint16_t>{5, 12, 15, 18, 24, 25, 29}));
  EXPECT_DOUBLE_EQ(p.pdop(), 1.6);
  EXPECT_DOUBLE_EQ(p.hdop(), 0.92);
  EXPECT_DOUBLE_EQ(p.vdop(), 1.31);
}

TEST(NmeaParser, Gsa_NoFixIsRejected) {
  Recorder r;
  r.parser.feed(sentence("GPGSA,A,1,,,,,,,,,,,,,99.99,99.99,99.99"));
  EXPECT_TRUE(r.types.empty());
  EXPECT_EQ(r.parser.clean_sentences(), 1u);
  EXPECT_EQ(r.parser.parsed_sentences(), 0u);
  EXPECT_EQ(r.parser.counters().rejected, 1u);
}

TEST(NmeaParser, Gsv_Vectors8And9_SetOfSeven) {
  Recorder r;
  r.parser.parse_line(kVectors[7]);
  EXPECT_FALSE(r.parser.satellite_set_complete());
  EXPECT_EQ(r.parser.satellite_data().size(), 4u);
  r.parser.parse_line(kVectors[8]);
  const NmeaParser& p = r.parser;
  EXPECT_EQ(r.types, (std::vector<std::uint8_t>{nmea::GSV, nmea::GSV}));
  EXPECT_TRUE(p.satellite_set_complete());
  EXPECT_EQ(p.satellite_sets(), 1u);
  EXPECT_EQ(p.satellites_in_view(), 7);
  std::vector<int> prns;
  for (const SatelliteInfo& s : p.satellite_data())
    prns.push_back(s.prn);
  EXPECT_EQ(prns, (std::vector<int>{5, 12, 15, 18, 24, 25, 29}));
  EXPECT_EQ(p.satellite_data()[0], (SatelliteInfo{5, 38, 291, 42}));
  EXPECT_EQ(p.satellite_data()[6], (SatelliteInfo{29, 9, 72, 30}));
}

TEST(NmeaParser, Gsv_Vector12_GlonassReplacesTheTable) {
  Recorder r;
  r.parser.parse_line(kVectors[7]);
  r.parser.parse_line(kVectors[8]);
  r.parser.parse_line(kVectors[11]);
  const auto sats = r.parser.satellite_data();
  ASSERT_EQ(sats.size(), 2u);
  EXPECT_EQ(sats[0], (SatelliteInfo{70, 45, 120, 38}));
  EXPECT_EQ(sats[1], (SatelliteInfo{71, 20, 300, 31}));
  EXPECT_EQ(r.parser.satellites_in_view(), 2);
}

TEST(NmeaParser, Gsv_TwelveSatellitesAllKept_NotTheSeedsMultipleOfFourBug) {
  Recorder r;
  r.parser.feed(sentence("GPGSV,3,1,12,01,10,100,20,02,11,101,21,03,12,102,22,04,13,103,23"));
  r.parser.feed(sentence("GPGSV,3,2,12,05,14,104,24,06,15,105,25,07,16,106,26,08,17,107,27"));
  r.parser.feed(sentence("GPGSV,3,3,12,09,18,108,28,10,19,109,,11,,,30,12,21,111,31"));
  ASSERT_TRUE(r.parser.satellite_set_complete());
  const auto sats = r.parser.satellite_data();
  ASSERT_EQ(sats.size(), 12u);  // as_GPS keeps 8 here
  EXPECT_EQ(sats[9], (SatelliteInfo{10, 19, 109, -1}));
  EXPECT_EQ(sats[10], (SatelliteInfo{11, -1, -1, 30}));
  EXPECT_EQ(sats[11].prn, 12);
}

TEST(NmeaParser, Gsv_SetIsCompleteOnlyWithEverySentenceInOrder) {
  NmeaParser p;
  p.parse_line(kVectors[8]);  // 2 of 2 without 1 of 2
  EXPECT_FALSE(p.satellite_set_complete());
  EXPECT_EQ(p.satellite_sets(), 0u);
  p.parse_line(kVectors[7]);
  p.reset_satellite_progress();  // what get_satellite_data does: only a set started later counts
  p.parse_line(kVectors[8]);
  EXPECT_FALSE(p.satellite_set_complete());
  p.parse_line(kVectors[7]);
  p.parse_line(kVectors[8]);
  EXPECT_TRUE(p.satellite_set_complete());
  EXPECT_EQ(p.satellite_sets(), 1u);
  EXPECT_EQ(p.parsed_sentences(), 5u);
}

TEST(NmeaParser, Gsv_TrailingSignalIdIsNoGroup) {
  Recorder r;
  r.parser.feed(sentence("GPGSV,1,1,02,05,38,291,42,12,64,105,45,1"));
  EXPECT_EQ(r.parser.satellite_data().size(), 2u);
}

TEST(NmeaParser, RmcVoid_Vector10_CleanButNotParsed) {
  Recorder r;
  r.parser.parse_line(kVectors[9]);
  EXPECT_TRUE(r.types.empty());
  EXPECT_EQ(r.parser.clean_sentences(), 1u);
  EXPECT_EQ(r.parser.parsed_sentences(), 0u);
  EXPECT_EQ(r.parser.epoch_time(), 0);
  EXPECT_EQ(r.parser.date(), (Dmy{0, 0, 0}));
}

TEST(NmeaParser, RmcVoid_BatteryModeTakesDateAndTime) {
  Recorder r({.cb_mask = nmea::ALL, .battery = true});
  r.parser.parse_line(kVectors[9]);
  EXPECT_TRUE(r.types.empty());
  EXPECT_EQ(r.parser.utc(), (Hms{8, 36, 1}));
  EXPECT_EQ(r.parser.date(), (Dmy{15, 6, 24}));
  EXPECT_EQ(r.parser.fix_time_us(), -1);
}

TEST(NmeaParser, Unsupported_Vector11_HookCalled) {
  Recorder r;
  std::string seen;
  std::size_t fields = 0;
  r.parser.set_unsupported_hook([&](const NmeaFields& f) {
    seen = std::string(f[0]);
    fields = f.size();
    return true;
  });
  r.parser.parse_line(kVectors[10]);
  EXPECT_EQ(seen, "GPZDA");
  EXPECT_EQ(fields, 7u);
  EXPECT_EQ(r.parser.parsed_sentences(), 1u);
  EXPECT_EQ(r.parser.unsupported_sentences(), 1u);
  EXPECT_TRUE(r.types.empty());
}

TEST(NmeaParser, Unsupported_HookMayRefuse) {
  NmeaParser p;
  p.set_unsupported_hook([](const NmeaFields&) { return false; });
  p.parse_line(kVectors[10]);
  EXPECT_EQ(p.clean_sentences(), 1u);
  EXPECT_EQ(p.parsed_sentences(), 0u);
  EXPECT_EQ(p.unsupported_sentences(), 0u);
}

TEST(NmeaParser, WrongChecksum_Vector13_CountedAndIgnored) {
  Recorder r;
  r.parser.parse_line(kVectors[12]);
  EXPECT_EQ(r.parser.crc_fails(), 1u);
  EXPECT_EQ(r.parser.clean_sentences(), 0u);
  EXPECT_TRUE(r.types.empty());
  EXPECT_EQ(r.parser.epoch_time(), 0);
}

TEST(NmeaParser, ChecksumMustBeTwoHexDigits) {
  NmeaParser p;
  p.feed("$GPVTG,47.50,T,,M,3.21,N,5.94,K,A*ZZ\r\n");
  p.feed("$GPVTG,47.50,T,,M,3.21,N,5.94,K,A*3\r\n");
  p.feed("$GPVTG,47.50,T,,M,3.21,N,5.94,K,A*003\r\n");
  EXPECT_EQ(p.crc_fails(), 3u);
  p.feed("$GPVTG,47.50,T,,M,3.21,N,5.94,K,A*03  \r\n");  // trailing blanks are stripped
  p.feed("$gpvtg,47.50,T,,M,3.21,N,5.94,K,A*03\n");      // wrong sum, lowercase
  EXPECT_EQ(p.clean_sentences(), 1u);
  EXPECT_EQ(p.crc_fails(), 4u);
  p.feed("$GPGSA,A,3,05,12,15,18,24,25,29,,,,,,1.60,0.92,1.31*0c\r\n");  // lowercase hex digits
  EXPECT_EQ(p.clean_sentences(), 2u);
}

TEST(NmeaParser, FullCheckOffSkipsChecksum) {
  Recorder r({.cb_mask = nmea::ALL, .full_check = false});
  r.parser.parse_line(kVectors[12]);
  EXPECT_EQ(r.parser.crc_fails(), 0u);
  EXPECT_EQ(r.types, std::vector<std::uint8_t>{nmea::RMC});
}

TEST(NmeaParser, AllVectorsInOrder_Totals) {
  Recorder r;
  r.parser.feed(all_vectors());
  expect_vector_totals(r);
}

TEST(NmeaParser, SplitAcrossReads_OneByteAtATime) {
  Recorder r;
  const std::string s = all_vectors();
  for (char c : s)
    r.parser.feed(std::string_view(&c, 1));
  expect_vector_totals(r);
  EXPECT_EQ(r.parser.counters().malformed, 0u);
}

TEST(NmeaParser, SplitAcrossReads_RandomChunks) {
  std::mt19937 rng(12345);
  const std::string s = all_vectors() + all_vectors();
  for (int round = 0; round < 50; ++round) {
    Recorder r;
    std::size_t pos = 0;
    while (pos < s.size()) {
      const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 100)(rng);
      r.parser.feed(std::string_view(s).substr(pos, n));
      pos += n;
    }
    EXPECT_EQ(r.parser.clean_sentences(), 24u);
    EXPECT_EQ(r.parser.parsed_sentences(), 22u);
    EXPECT_EQ(r.parser.crc_fails(), 2u);
    EXPECT_EQ(r.types.size(), 20u);
  }
}

TEST(NmeaParser, LengthLimit_76IsTakenAnd77Overflows) {
  NmeaParser p;
  const std::string gga = "$GPGGA,180050.896,3749.1802,N,08338.7865,W,1,07,1.1,397.4,M,-32.5,M,,0000*6C";
  ASSERT_EQ(gga.size(), 76u);
  p.parse_line(gga);
  EXPECT_EQ(p.parsed_sentences(), 1u);
  EXPECT_NEAR(p.latitude().decimal_degrees(), 37.81967, 1e-6);
  EXPECT_NEAR(p.longitude().decimal_degrees(), 83.646442, 1e-6);
  EXPECT_EQ(p.longitude().hemisphere, 'W');
  EXPECT_DOUBLE_EQ(p.altitude(), 397.4);
  EXPECT_DOUBLE_EQ(p.geoid_height(), -32.5);
  EXPECT_DOUBLE_EQ(p.hdop(), 1.1);
  EXPECT_EQ(p.satellites_in_use(), 7);
  const std::string long_one =
      sentence("GPGGA,180050.8960,3749.1802,N,08338.7865,W,1,07,1.1,397.4,M,-32.5,M,,0000");
  ASSERT_EQ(long_one.size(), 77u + 2);
  p.feed(long_one);
  EXPECT_EQ(p.counters().overflows, 1u);
  EXPECT_EQ(p.clean_sentences(), 1u);
}

TEST(NmeaParser, OverlongLineDoesNotGrowAndResyncs) {
  Recorder r;
  std::string junk = "$GPRMC," + std::string(5000, '1');
  r.parser.feed(junk);
  r.parser.feed("\r\n");
  r.parser.feed(std::string(kVectors[2]) + "\r\n");
  EXPECT_EQ(r.parser.counters().overflows, 1u);
  EXPECT_EQ(r.types, std::vector<std::uint8_t>{nmea::GGA});
}

TEST(NmeaParser, TruncatedSentenceCutByDollarCostsOnlyItself) {
  Recorder r;
  r.parser.feed("$GPRMC,0835");  // the receiver restarted mid-sentence
  r.parser.feed(std::string(kVectors[2]) + "\r\n");
  EXPECT_EQ(r.parser.counters().malformed, 1u);
  EXPECT_EQ(r.types, std::vector<std::uint8_t>{nmea::GGA});
}

TEST(NmeaParser, GarbageAndMissingStarAreMalformed) {
  NmeaParser p;
  p.feed("hello world\r\n\r\n");
  p.feed("$GPVTG,47.50,T,,M,3.21,N,5.94,K,A\r\n");  // no '*'
  p.feed(std::string("$GPVTG,47.50,T,,M,3.21,N,5.94,K,\x01*03\r\n"));
  EXPECT_EQ(p.counters().malformed, 3u);
  EXPECT_EQ(p.clean_sentences(), 0u);
}

TEST(NmeaParser, BadFieldsAreRejectedWithoutChangingReadings) {
  Recorder r;
  r.parser.parse_line(kVectors[0]);
  r.parser.feed(sentence("GPRMC,083600.00,A,5130.4421,X,00007.6540,W,3.21,47.50,150624,,,A"));  // hemisphere
  r.parser.feed(sentence("GPRMC,083600.00,A,5130.4421,N,00007.6540,W,,47.50,150624,,,A"));      // no speed
  r.parser.feed(sentence("GPRMC,083600.00,A,5130.4421,N,00007.6540,W,1.0,47.50,290223,,,A"));   // 29 Feb 2023
  r.parser.feed(sentence("GPRMC,246000.00,A,5130.4421,N,00007.6540,W,1.0,47.50,150624,,,A"));   // hour 24
  r.parser.feed(sentence("GPGGA,083559.00,5130.4421,N,00007.6540,W,1,x9,0.92,35.4,M,45.3,M,,"));
  r.parser.feed(sentence("GPVTG,,T,,M,3.21,N,5.94,K,A"));
  EXPECT_EQ(r.parser.counters().rejected, 6u);
  EXPECT_EQ(r.types, std::vector<std::uint8_t>{nmea::RMC});
  EXPECT_EQ(r.parser.utc(), (Hms{8, 35, 59}));
  EXPECT_EQ(r.parser.latitude().hemisphere, 'N');
}

TEST(NmeaParser, RmcCourseMayBeEmptyAndMagvarWestIsNegative) {
  NmeaParser p;
  p.feed(sentence("GPRMC,120000.250,A,5130.4421,N,00007.6540,W,0.5,,150624,3.5,W,A"));
  EXPECT_EQ(p.parsed_sentences(), 1u);
  EXPECT_DOUBLE_EQ(p.course(), 0);
  EXPECT_DOUBLE_EQ(p.magvar(), -3.5);
  EXPECT_EQ(p.msecs(), 250);
}

TEST(NmeaParser, SyntheticSet_TwoDigitYearsAre20xxAndSpeedStrings) {
  NmeaParser p;
  p.parse_line("$GPRMC,081836,A,3751.65,S,14507.36,E,000.0,360.0,130998,011.3,E*62");
  EXPECT_EQ(p.parsed_sentences(), 1u);
  EXPECT_EQ(p.date(), (Dmy{13, 9, 98}));
  EXPECT_EQ(p.local_ymd(), (civil::Ymd{2098, 9, 13}));
  EXPECT_DOUBLE_EQ(p.magvar(), 11.3);
  EXPECT_STREQ(p.compass_direction(), "N");  // 360 wraps to N
  p.parse_line("$GPVTG,232.9,T,,M,002.3,N,004.3,K,A*01");
  EXPECT_EQ(p.speed_string(SpeedUnit::KPH), "4.26 km/h");
  EXPECT_EQ(p.speed_string(SpeedUnit::MPH), "2.65 mph");
  EXPECT_EQ(p.speed_string(SpeedUnit::KNOT), "2.30 knots");
  EXPECT_STREQ(p.compass_direction(), "SW");
}

TEST(NmeaParser, CallbackMask) {
  Recorder r({.cb_mask = nmea::GGA | nmea::GSV});
  r.parser.feed(all_vectors());
  EXPECT_EQ(r.types, (std::vector<std::uint8_t>{nmea::GGA, nmea::GGA, nmea::GSV, nmea::GSV, nmea::GSV}));
  EXPECT_EQ(r.parser.parsed_sentences(), 11u);  // the mask filters callbacks, not parsing
  r.types.clear();
  r.parser.set_cb_mask(0);
  r.parser.feed(all_vectors());
  EXPECT_TRUE(r.types.empty());
  NmeaParser def;  // as_GPS's default mask is RMC
  EXPECT_EQ(def.cb_mask(), nmea::RMC);
}

TEST(NmeaParser, CompassPoints) {
  NmeaParser p;
  const std::pair<const char*, const char*> cases[] = {
      {"0.0", "N"},     {"11.2", "N"}, {"11.3", "NNE"},  {"90", "E"},     {"180", "S"},
      {"202.5", "SSW"}, {"270", "W"},  {"348.7", "NNW"}, {"348.75", "N"}, {"337.5", "NNW"}};
  for (const auto& [course, point] : cases) {
    p.feed(sentence(std::string("GPVTG,") + course + ",T,,M,1.0,N,1.9,K,A"));
    EXPECT_STREQ(p.compass_direction(), point) << course;
  }
}

struct OffsetCase {
  const char* date;  // ddmmyy
  const char* time;  // hhmmss
  double offset_h;
  Dmy local_date;
  Hms local_time;
};

TEST(NmeaParser, LocalOffsetAcrossMidnightMonthAndYearEnds) {
  const OffsetCase cases[] = {
      {"280224", "233000", 1, {29, 2, 24}, {0, 30, 0}},      // leap year: 29 Feb exists
      {"280223", "233000", 1, {1, 3, 23}, {0, 30, 0}},       // not leap: 1 Mar
      {"280200", "233000", 1, {29, 2, 0}, {0, 30, 0}},       // 2000 is leap (divisible by 400)
      {"290224", "230000", 2, {1, 3, 24}, {1, 0, 0}},        // 29 Feb -> 1 Mar
      {"010324", "003000", -1, {29, 2, 24}, {23, 30, 0}},    // back into a leap February
      {"010323", "003000", -1, {28, 2, 23}, {23, 30, 0}},    // back into a 28-day February
      {"311224", "230000", 5.5, {1, 1, 25}, {4, 30, 0}},     // year end forwards
      {"010125", "020000", -5, {31, 12, 24}, {21, 0, 0}},    // year end backwards
      {"300424", "220000", 3, {1, 5, 24}, {1, 0, 0}},        // 30-day month
      {"310124", "220000", 3, {1, 2, 24}, {1, 0, 0}},        // 31-day month
      {"010824", "013000", -2, {31, 7, 24}, {23, 30, 0}},    // back into a 31-day month
      {"150624", "120000", 0, {15, 6, 24}, {12, 0, 0}},      // no offset
      {"150624", "000000", -0.5, {14, 6, 24}, {23, 30, 0}},  // exactly midnight UTC
  };
  for (const OffsetCase& c : cases) {
    NmeaParser p({.local_offset_h = c.offset_h});
    p.feed(
        sentence(std::string("GPRMC,") + c.time + ",A,5130.4421,N,00007.6540,W,0.0,0.0," + c.date + ",,,A"));
    ASSERT_EQ(p.parsed_sentences(), 1u) << c.date;
    EXPECT_EQ(p.date(), c.local_date) << c.date << " " << c.time << " " << c.offset_h;
    EXPECT_EQ(p.local_time(), c.local_time) << c.date << " " << c.time << " " << c.offset_h;
  }
}

TEST(NmeaParser, LocalOffsetCanChangeAfterTheFact) {
  NmeaParser p;
  p.parse_line(kVectors[1]);
  EXPECT_EQ(p.date(), (Dmy{31, 12, 24}));
  p.set_local_offset(10);
  EXPECT_EQ(p.date(), (Dmy{1, 1, 25}));
}

TEST(NmeaParser, CalendarMatchesDayCountsOverFourCenturies) {
  std::int64_t day = civil::days_from_civil(2000, 1, 1);
  EXPECT_EQ(day, 10957);
  for (int y = 2000; y < 2400; ++y) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= civil::days_in_month(y, m); ++d) {
        ASSERT_EQ(civil::days_from_civil(y, m, d), day);
        ASSERT_EQ(civil::civil_from_days(day), (civil::Ymd{y, m, d}));
        ++day;
      }
    }
  }
  EXPECT_EQ(civil::days_in_month(2100, 2), 28);
  EXPECT_EQ(civil::days_in_month(2000, 2), 29);
  EXPECT_EQ(civil::days_in_month(2024, 2), 29);
  EXPECT_EQ(civil::days_in_month(2023, 2), 28);
}

TEST(NmeaParser, LongDateSuffixes) {
  const std::pair<const char*, const char*> cases[] = {
      {"010125", "January  1st, 2025"}, {"020225", "February  2nd, 2025"}, {"030325", "March  3rd, 2025"},
      {"040425", "April  4th, 2025"},   {"111125", "November 11th, 2025"}, {"121225", "December 12th, 2025"},
      {"130525", "May 13th, 2025"},     {"210625", "June 21st, 2025"},     {"220725", "July 22nd, 2025"},
      {"230825", "August 23rd, 2025"},  {"310125", "January 31st, 2025"},  {"300925", "September 30th, 2025"},
      {"291024", "October 29th, 2024"},
  };
  for (const auto& [date, text] : cases) {
    NmeaParser p;
    p.feed(sentence(std::string("GPRMC,120000,A,5130.4421,N,00007.6540,W,0.0,0.0,") + date + ",,,A"));
    EXPECT_EQ(p.date_string(DateFormat::LONG), text);
  }
}

TEST(NmeaParser, FeedNeverAllocates) {
  std::string stream;
  for (int i = 0; i < 100; ++i)
    stream += all_vectors();
  NmeaParser p({.cb_mask = nmea::ALL});
  int calls = 0;
  p.set_fix_callback([&calls](std::uint8_t) { ++calls; });
  p.set_unsupported_hook([](const NmeaFields& f) { return !f[0].empty(); });
  const std::uint64_t before = gps_test_allocations();
  for (std::size_t pos = 0; pos < stream.size(); pos += 64)
    p.feed(std::string_view(stream).substr(pos, 64));
  const std::uint64_t after = gps_test_allocations();
  EXPECT_EQ(after - before, 0u);
  const std::string probe(100, 'x');  // the counter does count
  EXPECT_GT(gps_test_allocations(), after);
  EXPECT_EQ(p.parsed_sentences(), 1100u);
  EXPECT_EQ(calls, 1000);
}

TEST(NmeaParser, RandomBytes10MB_NoCrashSaneCounters) {
  std::mt19937_64 rng(0x6e6d6561);
  NmeaParser p({.cb_mask = nmea::ALL});
  std::uint64_t callbacks = 0;
  p.set_fix_callback([&](std::uint8_t) { ++callbacks; });
  std::vector<std::uint8_t> chunk(4096);
  std::uint64_t dollars = 0, newlines = 0;
  constexpr std::size_t kTotal = 10u << 20;
  for (std::size_t done = 0; done < kTotal; done += chunk.size()) {
    for (auto& b : chunk) {
      b = static_cast<std::uint8_t>(rng());
      dollars += b == '$';
      newlines += b == '\n';
    }
    p.feed(chunk);
  }
  const NmeaCounters& c = p.counters();
  // Every sentence start ends in exactly one outcome (the last may still be open); garbage lines add to
  // malformed on top.
  const std::uint64_t outcomes = std::uint64_t{c.crc_fails} + c.clean_sentences + c.overflows + c.malformed;
  EXPECT_GE(outcomes + 1, dollars);
  EXPECT_LE(outcomes, dollars + newlines);
  EXPECT_GT(c.overflows, 0u);
  EXPECT_GT(c.malformed, 0u);
  EXPECT_LE(c.clean_sentences, 10u);  // a random line that passes all checks is very rare
  EXPECT_LE(c.parsed_sentences, c.clean_sentences);
  EXPECT_LE(callbacks, c.parsed_sentences);
  // It still works afterwards.
  std::uint32_t before = p.parsed_sentences();
  p.feed("\r\n" + all_vectors());
  EXPECT_EQ(p.parsed_sentences(), before + 11);
}

TEST(NmeaParser, RandomGarbageBetweenSentencesDoesNotLoseThem) {
  std::mt19937 rng(7);
  Recorder r;
  std::string s;
  for (int i = 0; i < 200; ++i) {
    for (int k = 0; k < 30; ++k) {
      char c = static_cast<char>(rng());
      if (c == '$') c = '#';
      s.push_back(c);
    }
    s.append("\r\n").append(kVectors[0]).append("\r\n");
  }
  r.parser.feed(s);
  EXPECT_EQ(r.types.size(), 200u);
}

}  // namespace
}  // namespace aiopi::drivers
