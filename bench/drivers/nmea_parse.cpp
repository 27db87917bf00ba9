// nmea_parse: the GPS driver's NmeaParser (drivers/gps) on a recorded-style stream, without a loop.
//
//  - nmea_parse: 2,000 one-second epochs of an MTK receiver's default output (RMC, VTG, GGA, GSA, three GSV,
//    GLL: 8 sentences, ~540 bytes an epoch, times, positions and checksums varying), fed in 64-byte chunks
//    as a UART read delivers them. Figures: ns per sentence and per byte (best of 5 repetitions), MB/s,
//    heap allocations per sentence (must be 0), and the check that every sentence parsed.
//  - nmea_parse_bytewise: the same stream one byte per feed() (the worst chunking).
//  - nmea_parse_garbage: 8 MB of random bytes: MB/s, and the counters must account for every '$'.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "aiopi/drivers/nmea_parser.hpp"
#include "support/bench_util.hpp"

namespace {

using namespace aiopi::bench;
using aiopi::drivers::NmeaParser;

constexpr int kEpochs = 2000;
constexpr int kSentencesPerEpoch = 8;
constexpr int kReps = 5;

void append_sentence(std::string& out, const char* body) {
  unsigned sum = 0;
  for (const char* p = body; *p != '\0'; ++p)
    sum ^= static_cast<unsigned char>(*p);
  char tail[8];
  std::snprintf(tail, sizeof tail, "*%02X\r\n", sum);
  out += '$';
  out += body;
  out += tail;
}

std::string make_stream() {
  std::string s;
  char b[128];
  for (int e = 0; e < kEpochs; ++e) {
    const int h = 8 + e / 3600, m = e / 60 % 60, sec = e % 60;
    const double lat_min = 30.4421 + e * 0.0001, lon_min = 7.6540 + e * 0.0002;
    std::snprintf(b, sizeof b, "GPRMC,%02d%02d%02d.000,A,51%07.4f,N,000%07.4f,W,3.21,47.50,150624,,,A", h, m,
                  sec, lat_min, lon_min);
    append_sentence(s, b);
    append_sentence(s, "GPVTG,47.50,T,,M,3.21,N,5.94,K,A");
    std::snprintf(b, sizeof b, "GPGGA,%02d%02d%02d.000,51%07.4f,N,000%07.4f,W,1,09,0.92,35.4,M,45.3,M,,", h,
                  m, sec, lat_min, lon_min);
    append_sentence(s, b);
    append_sentence(s, "GPGSA,A,3,05,12,15,18,24,25,29,,,,,,1.60,0.92,1.31");
    append_sentence(s, "GPGSV,3,1,11,05,38,291,42,12,64,105,45,15,22,048,37,18,11,318,33");
    append_sentence(s, "GPGSV,3,2,11,24,56,176,44,25,31,236,40,29,09,072,30,02,05,011,");
    append_sentence(s, "GPGSV,3,3,11,06,14,140,21,09,33,210,28,17,02,330,");
    std::snprintf(b, sizeof b, "GPGLL,51%07.4f,N,000%07.4f,W,%02d%02d%02d.000,A,A", lat_min, lon_min, h, m,
                  sec);
    append_sentence(s, b);
  }
  return s;
}

struct Run {
  Sample sample;
  std::uint32_t parsed = 0;
};

Run parse_stream(const std::string& stream, std::size_t chunk) {
  NmeaParser parser({.cb_mask = 0});
  std::uint64_t callbacks = 0;
  parser.set_fix_callback([&callbacks](std::uint8_t) { ++callbacks; }, aiopi::drivers::nmea::ALL);
  const auto* data = reinterpret_cast<const std::uint8_t*>(stream.data());
  TimedWindow w;
  w.start();
  for (std::size_t pos = 0; pos < stream.size(); pos += chunk) {
    const std::size_t n = stream.size() - pos < chunk ? stream.size() - pos : chunk;
    parser.feed(std::span<const std::uint8_t>(data + pos, n));
  }
  w.stop();
  if (callbacks != parser.parsed_sentences()) die("a parsed sentence did not call back");
  return {w.per_op(kEpochs * kSentencesPerEpoch), parser.parsed_sentences()};
}

void bench_stream(const char* name, const std::string& stream, std::size_t chunk) {
  Best best;
  std::uint32_t parsed = 0;
  for (int r = 0; r < kReps; ++r) {
    const Run run = parse_stream(stream, chunk);
    best.add(run.sample);
    parsed = run.parsed;
  }
  const std::int64_t sentences = kEpochs * kSentencesPerEpoch;
  if (parsed != sentences) die("not every sentence parsed");
  const double bytes_per_sentence = static_cast<double>(stream.size()) / static_cast<double>(sentences);
  Json(name, "aiopi")
      .num("ns_per_op", best.ns_per_op, 1)
      .str("unit", "ns/sentence")
      .num("ns_per_byte", best.ns_per_op / bytes_per_sentence, 2)
      .num("mb_per_s", 1e3 * bytes_per_sentence / best.ns_per_op, 1)
      .integer("chunk_bytes", static_cast<std::int64_t>(chunk))
      .integer("sentences", sentences)
      .integer("parsed", parsed)
      .num("allocs_per_op", best.allocs_per_op, 3)
      .print();
}

void bench_garbage() {
  constexpr std::size_t kBytes = 8u << 20;
  std::vector<std::uint8_t> junk(kBytes);
  Rng rng(0x6e6d6561);
  std::uint64_t dollars = 0;
  for (auto& b : junk) {
    b = static_cast<std::uint8_t>(rng.next() >> 56);
    dollars += b == '$';
  }
  Best best;
  aiopi::drivers::NmeaCounters c{};
  for (int r = 0; r < 3; ++r) {
    NmeaParser parser;
    TimedWindow w;
    w.start();
    for (std::size_t pos = 0; pos < junk.size(); pos += 64)
      parser.feed(std::span<const std::uint8_t>(junk.data() + pos, 64));
    w.stop();
    best.add(w.per_op(static_cast<std::int64_t>(kBytes)));
    c = parser.counters();
  }
  const std::uint64_t outcomes = std::uint64_t{c.crc_fails} + c.clean_sentences + c.overflows + c.malformed;
  if (outcomes + 1 < dollars) die("a sentence start was not accounted for");
  Json("nmea_parse_garbage", "aiopi")
      .num("ns_per_op", best.ns_per_op, 2)
      .str("unit", "ns/byte")
      .num("mb_per_s", 1e3 / best.ns_per_op, 1)
      .integer("malformed", c.malformed)
      .integer("overflows", c.overflows)
      .integer("crc_fails", c.crc_fails)
      .integer("clean", c.clean_sentences)
      .num("allocs_per_op", best.allocs_per_op, 3)
      .print();
}

}  // namespace

int main() {
  const std::string stream = make_stream();
  bench_stream("nmea_parse", stream, 64);
  bench_stream("nmea_parse_bytewise", stream, 1);
  bench_garbage();
  return 0;
}
