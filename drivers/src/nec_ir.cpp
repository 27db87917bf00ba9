#include "aiopi/drivers/nec_ir.hpp"

#include <algorithm>
#include <optional>

#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"

namespace aiopi::drivers {

namespace {

// Decision thresholds of the seed, µs: wide margins around the nominal 9000 / 4500 / 2250 / 1687.5 / 562.5.
constexpr std::int64_t kLeaderMarkMin = 4000;   // leader mark must be longer
constexpr std::int64_t kDataSpaceMin = 3000;    // leader space longer: a data frame
constexpr std::int64_t kRepeatSpaceMin = 1700;  // (1700, 3000]: a repeat frame
constexpr std::int64_t kOneSpaceMin = 1120;     // a bit's space longer: a 1

constexpr std::int64_t kBlockUs = 73'000;          // a data frame lasts ~68 ms
constexpr std::int64_t kExtendedBlockUs = 80'000;  // up to ~76.5 ms with a 16-bit address

/// How often the task takes the queued edges while a block lasts: half the edge ring at the fastest edge
/// rate of a frame (one edge per 562.5 µs), so the ring never overflows.
constexpr std::int64_t kDrainUs = static_cast<std::int64_t>(hal::EdgeQueue::kCapacity / 2) * 560;

}  // namespace

const char* nec_result_name(int code) noexcept {
  switch (code) {
    case kNecRepeat:
      return "REPEAT";
    case kNecBadStart:
      return "BADSTART";
    case kNecBadBlock:
      return "BADBLOCK";
    case kNecBadRep:
      return "BADREP";
    case kNecOverrun:
      return "OVERRUN";
    case kNecBadData:
      return "BADDATA";
    case kNecBadAddr:
      return "BADADDR";
    default:
      return code >= 0 ? "DATA" : "UNKNOWN";
  }
}

NecFrame NecDecoder::decode(std::span<const std::int64_t> edges) noexcept {
  const std::size_t n = edges.size();
  if (n > kNecFrameEdges) return {kNecOverrun, 0};
  // A lone edge or two (interference) has no leader to measure.
  if (n < 3 || edges[1] - edges[0] <= kLeaderMarkMin) return {kNecBadStart, 0};
  const std::int64_t space = edges[2] - edges[1];
  if (space <= kRepeatSpaceMin) return {kNecBadStart, 0};
  if (space <= kDataSpaceMin) {
    if (n != kNecRepeatEdges) return {kNecBadRep, 0};
    return {kNecRepeat, last_addr_};
  }
  if (n < kNecFrameEdges) return {kNecBadBlock, 0};

  // Only the spaces carry the bits (every mark is 562.5 µs), least significant bit first: bit i is the
  // space from edge 3 + 2i to edge 4 + 2i.
  std::uint32_t value = 0;
  for (std::size_t bit = 0; bit < 32; ++bit) {
    if (edges[4 + 2 * bit] - edges[3 + 2 * bit] > kOneSpaceMin) value |= std::uint32_t{1} << bit;
  }
  const std::uint8_t byte0 = value & 0xff;
  const std::uint8_t byte1 = (value >> 8) & 0xff;
  const std::uint8_t command = (value >> 16) & 0xff;
  const std::uint8_t check = (value >> 24) & 0xff;
  const int data = command == static_cast<std::uint8_t>(~check) ? command : kNecBadData;

  if (byte1 == static_cast<std::uint8_t>(~byte0)) {  // 8-bit address and its complement
    last_addr_ = byte0;
    return {data, byte0};
  }
  const auto addr = static_cast<std::uint16_t>(byte0 | (byte1 << 8));
  if (extended_) {
    last_addr_ = addr;
    return {data, addr};
  }
  // A remote this receiver does not accept: its repeats must not be taken for an accepted remote's.
  last_addr_ = 0;
  return {kNecBadAddr, addr};
}

NecIr::NecIr(hal::DigitalInput& pin, const NecIrConfig& config)
    : pin_(pin),
      decoder_(config.extended),
      block_us_(config.block_ms != 0 ? static_cast<std::int64_t>(config.block_ms) * 1000
                                     : (config.extended ? kExtendedBlockUs : kBlockUs)) {
  if (Loop* loop = Loop::current(); loop != nullptr && loop->is_running()) start(*loop);
}

void NecIr::start(Loop& loop) {
  if (running()) return;
  dropped_seen_ = pin_.dropped();
  task_ = loop.create_task(run(), "nec_ir");
}

void NecIr::deinit() noexcept {
  if (task_ && !task_.done()) {
    Loop& loop = task_.base().loop();
    if (loop.current_task() == &task_.base()) {
      // From inside the callback: the task cannot unwind itself; it ends as soon as the callback returns.
      if (stop_flag_ != nullptr) *stop_flag_ = true;
    } else {
      loop.unwind_now(task_.base());
    }
  }
  stop_flag_ = nullptr;
  task_ = TaskHandle<void>();
  count_ = 0;
}

bool NecIr::running() const noexcept {
  return task_ && !task_.done();
}

void NecIr::add_edge(const hal::EdgeEvent& e) noexcept {
  if (e.seq != last_seq_ + 1) lost_ = true;  // the ring dropped edges of this block
  last_seq_ = e.seq;
  if (count_ < kKeep) times_[count_++] = e.timestamp_us;
}

bool NecIr::finish_block(const bool& stopped) noexcept {
  if (pin_.dropped() != dropped_seen_) lost_ = true;
  dropped_seen_ = pin_.dropped();
  const NecFrame frame = lost_ ? NecFrame{kNecBadBlock, 0}
                               : decoder_.decode(std::span<const std::int64_t>(times_.data(), count_));
  const std::int64_t first_us = times_[0];
  count_ = 0;
  ++blocks_;
  if (frame.data < kNecRepeat) ++errors_;
  if (callback_) {
    callback_(frame.data, frame.addr, 0);
    if (stopped) return false;  // `this` may be gone
  }
  if (observer_) {
    const NecIrReport::Kind kind = frame.data >= 0            ? NecIrReport::Kind::code
                                   : frame.data == kNecRepeat ? NecIrReport::Kind::repeat
                                                              : NecIrReport::Kind::error;
    observer_(NecIrReport{kind, first_us, frame.data, frame.addr});
  }
  return true;
}

Task<> NecIr::run() {
  Loop& loop = Loop::running();
  bool stopped = false;
  stop_flag_ = &stopped;
  std::optional<hal::EdgeEvent> next;  // an edge already taken that opens the next block
  for (;;) {
    hal::EdgeEvent first{};
    if (next) {
      first = *std::exchange(next, std::nullopt);
    } else {
      hal::IoResult<hal::EdgeEvent> e = co_await pin_.next_edge();  // idle: no wake-ups until an edge
      if (!e) co_return;  // the line was released (or detects no edges)
      first = *e;
    }
    count_ = 0;
    // Edges the input's ring dropped since the last block were older than `first`: this block's beginning.
    lost_ = pin_.dropped() != dropped_seen_;
    last_seq_ = first.seq - 1;
    add_edge(first);
    const std::int64_t end_us = first.timestamp_us + block_us_;
    for (;;) {
      while (std::optional<hal::EdgeEvent> e = pin_.next_edge_nowait()) {
        if (e->timestamp_us >= end_us) {
          next = *e;
          break;
        }
        add_edge(*e);
      }
      if (next) break;
      const std::int64_t now_us = loop.now().time_since_epoch().count();
      if (now_us >= end_us) break;
      co_await sleep_until(TimePoint(Duration(std::min(end_us, now_us + kDrainUs))));
    }
    if (!finish_block(stopped)) co_return;
  }
}

}  // namespace aiopi::drivers
