// Encoder: micropython-async's quadrature knob (primitives.encoder), decoded from the timestamped edges of
// its two inputs instead of from interrupts.
//
//   hal::DigitalInput& x = ...;   // both lines requested with EdgeMode::both (and a pull-up for a passive
//   knob) drivers::Encoder knob(x, y, {.vmin = 0, .vmax = 100}, [](std::int64_t v, std::int64_t d) { show(v,
//   d); }); if (auto r = knob.start(); !r) log(r.error().what); std::int64_t v = co_await knob.next_value();
//   // the seed's `async for v in encoder`
//
// Counting: every edge of either line is one transition of the 2-bit state (x, y), looked up in the
// quadrature table (QuadratureDecoder): +1 or -1 by direction, 0 for none. A transition the table cannot give
// a direction for is counted in invalid() and moves nothing: both lines changing at the same timestamp, an
// edge that does not change its line's level, or an edge after a gap in its line's sequence numbers (edges
// lost by the HAL's ring). Contact bounce on one line is a run of alternate +1 / -1 and nets to zero.
// The edges of the two lines are decoded in timestamp order: each line's reader stages what its line has
// queued, and an edge is decoded once the other line has a later edge staged, or has nothing queued and the
// edge is `settle_us` old (on the loop clock). So edges of both lines that one poll delivered are merged
// whichever reader runs first, and an edge of one line that reaches the loop up to settle_us after a later
// edge of the other (two GPIO fds read in different polls) still takes its place.
//
// Reporting (the seed's worker): after an edge, the driver waits `delay_ms` (a rate limit: while the knob
// turns it reports at most once per delay), then samples the count. With `quiet`, every edge restarts the
// wait instead, so a report comes once the knob has been still for `delay_ms` (the seed's encoder_stop
// example, built in). The divided value is
// round-half-to-even(count / div); its change since the last report is added to value(), which is then
// clamped to vmax, then vmin, then reduced modulo `mod` (floor modulo, result in [0, mod)). Limits act on
// the accumulated delta, so turning back from an end stop moves away at once. When value() changed, the
// callback runs with (value, value - previous), then the observer, then the changed() Event is set.
// Callback and observer run on the loop's thread at the timer's expiry and must not block; they may call
// deinit() or destroy the Encoder.
#pragma once

#include <array>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "aiopi/delay_ms.hpp"
#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/event.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi::drivers {

/// The quadrature state machine. State = (x << 1) | y; forward is 00 -> 10 -> 11 -> 01 -> 00 (the seed's
/// sign convention: an x edge counts +1 when x != y afterwards, a y edge counts +1 when x == y afterwards).
class QuadratureDecoder {
 public:
  /// What a transition did.
  enum class Step : signed char { backward = -1, none = 0, forward = 1, invalid = 2 };

  /// The transition from state `from` to state `to` (each 0..3).
  static constexpr Step lookup(unsigned from, unsigned to) noexcept {
    constexpr Step F = Step::forward, B = Step::backward, N = Step::none, X = Step::invalid;
    constexpr Step kTable[16] = {
        N, B, F, X,  // from 00 to 00, 01, 10, 11
        F, N, X, B,  // from 01
        B, X, N, F,  // from 10
        X, F, B, N,  // from 11
    };
    return kTable[((from & 3u) << 2) | (to & 3u)];
  }
  static constexpr unsigned state_of(bool x, bool y) noexcept { return (x ? 2u : 0u) | (y ? 1u : 0u); }

  void reset(bool x, bool y, std::int64_t count = 0) noexcept {
    state_ = state_of(x, y);
    count_ = count;
  }
  /// Moves to the levels (x, y): counts the step, or an invalid transition (the state is adopted anyway).
  Step step(bool x, bool y) noexcept {
    const unsigned to = state_of(x, y);
    const Step s = lookup(state_, to);
    state_ = to;
    if (s == Step::invalid) {
      ++invalid_;
    } else {
      count_ += static_cast<int>(s);
    }
    return s;
  }
  /// Adopts the levels (x, y) without a direction: an invalid transition.
  void resync(bool x, bool y) noexcept {
    state_ = state_of(x, y);
    ++invalid_;
  }

  std::int64_t count() const noexcept { return count_; }
  std::uint64_t invalid() const noexcept { return invalid_; }
  bool x() const noexcept { return (state_ & 2u) != 0; }
  bool y() const noexcept { return (state_ & 1u) != 0; }

 private:
  unsigned state_ = 0;
  std::int64_t count_ = 0;
  std::uint64_t invalid_ = 0;
};

/// round(n / d) with ties to even, as Python's round() of the seed (d >= 1).
constexpr std::int64_t divide_round_half_even(std::int64_t n, std::int64_t d) noexcept {
  std::int64_t q = n / d;
  std::int64_t r = n % d;
  if (r < 0) {  // floor division
    q -= 1;
    r += d;
  }
  if (2 * r > d || (2 * r == d && (q & 1) != 0)) ++q;
  return q;
}

/// The seed's constructor arguments, with its defaults.
struct EncoderConfig {
  std::int64_t v = 0;    // initial value (must lie within vmin..vmax where given)
  std::int64_t div = 1;  // quadrature counts per unit of value (4 for most detented knobs)
  std::optional<std::int64_t> vmin = std::nullopt;  // lower limit of value()
  std::optional<std::int64_t> vmax = std::nullopt;  // upper limit of value()
  std::optional<std::int64_t> mod = std::nullopt;   // value() wraps into [0, mod) (positive)
  std::int64_t delay_ms = 100;  // wait after an edge before sampling and reporting (rate limit)
  bool quiet = false;  // report only after delay_ms without any edge (not a rate limit: once motion stops)
  std::int64_t settle_us = 1000;  // an edge waits at most this long for an earlier edge of the other line
};

enum class EncoderEvent : unsigned char { change };
constexpr const char* to_string(EncoderEvent) noexcept {
  return "change";
}

/// What the observer is told at every change of value().
struct EncoderReport {
  EncoderEvent kind = EncoderEvent::change;
  std::int64_t t_us = 0;  // loop clock: the timestamp of the last edge counted in this change
  std::int64_t value = 0;
  std::int64_t delta = 0;  // value - the previous value (after limits and modulo)
  std::int64_t count = 0;  // the raw quadrature count at the sample
};

class Encoder {
 public:
  using Config = EncoderConfig;
  using Callback = InplaceFunction<void(std::int64_t value, std::int64_t delta)>;
  using Observer = InplaceFunction<void(const EncoderReport&)>;

  /// `x` and `y` must detect both edges (EdgeMode::both) and outlive the Encoder. Nothing runs until start().
  Encoder(hal::DigitalInput& x, hal::DigitalInput& y, const Config& config = {}, Callback callback = {});
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;
  /// deinit(): safe at any time, also from the callback.
  ~Encoder();

  /// Checks a configuration: IoErrc::invalid_argument for div < 1, mod <= 0, vmin > vmax, v outside
  /// vmin..vmax (the seed's ValueError) or a negative delay.
  static hal::IoResult<void> check(const Config& config) noexcept;

  /// Validates the configuration and the lines, discards edges queued before now, reads both levels and
  /// starts the two reader tasks on the current loop (their frames are the only allocations).
  hal::IoResult<void> start();
  /// Stops the readers and any pending report. Idempotent; start() may run again afterwards.
  void deinit() noexcept;
  bool running() const noexcept { return started_; }

  /// The current value (divided, limited, wrapped), as of the last report.
  std::int64_t value() const noexcept { return value_; }
  /// The raw quadrature count now (v * div at start, +-1 per transition).
  std::int64_t count() const noexcept { return decoder_.count(); }

  void set_callback(Callback callback) noexcept { callback_ = std::move(callback); }
  /// The daemon's hook: called after the callback with every change.
  void set_observer(Observer observer) noexcept { observer_ = std::move(observer); }

  /// Set at every change of value() (the seed's internal Event behind `async for`); never cleared here
  /// except by next_value().
  Event& changed() noexcept { return changed_; }

  /// `co_await enc.next_value()`: waits for a change of value() (returns at once if one is pending), clears
  /// changed() and gives value(). Intermediate values may be skipped. Cancel-safe. Await it in the
  /// expression that makes it.
  class NextValue {
   public:
    explicit NextValue(Encoder& e) noexcept : e_(e), wait_(e.changed_) {}
    NextValue(const NextValue&) = delete;
    NextValue& operator=(const NextValue&) = delete;
    bool await_ready() const noexcept { return wait_.await_ready(); }
    void await_suspend(std::coroutine_handle<> h) { wait_.await_suspend(h); }
    std::int64_t await_resume() noexcept {
      e_.changed_.clear();
      return e_.value_;
    }

   private:
    Encoder& e_;
    Event::Awaiter wait_;
  };
  NextValue next_value() noexcept { return NextValue(*this); }

  /// Edges decoded since start().
  std::uint64_t edges() const noexcept { return edges_; }
  /// Transitions without a direction (see the top of the file); they moved nothing.
  std::uint64_t invalid() const noexcept { return decoder_.invalid(); }
  /// Edges the HAL reported lost (gaps in the lines' sequence numbers).
  std::uint64_t lost() const noexcept { return lost_; }
  /// Why a reader stopped (a line released: IoErrc::closed); kind ok while both run.
  const hal::IoError& error() const noexcept { return error_; }
  const Config& config() const noexcept { return config_; }

 private:
  enum class Line : unsigned char { x = 0, y = 1 };
  /// One edge as staged: the level the line went to, when, and its sequence number.
  struct Staged {
    std::int64_t t_us;
    std::uint32_t seq;
    bool level;
  };
  /// The edges one reader has taken from its line and not yet decoded, oldest first. As big as the line's
  /// own ring, so that a whole burst of both lines is merged by timestamp.
  struct Staging {
    std::array<Staged, hal::EdgeQueue::kCapacity> ring{};
    std::size_t head = 0;
    std::size_t size = 0;
    std::uint32_t last_seq = 0;  // 0: not known yet (the first edge sets it)
    bool full() const noexcept { return size == ring.size(); }
    bool empty() const noexcept { return size == 0; }
    const Staged& front() const noexcept { return ring[head]; }
    void push(const hal::EdgeEvent& e) noexcept {
      ring[(head + size) % ring.size()] = Staged{e.timestamp_us, e.seq, e.edge == hal::Edge::rising};
      ++size;
    }
    Staged pop() noexcept {
      const Staged s = ring[head];
      head = (head + 1) % ring.size();
      --size;
      return s;
    }
  };

  hal::DigitalInput& input(Line l) noexcept { return l == Line::x ? x_ : y_; }
  Task<> read_line(Line line);
  /// Moves what `line` has queued into its staging ring (nothing while its reader holds a claim).
  void top_up(Line line) noexcept;
  /// Decodes staged edges in timestamp order as far as both lines are known (`force`: without waiting for
  /// settle_us, to make room); arms the settle timer for what it holds back.
  void decode_staged(bool force = false) noexcept;
  /// Starts the report delay (the seed's worker waking); `restart` also when it already runs.
  void arm_report(bool restart) noexcept;
  /// One edge, or two of different lines with the same timestamp (`second` non-null).
  void decode(Line first_line, const Staged& first, const Staged* second) noexcept;
  /// Records `e`'s sequence number; true (and the lost edges counted) when edges are missing before it.
  bool seq_gap(Staging& s, const Staged& e) noexcept;
  /// The seed's worker after its delay: sample, divide, limit, wrap, report.
  void report();

  hal::DigitalInput& x_;
  hal::DigitalInput& y_;
  Config config_;
  Callback callback_;
  Observer observer_;
  QuadratureDecoder decoder_;
  std::array<Staging, 2> staging_{};
  TaskHandle<> reader_x_;
  TaskHandle<> reader_y_;
  Delay_ms report_timer_;
  Delay_ms settle_timer_;
  Loop* loop_ = nullptr;
  Event changed_;
  hal::IoError error_{};
  std::int64_t value_ = 0;
  std::int64_t sampled_count_ = 0;     // the count at the last sample (the seed's pv)
  std::int64_t reported_divided_ = 0;  // round(count / div) at the last change (the seed's pcv)
  std::int64_t last_edge_us_ = 0;
  std::uint64_t edges_ = 0;
  std::uint64_t lost_ = 0;
  bool* destroyed_flag_ = nullptr;
  bool started_ = false;
};

}  // namespace aiopi::drivers
