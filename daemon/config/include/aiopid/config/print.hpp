// Writes the effective configuration back as TOML (`aiopid --print-config`): every file merged, every default
// filled in, sections in a fixed order ([daemon], devices, events, tasks, schedules), each named table in the
// order written and marked with the file and line it came from. The output is itself a valid configuration
// that loads to the same Config.
#pragma once

#include <string>

#include "aiopid/config/config.hpp"

namespace aiopid::config {

std::string print_config(const Config& config);

}  // namespace aiopid::config
