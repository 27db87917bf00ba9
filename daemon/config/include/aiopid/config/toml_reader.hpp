// Reads TOML text into a Node tree (toml++, header-only and exception-free, confined to toml_reader.cpp).
// A syntax error is reported at the position toml++ gives; toml++ stops at the first one, so a file with a
// syntax error contributes exactly one error and nothing else.
#pragma once

#include <memory>
#include <optional>

#include "aiopid/config/diagnostic.hpp"
#include "aiopid/config/node.hpp"
#include "aiopid/config/source.hpp"

namespace aiopid::config {

/// Parses `file->text`. Returns the root table, or nullopt after reporting the syntax error.
std::optional<Node> read_toml(const std::shared_ptr<const SourceFile>& file, Diagnostics& out);

}  // namespace aiopid::config
