// The device types the loader knows, by name. The daemon fills one at start-up with the built-in types
// (builtin_device_types.hpp) and, later, every driver's; the config schema and the reference are built from
// whatever it holds.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "aiopid/config/device_type.hpp"

namespace aiopid::config {

class DeviceTypeRegistry {
 public:
  /// Adds a type. Returns false (and adds nothing) if a type of that name is already registered.
  bool add(std::unique_ptr<DeviceType> type);

  [[nodiscard]] const DeviceType* find(std::string_view name) const noexcept;

  /// Every type, sorted by name. The pointers stay valid as long as the registry.
  [[nodiscard]] std::vector<const DeviceType*> types() const;

 private:
  std::vector<std::unique_ptr<DeviceType>> types_;
};

}  // namespace aiopid::config
