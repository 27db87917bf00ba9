// A simulated I2C adapter to put behind a LinuxI2cBus's worker (tests, the bench): 256-byte register maps at
// chosen addresses and a NACK (ENXIO) everywhere else — the same device the kernel tests' aiopi-test-i2c
// module serves. A write's first byte sets the register pointer and further bytes are stored from there; a
// read streams from the pointer; the pointer auto-increments (wrapping at 0xff) and survives a repeated
// start. An SMBus block read takes the byte at the register as the count.
//
// Its functionality is chosen: a raw I2C adapter (I2C_RDWR), or SMBus-only like i2c-stub, where rdwr() gives
// EOPNOTSUPP as the kernel does. A transfer can take real time (the worker thread sleeps, as it does inside
// the kernel's ioctl), and failures can be scripted as the errnos a driver returns. Thread-safe: the test
// scripts and inspects it from the loop's thread while the worker runs transfers.
#pragma once

#include <linux/i2c.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <span>

#include "aiopi/linux/i2c_adapter_port.hpp"

namespace aiopi::os_linux {

class RegisterMapPort : public I2cAdapterPort {
 public:
  /// A raw I2C adapter with the SMBus calls the I2C core emulates (the Pi's controller, aiopi-test-i2c).
  static constexpr std::uint32_t kRawFuncs = I2C_FUNC_I2C | I2C_FUNC_SMBUS_EMUL;
  /// An SMBus-only adapter, as i2c-stub with block data enabled: no I2C_FUNC_I2C.
  static constexpr std::uint32_t kSmbusFuncs = I2C_FUNC_SMBUS_QUICK | I2C_FUNC_SMBUS_BYTE |
                                               I2C_FUNC_SMBUS_BYTE_DATA | I2C_FUNC_SMBUS_WORD_DATA |
                                               I2C_FUNC_SMBUS_BLOCK_DATA | I2C_FUNC_SMBUS_I2C_BLOCK;

  /// How the last transfer reached the port.
  struct Call {
    bool smbus = false;  // I2C_SMBUS, else I2C_RDWR
    SmbusKind kind = SmbusKind::quick;
    bool read = false;
    std::uint16_t addr = 0;
    std::uint8_t command = 0;
    std::size_t messages = 0;  // rdwr: how many
  };

  explicit RegisterMapPort(std::uint32_t funcs = kRawFuncs) noexcept : funcs_(funcs) {}

  /// Puts a register-map device at `addr` (all registers 0, pointer 0). Up to 4 devices.
  void add_device(std::uint16_t addr);
  void set(std::uint16_t addr, std::uint8_t reg, std::uint8_t value);
  std::uint8_t get(std::uint16_t addr, std::uint8_t reg) const;
  std::uint8_t pointer(std::uint16_t addr) const;

  /// Each transfer takes `d` of real time (the worker sleeps).
  void set_transfer_time(std::chrono::nanoseconds d) noexcept;
  /// The next `count` transfers fail with `sys_errno` (ENXIO, EAGAIN, EIO, ETIMEDOUT...), touching nothing.
  void fail_next(int sys_errno, int count = 1) noexcept;

  /// Transfers the port has run (failed ones included).
  std::uint64_t transfers() const noexcept;
  Call last_call() const noexcept;

  std::uint32_t funcs() noexcept override { return funcs_; }
  int rdwr(std::span<hal::I2cMessage> msgs) noexcept override;
  int smbus(SmbusCall& call) noexcept override;

 private:
  struct Device {
    std::uint16_t addr = 0;
    bool present = false;
    std::uint8_t ptr = 0;
    std::array<std::uint8_t, 256> regs{};
  };
  Device* find(std::uint16_t addr) noexcept;
  const Device* find(std::uint16_t addr) const noexcept;
  /// Common start of a transfer: counts it, sleeps the transfer time, takes a scripted failure.
  int begin(const Call& call) noexcept;
  static void write_bytes(Device& d, const std::uint8_t* data, std::size_t n) noexcept;
  static void read_bytes(Device& d, std::uint8_t* data, std::size_t n) noexcept;

  const std::uint32_t funcs_;
  mutable std::mutex mutex_;
  std::array<Device, 4> devices_{};
  std::chrono::nanoseconds transfer_time_{0};
  int fail_errno_ = 0;
  int fail_count_ = 0;
  std::uint64_t transfers_ = 0;
  Call last_{};
};

}  // namespace aiopi::os_linux
