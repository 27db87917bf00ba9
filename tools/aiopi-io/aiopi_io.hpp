// The aiopi-io command line as a function, so the kernel tests can run its commands in their own process
// against gpio-sim and the I2C test adapters (tests/kernel/aiopi_io_kernel_test.cpp).
#pragma once

namespace aiopi::tools {

/// Runs one aiopi-io command line (argv[0] is the program name); returns the exit status. Output goes to
/// stdout / stderr. `watch` and `set --hold` block SIGINT and SIGTERM in the calling thread and end on them.
int aiopi_io_main(int argc, char** argv);

}  // namespace aiopi::tools
