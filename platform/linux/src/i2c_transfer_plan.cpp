#include "aiopi/linux/i2c_transfer_plan.hpp"

#include <linux/i2c.h>

#include <cerrno>
#include <cstring>

namespace aiopi::os_linux {
namespace {

using hal::I2cMessage;
using hal::io_error;
using hal::IoErrc;
using hal::IoError;

constexpr const char* kUnsupportedRaw =
    "I2C transfer: this SMBus-only adapter cannot run it (only SMBus-shaped transfers: quick, byte, "
    "byte/word "
    "data, block)";
constexpr const char* kUnsupportedSmbus =
    "I2C transfer: the adapter lacks the SMBus function this transfer needs (see I2C_FUNCS)";
constexpr const char* kUnsupportedBlockRead =
    "SMBus read_block_data: the adapter cannot read a block whose length the device sends "
    "(no I2C_FUNC_SMBUS_READ_BLOCK_DATA)";

I2cPlan refused(IoErrc kind, const char* what) noexcept {
  I2cPlan p;
  p.via = I2cPlan::Via::refused;
  p.refusal = io_error(kind, what);
  return p;
}

/// Fills `plan` with an SMBus call if the adapter has `bit`; says whether it did.
bool use_smbus(I2cPlan& plan, std::uint32_t funcs, std::uint32_t bit, std::uint16_t addr, bool read,
               SmbusKind kind, std::uint8_t command) noexcept {
  if ((funcs & bit) != bit) return false;
  plan.via = I2cPlan::Via::smbus;
  plan.call.addr = addr;
  plan.call.read = read;
  plan.call.kind = kind;
  plan.call.command = command;
  return true;
}

/// One write message on an SMBus-only adapter.
I2cPlan plan_smbus_write(const I2cMessage& m, std::uint32_t funcs) noexcept {
  I2cPlan p;
  const std::uint8_t* b = m.buf;
  const std::size_t n = m.len;
  if (n == 0) {
    if (use_smbus(p, funcs, I2C_FUNC_SMBUS_QUICK, m.addr, false, SmbusKind::quick, 0)) return p;
  } else if (n == 1) {
    if (use_smbus(p, funcs, I2C_FUNC_SMBUS_WRITE_BYTE, m.addr, false, SmbusKind::byte, b[0])) return p;
  } else {
    if (n == 2 &&
        use_smbus(p, funcs, I2C_FUNC_SMBUS_WRITE_BYTE_DATA, m.addr, false, SmbusKind::byte_data, b[0])) {
      p.call.data[0] = b[1];
      return p;
    }
    if (n == 3 &&
        use_smbus(p, funcs, I2C_FUNC_SMBUS_WRITE_WORD_DATA, m.addr, false, SmbusKind::word_data, b[0])) {
      p.call.data[0] = b[1];
      p.call.data[1] = b[2];
      return p;
    }
    // [reg n d1..dn]: the count and the data travel in data[0..n] as the kernel wants them.
    if (n >= 3 && b[1] == n - 2 && n - 2 <= hal::kSmbusBlockMax &&
        use_smbus(p, funcs, I2C_FUNC_SMBUS_WRITE_BLOCK_DATA, m.addr, false, SmbusKind::block_data, b[0])) {
      std::memcpy(p.call.data, b + 1, n - 1);
      return p;
    }
    // [reg d1..dn] with no count on the wire: the kernel wants the length in data[0].
    if (n - 1 <= hal::kSmbusBlockMax &&
        use_smbus(p, funcs, I2C_FUNC_SMBUS_WRITE_I2C_BLOCK, m.addr, false, SmbusKind::i2c_block_data, b[0])) {
      p.call.data[0] = static_cast<std::uint8_t>(n - 1);
      std::memcpy(p.call.data + 1, b + 1, n - 1);
      return p;
    }
    if (n - 1 > hal::kSmbusBlockMax) return refused(IoErrc::unsupported, kUnsupportedRaw);
  }
  return refused(IoErrc::unsupported, kUnsupportedSmbus);
}

/// One read message on an SMBus-only adapter.
I2cPlan plan_smbus_read(const I2cMessage& m, std::uint32_t funcs) noexcept {
  I2cPlan p;
  if (m.recv_len) return refused(IoErrc::unsupported, kUnsupportedRaw);
  if (m.len == 0) {
    if (use_smbus(p, funcs, I2C_FUNC_SMBUS_QUICK, m.addr, true, SmbusKind::quick, 0)) return p;
    return refused(IoErrc::unsupported, kUnsupportedSmbus);
  }
  if (m.len == 1) {
    if (use_smbus(p, funcs, I2C_FUNC_SMBUS_READ_BYTE, m.addr, true, SmbusKind::byte, 0)) return p;
    return refused(IoErrc::unsupported, kUnsupportedSmbus);
  }
  return refused(IoErrc::unsupported, kUnsupportedRaw);
}

/// write [reg], then a read, on an SMBus-only adapter (or a block read on any adapter).
I2cPlan plan_smbus_register_read(const I2cMessage& w, const I2cMessage& r, std::uint32_t funcs) noexcept {
  I2cPlan p;
  const std::uint8_t reg = w.buf[0];
  if (r.recv_len) {
    if (r.len >= 1 &&
        use_smbus(p, funcs, I2C_FUNC_SMBUS_READ_BLOCK_DATA, w.addr, true, SmbusKind::block_data, reg))
      return p;
    return refused(IoErrc::unsupported, kUnsupportedBlockRead);
  }
  if (r.len == 1 &&
      use_smbus(p, funcs, I2C_FUNC_SMBUS_READ_BYTE_DATA, w.addr, true, SmbusKind::byte_data, reg))
    return p;
  if (r.len == 2 &&
      use_smbus(p, funcs, I2C_FUNC_SMBUS_READ_WORD_DATA, w.addr, true, SmbusKind::word_data, reg))
    return p;
  if (r.len >= 1 && r.len <= hal::kSmbusBlockMax &&
      use_smbus(p, funcs, I2C_FUNC_SMBUS_READ_I2C_BLOCK, w.addr, true, SmbusKind::i2c_block_data, reg)) {
    p.call.data[0] = static_cast<std::uint8_t>(r.len);
    return p;
  }
  if (r.len == 0 || r.len > hal::kSmbusBlockMax) return refused(IoErrc::unsupported, kUnsupportedRaw);
  return refused(IoErrc::unsupported, kUnsupportedSmbus);
}

}  // namespace

I2cPlan plan_i2c_transfer(std::span<const I2cMessage> msgs, std::uint32_t funcs) noexcept {
  if (msgs.empty() || msgs.size() > 2) {
    return refused(IoErrc::invalid_argument, "I2C transfer: one or two messages expected");
  }
  for (const I2cMessage& m : msgs) {
    if (m.len > kI2cRdwrMaxMessage) {
      return refused(IoErrc::invalid_argument,
                     "I2C transfer: a message longer than 8192 bytes (i2c-dev's limit)");
    }
    if (m.len != 0 && m.buf == nullptr) return refused(IoErrc::invalid_argument, "I2C transfer: no buffer");
  }
  const bool raw = (funcs & I2C_FUNC_I2C) != 0;
  const bool register_read =
      msgs.size() == 2 && !msgs[0].read && msgs[0].len == 1 && msgs[1].read && msgs[0].addr == msgs[1].addr;
  bool has_recv_len = false;
  for (const I2cMessage& m : msgs)
    has_recv_len = has_recv_len || m.recv_len;

  if (raw && !has_recv_len) {
    I2cPlan p;
    p.via = I2cPlan::Via::rdwr;
    return p;
  }
  if (has_recv_len && !register_read) {
    // The HAL makes block reads only as write [reg] then read; anything else with a device-sent length is not
    // something either ioctl can run.
    return refused(IoErrc::unsupported, kUnsupportedBlockRead);
  }
  if (msgs.size() == 1)
    return msgs[0].read ? plan_smbus_read(msgs[0], funcs) : plan_smbus_write(msgs[0], funcs);
  if (register_read) return plan_smbus_register_read(msgs[0], msgs[1], funcs);
  return refused(IoErrc::unsupported, kUnsupportedRaw);
}

IoError unpack_smbus_read(const SmbusCall& call, I2cMessage& read_msg) noexcept {
  if (!call.read) return {};
  switch (call.kind) {
    case SmbusKind::quick:
      return {};
    case SmbusKind::byte:
    case SmbusKind::byte_data:
      if (read_msg.len >= 1) read_msg.buf[0] = call.data[0];
      return {};
    case SmbusKind::word_data:
      if (read_msg.len >= 1) read_msg.buf[0] = call.data[0];
      if (read_msg.len >= 2) read_msg.buf[1] = call.data[1];
      return {};
    case SmbusKind::block_data: {
      const std::size_t count = call.data[0];
      if (count > hal::kSmbusBlockMax) {
        return io_error(IoErrc::io, "SMBus read_block_data: the device sent an invalid block count", EPROTO);
      }
      if (1 + count > read_msg.len) {
        return io_error(IoErrc::overflow, "SMBus read_block_data: the block is larger than the buffer given");
      }
      std::memcpy(read_msg.buf, call.data, 1 + count);
      read_msg.len = 1 + count;
      return {};
    }
    case SmbusKind::i2c_block_data: {
      const std::size_t n = call.data[0] < read_msg.len ? call.data[0] : read_msg.len;
      std::memcpy(read_msg.buf, call.data + 1, n);
      if (n < read_msg.len) {
        return io_error(IoErrc::io, "I2C read: the adapter returned fewer bytes than asked (I2C block read)");
      }
      return {};
    }
  }
  return {};
}

IoError i2c_error_from_errno(int e) noexcept {
  switch (e) {
    case 0:
      return {};
    case ENXIO:
      return io_error(IoErrc::nack, "I2C transfer: not acknowledged (ENXIO: no device at the address)", e);
    case EREMOTEIO:
      return io_error(
          IoErrc::nack,
          "I2C transfer: not acknowledged (EREMOTEIO: no device at the address, or it refused a byte)", e);
    case ENODEV:
      return io_error(IoErrc::nack, "I2C transfer: no device at the address (ENODEV)", e);
    case EAGAIN:
      return io_error(IoErrc::bus_error, "I2C transfer: arbitration lost (EAGAIN: another master on the bus)",
                      e);
    case EIO:
      return io_error(IoErrc::bus_error,
                      "I2C transfer: bus error (EIO; some drivers also report a NACK this way)", e);
    case ETIMEDOUT:
      return io_error(
          IoErrc::timeout,
          "I2C transfer: the adapter timed out (ETIMEDOUT: clock stretched too long, or the bus is stuck)",
          e);
    case EOPNOTSUPP:
      return io_error(IoErrc::unsupported, "I2C transfer: the adapter cannot do this transfer (EOPNOTSUPP)",
                      e);
    case EPROTO:
      return io_error(IoErrc::io,
                      "I2C transfer: the device broke the protocol (EPROTO: e.g. a bad block count)", e);
    case EBADMSG:
      return io_error(IoErrc::io, "I2C transfer: packet error check failed (EBADMSG)", e);
    case EOVERFLOW:
      return io_error(IoErrc::overflow,
                      "I2C transfer: the device sent more than the buffer holds (EOVERFLOW)", e);
    case EINVAL:
      return io_error(IoErrc::invalid_argument, "I2C transfer: the adapter refused the transfer (EINVAL)", e);
    case EBUSY:
      return io_error(IoErrc::busy,
                      "I2C transfer: busy (EBUSY: a kernel driver owns the address, or the bus stayed busy)",
                      e);
    default:
      return io_error(IoErrc::io, "I2C transfer: I/O error (see sys_errno)", e);
  }
}

}  // namespace aiopi::os_linux
