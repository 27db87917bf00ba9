// nec_decode: the NEC IR receiver's cost per frame.
//
//  - nec_decode: NecDecoder::decode over a buffer of 256 data frames' edge timestamps (68 edges each, every
//    interval jittered by up to ±20 %, commands and 8/16-bit addresses varied), cycled 2 M times (best of 5
//    repetitions). Figures: ns per frame, heap allocations per frame, and `wrong` (frames not decoded to
//    what was sent: must be 0 or the benchmark fails).
//  - nec_receive_sim: the whole receiver (NecIr: edge ring, its task's block collection, decode, callback)
//    on the simulated board, 20,000 frames 108 ms apart put on a SimDigitalInput; the virtual clock jumps
//    from edge to edge, so the figure is the CPU time per frame of the driver plus the sim backend's timer
//    and edge delivery, and of the task that puts the frames on the line. Figures: ns per frame, allocations
//    per frame, wrong (0).
#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

#include "aiopi/drivers/nec_ir.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_digital.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/task.hpp"
#include "support/bench_util.hpp"

namespace {

using namespace aiopi::bench;
using aiopi::drivers::NecDecoder;
using aiopi::drivers::NecFrame;

constexpr std::size_t kFrames = 256;
constexpr std::int64_t kDecodes = 2'000'000;
constexpr int kReps = 5;
constexpr std::int64_t kSimFrames = 20'000;

struct Sent {
  std::array<std::int64_t, aiopi::drivers::kNecFrameEdges> edges;
  NecFrame expect;
};

/// One frame's edges from t0: 9000/4500 µs leader, 562 µs marks, 562/1687 µs spaces, each ±20 %.
Sent make_frame(Rng& rng, std::int64_t t0, bool extended_addr) {
  const auto cmd = static_cast<std::uint8_t>(rng.next());
  const auto a0 = static_cast<std::uint8_t>(rng.next());
  const auto a1 = extended_addr ? static_cast<std::uint8_t>(a0 ^ 0x5A) : static_cast<std::uint8_t>(~a0);
  const std::uint8_t bytes[4] = {a0, a1, cmd, static_cast<std::uint8_t>(~cmd)};
  auto jitter = [&rng](std::int64_t us) { return us * rng.between(80, 120) / 100; };
  Sent s{};
  std::size_t n = 0;
  std::int64_t t = t0;
  s.edges[n++] = t;
  t += jitter(9000);
  s.edges[n++] = t;
  t += jitter(4500);
  s.edges[n++] = t;
  for (std::uint8_t byte : bytes) {
    for (int bit = 0; bit < 8; ++bit) {
      t += jitter(562);
      s.edges[n++] = t;
      t += jitter(((byte >> bit) & 1) != 0 ? 1687 : 562);
      s.edges[n++] = t;
    }
  }
  t += jitter(562);
  s.edges[n++] = t;
  s.expect = NecFrame{cmd, static_cast<std::uint16_t>(extended_addr ? (a0 | (a1 << 8)) : a0)};
  return s;
}

void bench_decode() {
  Rng rng(12345);
  std::vector<Sent> frames;
  frames.reserve(kFrames);
  for (std::size_t i = 0; i < kFrames; ++i)
    frames.push_back(make_frame(rng, static_cast<std::int64_t>(i) * 1000, i % 3 == 0));
  NecDecoder decoder(true);
  Best best;
  std::int64_t wrong = 0;
  for (int rep = 0; rep < kReps; ++rep) {
    TimedWindow w;
    std::int64_t checksum = 0;
    w.start();
    for (std::int64_t i = 0; i < kDecodes; ++i) {
      const Sent& s = frames[static_cast<std::size_t>(i) % kFrames];
      const NecFrame f = decoder.decode(s.edges);
      checksum += f.data + f.addr;
      if (!(f == s.expect)) ++wrong;
    }
    w.stop();
    if (checksum == 0) die("nothing decoded");
    best.add(w.per_op(kDecodes));
  }
  if (wrong != 0) die("nec_decode: frames decoded wrongly");
  Json("nec_decode", "aiopi")
      .num("ns_per_op", best.ns_per_op)
      .str("unit", "ns/frame")
      .num("allocs_per_op", best.allocs_per_op, 4)
      .integer("frames", kDecodes)
      .integer("wrong", wrong)
      .print();
}

void bench_receive_sim() {
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop{backend};
  aiopi::sim::SimDigitalInput pin{loop, aiopi::hal::InputConfig{.edges = aiopi::hal::EdgeMode::both}, 1};
  Rng rng(777);
  std::vector<Sent> frames;
  frames.reserve(kSimFrames);
  for (std::int64_t i = 0; i < kSimFrames; ++i)
    frames.push_back(make_frame(rng, 2000 + i * 108'000, i % 3 == 0));
  std::vector<NecFrame> expected;
  for (const Sent& s : frames)
    expected.push_back(s.expect);
  std::int64_t received = 0;
  std::int64_t wrong = 0;
  aiopi::drivers::NecIr ir(pin);
  ir.set_callback([&](int data, int addr, int) {
    const NecFrame& e = expected[static_cast<std::size_t>(received++)];
    if (data != e.data || addr != e.addr) ++wrong;
  });
  TimedWindow w;
  // The far side puts each frame on the line 1 ms before it starts, so the sim's list of scheduled levels
  // stays one frame long (it is a sorted vector, erased from the front).
  auto main_task = [&]() -> aiopi::Task<> {
    ir.start();
    w.start();
    bool level = true;
    for (const Sent& s : frames) {
      co_await aiopi::sleep_until(aiopi::TimePoint(aiopi::Duration(s.edges.front() - 1000)));
      for (std::int64_t t : s.edges) {
        level = !level;
        pin.schedule_edges({{aiopi::Duration(t), level}});
      }
    }
    co_await aiopi::sleep(std::chrono::milliseconds(200));
    w.stop();
  };
  loop.run_until_complete(main_task());
  if (received != kSimFrames || wrong != 0) die("nec_receive_sim: frames lost or decoded wrongly");
  const Sample s = w.per_op(kSimFrames);
  Json("nec_receive_sim", "aiopi")
      .num("ns_per_op", s.ns_per_op)
      .str("unit", "ns/frame")
      .num("allocs_per_op", s.allocs_per_op, 4)
      .integer("frames", kSimFrames)
      .integer("wrong", wrong)
      .integer("dropped_edges", pin.dropped())
      .print();
}

}  // namespace

int main() {
  bench_decode();
  bench_receive_sim();
  return 0;
}
