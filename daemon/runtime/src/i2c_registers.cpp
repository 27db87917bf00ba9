#include "aiopid/runtime/i2c_registers.hpp"

#include <algorithm>
#include <array>
#include <span>

namespace aiopid::runtime {

std::int64_t LiveRegister::min_raw() const noexcept {
  return is_signed ? -(std::int64_t{1} << (8 * bytes - 1)) : 0;
}

std::int64_t LiveRegister::max_raw() const noexcept {
  return is_signed ? (std::int64_t{1} << (8 * bytes - 1)) - 1 : (std::int64_t{1} << (8 * bytes)) - 1;
}

std::vector<LiveRegister> registers_of(const config::Node& params) {
  std::vector<LiveRegister> out;
  const config::Node* table = params.find("registers");
  if (table == nullptr || !table->is(config::Node::Kind::table)) return out;
  for (const config::Node::Member& m : table->members()) {
    const config::Node& r = m.value;
    LiveRegister reg;
    reg.name = m.key;
    reg.address = static_cast<std::uint8_t>(r.get_int("address", 0));
    reg.bytes = r.get_int("bytes", 1) == 2 ? 2 : 1;
    const std::string* order = r.get_string("byte_order");
    reg.big_endian = order == nullptr || *order != "little";
    reg.is_signed = r.get_bool("signed", false);
    reg.writable = r.get_bool("writable", false);
    reg.scale = r.get_number("scale", 1.0);
    out.push_back(std::move(reg));
  }
  std::sort(out.begin(), out.end(),
            [](const LiveRegister& a, const LiveRegister& b) { return a.name < b.name; });
  return out;
}

aiopi::Task<aiopi::hal::IoResult<std::int64_t>> read_register(aiopi::hal::I2cBus& bus,
                                                              std::uint16_t device_address,
                                                              const LiveRegister& reg) {
  const std::array<std::uint8_t, 1> command = {reg.address};
  std::array<std::uint8_t, 2> data = {};
  const std::span<std::uint8_t> in(data.data(), static_cast<std::size_t>(reg.bytes));
  aiopi::hal::IoResult<void> r = co_await bus.write_read(device_address, command, in);
  if (!r) co_return r.error();
  std::int64_t raw = reg.bytes == 1   ? data[0]
                     : reg.big_endian ? (data[0] << 8) | data[1]
                                      : (data[1] << 8) | data[0];
  if (reg.is_signed && raw > reg.max_raw()) raw -= std::int64_t{1} << (8 * reg.bytes);
  co_return raw;
}

aiopi::Task<aiopi::hal::IoResult<void>> write_register(aiopi::hal::I2cBus& bus, std::uint16_t device_address,
                                                       const LiveRegister& reg, std::int64_t raw) {
  const auto bits = static_cast<std::uint16_t>(raw & (reg.bytes == 1 ? 0xff : 0xffff));
  const auto high = static_cast<std::uint8_t>(bits >> 8);
  const auto low = static_cast<std::uint8_t>(bits & 0xff);
  std::array<std::uint8_t, 3> frame = {reg.address, reg.bytes == 1 || !reg.big_endian ? low : high,
                                       reg.big_endian ? low : high};
  co_return co_await bus.write(device_address, std::span<const std::uint8_t>(frame.data(), 1 + reg.bytes));
}

}  // namespace aiopid::runtime
