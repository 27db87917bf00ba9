#include "aiopi/drivers/hd44780.hpp"

#include <algorithm>
#include <chrono>

#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"

namespace aiopi::drivers {

HD44780::HD44780(const HD44780Pins& pins, const HD44780Config& config)
    : pins_(pins),
      cols_(std::clamp<std::size_t>(config.cols, 1, kMaxCols)),
      rows_(std::clamp<std::size_t>(config.rows, 1, kMaxRows)),
      refresh_(std::chrono::milliseconds(config.refresh_ms)),
      pulse_(std::chrono::microseconds(config.pulse_us)) {
  for (auto& row : text_)
    row.fill(' ');
  if (Loop* loop = Loop::current(); loop != nullptr && loop->is_running()) start(*loop);
}

void HD44780::start(Loop& loop) {
  if (running()) return;
  task_ = loop.create_task(run(), "hd44780");
}

void HD44780::deinit() noexcept {
  if (task_ && !task_.done()) task_.base().loop().unwind_now(task_.base());
  task_ = TaskHandle<void>();
}

bool HD44780::running() const noexcept {
  return task_ && !task_.done();
}

bool HD44780::set_line(std::size_t row, std::string_view text) noexcept {
  if (row >= rows_) return false;
  std::array<char, kMaxCols> formatted{};
  formatted.fill(' ');
  std::copy_n(text.begin(), std::min(text.size(), cols_), formatted.begin());
  if (!std::equal(formatted.begin(), formatted.begin() + static_cast<std::ptrdiff_t>(cols_),
                  text_[row].begin())) {
    text_[row] = formatted;
    dirty_[row] = true;
  }
  return true;
}

std::string_view HD44780::line(std::size_t row) const noexcept {
  if (row >= rows_) return {};
  return std::string_view(text_[row].data(), cols_);
}

std::uint8_t HD44780::row_address(std::size_t row) const noexcept {
  const std::size_t base = (row % 2 == 0) ? 0x00 : 0x40;
  return static_cast<std::uint8_t>(base + (row >= 2 ? cols_ : 0));
}

// One transfer of `value` (both nibbles, high first) or of its low nibble only (the initialisation's
// 8-bit-mode function sets), then the wait the instruction needs.
Task<hal::IoResult<void>> HD44780::send(bool rs, std::uint8_t value, bool both_nibbles, Duration after) {
  {
    hal::IoResult<void> r = pins_.rs.set(rs);
    if (!r) co_return r;
  }
  for (int half = both_nibbles ? 1 : 0; half >= 0; --half) {
    const unsigned nibble = (value >> (4 * half)) & 0x0F;
    hal::DigitalOutput* data[] = {&pins_.d4, &pins_.d5, &pins_.d6, &pins_.d7};
    for (unsigned bit = 0; bit < 4; ++bit) {
      hal::IoResult<void> r = data[bit]->set(((nibble >> bit) & 1) != 0);
      if (!r) co_return r;
    }
    co_await sleep(pulse_);
    {
      hal::IoResult<void> r = pins_.e.set(true);
      if (!r) co_return r;
    }
    co_await sleep(pulse_);
    {
      hal::IoResult<void> r = pins_.e.set(false);  // the display latches here
      if (!r) co_return r;
    }
    co_await sleep(pulse_);
  }
  if (after.count() > 0) co_await sleep(after);
  co_return hal::IoResult<void>{};
}

Task<hal::IoResult<void>> HD44780::initialise() {
  using namespace hd44780_cmd;
  {
    hal::IoResult<void> r = pins_.e.set(false);
    if (!r) co_return r;
  }
  co_await sleep(kPowerOnWait);
  // Three times "8-bit interface" (as a lone high nibble), then "4-bit interface": the reset sequence that
  // works whatever mode the display was left in.
  const struct {
    std::uint8_t nibble;
    Duration after;
  } reset[] = {
      {0x3, kAfterFirstNibble}, {0x3, kAfterInitNibble}, {0x3, kAfterInitNibble}, {0x2, kAfterInitNibble}};
  for (const auto& step : reset) {
    hal::IoResult<void> r = co_await send(false, step.nibble, false, step.after);
    if (!r) co_return r;
  }
  // The seed's order; clear last, with the 1.52 ms it needs.
  const struct {
    std::uint8_t command;
    Duration after;
  } setup[] = {{kFunction4Bit2Line, kCommandWait},
               {kDisplayOn, kCommandWait},
               {kEntryIncrement, kCommandWait},
               {kClear, kClearWait}};
  for (const auto& step : setup) {
    hal::IoResult<void> r = co_await send(false, step.command, true, step.after);
    if (!r) co_return r;
  }
  co_return hal::IoResult<void>{};
}

Task<hal::IoResult<void>> HD44780::write_row(std::size_t row) {
  {
    hal::IoResult<void> r =
        co_await send(false, hd44780_cmd::kSetDdram | row_address(row), true, kCommandWait);
    if (!r) co_return r;
  }
  for (std::size_t col = 0; col < cols_; ++col) {
    // Read at the moment it is sent: a change made meanwhile marks the row dirty again.
    const auto c = static_cast<std::uint8_t>(text_[row][col]);
    hal::IoResult<void> r = co_await send(true, c, true, kCommandWait);
    if (!r) co_return r;
  }
  co_return hal::IoResult<void>{};
}

Task<> HD44780::run() {
  bool ready = false;
  for (;;) {
    if (!ready) {
      hal::IoResult<void> r = co_await initialise();
      if (r) {
        ready = true;
        // The display is blank now: every row that is not must be written.
        for (std::size_t row = 0; row < rows_; ++row) {
          if (line(row).find_first_not_of(' ') != std::string_view::npos) dirty_[row] = true;
        }
        initialised_.set();
      } else {
        last_error_ = r.error();
        ++write_errors_;
      }
    }
    for (std::size_t row = 0; ready && row < rows_; ++row) {
      if (!dirty_[row]) continue;
      dirty_[row] = false;
      hal::IoResult<void> r = co_await write_row(row);
      if (!r) {
        dirty_[row] = true;
        last_error_ = r.error();
        ++write_errors_;
        ready = false;  // the display may have seen half a nibble: start again from the reset sequence
      }
    }
    co_await sleep(refresh_);
  }
}

}  // namespace aiopi::drivers
