#include "aiopi/sim/sim_i2c.hpp"

#include <algorithm>

namespace aiopi::sim {

using hal::I2cBus;
using hal::I2cOp;
using hal::io_error;
using hal::IoErrc;

IoErrc SimRegisterDevice::on_write(std::span<const std::uint8_t> data) {
  if (data.empty()) return IoErrc::ok;
  ptr_ = data[0] % regs_.size();
  for (std::size_t i = 1; i < data.size(); ++i) {
    regs_[ptr_] = data[i];
    ptr_ = (ptr_ + 1) % regs_.size();
  }
  return IoErrc::ok;
}

IoErrc SimRegisterDevice::on_read(std::span<std::uint8_t> data) {
  for (std::uint8_t& b : data) {
    b = regs_[ptr_];
    ptr_ = (ptr_ + 1) % regs_.size();
  }
  return IoErrc::ok;
}

SimI2cBus::SimI2cBus(Loop& loop) noexcept : TimerNode(&SimI2cBus::on_timer), loop_(loop) {}

SimI2cBus::~SimI2cBus() {
  close();
  loop_.disarm(*this);
}

void SimI2cBus::nack(std::uint16_t addr, bool on) {
  if (on) {
    nacked_.insert(addr);
  } else {
    nacked_.erase(addr);
  }
}

void SimI2cBus::close() noexcept {
  closed_ = true;
  active_ = false;
  loop_.disarm(*this);
  while (!queue_.empty())
    I2cBus::complete(queue_.pop_front(), io_error(IoErrc::closed, I2cBus::default_message(IoErrc::closed)));
}

void SimI2cBus::submit(I2cOp& op) noexcept {
  if (closed_) {
    I2cBus::complete(op, io_error(IoErrc::closed, I2cBus::default_message(IoErrc::closed)));
    return;
  }
  queue_.push_back(op);
  if (!active_) start_next();
}

void SimI2cBus::abort(I2cOp& op) noexcept {
  const bool was_active = active_ && !queue_.empty() && &queue_.front() == &op;
  op.unlink();
  if (was_active) {
    active_ = false;
    loop_.disarm(*this);
    start_next();
  }
}

void SimI2cBus::start_next() noexcept {
  if (active_ || queue_.empty()) return;
  I2cOp& op = queue_.front();
  Duration d = transfer_time_;
  Duration extra{0};
  for (const hal::I2cMessage& m : op.messages()) {
    auto it = delays_.find(m.addr);
    if (it != delays_.end()) extra = std::max(extra, it->second);
  }
  d += extra;
  active_ = true;
  active_start_us_ = loop_.now().time_since_epoch().count();
  loop_.arm(*this, saturating_add(loop_.now(), d));
}

IoErrc SimI2cBus::execute(I2cOp& op, SimI2cTransferRecord& rec) {
  if (fail_count_ > 0) {
    --fail_count_;
    return fail_kind_;
  }
  std::vector<SimI2cDevice*> touched;
  IoErrc result = IoErrc::ok;
  for (hal::I2cMessage& m : op.messages()) {
    auto it = devices_.find(m.addr);
    if (it == devices_.end() || nacked_.count(m.addr) != 0) {
      result = IoErrc::nack;
      break;
    }
    SimI2cDevice& dev = *it->second;
    if (std::find(touched.begin(), touched.end(), &dev) == touched.end()) touched.push_back(&dev);
    if (!m.read) {
      result = dev.on_write(std::span<const std::uint8_t>(m.buf, m.len));
      rec.messages.push_back({m.addr, false, std::vector<std::uint8_t>(m.buf, m.buf + m.len)});
    } else if (m.recv_len) {
      // SMBus block read: the first byte is the count of the bytes that follow.
      if (m.len < 1) {
        result = IoErrc::invalid_argument;
        break;
      }
      result = dev.on_read(std::span<std::uint8_t>(m.buf, 1));
      const std::size_t count = m.buf[0];
      if (result == IoErrc::ok) {
        if (count + 1 > m.len || count > hal::kSmbusBlockMax) {
          result = IoErrc::overflow;
        } else {
          result = dev.on_read(std::span<std::uint8_t>(m.buf + 1, count));
          m.len = 1 + count;
        }
      }
      rec.messages.push_back({m.addr, true, std::vector<std::uint8_t>(m.buf, m.buf + m.len)});
    } else {
      result = dev.on_read(std::span<std::uint8_t>(m.buf, m.len));
      rec.messages.push_back({m.addr, true, std::vector<std::uint8_t>(m.buf, m.buf + m.len)});
    }
    if (result != IoErrc::ok) break;
  }
  for (SimI2cDevice* d : touched)
    d->on_stop();
  return result;
}

void SimI2cBus::on_timer(TimerNode& node) noexcept {
  auto& self = static_cast<SimI2cBus&>(node);
  if (!self.active_ || self.queue_.empty()) return;
  I2cOp& op = self.queue_.pop_front();
  self.active_ = false;
  SimI2cTransferRecord rec{
      self.active_start_us_, self.loop_.now().time_since_epoch().count(), {}, IoErrc::ok};
  rec.result = self.execute(op, rec);
  self.log_.push_back(std::move(rec));
  const IoErrc r = self.log_.back().result;
  I2cBus::complete(op, r == IoErrc::ok ? hal::IoError{} : io_error(r, I2cBus::default_message(r)));
  self.start_next();
}

}  // namespace aiopi::sim
