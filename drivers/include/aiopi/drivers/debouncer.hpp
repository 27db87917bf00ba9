// Debouncer: the debounced level of a digital input, as the switches and buttons of micropython-async see it,
// reported to a DebounceSink (the driver) from one task of the loop.
//
// The seed samples the pin every debounce_ms (50 ms): a change is acted on at the first sample that sees it,
// and bounce shorter than the sampling period is never seen. Here, on an input that detects edges
// (InputConfig::edges = EdgeMode::both), the debouncer sleeps until an edge comes, acts on that first edge at
// once (stamped with the edge's own timestamp), then ignores the line for debounce_ms from that edge, drains
// the edges queued meanwhile and re-reads the level: a change that lasted is reported (stamped with the edge
// that made it, and followed by another debounce_ms of deafness), bounce that settled back is not. No wake-up
// while the line is quiet. On an input without edge detection (EdgeMode::none) it polls every debounce_ms
// exactly as the seed does.
//
// Cancel-safe and destruction-safe at any time: stop() (and the destructor) unwinds the task at once, or,
// when called from the sink's own callback, ends it as soon as the callback returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopi/time.hpp"

namespace aiopi::drivers {

/// Where a Debouncer reports to (its driver): `on_level(self, level, t_us)` is called with the debounced
/// level (logical, as DigitalInput::value() reads it) each time it changes, at `t_us` on the loop clock. It
/// returns false when the driver no longer exists (user code it called destroyed it) or was stopped: the
/// debouncer then ends without touching anything.
struct DebounceSink {
  bool (*on_level)(void* self, bool level, std::int64_t t_us);
  void* self;
};

class Debouncer {
 public:
  /// Reads the line's level now (the debounced level starts there; a read error leaves it false and is kept
  /// in error()) and drops the edges queued before. Starts nothing.
  Debouncer(hal::DigitalInput& input, std::int64_t debounce_ms, DebounceSink sink) noexcept
      : input_(input), debounce_(std::chrono::milliseconds(debounce_ms > 0 ? debounce_ms : 0)), sink_(sink) {
    // Edges queued before now are older than the level read here: they would replay gestures of the past.
    while (input_.next_edge_nowait()) {
    }
    hal::IoResult<bool> v = input_.value();
    if (v) {
      level_ = *v;
    } else {
      error_ = v.error();
    }
  }
  Debouncer(const Debouncer&) = delete;
  Debouncer& operator=(const Debouncer&) = delete;
  ~Debouncer() { stop(); }

  /// Starts the task on `loop` (once; later calls, and calls after stop(), do nothing). Allocates the task's
  /// frame.
  void start(Loop& loop) {
    if (task_ || stop_) return;
    task_ = loop.create_task(run(), "debouncer");
  }
  bool started() const noexcept { return static_cast<bool>(task_); }
  /// The task has ended (stopped, or the line was released: see error()).
  bool stopped() const noexcept { return task_ && task_.done(); }

  /// Ends the task for good, at once; from inside the sink's callback, as soon as that returns. Idempotent.
  void stop() noexcept {
    stop_ = true;
    if (!task_ || task_.done()) return;
    TaskBase& t = task_.base();
    if (t.loop_ptr() == nullptr) return;
    Loop& loop = t.loop();
    if (loop.current_task() == &t)
      return;  // called from our own sink: the task ends when the callback returns
    loop.unwind_now(t);
  }

  /// The debounced logical level.
  bool level() const noexcept { return level_; }
  /// The line's level now, not debounced.
  hal::IoResult<bool> raw() { return input_.value(); }
  /// The last read error; kind closed once the line was released (the task has then ended).
  const hal::IoError& error() const noexcept { return error_; }
  /// True when the input detects no edges and the debouncer samples it every debounce_ms instead.
  bool polling() const noexcept { return polling_; }

 private:
  static std::int64_t now_us(Loop& loop) noexcept { return loop.now().time_since_epoch().count(); }

  // Reports a change; false when the task must end (the sink is gone, or stop() was called from it).
  bool report(bool level, std::int64_t t_us) {
    level_ = level;
    if (!sink_.on_level(sink_.self, level, t_us)) return false;  // *this may be gone: touch nothing
    return !stop_;
  }

  Task<> run() {
    Loop& loop = Loop::running();
    for (;;) {
      hal::IoResult<hal::EdgeEvent> e = co_await input_.next_edge();
      if (!e) {
        if (e.error().kind == hal::IoErrc::invalid_argument) break;  // no edge detection: poll below
        error_ = e.error();
        co_return;
      }
      const bool level = e->edge == hal::Edge::rising;
      if (level == level_) continue;  // an edge older than the level already read after a hold
      if (!report(level, e->timestamp_us)) co_return;
      TimePoint hold_end = saturating_add(TimePoint(Duration(e->timestamp_us)), debounce_);
      for (;;) {
        co_await sleep_until(hold_end);
        std::optional<hal::EdgeEvent> last;
        while (std::optional<hal::EdgeEvent> d = input_.next_edge_nowait())
          last = d;
        hal::IoResult<bool> v = input_.value();
        if (!v) {
          error_ = v.error();
          if (v.error().kind == hal::IoErrc::closed) co_return;
          break;
        }
        if (*v == level_) break;
        // The change lasted past the hold: stamped with the edge that made it (if the queue has caught up).
        const bool stamped = last && (last->edge == hal::Edge::rising) == *v;
        if (!report(*v, stamped ? last->timestamp_us : now_us(loop))) co_return;
        hold_end = saturating_add(loop.now(), debounce_);
      }
    }
    // The seed's way: sample every debounce_ms.
    polling_ = true;
    for (;;) {
      co_await sleep(debounce_.count() > 0 ? debounce_ : Duration(1));
      hal::IoResult<bool> v = input_.value();
      if (!v) {
        error_ = v.error();
        if (v.error().kind == hal::IoErrc::closed) co_return;
        continue;
      }
      if (*v != level_ && !report(*v, now_us(loop))) co_return;
    }
  }

  hal::DigitalInput& input_;
  Duration debounce_;
  DebounceSink sink_;
  TaskHandle<void> task_;
  hal::IoError error_{};
  bool level_ = false;
  bool stop_ = false;
  bool polling_ = false;
};

}  // namespace aiopi::drivers
