// The methods every API has, whatever the application: `api.describe` (the OpenRPC document of the
// registry, also GET /api/v1/openrpc.json) and `subscribe` / `unsubscribe` (a WebSocket session's topic
// patterns; see topic_pattern.hpp).
#pragma once

#include <cstddef>
#include <string>

#include "aiopid/api/method_registry.hpp"

namespace aiopid::api {

/// Patterns one session may hold at once (a client cannot make every fan-out slow).
inline constexpr std::size_t kMaxSubscriptionPatterns = 64;

/// Adds api.describe, subscribe and unsubscribe to `registry`, which must outlive every call (api.describe
/// reads it). `title` and `version` go into the OpenRPC document's info.
void add_builtin_methods(MethodRegistry& registry, std::string title, std::string version);

}  // namespace aiopid::api
