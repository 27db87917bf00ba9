// JSON-RPC 2.0 on the core loop: takes a parsed message (request, notification or batch), checks its shape,
// scope and params, runs the handlers and builds the answer. Runs only on the loop's thread.
#pragma once

#include <memory>
#include <optional>

#include "aiopi/task.hpp"
#include "aiopid/api/json.hpp"
#include "aiopid/api/method_registry.hpp"
#include "aiopid/api/session.hpp"

namespace aiopid::api {

class Dispatcher {
 public:
  explicit Dispatcher(const MethodRegistry& methods) : methods_(methods) {}

  /// The answer to `message` (nullopt: nothing to send — a notification, or a batch of notifications).
  /// A batch's requests run one after another, in order; its answers keep that order.
  aiopi::Task<std::optional<Json>> dispatch(Json message, std::shared_ptr<Session> session);
  /// One already-routed call (the REST mirror): the result, or the error.
  aiopi::Task<MethodResult> call(const MethodSpec& method, Json params, std::shared_ptr<Session> session);

 private:
  const MethodRegistry& methods_;
};

}  // namespace aiopid::api
