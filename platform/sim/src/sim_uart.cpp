#include "aiopi/sim/sim_uart.hpp"

#include <algorithm>
#include <chrono>

namespace aiopi::sim {

using hal::io_error;
using hal::IoErrc;

namespace {

const char* rx_error_message(IoErrc kind) noexcept {
  switch (kind) {
    case IoErrc::closed:
      return "UART read: the line was closed (simulated peer)";
    case IoErrc::overflow:
      return "UART read: receive overrun (simulated)";
    default:
      return "UART read: the line failed (simulated error)";
  }
}

const char* tx_error_message(IoErrc kind) noexcept {
  switch (kind) {
    case IoErrc::closed:
      return "UART write: the line was closed (simulated peer)";
    default:
      return "UART write: the line failed (simulated error)";
  }
}

}  // namespace

SimUart::SimUart(Loop& loop, const hal::UartConfig& config, hal::BufferSizes sizes)
    : loop_(loop),
      config_(config),
      storage_(new std::uint8_t[sizes.rx + sizes.tx]),
      reader_(std::span<std::uint8_t>(storage_.get(), sizes.rx), this),
      writer_(std::span<std::uint8_t>(storage_.get() + sizes.rx, sizes.tx), this),
      rx_timer_(*this, &SimUart::on_rx_timer),
      tx_timer_(*this, &SimUart::on_tx_timer) {
  if (!hal::validate(config).ok()) usage_error(hal::validate(config).error().what);
  configs_.push_back(config);
}

SimUart::~SimUart() {
  loop_.disarm(rx_timer_);
  loop_.disarm(tx_timer_);
}

hal::IoResult<void> SimUart::set_config(const hal::UartConfig& config) {
  hal::IoResult<void> ok = hal::validate(config);
  if (!ok) return ok;
  config_ = config;
  configs_.push_back(config);
  return {};
}

// ---- the peer sends ---------------------------------------------------------------------------------------

void SimUart::add(RxEvent ev) {
  auto pos = std::upper_bound(scheduled_.begin(), scheduled_.end(), ev.at_us,
                              [](std::int64_t t, const RxEvent& e) { return t < e.at_us; });
  scheduled_.insert(pos, std::move(ev));
  arm_rx();
}

void SimUart::receive(std::string_view bytes) {
  if (bytes.empty()) return;
  due_.push_back(RxEvent{now_us(), Kind::bytes, std::string(bytes)});
  deliver();
}

void SimUart::schedule(std::initializer_list<BytesAt> chunks) {
  for (const BytesAt& c : chunks)
    add(RxEvent{c.at.count(), Kind::bytes, std::string(c.bytes)});
}

void SimUart::schedule_eof(Duration at) {
  add(RxEvent{at.count(), Kind::eof, {}});
}

void SimUart::receive_eof() {
  due_.push_back(RxEvent{now_us(), Kind::eof, {}});
  deliver();
}

void SimUart::schedule_error(Duration at, IoErrc kind) {
  add(RxEvent{at.count(), Kind::error, {}, kind == IoErrc::ok ? IoErrc::io : kind});
}

std::size_t SimUart::undelivered() const noexcept {
  std::size_t n = 0;
  for (const RxEvent& e : scheduled_)
    n += e.bytes.size();
  for (const RxEvent& e : due_)
    n += e.bytes.size();
  return n - due_offset_;
}

void SimUart::arm_rx() noexcept {
  if (scheduled_.empty()) {
    loop_.disarm(rx_timer_);
  } else {
    loop_.arm(rx_timer_, TimePoint(Duration(scheduled_.front().at_us)));
  }
}

void SimUart::on_rx_timer(TimerNode& node) noexcept {
  SimUart& self = *static_cast<Timer&>(node).owner;
  const std::int64_t now = self.now_us();
  auto it = self.scheduled_.begin();
  while (it != self.scheduled_.end() && it->at_us <= now) {
    self.due_.push_back(std::move(*it));
    ++it;
  }
  self.scheduled_.erase(self.scheduled_.begin(), it);
  self.arm_rx();
  self.deliver();
}

void SimUart::deliver() noexcept {
  while (!due_.empty()) {
    RxEvent& ev = due_.front();
    if (ev.kind == Kind::bytes) {
      const std::string_view rest = std::string_view(ev.bytes).substr(due_offset_);
      const std::size_t n = reader_.feed(hal::as_bytes(rest));
      due_offset_ += n;
      if (due_offset_ < ev.bytes.size() && !reader_.ended()) return;  // the ring is full: wait for room
    } else if (ev.kind == Kind::eof) {
      reader_.feed_eof();
    } else {
      reader_.fail(io_error(ev.error, rx_error_message(ev.error)));
    }
    due_.pop_front();
    due_offset_ = 0;
  }
}

// ---- the peer reads ---------------------------------------------------------------------------------------

void SimUart::set_peer_rate(std::size_t bytes_per_ms) {
  rate_ = bytes_per_ms;
  if (!tx_timer_.armed()) take();
}

void SimUart::resume_peer() {
  paused_ = false;
  if (!tx_timer_.armed()) take();
}

void SimUart::fail_writes(IoErrc kind) {
  write_failure_ = kind == IoErrc::ok ? IoErrc::io : kind;
  if (!tx_timer_.armed() && writer_.buffered() != 0) take();
}

std::string SimUart::written_text() const {
  std::string all;
  for (const PeerRead& r : reads_)
    all += r.bytes;
  return all;
}

void SimUart::write_ready() noexcept {
  // A peer with a rate limit takes the next bytes at its next tick.
  if (!tx_timer_.armed()) take();
}

void SimUart::take() noexcept {
  if (closed_) return;
  if (paused_) {
    if (closing_ && writer_.buffered() == 0) finish_close();
    return;
  }
  if (writer_.buffered() != 0 && write_failure_ != IoErrc::ok) {
    const IoErrc kind = write_failure_;
    write_failure_ = IoErrc::ok;
    writer_.fail(io_error(kind, tx_error_message(kind)));
  }
  std::size_t budget = rate_ == kUnlimited ? static_cast<std::size_t>(-1) : rate_;
  const std::int64_t now = now_us();
  std::size_t taken = 0;
  while (budget != 0) {
    const std::span<const std::uint8_t> run = writer_.pending();
    if (run.empty()) break;
    const std::size_t n = std::min(budget, run.size());
    const std::string_view bytes = hal::as_text(run.first(n));
    if (!reads_.empty() && reads_.back().t_us == now) {
      reads_.back().bytes.append(bytes);
    } else {
      reads_.push_back(PeerRead{now, std::string(bytes)});
    }
    writer_.sent(n);  // may queue more (a waiting write_all)
    budget -= n;
    taken += n;
  }
  // A rate-limited peer takes its next bytes a millisecond later, whenever they were written.
  if (rate_ != kUnlimited && taken != 0) loop_.arm(tx_timer_, loop_.now() + std::chrono::milliseconds(1));
  if (closing_ && writer_.buffered() == 0) finish_close();
}

void SimUart::on_tx_timer(TimerNode& node) noexcept {
  static_cast<Timer&>(node).owner->take();
}

// ---- closing ----------------------------------------------------------------------------------------------

void SimUart::close() noexcept {
  closing_ = true;
  if (writer_.buffered() == 0) {
    finish_close();
  } else if (!tx_timer_.armed()) {
    take();
  }
}

void SimUart::finish_close() noexcept {
  if (closed_) return;
  closed_ = true;
  closed_at_us_ = now_us();
  loop_.disarm(tx_timer_);
  reader_.feed_eof();
  writer_.closed();
}

}  // namespace aiopi::sim
