// What every runtime test needs to turn configuration text into a Config: the built-in device types and a
// parser that fails the test (not the process) when the text does not load.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "aiopid/config/driver_device_types.hpp"
#include "aiopid/config/load.hpp"

namespace aiopid::runtime::testing {

/// The built-in device types, made once for the whole test binary.
inline const aiopid::config::DeviceTypeRegistry& types() {
  static const aiopid::config::DeviceTypeRegistry registry = aiopid::config::aiopid_device_registry();
  return registry;
}

/// `text` loaded as the only configuration file, "test.toml"; a diagnostic fails the calling test.
inline aiopid::config::Config parse(const std::string& text) {
  auto result = aiopid::config::load_config_texts({{"test.toml", text}}, types());
  EXPECT_TRUE(result.config) << result.diagnostics.to_string();
  return std::move(*result.config);
}

}  // namespace aiopid::runtime::testing
