// The ioctl layer of the Linux I2C backend, as an interface: what a LinuxI2cBus's worker thread calls to run
// one transfer. The real port drives /dev/i2c-N (open_dev_i2c_port); tests and the bench put a simulated
// adapter here (RegisterMapPort in i2c_register_map_port.hpp), behind the same worker and the same planning.
//
// A port is told one transfer at a time, always from the bus's worker thread (funcs() once, from the thread
// that makes the bus). Each call returns 0 or the errno the kernel gave, so a simulated adapter reports
// failures exactly as a driver would (ENXIO for a NACK, ETIMEDOUT, EOPNOTSUPP, ...).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "aiopi/hal/i2c.hpp"

namespace aiopi::os_linux {

/// The SMBus transaction kinds of the I2C_SMBUS ioctl (the kernel's I2C_SMBUS_* sizes) that the backend uses.
enum class SmbusKind : unsigned char {
  quick,           // the address and the R/W bit only
  byte,            // send byte (command is the byte) / receive byte (data[0])
  byte_data,       // command, then one byte: data[0]
  word_data,       // command, then two bytes: data[0] low, data[1] high
  block_data,      // command, then a count and that many bytes: data[0] count, data[1..]
  i2c_block_data,  // command, then data[0] bytes with no count on the wire: data[1..]
};

/// One I2C_SMBUS call: what the worker asks of the port, and (for a read) where the port puts the answer.
/// `data` has the layout of the kernel's union i2c_smbus_data, byte-wise (a word is little-endian here,
/// whatever the host's order), so ports need no kernel header.
struct SmbusCall {
  std::uint16_t addr = 0;
  bool read = false;
  SmbusKind kind = SmbusKind::quick;
  std::uint8_t command = 0;
  std::uint8_t data[hal::kSmbusBlockMax + 2] = {};
};

/// An I2C adapter as the worker thread sees it.
class I2cAdapterPort {
 public:
  virtual ~I2cAdapterPort() = default;

  /// The adapter's functionality: the kernel's I2C_FUNC_* bits (<linux/i2c.h>), as I2C_FUNCS gives them.
  virtual std::uint32_t funcs() noexcept = 0;
  /// Runs `msgs` as one transfer (I2C_RDWR: a repeated start between messages, one STOP at the end). Read
  /// messages are filled in place. `recv_len` is never set (block reads go through smbus()). 0 or an errno.
  virtual int rdwr(std::span<hal::I2cMessage> msgs) noexcept = 0;
  /// One SMBus transaction (I2C_SMBUS). A read fills `call.data`. 0 or an errno.
  virtual int smbus(SmbusCall& call) noexcept = 0;
};

/// What open_dev_i2c_port gives: the port, or the errno of open() / I2C_FUNCS.
struct DevPortOpen {
  std::unique_ptr<I2cAdapterPort> port;
  int sys_errno = 0;
  /// Which call failed ("open", "I2C_FUNCS"), for messages.
  const char* failed_call = "";
};

/// Opens an i2c-dev node (O_RDWR) and reads its functionality once (I2C_FUNCS). ENOTTY from I2C_FUNCS means
/// the node is not an I2C adapter.
DevPortOpen open_dev_i2c_port(const std::string& path);

}  // namespace aiopi::os_linux
