// The configuration reference in Markdown, generated from the schema (every key with its type, default,
// example and description), so docs/daemon.md cannot drift from what the loader accepts. The target
// `aiopid-config-reference` prints it; a test compares it with the docs.
#pragma once

#include <string>

#include "aiopid/config/config_schema.hpp"
#include "aiopid/config/device_registry.hpp"

namespace aiopid::config {

std::string config_reference_markdown(const ConfigSchema& schema, const DeviceTypeRegistry& registry);

}  // namespace aiopid::config
