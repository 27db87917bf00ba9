// aiopid-api-reference: prints the remote API's method reference (Markdown) generated from the method
// registry as aiopid fills it, with each method's example from docs/api-examples.json. docs/remote-api.md
// embeds it; the test remote.api_reference_up_to_date compares.
//
//   aiopid-api-reference EXAMPLES_JSON
#include <cstdio>
#include <fstream>

#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopid/api/builtin_methods.hpp"
#include "aiopid/remote/api_reference.hpp"
#include "aiopid/remote/methods.hpp"
#include "aiopid/runtime/runtime.hpp"
#include "aiopid/runtime/sim_board.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: aiopid-api-reference EXAMPLES_JSON (docs/api-examples.json)\n");
    return 2;
  }
  std::ifstream file(argv[1]);
  const aiopid::api::Json examples = aiopid::api::Json::parse(file, nullptr, /*allow_exceptions=*/false);
  if (!examples.is_object()) {
    std::fprintf(stderr, "aiopid-api-reference: %s is not a JSON object of examples\n", argv[1]);
    return 1;
  }
  // The methods need a runtime to bind to; an idle one on the simulated board is never started.
  aiopi::sim::SimBackend backend;
  aiopi::Loop loop(backend);
  auto board = aiopid::runtime::make_sim_board();
  aiopid::runtime::Runtime runtime(loop, *board, {});
  aiopid::api::MethodRegistry methods;
  const aiopid::remote::DaemonFacts facts{"reference"};
  aiopid::api::add_builtin_methods(methods, "aiopid", "reference");
  aiopid::remote::add_daemon_methods(methods, runtime, facts);
  if (const auto missing = aiopid::remote::methods_without_example(methods, examples); !missing.empty()) {
    for (const std::string& name : missing)
      std::fprintf(stderr, "aiopid-api-reference: %s has no example in %s (tests/remote/api_examples.py)\n",
                   name.c_str(), argv[1]);
    return 1;
  }
  const std::string text = aiopid::remote::api_reference_markdown(methods, examples);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
