// NEC infrared remote receiver, after micropython-async's aremote (NEC_IR): decodes the demodulated signal of
// a 38 kHz receiver (TSOP4838 and the like) from the timestamps of its edges, with repeat codes, the seed's
// error codes and 8- or 16-bit ("extended") addresses.
//
//   hal::DigitalInput& ir = ...;                     // requested with EdgeMode::both
//   drivers::NecIr remote(ir, [](int data, int addr, int) {
//     if (data >= 0) printf("%02x from %04x\n", data, addr);
//     else printf("%s\n", drivers::nec_result_name(data));
//   });
//   remote.start();
//
// How a frame is taken: the first edge after a quiet line opens a block; every edge whose timestamp lies
// within block_ms of that first edge's belongs to it (up to 69 are kept: one more than a frame has, to see
// an overrun); then the block is decoded and the callback runs. Times are the edges' own timestamps (the
// kernel's, or the sim's), never the time the task happened to run, so a busy loop does not corrupt a frame.
// The task does not wake for each edge: it sleeps until the block ends and takes the edges queued meanwhile,
// waking a few times in between so that the input's edge ring (64 events) cannot overflow.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>

#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/launch.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi::drivers {

/// The seed's result codes: a decode gives a command 0..255 or one of these (anything below kNecRepeat is an
/// error).
inline constexpr int kNecRepeat = -1;    // REPEAT: a key held (the 9 ms / 2.25 ms repeat frame)
inline constexpr int kNecBadStart = -2;  // BADSTART: leader mark <= 4 ms or leader space <= 1.7 ms
inline constexpr int kNecBadBlock = -3;  // BADBLOCK: a data frame with too few edges
inline constexpr int kNecBadRep = -4;    // BADREP: a repeat frame without exactly 4 edges
inline constexpr int kNecOverrun = -5;   // OVERRUN: more than 68 edges in a block
inline constexpr int kNecBadData = -6;   // BADDATA: the command does not match its complement
inline constexpr int kNecBadAddr = -7;   // BADADDR: 8-bit mode, the address does not match its complement

/// "REPEAT", "BADSTART", ... for a result code; "DATA" for a command (>= 0).
const char* nec_result_name(int code) noexcept;

/// Edges in a data frame (leader mark and space, 32 bits, stop mark) and in a repeat frame.
inline constexpr std::size_t kNecFrameEdges = 68;
inline constexpr std::size_t kNecRepeatEdges = 4;

/// What a block decodes to: `data` is the command (0..255) or a result code; `addr` the address (8-bit, or
/// 16-bit = byte0 | byte1 << 8), the remembered one for a repeat, 0 for errors other than BADDATA/BADADDR.
struct NecFrame {
  int data;
  std::uint16_t addr;
  friend bool operator==(const NecFrame&, const NecFrame&) = default;
};

/// The decoding rules of the seed as a pure function of a block's edge timestamps, plus the remembered
/// address for repeat codes. The receiver uses it; so can a benchmark or a program with its own capture.
class NecDecoder {
 public:
  explicit NecDecoder(bool extended) noexcept : extended_(extended) {}

  /// Decodes one block: `edges_us` are the timestamps (µs, any origin) of its edges in order; more than 68
  /// means an overrun whatever they are.
  NecFrame decode(std::span<const std::int64_t> edges_us) noexcept;

  bool extended() const noexcept { return extended_; }
  /// The address a repeat code reports (0 at first).
  std::uint16_t last_address() const noexcept { return last_addr_; }
  void reset() noexcept { last_addr_ = 0; }

 private:
  bool extended_;
  std::uint16_t last_addr_ = 0;
};

struct NecIrConfig {
  /// true: 16-bit addresses are accepted (the address byte1 need not be ~byte0); false: the complement is
  /// checked and a mismatch is BADADDR. (A mandatory argument in the seed; art.py assumes true.)
  bool extended = true;
  /// How long a block lasts from its first edge, ms; 0 = the seed's 73 (8-bit) / 80 (extended).
  std::uint32_t block_ms = 0;
};

/// What the receiver reports to the observer for every block.
struct NecIrReport {
  enum class Kind : unsigned char { code, repeat, error };
  Kind kind;
  std::int64_t timestamp_us;  // the block's first edge, on the loop clock
  int data;                   // the command, kNecRepeat, or the error code
  std::uint16_t addr;
};

constexpr const char* to_string(NecIrReport::Kind kind) noexcept {
  switch (kind) {
    case NecIrReport::Kind::code:
      return "code";
    case NecIrReport::Kind::repeat:
      return "repeat";
    case NecIrReport::Kind::error:
      return "error";
  }
  return "unknown";
}

class NecIr {
 public:
  /// The seed's callback(data, addr, *args): bind extra arguments by capture. `ctrl` is always 0 for NEC
  /// (the shape of micropython_ir's callbacks, where other protocols put a toggle bit there).
  using Callback = InplaceFunction<void(int data, int addr, int ctrl)>;
  using Observer = InplaceFunction<void(const NecIrReport&)>;

  /// `pin` must detect both edges (hal::EdgeMode::both). Starts at once when constructed inside a running
  /// loop (as the seed); elsewhere call start(loop) / start().
  explicit NecIr(hal::DigitalInput& pin, const NecIrConfig& config = {});
  /// With the seed's callback: a function, or a coroutine function (returning Task<>) started as a task.
  template <class F>
  requires std::is_invocable_v<F&, int, int, int> NecIr(hal::DigitalInput& pin, F&& callback,
                                                        const NecIrConfig& config = {})
      : NecIr(pin, config) {
    set_callback(std::forward<F>(callback));
  }
  NecIr(const NecIr&) = delete;
  NecIr& operator=(const NecIr&) = delete;
  ~NecIr() { deinit(); }

  /// Starts the receiving task (a no-op while it runs).
  void start(Loop& loop);
  void start() { start(Loop::get()); }
  /// Stops it at once: unwinds the task, dropping a block being received. Also allowed from inside the
  /// callback, which may even destroy the receiver (the task then ends when the callback returns).
  void deinit() noexcept;
  bool running() const noexcept;

  /// Replaces the callback (launch rules: a callable returning Task<> starts a task).
  template <class F>
  requires std::is_invocable_v<F&, int, int, int>
  void set_callback(F&& f) {
    callback_ = [fn = std::forward<F>(f)](int data, int addr, int ctrl) mutable {
      CallResult ignored;
      aiopi::detail::launch_into([&]() -> decltype(auto) { return fn(data, addr, ctrl); }, ignored);
    };
  }
  /// The daemon's hook: called for every block, after the callback.
  void set_observer(Observer observer) noexcept { observer_ = std::move(observer); }

  const NecDecoder& decoder() const noexcept { return decoder_; }
  /// Blocks decoded since construction, and those that were errors.
  std::uint32_t blocks() const noexcept { return blocks_; }
  std::uint32_t errors() const noexcept { return errors_; }
  /// The block length in use, µs.
  std::int64_t block_us() const noexcept { return block_us_; }

 private:
  static constexpr std::size_t kKeep = kNecFrameEdges + 1;  // one more, to see an overrun

  Task<> run();
  void add_edge(const hal::EdgeEvent& e) noexcept;
  /// Decodes and reports the block; false when the callback stopped or destroyed the receiver.
  bool finish_block(const bool& stopped) noexcept;

  hal::DigitalInput& pin_;
  NecDecoder decoder_;
  std::int64_t block_us_;
  Callback callback_;
  Observer observer_;
  TaskHandle<void> task_;
  bool* stop_flag_ = nullptr;  // in the running task's frame: set by a deinit() from inside the callback

  // The block being received.
  std::array<std::int64_t, kKeep> times_{};
  std::size_t count_ = 0;
  std::uint32_t last_seq_ = 0;
  bool lost_ = false;               // the input's ring dropped edges of this block
  std::uint32_t dropped_seen_ = 0;  // the input's dropped() when the last block ended

  std::uint32_t blocks_ = 0;
  std::uint32_t errors_ = 0;
};

}  // namespace aiopi::drivers
