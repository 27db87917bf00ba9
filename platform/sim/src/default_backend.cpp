// Linking aiopi::sim_default makes the simulated board the backend of aiopi::run() (tests, the demo board).
#include "aiopi/sim/sim_backend.hpp"

namespace aiopi {

Backend& default_backend() {
  thread_local sim::SimBackend backend;
  return backend;
}

}  // namespace aiopi
