// Runs a program to its end with the given environment additions and stdin, capturing its exit status,
// stdout and stderr (through temporary files, so neither can fill a pipe and block it).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace aiopictl::testing {

struct ProcessResult {
  int status = -1;  ///< the exit status, or 128 + signal
  std::string out;
  std::string err;
};

/// The environment is the test's, minus every AIOPI_* variable, plus `env` ("NAME=value").
ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                          const std::string& stdin_text = {});

}  // namespace aiopictl::testing
