// The daemon's methods of the remote API (docs/remote-api.md, "Methods"): daemon.*, devices.*, events.*,
// tasks.*, schedules.*, plus api.describe / subscribe / unsubscribe from api/. Every handler runs on the
// core loop and reaches only what the configuration declares, through the Runtime.
#pragma once

#include <string>

#include "aiopid/api/method_registry.hpp"
#include "aiopid/runtime/runtime.hpp"

namespace aiopid::remote {

struct DaemonFacts {
  std::string version;
};

/// Adds the daemon's methods to `methods`. `runtime` and `facts` must outlive the registry.
void add_daemon_methods(api::MethodRegistry& methods, runtime::Runtime& runtime, const DaemonFacts& facts);

}  // namespace aiopid::remote
