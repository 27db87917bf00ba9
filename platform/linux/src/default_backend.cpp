// Linking aiopi::linux_default makes the epoll backend the default of aiopi::run().
#include "aiopi/linux/linux_backend.hpp"

namespace aiopi {

Backend& default_backend() {
  thread_local os_linux::LinuxBackend backend;
  return backend;
}

}  // namespace aiopi
