// Digital I/O of the HAL: DigitalInput (level, awaitable edges) and DigitalOutput (set / get).
//
// Backends (platform/sim now; libgpiod on Linux and the RP2040's IO_IRQ later) derive from these classes and
// take an InputConfig / OutputConfig when the line is requested. Levels are *logical*: with active_low the
// backend inverts, so value() == true means "active", and a rising edge is logical low -> high.
//
// Edges: the backend pushes each detected edge into the input's EdgeQueue, a bounded ring of
// EdgeQueue::kCapacity events (AIOPI_HAL_EDGE_CAPACITY, 64 by default) owned by the input, on the loop's
// thread (Linux: from the line's fd in epoll; RP2040: from the IRQ inbox; sim: from a timer). A reader
// `co_await input.next_edge()` takes the oldest event or waits for one.
//
//   for (;;) {
//     hal::IoResult<hal::EdgeEvent> e = co_await button.next_edge();
//     if (!e) break;                        // line released: IoErrc::closed
//     if (e->edge == hal::Edge::falling) pressed_at(e->timestamp_us);
//   }
//
// Guarantees:
//  * Never silent: when the ring is full the *oldest* event is dropped and dropped() counts it; seq numbers
//    every detected edge from 1, so a reader also sees the gap.
//  * Cancel-safe: events leave the ring only when a reader that resumes takes one. A reader woken for an
//  event
//    but cancelled before it ran passes its claim on to the next reader (or the event stays first in the
//    ring); a reader cancelled while waiting (e.g. `wait_for(input.next_edge(), 1ms)` timing out) took
//    nothing. Readers are served in FIFO order, and a newcomer never takes an event promised to a woken one.
//  * Closing: a released line (or an input destroyed while tasks wait) wakes its waiting readers with
//    IoErrc::closed. Events already in the ring are still delivered first.
#pragma once

#include <array>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "aiopi/detail/wait_list.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/loop.hpp"

#ifndef AIOPI_HAL_EDGE_CAPACITY
#define AIOPI_HAL_EDGE_CAPACITY 64
#endif

namespace aiopi::hal {

enum class Edge : unsigned char { rising, falling };
/// Which edges a line detects (and queues).
enum class EdgeMode : unsigned char { none, rising, falling, both };
/// The line's bias resistor; as_is leaves what the hardware or the previous user set.
enum class Bias : unsigned char { as_is, off, pull_up, pull_down };
/// How an output drives its line; open_drain / open_source where the backend can.
enum class Drive : unsigned char { push_pull, open_drain, open_source };

constexpr const char* to_string(Edge e) noexcept {
  return e == Edge::rising ? "rising" : "falling";
}

/// True when `mode` detects `edge`.
constexpr bool detects(EdgeMode mode, Edge edge) noexcept {
  return mode == EdgeMode::both || (mode == EdgeMode::rising && edge == Edge::rising) ||
         (mode == EdgeMode::falling && edge == Edge::falling);
}

/// One detected edge. `timestamp_us` is on the loop's monotonic clock: the time the edge happened (the
/// kernel's event timestamp where the backend has one), not the time a task woke. `seq` numbers every
/// detected edge of the line from 1, dropped ones included.
struct EdgeEvent {
  Edge edge;
  std::int64_t timestamp_us;
  std::uint32_t seq;
};

struct InputConfig {
  EdgeMode edges = EdgeMode::none;
  Bias bias = Bias::as_is;
  bool active_low = false;
};

struct OutputConfig {
  bool initial = false;  // logical level set when the line is requested
  Drive drive = Drive::push_pull;
  bool active_low = false;
};

/// The bounded ring of edge events of one input, with its FIFO of waiting readers (see the top of the file).
/// Loop-local: push() and close() run on the loop's thread.
class EdgeQueue {
 public:
  static constexpr std::size_t kCapacity = AIOPI_HAL_EDGE_CAPACITY;
  static_assert(kCapacity > 0, "AIOPI_HAL_EDGE_CAPACITY must be positive");

  EdgeQueue() noexcept = default;
  EdgeQueue(const EdgeQueue&) = delete;
  EdgeQueue& operator=(const EdgeQueue&) = delete;
  ~EdgeQueue() {
    // Waiting and woken readers must not reach back into this object: they resume with IoErrc::closed.
    release_all(waiters_);
    release_all(claimed_);
  }

  /// Records an edge (backend side). Full ring: the oldest event is dropped and counted. Ignored once closed.
  void push(Edge edge, std::int64_t timestamp_us) noexcept {
    if (closed_.kind != IoErrc::ok) return;
    const std::uint32_t seq = ++seq_;
    if (size_ == kCapacity) {
      head_ = (head_ + 1) % kCapacity;
      --size_;
      ++dropped_;
    }
    ring_[(head_ + size_) % kCapacity] = EdgeEvent{edge, timestamp_us, seq};
    ++size_;
    if (size_ > claims_) grant_first_waiter();
  }

  /// Records `count` edges the backend knows were lost before they reached the ring (backend side: e.g. a
  /// kernel event FIFO that overflowed). They are counted in dropped() and take seq numbers, so the next
  /// pushed edge shows the gap. Ignored once closed.
  void push_lost(std::uint32_t count) noexcept {
    if (closed_.kind != IoErrc::ok) return;
    seq_ += count;
    dropped_ += count;
  }

  /// Ends the queue (backend side: line released): waiting readers resume with `reason` (kind closed unless
  /// told otherwise); later reads get it once the ring is empty.
  void close(IoError reason = io_error(IoErrc::closed, "next_edge: the line was released")) noexcept {
    if (reason.ok()) reason = io_error(IoErrc::closed, "next_edge: the line was released");
    closed_ = reason;
    while (!waiters_.empty()) {
      auto& r = static_cast<NextEdge&>(waiters_.pop_front());
      r.state_ = NextEdge::State::closed;
      r.task->loop().make_ready(*r.task);
    }
  }
  bool closed() const noexcept { return closed_.kind != IoErrc::ok; }

  /// Events waiting to be read (including any promised to a woken reader that has not run yet).
  std::size_t size() const noexcept { return size_; }
  /// Events dropped because the ring was full.
  std::uint32_t dropped() const noexcept { return dropped_; }
  /// The seq of the last edge pushed (0 before the first).
  std::uint32_t last_seq() const noexcept { return seq_; }

  /// The oldest event a newcomer may take, or nothing (empty, or every event is promised to a woken reader).
  std::optional<EdgeEvent> try_pop() noexcept {
    if (size_ <= claims_ || !waiters_.empty()) return std::nullopt;
    return take();
  }

  class [[nodiscard]] NextEdge : private WaitNode {
   public:
    explicit NextEdge(EdgeQueue& q) noexcept : q_(&q) {}
    NextEdge(const NextEdge&) = delete;
    NextEdge& operator=(const NextEdge&) = delete;
    ~NextEdge() {
      // Woken for an event but unwound before running: the claim passes on, the event stays first.
      if (state_ == State::claimed && q_ != nullptr) q_->drop_claim(*this);
    }
    bool await_ready() const noexcept {
      return q_->closed() || (q_->waiters_.empty() && q_->size_ > q_->claims_);
    }
    void await_suspend(std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      q_->waiters_.push_back(*this);
      state_ = State::waiting;
    }
    IoResult<EdgeEvent> await_resume() noexcept {
      if (q_ == nullptr) {
        state_ = State::done;
        return io_error(IoErrc::closed, "next_edge: the input was destroyed while a task waited");
      }
      if (state_ == State::claimed) {
        unlink();
        --q_->claims_;
        state_ = State::done;
        return q_->take();
      }
      const bool woken_by_close = state_ == State::closed;
      state_ = State::done;
      if (!woken_by_close && q_->size_ > q_->claims_) return q_->take();
      return q_->closed_;
    }

   private:
    friend EdgeQueue;
    enum class State : unsigned char { idle, waiting, claimed, closed, done };
    EdgeQueue* q_;
    State state_ = State::idle;
  };

  /// `co_await q.next()`: the oldest event, waiting while there is none (see the guarantees above).
  NextEdge next() noexcept { return NextEdge(*this); }

 private:
  EdgeEvent take() noexcept {
    EdgeEvent e = ring_[head_];
    head_ = (head_ + 1) % kCapacity;
    --size_;
    return e;
  }
  void grant_first_waiter() noexcept {
    if (waiters_.empty()) return;
    auto& r = static_cast<NextEdge&>(waiters_.pop_front());
    claimed_.push_back(r);
    ++claims_;
    r.state_ = NextEdge::State::claimed;
    r.task->loop().make_ready(*r.task);
  }
  void drop_claim(NextEdge& r) noexcept {
    r.unlink();
    --claims_;
    if (size_ > claims_) grant_first_waiter();
  }
  static void release_all(WaitList<>& list) noexcept {
    while (!list.empty()) {
      auto& r = static_cast<NextEdge&>(list.pop_front());
      r.q_ = nullptr;
      r.task->loop().make_ready(*r.task);
    }
  }

  std::array<EdgeEvent, kCapacity> ring_{};
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::size_t claims_ = 0;
  std::uint32_t seq_ = 0;
  std::uint32_t dropped_ = 0;
  IoError closed_{};
  WaitList<> waiters_;  // suspended, nothing promised yet (FIFO)
  WaitList<> claimed_;  // woken with a claim on an event, not yet run
};

/// A digital input line. value() is the logical level; next_edge() awaits the next detected edge.
class DigitalInput {
 public:
  explicit DigitalInput(const InputConfig& config) noexcept : config_(config) {
    if (config.edges == EdgeMode::none)
      edges_.close(io_error(IoErrc::invalid_argument,
                            "next_edge: the line was requested without edge detection (EdgeMode::none)"));
  }
  DigitalInput(const DigitalInput&) = delete;
  DigitalInput& operator=(const DigitalInput&) = delete;
  virtual ~DigitalInput() = default;

  /// The current logical level (active_low already applied).
  virtual IoResult<bool> value() = 0;

  /// `IoResult<EdgeEvent> e = co_await in.next_edge();` the oldest queued edge, waiting while there is none.
  /// Cancel-safe (no edge lost); IoErrc::closed once the line is released and the ring is empty;
  /// IoErrc::invalid_argument when the line detects no edges.
  EdgeQueue::NextEdge next_edge() noexcept { return edges_.next(); }
  /// The oldest queued edge without waiting, or nothing.
  std::optional<EdgeEvent> next_edge_nowait() noexcept { return edges_.try_pop(); }
  /// Edges lost because the ring was full (the oldest go first).
  std::uint32_t dropped() const noexcept { return edges_.dropped(); }
  /// Edges queued and not yet read.
  std::size_t pending_edges() const noexcept { return edges_.size(); }
  const InputConfig& config() const noexcept { return config_; }

 protected:
  /// Backends push detected edges (already filtered by config().edges, in logical terms) and close on
  /// release.
  EdgeQueue& edge_queue() noexcept { return edges_; }

 private:
  InputConfig config_;
  EdgeQueue edges_;
};

/// A digital output line. Levels are logical (active_low applied by the backend).
class DigitalOutput {
 public:
  explicit DigitalOutput(const OutputConfig& config) noexcept : config_(config) {}
  DigitalOutput(const DigitalOutput&) = delete;
  DigitalOutput& operator=(const DigitalOutput&) = delete;
  virtual ~DigitalOutput() = default;

  virtual IoResult<void> set(bool level) = 0;
  /// The level last set (what the line is driven to; for open drain, not what the wire reads).
  virtual IoResult<bool> get() = 0;
  const OutputConfig& config() const noexcept { return config_; }

 private:
  OutputConfig config_;
};

}  // namespace aiopi::hal
