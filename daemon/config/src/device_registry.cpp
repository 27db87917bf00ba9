#include "aiopid/config/device_registry.hpp"

#include <algorithm>

#include "aiopid/config/board_device_types.hpp"

namespace aiopid::config {

TableSchema& DeviceType::own(TableSchema schema) {
  owned.push_back(std::make_unique<TableSchema>(std::move(schema)));
  return *owned.back();
}

bool DeviceTypeRegistry::add(std::unique_ptr<DeviceType> type) {
  if (!type || find(type->name)) return false;
  add_board_params(*type);  // the types a Pico runs get the keys they take there
  types_.push_back(std::move(type));
  return true;
}

const DeviceType* DeviceTypeRegistry::find(std::string_view name) const noexcept {
  for (const auto& t : types_)
    if (t->name == name) return t.get();
  return nullptr;
}

std::vector<const DeviceType*> DeviceTypeRegistry::types() const {
  std::vector<const DeviceType*> out;
  for (const auto& t : types_)
    out.push_back(t.get());
  std::sort(out.begin(), out.end(),
            [](const DeviceType* a, const DeviceType* b) { return a->name < b->name; });
  return out;
}

}  // namespace aiopid::config
