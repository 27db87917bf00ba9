// aiopictl's command line (CLI11): global options, one subcommand per method, and what each prints. main()
// only calls run_cli; the tests call it too, with their own streams.
#pragma once

#include <iosfwd>

namespace aiopictl {

/// Parses argv, runs the command, prints to `out` (results) and `err` (messages, a generated token), reads a
/// token for `token-hash` from `in`. Returns the exit status (exit_code.hpp). Reads AIOPI_URL and AIOPI_TOKEN
/// from the environment.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err, std::istream& in);

}  // namespace aiopictl
