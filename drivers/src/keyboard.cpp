#include "aiopi/drivers/keyboard.hpp"

#include <bit>

#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"

namespace aiopi::drivers {

using hal::io_error;
using hal::IoErrc;

// --- KeyMatrix

hal::IoResult<void> KeyMatrix::check() const noexcept {
  if (rows_.empty() || cols_.empty())
    return io_error(IoErrc::invalid_argument, "key matrix: at least one row and one column are needed");
  if (keys() > kMaxKeys) return io_error(IoErrc::invalid_argument, "key matrix: more than 64 keys");
  for (hal::DigitalOutput* r : rows_)
    if (r == nullptr) return io_error(IoErrc::invalid_argument, "key matrix: a row is null");
  for (hal::DigitalInput* c : cols_)
    if (c == nullptr) return io_error(IoErrc::invalid_argument, "key matrix: a column is null");
  return {};
}

hal::IoResult<void> KeyMatrix::release_rows() {
  hal::IoResult<void> result;
  for (hal::DigitalOutput* r : rows_) {
    hal::IoResult<void> s = r->set(true);
    if (!s && result) result = s;
  }
  return result;
}

hal::IoResult<std::uint64_t> KeyMatrix::scan() {
  std::uint64_t pressed = 0;
  std::size_t code = 0;
  for (hal::DigitalOutput* row : rows_) {
    if (hal::IoResult<void> s = row->set(false); !s) {
      (void)row->set(true);
      return s.error();
    }
    for (hal::DigitalInput* col : cols_) {
      const hal::IoResult<bool> level = col->value();
      if (!level) {
        (void)row->set(true);
        return level.error();
      }
      if (!*level) pressed |= std::uint64_t{1} << code;
      ++code;
    }
    if (hal::IoResult<void> s = row->set(true); !s) return s.error();
  }
  return pressed;
}

bool KeyMatrix::can_wait_for_keys() const noexcept {
  if (cols_.empty() || cols_.size() > ColumnWatch::kMaxColumns) return false;
  for (hal::DigitalInput* c : cols_)
    if (c == nullptr || !hal::detects(c->config().edges, hal::Edge::falling)) return false;
  return true;
}

hal::IoResult<bool> KeyMatrix::drive_all_rows() {
  for (hal::DigitalOutput* row : rows_) {
    if (hal::IoResult<void> s = row->set(false); !s) {
      (void)release_rows();
      return s.error();
    }
  }
  for (hal::DigitalInput* col : cols_) {
    const hal::IoResult<bool> level = col->value();
    if (!level) {
      (void)release_rows();
      return level.error();
    }
    if (!*level) return true;
  }
  return false;
}

// --- ColumnWatch

void ColumnWatch::start(std::span<hal::DigitalInput* const> cols) {
  stop();
  // Edges from before now (the scans' own) say nothing about a key closing later.
  for (hal::DigitalInput* col : cols)
    while (col->next_edge_nowait()) {
    }
  Loop& loop = Loop::get();
  for (std::size_t i = 0; i < cols.size() && i < kMaxColumns; ++i)
    tasks_[i] = loop.create_task(watch(*cols[i]), "key column");
  running_ = true;
}

void ColumnWatch::stop() noexcept {
  for (TaskHandle<>& t : tasks_)
    detail::stop_task(t);
  running_ = false;
}

Task<> ColumnWatch::watch(hal::DigitalInput& col) {
  for (;;) {
    const hal::IoResult<hal::EdgeEvent> e = co_await col.next_edge();
    if (!e) co_return;  // the line was released: the driver's scans will report its errors
    activity_.set();
  }
}

// --- helpers

namespace detail {
void stop_task(TaskHandle<>& task) noexcept {
  if (task && !task.done()) {
    TaskBase& t = task.base();
    // From inside the task itself (its observer destroyed the driver) nothing can unwind it: it sees that
    // and returns on its own.
    if (t.loop().current_task() != &t) t.loop().unwind_now(t);
  }
  task = TaskHandle<>();
}
}  // namespace detail

// --- Keyboard

Keyboard::Keyboard(std::span<hal::DigitalOutput* const> rows, std::span<hal::DigitalInput* const> cols,
                   const Config& config)
    : matrix_(rows, cols),
      config_(config),
      queue_(static_cast<std::ptrdiff_t>(config.bufsize > 2 ? config.bufsize - 1 : 1)) {}

hal::IoResult<void> Keyboard::start() {
  if (task_) return io_error(IoErrc::invalid_argument, "Keyboard.start: already started");
  if (hal::IoResult<void> c = matrix_.check(); !c) return c;
  if (config_.db_delay < 0 || config_.scan_ms < 1)
    return io_error(IoErrc::invalid_argument, "Keyboard: db_delay must be >= 0 and scan_ms >= 1");
  if (hal::IoResult<void> r = matrix_.release_rows(); !r) return r;
  state_ = 0;  // keys already held at start count as new presses, as at the seed's construction
  if (matrix_.can_wait_for_keys()) watch_.start(matrix_.columns());
  task_ = Loop::get().create_task(run(), "keyboard");
  return {};
}

void Keyboard::deinit() noexcept {
  if (destroyed_flag_ != nullptr) *destroyed_flag_ = true;
  const bool was_running = static_cast<bool>(task_);
  detail::stop_task(task_);
  watch_.stop();
  if (was_running) (void)matrix_.release_rows();  // it may have been waiting with every row driven
}

Task<> Keyboard::run() {
  Loop& loop = Loop::running();
  for (;;) {
    bool changed = false;
    hal::IoResult<std::uint64_t> scanned = matrix_.scan();
    if (!scanned) {
      error_ = scanned.error();
      ++errors_;
    } else {
      const std::uint64_t cur = *scanned;
      std::uint64_t pressed = cur & ~state_;
      changed = cur != state_;
      state_ = cur;
      const std::int64_t t = loop.now().time_since_epoch().count();
      while (pressed != 0) {
        const auto code = static_cast<std::uint16_t>(std::countr_zero(pressed));
        pressed &= pressed - 1;
        if (!queue_.put_nowait(code)) {  // full: the oldest goes, as the seed's RingbufQueue does
          (void)queue_.get_nowait();
          ++overwritten_;
          (void)queue_.put_nowait(code);
        }
        if (observer_) {
          detail::UserCallGuard guard(destroyed_flag_);
          observer_(KeyboardReport{KeyboardEvent::press, t, code});
          if (guard.stopped) co_return;  // the observer stopped or destroyed the keyboard
        }
      }
    }
    if (changed) {
      co_await sleep_ms(config_.db_delay);
    } else if (watch_.running() && state_ == 0 && scanned) {
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

}  // namespace aiopi::drivers
