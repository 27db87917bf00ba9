// The server's view of the application: where a parsed message goes and how its answer comes back. Called on
// the API thread; the completion is called exactly once, from any thread (the server posts it to the
// connection's strand). LoopEndpoint (loop_endpoint.hpp) implements it on the core loop with a Dispatcher.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "aiopid/api/json.hpp"
#include "aiopid/api/method.hpp"
#include "aiopid/api/session.hpp"

namespace aiopid::api {

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  /// A JSON-RPC message (WebSocket or POST /api/v1/rpc). `done(nullopt)`: nothing to send.
  virtual void submit(std::shared_ptr<Session> session, Json message,
                      std::function<void(std::optional<Json>)> done) = 0;
  /// A REST call already routed and validated by the registry.
  virtual void call(std::shared_ptr<Session> session, const MethodSpec& method, Json params,
                    std::function<void(MethodResult)> done) = 0;
};

}  // namespace aiopid::api
