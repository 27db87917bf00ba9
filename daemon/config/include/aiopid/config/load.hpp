// Loading: read the main file and conf.d, merge (merge.hpp), validate against the schema (every error of
// every file), resolve names and run the cross checks, and build the typed Config.
//
// Cross checks, after every file is read:
//   * every device, event and task name used exists (with a suggestion for typos);
//   * no name is defined twice (merge.hpp);
//   * no two devices hold one resource: a GPIO line (chip + line), a PWM channel, an I2C address on a bus,
//     a serial port;
//   * an event's condition is one its device's type offers, and the device is set up for it (an input
//     detecting only rising edges cannot raise an event on falling ones);
//   * `set`, `toggle` and `pulse` fit the device (an output; a value of the right type; a writable register);
//   * tasks do not start each other in a cycle — by `start` actions or by setting an event that starts the
//     other — which would run forever;
//   * a schedule has either `cron` or `at`, and either `task` or `actions`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aiopid/config/config.hpp"
#include "aiopid/config/device_registry.hpp"
#include "aiopid/config/diagnostic.hpp"

namespace aiopid::config {

/// The default main file.
inline constexpr const char* kDefaultConfigPath = "/etc/aiopi/aiopid.toml";

struct LoadResult {
  std::optional<Config> config;  ///< set exactly when `diagnostics` is empty
  Diagnostics diagnostics;       ///< sorted into file order
};

/// A file's name and text, for loading without the file system (tests, the API's config.validate).
struct SourceText {
  std::string path;
  std::string text;
};

/// The conf.d fragments that go with `main_path`: `<dir of main_path>/conf.d/*.toml`, sorted by name.
std::vector<std::string> conf_d_files(const std::string& main_path);

/// Loads `main_path` and its conf.d fragments. A file that cannot be read is an error like any other.
LoadResult load_config(const std::string& main_path, const DeviceTypeRegistry& registry);

/// Loads texts as if they were the main file and its fragments, in this order.
LoadResult load_config_texts(const std::vector<SourceText>& files, const DeviceTypeRegistry& registry);

}  // namespace aiopid::config
