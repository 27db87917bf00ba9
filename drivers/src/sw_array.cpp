#include "aiopi/drivers/sw_array.hpp"

#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"

namespace aiopi::drivers {

using hal::io_error;
using hal::IoErrc;

namespace {
SwArrayEvent kind_of(std::uint8_t event) noexcept {
  switch (event) {
    case SwArray::CLOSE:
      return SwArrayEvent::close;
    case SwArray::OPEN:
      return SwArrayEvent::open;
    case SwArray::LONG:
      return SwArrayEvent::long_press;
    default:
      return SwArrayEvent::double_click;
  }
}
}  // namespace

SwArray::SwArray(std::span<hal::DigitalOutput* const> rows, std::span<hal::DigitalInput* const> cols,
                 const Config& config)
    : matrix_(rows, cols),
      config_(config),
      queue_(static_cast<std::ptrdiff_t>(config.bufsize > 2 ? config.bufsize - 1 : 1)) {}

hal::IoResult<void> SwArray::start() {
  if (task_) return io_error(IoErrc::invalid_argument, "SwArray.start: already started");
  if (hal::IoResult<void> c = matrix_.check(); !c) return c;
  if (config_.debounce_ms < 0 || config_.long_press_ms < 0 || config_.double_click_ms < 0 ||
      config_.scan_ms < 1)
    return io_error(IoErrc::invalid_argument, "SwArray: times must be >= 0 and scan_ms >= 1");
  if (hal::IoResult<void> r = matrix_.release_rows(); !r) return r;
  keys_ = {};
  state_ = 0;  // keys already closed at start count as new closures, as at the seed's construction
  if (matrix_.can_wait_for_keys()) watch_.start(matrix_.columns());
  task_ = Loop::get().create_task(run(), "sw_array");
  return {};
}

void SwArray::deinit() noexcept {
  if (destroyed_flag_ != nullptr) *destroyed_flag_ = true;
  const bool was_running = static_cast<bool>(task_);
  detail::stop_task(task_);
  watch_.stop();
  if (was_running) (void)matrix_.release_rows();  // it may have been waiting with every row driven
}

bool SwArray::put(std::uint16_t code, std::uint8_t event, std::int64_t t_us) {
  if ((config_.cfg & event) == 0) return true;
  const SwEvent e{code, event};
  if (!queue_.put_nowait(e)) {  // full: the oldest goes, as the seed's RingbufQueue does
    (void)queue_.get_nowait();
    ++overwritten_;
    (void)queue_.put_nowait(e);
  }
  if (observer_) {
    detail::UserCallGuard guard(destroyed_flag_);
    observer_(SwArrayReport{kind_of(event), t_us, code});
    if (guard.stopped) return false;
  }
  return true;
}

bool SwArray::step(std::uint16_t code, bool closed, std::int64_t t_us) {
  Key& k = keys_[code];
  const bool suppress = (config_.cfg & SUPPRESS) != 0;
  const std::int64_t held_us = t_us - k.since_us;
  switch (k.phase) {
    case Phase::idle:
      if (!closed) return true;
      k.phase = Phase::held;
      k.since_us = t_us;
      return suppress || put(code, CLOSE, t_us);
    case Phase::held:
      if (closed) {
        if (held_us <= config_.long_press_ms * 1000) return true;
        k.phase = Phase::finishing;
        return put(code, LONG, t_us);
      }
      k.phase = Phase::released;
      return suppress || put(code, OPEN, t_us);
    case Phase::released:
      if (closed) {
        k.phase = Phase::finishing;
        return put(code, DOUBLE, t_us);
      }
      if (held_us <= config_.double_click_ms * 1000) return true;
      k.phase = Phase::idle;
      // A single click: held back until it could no longer become a double (only with SUPPRESS; without it
      // CLOSE and OPEN went out as they happened).
      if (!suppress) return true;
      return put(code, CLOSE, t_us) && put(code, OPEN, t_us);
    case Phase::finishing:
      if (closed) return true;
      k.phase = Phase::idle;
      return put(code, OPEN, t_us);
  }
  return true;
}

Task<> SwArray::run() {
  Loop& loop = Loop::running();
  const bool basic = (config_.cfg & (SUPPRESS | LONG | DOUBLE)) == 0;
  const auto nkeys = static_cast<std::uint16_t>(matrix_.keys());
  for (;;) {
    bool changed = false;
    hal::IoResult<std::uint64_t> scanned = matrix_.scan();
    if (!scanned) {
      error_ = scanned.error();
      ++errors_;
    } else {
      const std::uint64_t cur = *scanned;
      const std::uint64_t diff = cur ^ state_;
      changed = diff != 0;
      state_ = cur;
      const std::int64_t t = loop.now().time_since_epoch().count();
      for (std::uint16_t code = 0; code < nkeys; ++code) {
        const bool closed = ((cur >> code) & 1u) != 0;
        bool alive = true;
        if (basic) {
          if (((diff >> code) & 1u) != 0) alive = put(code, closed ? CLOSE : OPEN, t);
        } else {
          alive = step(code, closed, t);
        }
        if (!alive) co_return;  // the observer stopped or destroyed the array
      }
    }
    if (changed) {
      co_await sleep_ms(config_.debounce_ms);
    } else if (watch_.running() && state_ == 0 && scanned && all_idle()) {
      // Idle: every row driven, asleep until a column's edge says a key closed (or one is closed already).
      watch_.activity().clear();
      const hal::IoResult<bool> closed = matrix_.drive_all_rows();
      if (!closed) {
        error_ = closed.error();
        ++errors_;
        co_await sleep_ms(config_.scan_ms);
      } else {
        if (!*closed) co_await watch_.activity().wait();
        (void)matrix_.release_rows();
      }
    } else {
      co_await sleep_ms(config_.scan_ms);
    }
  }
}

bool SwArray::all_idle() const noexcept {
  for (std::size_t i = 0; i < matrix_.keys(); ++i)
    if (keys_[i].phase != Phase::idle) return false;
  return true;
}

}  // namespace aiopi::drivers
