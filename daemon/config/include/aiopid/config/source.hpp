// Where a piece of configuration came from: a file (its path as given, its place in the load order and its
// text) and a 1-based line and column in it. Every value the loader hands on carries one, so that an error
// found long after parsing (a duplicate name across files, a cycle of task starts) still names the spot.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace aiopid::config {

/// One file that was read (or a text given directly, named like a file).
struct SourceFile {
  std::string path;  ///< as given on the command line or found in conf.d, e.g. "/etc/aiopi/conf.d/10-x.toml"
  std::uint32_t order = 0;  ///< 0 for the main file, then 1, 2, ... in conf.d name order
  std::string text;         ///< the whole text (error columns inside strings are computed from it)
};

/// A position in a SourceFile. line == 0 means "the file as a whole" (it could not be read) and a null file
/// means "not from any file" (a default value filled in by the schema).
struct Location {
  std::shared_ptr<const SourceFile> file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  [[nodiscard]] bool from_file() const noexcept { return file != nullptr; }

  /// "path:line:col", "path" (line unknown) or "<default>".
  [[nodiscard]] std::string to_string() const;

  /// Load order: file order, then line, then column. Locations without a file come last.
  friend bool operator<(const Location& a, const Location& b) noexcept;
};

}  // namespace aiopid::config
