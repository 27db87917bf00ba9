// Configuration errors as values: every error of every file is collected (not just the first), then sorted
// into file order and printed one per line as
//
//   FILE:LINE:COL: error: KEY.PATH: MESSAGE
//
// e.g. "conf.d/10-io.toml:7:8: error: devices.button.bias: 'pullup' is not one of as_is, off, pull_up,
// pull_down (did you mean 'pull_up'?)". The key path is left out when there is none (a TOML syntax error),
// and LINE:COL when the file as a whole is meant (it cannot be read).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "aiopid/config/source.hpp"

namespace aiopid::config {

struct Diagnostic {
  Location where;
  std::string path;  ///< dotted key path, e.g. "tasks.blink.actions[1].duration"; empty for syntax errors
  std::string message;
};

/// "FILE:LINE:COL: error: PATH: MESSAGE" (see the top of this file).
std::string format(const Diagnostic& d);

class Diagnostics {
 public:
  void error(Location where, std::string path, std::string message);

  [[nodiscard]] bool empty() const noexcept { return list_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return list_.size(); }
  [[nodiscard]] const std::vector<Diagnostic>& all() const noexcept { return list_; }

  /// Sorts into load order (file, line, column; stable for equal positions) and drops exact repeats.
  void sort();

  /// Every diagnostic formatted, one per line, each ending in '\n'.
  [[nodiscard]] std::string to_string() const;

 private:
  std::vector<Diagnostic> list_;
};

}  // namespace aiopid::config
