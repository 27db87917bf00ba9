#include "aiopi/linux/i2c_register_map_port.hpp"

#include <cerrno>
#include <cstring>
#include <thread>

#include "aiopi/panic.hpp"

namespace aiopi::os_linux {

void RegisterMapPort::add_device(std::uint16_t addr) {
  std::lock_guard lock(mutex_);
  if (find(addr) != nullptr) return;
  for (Device& d : devices_) {
    if (!d.present) {
      d = Device{};
      d.addr = addr;
      d.present = true;
      return;
    }
  }
  usage_error("RegisterMapPort: at most 4 devices");
}

void RegisterMapPort::set(std::uint16_t addr, std::uint8_t reg, std::uint8_t value) {
  std::lock_guard lock(mutex_);
  Device* d = find(addr);
  if (d == nullptr) usage_error("RegisterMapPort::set: no device at that address");
  d->regs[reg] = value;
}

std::uint8_t RegisterMapPort::get(std::uint16_t addr, std::uint8_t reg) const {
  std::lock_guard lock(mutex_);
  const Device* d = find(addr);
  if (d == nullptr) usage_error("RegisterMapPort::get: no device at that address");
  return d->regs[reg];
}

std::uint8_t RegisterMapPort::pointer(std::uint16_t addr) const {
  std::lock_guard lock(mutex_);
  const Device* d = find(addr);
  if (d == nullptr) usage_error("RegisterMapPort::pointer: no device at that address");
  return d->ptr;
}

void RegisterMapPort::set_transfer_time(std::chrono::nanoseconds d) noexcept {
  std::lock_guard lock(mutex_);
  transfer_time_ = d;
}

void RegisterMapPort::fail_next(int sys_errno, int count) noexcept {
  std::lock_guard lock(mutex_);
  fail_errno_ = sys_errno;
  fail_count_ = count;
}

std::uint64_t RegisterMapPort::transfers() const noexcept {
  std::lock_guard lock(mutex_);
  return transfers_;
}

RegisterMapPort::Call RegisterMapPort::last_call() const noexcept {
  std::lock_guard lock(mutex_);
  return last_;
}

RegisterMapPort::Device* RegisterMapPort::find(std::uint16_t addr) noexcept {
  for (Device& d : devices_) {
    if (d.present && d.addr == addr) return &d;
  }
  return nullptr;
}

const RegisterMapPort::Device* RegisterMapPort::find(std::uint16_t addr) const noexcept {
  for (const Device& d : devices_) {
    if (d.present && d.addr == addr) return &d;
  }
  return nullptr;
}

int RegisterMapPort::begin(const Call& call) noexcept {
  std::chrono::nanoseconds t;
  {
    std::lock_guard lock(mutex_);
    ++transfers_;
    last_ = call;
    t = transfer_time_;
  }
  // The kernel sleeps in the ioctl while the controller works; so does this thread (without the lock).
  if (t.count() > 0) std::this_thread::sleep_for(t);
  std::lock_guard lock(mutex_);
  if (fail_count_ > 0) {
    --fail_count_;
    return fail_errno_;
  }
  return 0;
}

void RegisterMapPort::write_bytes(Device& d, const std::uint8_t* data, std::size_t n) noexcept {
  if (n == 0) return;
  d.ptr = data[0];
  for (std::size_t i = 1; i < n; ++i)
    d.regs[d.ptr++] = data[i];
}

void RegisterMapPort::read_bytes(Device& d, std::uint8_t* data, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i)
    data[i] = d.regs[d.ptr++];
}

int RegisterMapPort::rdwr(std::span<hal::I2cMessage> msgs) noexcept {
  Call call;
  call.messages = msgs.size();
  call.addr = msgs.empty() ? 0 : msgs[0].addr;
  call.read = !msgs.empty() && msgs.back().read;
  if (const int e = begin(call); e != 0) return e;
  if ((funcs_ & I2C_FUNC_I2C) == 0) return EOPNOTSUPP;  // what i2c-dev says for an SMBus-only adapter
  std::lock_guard lock(mutex_);
  for (hal::I2cMessage& m : msgs) {
    Device* d = find(m.addr);
    if (d == nullptr) return ENXIO;
    if (m.recv_len) return EOPNOTSUPP;
    if (m.read) {
      read_bytes(*d, m.buf, m.len);
    } else {
      write_bytes(*d, m.buf, m.len);
    }
  }
  return 0;
}

int RegisterMapPort::smbus(SmbusCall& c) noexcept {
  Call call;
  call.smbus = true;
  call.kind = c.kind;
  call.read = c.read;
  call.addr = c.addr;
  call.command = c.command;
  if (const int e = begin(call); e != 0) return e;
  std::lock_guard lock(mutex_);
  Device* d = find(c.addr);
  if (d == nullptr) return ENXIO;
  // Each SMBus call is the register-map device's messages: write [command ...], then read.
  std::uint8_t out[2 + hal::kSmbusBlockMax];
  out[0] = c.command;
  switch (c.kind) {
    case SmbusKind::quick:
      return 0;
    case SmbusKind::byte:
      if (c.read) {
        read_bytes(*d, c.data, 1);
      } else {
        write_bytes(*d, out, 1);
      }
      return 0;
    case SmbusKind::byte_data:
    case SmbusKind::word_data: {
      const std::size_t n = c.kind == SmbusKind::byte_data ? 1 : 2;
      if (c.read) {
        write_bytes(*d, out, 1);
        read_bytes(*d, c.data, n);
      } else {
        std::memcpy(out + 1, c.data, n);
        write_bytes(*d, out, 1 + n);
      }
      return 0;
    }
    case SmbusKind::block_data: {
      if (c.read) {
        write_bytes(*d, out, 1);
        read_bytes(*d, c.data, 1);
        if (c.data[0] > hal::kSmbusBlockMax) return EPROTO;  // the kernel refuses a count beyond 32
        read_bytes(*d, c.data + 1, c.data[0]);
      } else {
        const std::size_t n = c.data[0];
        if (n == 0 || n > hal::kSmbusBlockMax) return EINVAL;
        std::memcpy(out + 1, c.data, 1 + n);
        write_bytes(*d, out, 2 + n);
      }
      return 0;
    }
    case SmbusKind::i2c_block_data: {
      const std::size_t n = c.data[0];
      if (n == 0 || n > hal::kSmbusBlockMax) return EINVAL;
      if (c.read) {
        write_bytes(*d, out, 1);
        read_bytes(*d, c.data + 1, n);
      } else {
        std::memcpy(out + 1, c.data + 1, n);
        write_bytes(*d, out, 1 + n);
      }
      return 0;
    }
  }
  return EINVAL;
}

}  // namespace aiopi::os_linux
