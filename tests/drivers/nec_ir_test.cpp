// NEC IR receiver: the seed's decoder vectors (seed-features §5.3) on NecDecoder, then the receiver on a
// simulated input on virtual time: frames, repeat codes while a key is held, ±20 % timing jitter, broken
// frames reporting the seed's errors, decoding from the edges' timestamps when the task runs late, and
// teardown at any time.
#include "aiopi/drivers/nec_ir.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_digital.hpp"
#include "support/co_assert.hpp"

namespace aiopi::drivers {
namespace {

using namespace std::chrono_literals;
using Bytes = std::array<std::uint8_t, 4>;

/// Scales each interval of a frame: 1.0 exactly, or a deterministic pseudo-random factor in [1-j, 1+j].
class Jitter {
 public:
  explicit Jitter(double amount = 0.0, std::uint32_t seed = 1) : amount_(amount), state_(seed) {}
  std::int64_t operator()(double us) {
    if (amount_ == 0.0) return static_cast<std::int64_t>(us);
    state_ = state_ * 1664525u + 1013904223u;  // LCG: the same sequence on every run
    const double unit = static_cast<double>(state_ >> 8) / static_cast<double>(1u << 24);  // [0, 1)
    return static_cast<std::int64_t>(us * (1.0 - amount_ + 2.0 * amount_ * unit));
  }

 private:
  double amount_;
  std::uint32_t state_;
};

/// A fixed scale for every interval (a transmitter whose clock runs fast or slow).
struct Scale {
  double factor;
  std::int64_t operator()(double us) const { return static_cast<std::int64_t>(us * factor); }
};

/// The 68 edge times of a data frame: 562 µs marks, 562 / 1687 µs spaces, 9000 / 4500 µs leader (§5.3).
template <class J = Jitter>
std::vector<std::int64_t> data_frame(std::int64_t t0, Bytes bytes, J jitter = J{},
                                     double leader_mark = 9000) {
  std::vector<std::int64_t> e;
  std::int64_t t = t0;
  e.push_back(t);
  t += jitter(leader_mark);
  e.push_back(t);
  t += jitter(4500);
  e.push_back(t);
  for (std::uint8_t byte : bytes) {
    for (int bit = 0; bit < 8; ++bit) {
      t += jitter(562);
      e.push_back(t);
      t += jitter(((byte >> bit) & 1) != 0 ? 1687 : 562);
      e.push_back(t);
    }
  }
  t += jitter(562);  // the stop mark
  e.push_back(t);
  return e;
}

std::vector<std::int64_t> repeat_frame(std::int64_t t0) {
  return {t0, t0 + 9000, t0 + 11250, t0 + 11812};
}

std::vector<std::int64_t> relative(const std::vector<std::int64_t>& edges) {
  std::vector<std::int64_t> r;
  for (std::int64_t t : edges)
    r.push_back(t - edges.front());
  return r;
}

// ---- the decoder: §5.3
// --------------------------------------------------------------------------------------

TEST(NecDecoder, SeedVectorsExtended) {
  NecDecoder d(true);
  EXPECT_EQ(d.decode(data_frame(0, {0x40, 0xBF, 0x01, 0xFE})), (NecFrame{1, 0x40}));
  EXPECT_EQ(d.decode(repeat_frame(0)), (NecFrame{kNecRepeat, 0x40}));
  EXPECT_EQ(d.decode(data_frame(0, {0x34, 0x12, 0x45, 0xBA})), (NecFrame{0x45, 0x1234}));
  EXPECT_EQ(d.decode(repeat_frame(0)), (NecFrame{kNecRepeat, 0x1234}));
  EXPECT_EQ(d.decode(data_frame(0, {0x40, 0xBF, 0x01, 0xFF})), (NecFrame{kNecBadData, 0x40}));
  EXPECT_EQ(d.last_address(), 0x40);  // remembered even on BADDATA
  EXPECT_EQ(d.decode(data_frame(0, {0x40, 0xBF, 0x01, 0xFE}, Jitter{}, 3000)), (NecFrame{kNecBadStart, 0}));
  const auto frame = data_frame(0, {0x40, 0xBF, 0x01, 0xFE});
  EXPECT_EQ(d.decode(std::span(frame).first(40)), (NecFrame{kNecBadBlock, 0}));
  const std::vector<std::int64_t> repeat6 = {0, 9000, 11250, 11812, 12400, 13000};
  EXPECT_EQ(d.decode(repeat6), (NecFrame{kNecBadRep, 0}));
  auto overrun = frame;
  overrun.push_back(frame.back() + 5000);
  overrun.push_back(frame.back() + 5562);
  EXPECT_EQ(d.decode(overrun), (NecFrame{kNecOverrun, 0}));
  EXPECT_EQ(d.last_address(), 0x40);  // errors other than BADDATA / BADADDR leave the memory alone
}

TEST(NecDecoder, SeedVectorsEightBitAddresses) {
  NecDecoder d(false);
  EXPECT_EQ(d.decode(data_frame(0, {0x40, 0xBF, 0x01, 0xFE})), (NecFrame{1, 0x40}));
  EXPECT_EQ(d.decode(repeat_frame(0)), (NecFrame{kNecRepeat, 0x40}));
  // A 16-bit address: rejected, but the callback still sees it.
  EXPECT_EQ(d.decode(data_frame(0, {0x34, 0x12, 0x45, 0xBA})), (NecFrame{kNecBadAddr, 0x1234}));
  // Its repeat is not taken for the accepted remote's.
  EXPECT_EQ(d.decode(repeat_frame(0)), (NecFrame{kNecRepeat, 0}));
}

TEST(NecDecoder, Thresholds) {
  NecDecoder d(true);
  const Bytes bytes{0x00, 0xFF, 0x00, 0xFF};
  auto with_leader = [&](std::int64_t mark) { return d.decode(data_frame(0, bytes, Jitter{}, mark)).data; };
  EXPECT_EQ(with_leader(4000), kNecBadStart);  // "must exceed 4000 µs"
  EXPECT_EQ(with_leader(4001), 0);
  auto with_space = [&](std::int64_t space) {
    const std::vector<std::int64_t> e = {0, 9000, 9000 + space, 9000 + space + 562};
    return d.decode(e).data;
  };
  EXPECT_EQ(with_space(1700), kNecBadStart);
  EXPECT_EQ(with_space(1701), kNecRepeat);
  EXPECT_EQ(with_space(3000), kNecRepeat);
  EXPECT_EQ(with_space(3001), kNecBadBlock);  // a data frame's space, but 4 edges
  // Bit 0 of the command (edge 3 + 2·16 -> 4 + 2·16): 1120 µs is a 0, 1121 a 1.
  auto frame = data_frame(0, bytes);
  auto set_space = [&](std::int64_t space) {
    const std::int64_t shift = (frame[35] + space) - frame[36];
    for (std::size_t i = 36; i < frame.size(); ++i)
      frame[i] += shift;
  };
  set_space(1120);
  EXPECT_EQ(d.decode(frame).data, 0);  // read as 0: command 0, check 0xFF
  set_space(1121);
  EXPECT_EQ(d.decode(frame).data, kNecBadData);  // read as 1: command 1 against check 0xFF
}

TEST(NecDecoder, FewEdgesAreBadStart) {
  NecDecoder d(true);
  const std::vector<std::int64_t> one = {0};
  const std::vector<std::int64_t> two = {0, 9000};
  EXPECT_EQ(d.decode(one), (NecFrame{kNecBadStart, 0}));
  EXPECT_EQ(d.decode(two), (NecFrame{kNecBadStart, 0}));
  EXPECT_EQ(d.decode(std::span<const std::int64_t>()), (NecFrame{kNecBadStart, 0}));
}

TEST(NecDecoder, EveryCommandAndAddress) {
  NecDecoder d(false);
  for (int cmd = 0; cmd < 256; ++cmd) {
    const auto c = static_cast<std::uint8_t>(cmd);
    const auto a = static_cast<std::uint8_t>(cmd * 7);
    const NecFrame f =
        d.decode(data_frame(0, {a, static_cast<std::uint8_t>(~a), c, static_cast<std::uint8_t>(~c)}));
    EXPECT_EQ(f, (NecFrame{cmd, a})) << cmd;
  }
}

TEST(NecDecoder, ResultNames) {
  EXPECT_STREQ(nec_result_name(kNecRepeat), "REPEAT");
  EXPECT_STREQ(nec_result_name(kNecBadStart), "BADSTART");
  EXPECT_STREQ(nec_result_name(kNecBadBlock), "BADBLOCK");
  EXPECT_STREQ(nec_result_name(kNecBadRep), "BADREP");
  EXPECT_STREQ(nec_result_name(kNecOverrun), "OVERRUN");
  EXPECT_STREQ(nec_result_name(kNecBadData), "BADDATA");
  EXPECT_STREQ(nec_result_name(kNecBadAddr), "BADADDR");
  EXPECT_STREQ(nec_result_name(0x45), "DATA");
  EXPECT_STREQ(to_string(NecIrReport::Kind::code), "code");
  EXPECT_STREQ(to_string(NecIrReport::Kind::repeat), "repeat");
  EXPECT_STREQ(to_string(NecIrReport::Kind::error), "error");
}

// ---- the receiver on the sim board ----------------------------------------------------------------------

struct Call {
  int data;
  int addr;
  int ctrl;
  std::int64_t at_us;  // when the callback ran
  friend bool operator==(const Call&, const Call&) = default;
};

class NecIrTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};
  // The receiver's output idles high; a mark (carrier present) pulls it low.
  sim::SimDigitalInput pin{loop, hal::InputConfig{.edges = hal::EdgeMode::both}, 1};
  std::vector<Call> calls;
  std::vector<NecIrReport> reports;

  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }

  /// Puts the edges on the line at their times (µs from the epoch), alternating low / high.
  void send(const std::vector<std::int64_t>& edges) {
    bool level = pin.level();
    for (std::int64_t t : edges) {
      level = !level;
      pin.schedule_edges({{Duration(t), level}});
    }
  }
  void attach(NecIr& ir) {
    ir.set_callback([this](int data, int addr, int ctrl) { calls.push_back({data, addr, ctrl, now_us()}); });
    ir.set_observer([this](const NecIrReport& r) { reports.push_back(r); });
  }
  /// Starts the receiver on the loop (start() binds to the running loop).
  void start(NecIr& ir) {
    auto main_task = [](NecIr& receiver) -> Task<> {
      receiver.start();
      co_return;
    };
    loop.run_until_complete(main_task(ir));
  }
  void run_for(Duration d) {
    auto main_task = [](Duration how_long) -> Task<> { co_await sleep(how_long); };
    loop.run_until_complete(main_task(d));
  }
};

TEST_F(NecIrTest, DecodesAFrameAtTheEndOfItsBlock) {
  NecIr ir(pin);
  attach(ir);
  start(ir);
  send(data_frame(10'000, {0x40, 0xBF, 0x01, 0xFE}));
  run_for(200ms);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], (Call{1, 0x40, 0, 10'000 + 80'000}));  // extended: an 80 ms block
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, NecIrReport::Kind::code);
  EXPECT_EQ(reports[0].timestamp_us, 10'000);  // the first edge's time
  EXPECT_EQ(reports[0].data, 1);
  EXPECT_EQ(reports[0].addr, 0x40);
  EXPECT_EQ(ir.blocks(), 1u);
  EXPECT_EQ(ir.errors(), 0u);
}

TEST_F(NecIrTest, EightBitModeUsesTheShorterBlock) {
  NecIr ir(pin, NecIrConfig{.extended = false});
  attach(ir);
  start(ir);
  EXPECT_EQ(ir.block_us(), 73'000);
  send(data_frame(0, {0x40, 0xBF, 0x02, 0xFD}));
  send(data_frame(200'000, {0x34, 0x12, 0x45, 0xBA}));
  run_for(400ms);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0], (Call{2, 0x40, 0, 73'000}));
  EXPECT_EQ(calls[1], (Call{kNecBadAddr, 0x1234, 0, 273'000}));
}

TEST_F(NecIrTest, RepeatCodesWhileAKeyIsHeld) {
  NecIr ir(pin);
  attach(ir);
  start(ir);
  send(data_frame(0, {0x40, 0xBF, 0x01, 0xFE}));
  send(repeat_frame(108'000));
  send(repeat_frame(216'000));
  send(repeat_frame(324'000));
  run_for(500ms);
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls[0], (Call{1, 0x40, 0, 80'000}));
  for (int i = 1; i < 4; ++i)
    EXPECT_EQ(calls[i], (Call{kNecRepeat, 0x40, 0, i * 108'000 + 80'000})) << i;
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_EQ(reports[2].kind, NecIrReport::Kind::repeat);
  EXPECT_EQ(reports[2].timestamp_us, 216'000);
}

TEST_F(NecIrTest, FramesWithTwentyPercentJitterDecode) {
  NecIr ir(pin);
  attach(ir);
  start(ir);
  std::vector<Call> expected;
  for (std::uint32_t i = 0; i < 20; ++i) {
    const auto cmd = static_cast<std::uint8_t>(i * 13 + 5);
    const std::int64_t t0 = static_cast<std::int64_t>(i) * 200'000;
    send(data_frame(t0, {0x40, 0xBF, cmd, static_cast<std::uint8_t>(~cmd)}, Jitter(0.20, 1000 + i)));
    expected.push_back({cmd, 0x40, 0, t0 + 80'000});
  }
  run_for(4100ms);
  EXPECT_EQ(calls, expected);
  EXPECT_EQ(ir.errors(), 0u);
}

TEST_F(NecIrTest, FastAndSlowTransmitters) {
  NecIr ir(pin);
  attach(ir);
  start(ir);
  // Every interval 20 % short; then 10 % long with an 8-bit address (a 74.9 ms frame, inside the 80 ms
  // block).
  send(data_frame(0, {0x40, 0xBF, 0x07, 0xF8}, Scale{0.8}));
  send(data_frame(200'000, {0x00, 0xFF, 0xFF, 0x00}, Scale{1.1}));
  run_for(400ms);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].data, 7);
  EXPECT_EQ(calls[1].data, 0xFF);
  EXPECT_EQ(calls[1].addr, 0);
}

TEST_F(NecIrTest, BrokenFramesReportTheSeedsErrors) {
  NecIr ir(pin);
  attach(ir);
  start(ir);
  const auto frame = data_frame(0, {0x40, 0xBF, 0x01, 0xFE});
  auto at = [&](std::int64_t t0, std::vector<std::int64_t> edges) {
    for (std::int64_t& t : edges)
      t += t0;
    return edges;
  };
  // Leader mark of 3 ms (interference).
  send(data_frame(0, {0x40, 0xBF, 0x01, 0xFE}, Jitter{}, 3000));
  // A frame cut after 40 edges (the remote moved away); an even count leaves the line idle.
  send(at(200'000, std::vector<std::int64_t>(frame.begin(), frame.begin() + 40)));
  // A repeat frame with 6 edges.
  send(at(400'000, {0, 9000, 11250, 11812, 12400, 13000}));
  // A valid frame and 2 more edges inside its block.
  auto overrun = relative(frame);
  overrun.push_back(overrun.back() + 5000);
  overrun.push_back(overrun.back() + 562);
  send(at(600'000, overrun));
  // The command does not match its complement.
  send(data_frame(800'000, {0x40, 0xBF, 0x01, 0xFF}));
  run_for(1000ms);
  std::vector<int> results;
  for (const Call& c : calls)
    results.push_back(c.data);
  EXPECT_EQ(results, (std::vector<int>{kNecBadStart, kNecBadBlock, kNecBadRep, kNecOverrun, kNecBadData}));
  ASSERT_EQ(calls.size(), 5u);
  EXPECT_EQ(calls[0].addr, 0);
  EXPECT_EQ(calls[4].addr, 0x40);
  EXPECT_EQ(ir.errors(), 5u);
  ASSERT_EQ(reports.size(), 5u);
  EXPECT_EQ(reports[1].kind, NecIrReport::Kind::error);
  EXPECT_EQ(reports[1].data, kNecBadBlock);
}

TEST_F(NecIrTest, AGlitchIsBadStart) {
  NecIr ir(pin);
  attach(ir);
  start(ir);
  send({5'000, 5'100});  // a 100 µs blip
  run_for(200ms);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], (Call{kNecBadStart, 0, 0, 85'000}));
}

TEST_F(NecIrTest, DecodesFromEdgeTimestampsNotFromWhenTheTaskRan) {
  NecIr ir(pin);
  attach(ir);
  start(ir);
  // A repeat at 0 ms and a frame at 108 ms, but the loop first runs at 150 ms: the repeat's block ended long
  // ago and 40-odd edges of the frame are queued at once, each stamped with its own time.
  send(repeat_frame(0));
  send(data_frame(108'000, {0x40, 0xBF, 0x09, 0xF6}));
  backend.advance(150ms);
  run_for(200ms);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0], (Call{kNecRepeat, 0, 0, 150'000}));  // decoded at once, from the timestamps
  EXPECT_EQ(calls[1], (Call{9, 0x40, 0, 188'000}));
  EXPECT_EQ(reports[1].timestamp_us, 108'000);
}

TEST_F(NecIrTest, EdgesLostFromAFullRingMakeABadBlock) {
  NecIr ir(pin);
  attach(ir);
  start(ir);
  send(data_frame(0, {0x40, 0xBF, 0x01, 0xFE}));
  backend.advance(75ms);  // all 68 edges reach the 64-event ring before the task runs
  run_for(100ms);
  EXPECT_GT(pin.dropped(), 0u);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].data, kNecBadBlock);
}

TEST_F(NecIrTest, CoroutineCallbackRunsAsATask) {
  std::vector<int> seen;
  auto on_code = [&seen](int data, int, int) -> Task<> {
    co_await sleep(5ms);
    seen.push_back(data);
  };
  NecIr ir(pin, on_code);
  start(ir);
  send(data_frame(0, {0x40, 0xBF, 0x03, 0xFC}));
  run_for(50ms);
  EXPECT_TRUE(seen.empty());
  run_for(100ms);
  EXPECT_EQ(seen, (std::vector<int>{3}));
}

TEST_F(NecIrTest, DestroyedMidBlockLeavesNothingBehind) {
  auto ir = std::make_unique<NecIr>(pin);
  attach(*ir);
  start(*ir);
  send(data_frame(0, {0x40, 0xBF, 0x01, 0xFE}));
  run_for(30ms);
  ir.reset();
  run_for(200ms);
  EXPECT_TRUE(calls.empty());
}

TEST_F(NecIrTest, DeinitThenStartAgain) {
  NecIr ir(pin);
  attach(ir);
  start(ir);
  send(data_frame(0, {0x40, 0xBF, 0x01, 0xFE}));
  run_for(30ms);
  ir.deinit();
  EXPECT_FALSE(ir.running());
  run_for(170ms);  // the rest of the frame arrives while nobody listens
  start(ir);
  // The stale edges queued meanwhile form a broken block of their own, then a frame decodes.
  send(data_frame(400'000, {0x40, 0xBF, 0x04, 0xFB}));
  run_for(400ms);
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back(), (Call{4, 0x40, 0, 480'000}));
}

TEST_F(NecIrTest, StartsInTheConstructorInsideARunningLoopOrWithStartLoop) {
  std::unique_ptr<NecIr> inside;
  auto main_task = [&]() -> Task<> {
    inside = std::make_unique<NecIr>(pin);  // as the seed: running at once
    EXPECT_TRUE(inside->running());
    co_return;
  };
  loop.run_until_complete(main_task());
  EXPECT_TRUE(inside->running());
  inside.reset();
  NecIr outside(pin);  // the daemon builds devices before it runs the loop
  EXPECT_FALSE(outside.running());
  outside.start(loop);
  EXPECT_TRUE(outside.running());
  attach(outside);
  send(data_frame(1'000, {0x40, 0xBF, 0x01, 0xFE}));
  run_for(100ms);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].data, 1);
}

TEST_F(NecIrTest, TheCallbackMayStopOrDestroyTheReceiver) {
  {
    NecIr ir(pin);
    int n = 0;
    ir.set_callback([&](int, int, int) {
      ++n;
      ir.deinit();
    });
    int observed = 0;
    ir.set_observer([&](const NecIrReport&) { ++observed; });
    start(ir);
    send(data_frame(0, {0x40, 0xBF, 0x01, 0xFE}));
    send(repeat_frame(108'000));
    run_for(300ms);
    EXPECT_EQ(n, 1);
    EXPECT_EQ(observed, 0);
    EXPECT_FALSE(ir.running());
  }
  auto ir = std::make_unique<NecIr>(pin);
  int n = 0;
  ir->set_callback([&](int, int, int) {
    ++n;
    ir.reset();
  });
  start(*ir);
  send(data_frame(400'000, {0x40, 0xBF, 0x01, 0xFE}));
  send(repeat_frame(508'000));
  run_for(300ms);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(ir, nullptr);
}

TEST_F(NecIrTest, ReleasedLineEndsTheTask) {
  NecIr ir(pin);
  start(ir);
  run_for(10ms);
  EXPECT_TRUE(ir.running());
  pin.release();
  run_for(10ms);
  EXPECT_FALSE(ir.running());
}

}  // namespace
}  // namespace aiopi::drivers
