// wait_for_scenario.hpp on the host, linked with the virtual-clock board or with the Linux loop, for
// tools/firmware-tests to compare with the RP2040's output: the lines go to stdout.
#include <cstdio>

#include "wait_for_scenario.hpp"

namespace {
void stdout_out(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}
}  // namespace

int main() {
  return aiopi::run(wait_for_scenario::run(stdout_out));
}
