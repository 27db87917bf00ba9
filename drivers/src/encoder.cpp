#include "aiopi/drivers/encoder.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"

namespace aiopi::drivers {

using hal::io_error;
using hal::IoErrc;

namespace {

/// Clears the owner's "destroyed" pointer when user code returns normally or throws; leaves it alone when
/// the owner was destroyed meanwhile (the pointer lives in the dead object).
class DestroyGuard {
 public:
  explicit DestroyGuard(bool*& slot) noexcept : slot_(slot) { slot_ = &destroyed; }
  DestroyGuard(const DestroyGuard&) = delete;
  DestroyGuard& operator=(const DestroyGuard&) = delete;
  ~DestroyGuard() {
    if (!destroyed) slot_ = nullptr;
  }
  bool destroyed = false;

 private:
  bool*& slot_;
};

}  // namespace

Encoder::Encoder(hal::DigitalInput& x, hal::DigitalInput& y, const Config& config, Callback callback)
    : x_(x),
      y_(y),
      config_(config),
      callback_(std::move(callback)),
      report_timer_([this] { report(); }),
      settle_timer_([this] { decode_staged(); }),
      value_(config.v) {}

Encoder::~Encoder() {
  if (destroyed_flag_ != nullptr) *destroyed_flag_ = true;
  deinit();
}

hal::IoResult<void> Encoder::check(const Config& c) noexcept {
  if (c.div < 1) return io_error(IoErrc::invalid_argument, "Encoder: div must be at least 1");
  if (c.mod && *c.mod <= 0) return io_error(IoErrc::invalid_argument, "Encoder: mod must be positive");
  if (c.vmin && c.vmax && *c.vmin > *c.vmax)
    return io_error(IoErrc::invalid_argument, "Encoder: vmin is greater than vmax");
  if ((c.vmin && c.v < *c.vmin) || (c.vmax && c.v > *c.vmax))
    return io_error(IoErrc::invalid_argument, "Encoder: the initial value v lies outside vmin..vmax");
  if (c.delay_ms < 0) return io_error(IoErrc::invalid_argument, "Encoder: delay_ms must not be negative");
  if (c.settle_us < 0) return io_error(IoErrc::invalid_argument, "Encoder: settle_us must not be negative");
  return {};
}

hal::IoResult<void> Encoder::start() {
  if (started_) return io_error(IoErrc::invalid_argument, "Encoder.start: already started");
  if (hal::IoResult<void> c = check(config_); !c) return c;
  if (&x_ == &y_) return io_error(IoErrc::invalid_argument, "Encoder: x and y must be two different inputs");
  if (x_.config().edges != hal::EdgeMode::both || y_.config().edges != hal::EdgeMode::both)
    return io_error(IoErrc::invalid_argument, "Encoder: both inputs must detect both edges (EdgeMode::both)");
  // Edges queued before now describe the past: the levels read below are the starting state.
  for (Line l : {Line::x, Line::y}) {
    Staging& s = staging_[static_cast<std::size_t>(l)];
    s = Staging{};
    while (std::optional<hal::EdgeEvent> e = input(l).next_edge_nowait())
      s.last_seq = e->seq;
  }
  const hal::IoResult<bool> lx = x_.value();
  if (!lx) return lx.error();
  const hal::IoResult<bool> ly = y_.value();
  if (!ly) return ly.error();
  decoder_.reset(*lx, *ly, value_ * config_.div);
  sampled_count_ = decoder_.count();
  reported_divided_ = value_;
  error_ = {};
  Loop& loop = Loop::get();
  loop_ = &loop;
  reader_x_ = loop.create_task(read_line(Line::x), "encoder x");
  reader_y_ = loop.create_task(read_line(Line::y), "encoder y");
  started_ = true;
  return {};
}

void Encoder::deinit() noexcept {
  for (TaskHandle<>* h : {&reader_x_, &reader_y_}) {
    if (*h && !h->done()) {
      TaskBase& t = h->base();
      if (t.loop().current_task() == &t) {
        h->cancel();  // deinit() from the reader itself: it unwinds when it next suspends
      } else {
        t.loop().unwind_now(t);
      }
    }
    *h = TaskHandle<>();
  }
  report_timer_.stop();
  settle_timer_.stop();
  started_ = false;
}

Task<> Encoder::read_line(Line line) {
  hal::DigitalInput& in = input(line);
  Staging& s = staging_[static_cast<std::size_t>(line)];
  for (;;) {
    hal::IoResult<hal::EdgeEvent> e = co_await in.next_edge();
    if (!e) {
      if (error_.ok()) error_ = e.error();
      decode_staged();  // what the other line holds back no longer waits for this one
      co_return;
    }
    // Staging full and the other line's reader still to run: let it stage and decode first.
    while (s.full()) {
      decode_staged(true);
      if (s.full()) co_await yield_now();
    }
    s.push(*e);
    arm_report(config_.quiet);  // the seed's ISR sets its flag at every edge
    decode_staged();
  }
}

void Encoder::top_up(Line line) noexcept {
  Staging& s = staging_[static_cast<std::size_t>(line)];
  while (!s.full()) {
    std::optional<hal::EdgeEvent> e = input(line).next_edge_nowait();
    if (!e) return;
    s.push(*e);
  }
}

void Encoder::decode_staged(bool force) noexcept {
  Staging& sx = staging_[0];
  Staging& sy = staging_[1];
  const std::int64_t settled = loop_->now().time_since_epoch().count() - config_.settle_us;
  // An edge is decoded only when no earlier edge of the other line can still turn up: the other line has a
  // staged edge to compare with, or nothing queued and the edge is settled. Edges the other reader was woken
  // for (and has not taken yet) are unknown here: that reader decodes when it runs, right after.
  auto alone_ok = [&](const Staging& mine, const hal::DigitalInput& other) {
    return other.pending_edges() == 0 && (force || mine.front().t_us <= settled);
  };
  bool decoded = false;
  for (;;) {
    if (sx.empty()) top_up(Line::x);
    if (sy.empty()) top_up(Line::y);
    if (!sx.empty() && (sy.empty() ? alone_ok(sx, y_) : sx.front().t_us < sy.front().t_us)) {
      const Staged e = sx.pop();
      decode(Line::x, e, nullptr);
    } else if (!sy.empty() && (sx.empty() ? alone_ok(sy, x_) : sy.front().t_us < sx.front().t_us)) {
      const Staged e = sy.pop();
      decode(Line::y, e, nullptr);
    } else if (!sx.empty() && !sy.empty()) {  // both lines changed at the same time: both bits at once
      const Staged ex = sx.pop();
      const Staged ey = sy.pop();
      decode(Line::x, ex, &ey);
    } else {
      break;
    }
    decoded = true;
  }
  // Held back for settle_us: decoded by the timer unless the other line's next edge comes first. (Held for
  // edges the other reader was woken for: that reader decodes them, no timer needed.)
  const Staging* held = !sx.empty() && y_.pending_edges() == 0   ? &sx
                        : !sy.empty() && x_.pending_edges() == 0 ? &sy
                                                                 : nullptr;
  if (held != nullptr) {
    const std::int64_t wait = std::max<std::int64_t>(held->front().t_us - settled, 1);
    settle_timer_.trigger(std::chrono::microseconds(wait));
  }
  if (decoded) arm_report(false);
}

void Encoder::arm_report(bool restart) noexcept {
  if (report_timer_.running() && !restart) return;
  // The seed's worker: sample `delay` after the first edge of a burst (a running timer is left alone), or
  // with `quiet` after the last.
  if (config_.delay_ms > 0) {
    report_timer_.trigger(config_.delay_ms);
  } else {
    report_timer_.trigger(std::chrono::microseconds(1));  // the next timer pass
  }
}

bool Encoder::seq_gap(Staging& s, const Staged& e) noexcept {
  const bool gap = s.last_seq != 0 && e.seq != s.last_seq + 1u;
  if (gap) lost_ += static_cast<std::uint32_t>(e.seq - s.last_seq - 1u);
  s.last_seq = e.seq;
  return gap;
}

void Encoder::decode(Line first_line, const Staged& first, const Staged* second) noexcept {
  bool x = decoder_.x();
  bool y = decoder_.y();
  bool anomaly = false;
  auto take = [&](Line line, const Staged& e) {
    bool& level = line == Line::x ? x : y;
    // A gap in the sequence, or an edge that leaves its line where it was, means edges went missing: the
    // direction of this transition is unknown.
    if (seq_gap(staging_[static_cast<std::size_t>(line)], e) || level == e.level) anomaly = true;
    level = e.level;
    ++edges_;
    last_edge_us_ = std::max(last_edge_us_, e.t_us);
  };
  take(first_line, first);
  if (second != nullptr) take(first_line == Line::x ? Line::y : Line::x, *second);
  if (anomaly) {
    decoder_.resync(x, y);
  } else {
    decoder_.step(x, y);
  }
}

void Encoder::report() {
  const std::int64_t hv = decoder_.count();
  if (hv == sampled_count_) return;  // moved and came back, or nothing moved
  sampled_count_ = hv;
  const std::int64_t cv = divide_round_half_even(hv, config_.div);
  const std::int64_t dv = cv - reported_divided_;
  if (dv == 0) return;
  reported_divided_ = cv;
  // Divide, then limit, then wrap: the limits act on the accumulated delta.
  std::int64_t v = value_ + dv;
  if (config_.vmax) v = std::min(*config_.vmax, v);
  if (config_.vmin) v = std::max(*config_.vmin, v);
  if (config_.mod) {
    v %= *config_.mod;
    if (v < 0) v += *config_.mod;
  }
  const std::int64_t previous = value_;
  value_ = v;
  if (v == previous) return;
  const EncoderReport r{EncoderEvent::change, last_edge_us_, v, v - previous, hv};
  DestroyGuard guard(destroyed_flag_);
  if (callback_) callback_(r.value, r.delta);
  if (guard.destroyed) return;
  if (observer_) observer_(r);
  if (guard.destroyed) return;
  changed_.set();
}

}  // namespace aiopi::drivers
