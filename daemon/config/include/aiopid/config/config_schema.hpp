// The schema of a whole aiopid configuration: the root table, [daemon], [devices.NAME] (one variant per
// registered device type), [boards.NAME], [api], [events.NAME], [tasks.NAME] with its actions,
// [schedules.NAME].
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "aiopid/config/device_registry.hpp"
#include "aiopid/config/schema.hpp"

namespace aiopid::config {

/// The top-level sections.
inline constexpr std::string_view kDaemonSection = "daemon";
inline constexpr std::string_view kApiSection = "api";
inline constexpr std::string_view kBoardsSection = "boards";
inline constexpr std::string_view kDevicesSection = "devices";
inline constexpr std::string_view kEventsSection = "events";
inline constexpr std::string_view kTasksSection = "tasks";
inline constexpr std::string_view kSchedulesSection = "schedules";

/// Owns every TableSchema of the configuration (they point at each other). Not movable: hold it by
/// unique_ptr (make_config_schema).
struct ConfigSchema {
  ConfigSchema() = default;
  ConfigSchema(const ConfigSchema&) = delete;
  ConfigSchema& operator=(const ConfigSchema&) = delete;

  TableSchema root;
  TableSchema daemon;
  TableSchema api;
  TableSchema board;   ///< a remote board (a Pico on a serial port)
  TableSchema device;  ///< `type` selects the registered type's parameters (`board`: its board_params)
  TableSchema event;   ///< open: the condition keys depend on the device's type
  TableSchema task;
  TableSchema action;  ///< the verb key present selects the variant
  TableSchema schedule;
  std::vector<std::unique_ptr<TableSchema>> owned;  ///< the action variants
};

/// The schema for the types in `registry` (which must outlive it).
std::unique_ptr<ConfigSchema> make_config_schema(const DeviceTypeRegistry& registry);

}  // namespace aiopid::config
