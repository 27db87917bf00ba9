// An i2c_register_device's registers: their layout from the validated config (address, 1 or 2 bytes, byte
// order, signedness, scale, writable) and the SMBus-style transfers that read and write one. A register is
// read as write(address) + repeated start + read(bytes); written as write(address, bytes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aiopi/hal/i2c.hpp"
#include "aiopi/task.hpp"
#include "aiopid/config/node.hpp"

namespace aiopid::runtime {

struct LiveRegister {
  std::string name;
  std::uint8_t address = 0;
  int bytes = 1;           ///< 1 or 2
  bool big_endian = true;  ///< a 2-byte register's most significant byte first
  bool is_signed = false;  ///< two's complement
  bool writable = false;
  double scale = 1.0;  ///< value = raw * scale
  // The latest value read or written.
  bool valid = false;
  std::int64_t raw = 0;
  double value = 0.0;

  [[nodiscard]] std::int64_t min_raw() const noexcept;
  [[nodiscard]] std::int64_t max_raw() const noexcept;
};

/// The registers of a device's params (`registers`), in name order.
std::vector<LiveRegister> registers_of(const config::Node& params);

/// Reads `reg` of the device at `device_address`: its raw value (sign-extended when signed).
aiopi::Task<aiopi::hal::IoResult<std::int64_t>> read_register(aiopi::hal::I2cBus& bus,
                                                              std::uint16_t device_address,
                                                              const LiveRegister& reg);
/// Writes `raw` (within min_raw()..max_raw(), checked by the caller) to `reg`.
aiopi::Task<aiopi::hal::IoResult<void>> write_register(aiopi::hal::I2cBus& bus, std::uint16_t device_address,
                                                       const LiveRegister& reg, std::int64_t raw);

}  // namespace aiopid::runtime
