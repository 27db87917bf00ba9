// aiopid-api-reference: prints the remote API's method reference (Markdown) generated from the method
// registry as aiopid fills it. docs/remote-api.md embeds it; the test remote.api_reference_up_to_date
// compares.
#include <cstdio>

#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopid/api/builtin_methods.hpp"
#include "aiopid/remote/api_reference.hpp"
#include "aiopid/remote/methods.hpp"
#include "aiopid/runtime/runtime.hpp"
#include "aiopid/runtime/sim_board.hpp"

int main() {
  // The methods need a runtime to bind to; an idle one on the simulated board is never started.
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop(backend);
  auto board = aiopid::runtime::make_sim_board();
  aiopid::runtime::Runtime runtime(loop, *board, {});
  aiopid::api::MethodRegistry methods;
  const aiopid::remote::DaemonFacts facts{"reference"};
  aiopid::api::add_builtin_methods(methods, "aiopid", "reference");
  aiopid::remote::add_daemon_methods(methods, runtime, facts);
  const std::string text = aiopid::remote::api_reference_markdown(methods);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
