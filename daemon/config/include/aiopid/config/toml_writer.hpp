// TOML text for values: one value on one line (arrays in brackets, tables inline), as --print-config and
// the reference's defaults and examples write them.
#pragma once

#include <string>

#include "aiopid/config/node.hpp"

namespace aiopid::config {

/// A number in its shortest exact form, with ".0" added to whole floats ("0.5", "1000.0", "inf").
std::string toml_float(double value);

/// The value on one line: "true", "17", "\"GPIO17\"", "[1, 2]", "{ toggle = \"led\" }", "07:30:00".
std::string toml_inline(const Node& value);

}  // namespace aiopid::config
