// `aiopid --next-runs [NAME] [--count N]`: each schedule's next fires, in its zone (ISO 8601 with offset).
#pragma once

#include <cstdio>
#include <string_view>

#include "aiopid/config/config.hpp"

namespace aiopid::runtime {

/// Prints the next `count` fires of every schedule (or only `name`). Returns false if `name` is unknown.
bool print_next_runs(const config::Config& config, std::string_view name, int count, std::FILE* out);

}  // namespace aiopid::runtime
