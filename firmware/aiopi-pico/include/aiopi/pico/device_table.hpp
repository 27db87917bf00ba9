// DeviceTable: the Pico's open devices, in a fixed number of slots of static storage (no heap). open()
// checks a devices.open request's type and params (docs/design/pico-tether.md), checks that the pins are
// free and not the tether's (0, 1), asks the board for the HAL objects and constructs the device in place;
// close() destroys it, which hands its pins back.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aiopi/loop.hpp"
#include "aiopi/pico/board.hpp"
#include "aiopi/pico/devices.hpp"
#include "aiopi/pico/json_reader.hpp"
#include "aiopi/pico/rpc_error.hpp"

namespace aiopi::pico {

class DeviceTable {
 public:
  static constexpr std::size_t kMaxDevices = 16;
  static constexpr std::size_t kMaxName = 31;
  /// GPIO numbers 0..kPinCount-1; the tether's UART0 uses kTetherTx and kTetherRx.
  static constexpr unsigned kPinCount = 30;
  static constexpr unsigned kTetherTx = 0;
  static constexpr unsigned kTetherRx = 1;

  DeviceTable(Loop& loop, Board& board, LineSink& sink) noexcept
      : loop_(loop), board_(board), notifier_(sink) {}
  DeviceTable(const DeviceTable&) = delete;
  DeviceTable& operator=(const DeviceTable&) = delete;
  ~DeviceTable() { close_all(); }

  /// devices.open: `name` a string, `type` a type name, `params` an object (or absent). An open device of the
  /// same name is closed first (its pins become free for the new one). The new device, or null with `err`.
  Device* open(JsonValue name, JsonValue type, JsonValue params, RpcError& err);
  /// devices.close; false (-32004 in `err`) when no device has that name.
  bool close(std::string_view name, RpcError& err);
  void close_all() noexcept;

  Device* find(std::string_view name) noexcept;
  std::size_t size() const noexcept;
  /// The open devices in slot order: `for (std::size_t i = 0; i < kMaxDevices; ++i) if (Device* d = at(i))`.
  Device* at(std::size_t slot) noexcept { return slots_[slot].device; }
  /// The GPIO pins in use (bit n: GPn).
  std::uint32_t pins_in_use() const noexcept;

  /// The device object: {"name":S,"type":T,"direction":D,"state":"open"|"failing","value":V[,"error":S]}.
  static void describe(Device& device, JsonWriter& w);

  Notifier& notifier() noexcept { return notifier_; }
  Loop& loop() noexcept { return loop_; }

 private:
  struct Slot {
    Device* device = nullptr;
    std::uint32_t pins = 0;
    std::uint8_t name_len = 0;
    std::array<char, kMaxName> name{};
    alignas(kDeviceStorageAlign) std::array<unsigned char, kDeviceStorageSize> storage;
    std::string_view name_view() const noexcept { return {name.data(), name_len}; }
  };
  class Params;
  struct Spec;

  void free(Slot& slot) noexcept;
  /// Reads and checks the params of `spec.type` into `spec` (pins included; those of `replacing` count as
  /// free). Touches no hardware.
  bool parse(Params& params, const Slot* replacing, Spec& spec, RpcError& err);
  bool claim_pin(std::string_view param, unsigned pin, const Slot* replacing, Spec& spec, RpcError& err);
  /// Asks the board for the HAL objects and constructs the device in `slot`.
  Device* build(Slot& slot, const Spec& spec, RpcError& err);

  Loop& loop_;
  Board& board_;
  Notifier notifier_;
  std::array<Slot, kMaxDevices> slots_{};
};

}  // namespace aiopi::pico
