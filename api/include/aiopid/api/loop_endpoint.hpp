// The Endpoint on the core loop: submit() and call() post the work to the loop (call_soon_threadsafe), where
// a task runs the Dispatcher; the completion is called on the loop's thread when the task ends.
#pragma once

#include "aiopi/loop.hpp"
#include "aiopid/api/dispatcher.hpp"
#include "aiopid/api/endpoint.hpp"

namespace aiopid::api {

class LoopEndpoint final : public Endpoint {
 public:
  LoopEndpoint(aiopi::Loop& loop, Dispatcher& dispatcher) : loop_(loop), dispatcher_(dispatcher) {}
  void submit(std::shared_ptr<Session> session, Json message,
              std::function<void(std::optional<Json>)> done) override;
  void call(std::shared_ptr<Session> session, const MethodSpec& method, Json params,
            std::function<void(MethodResult)> done) override;

 private:
  aiopi::Loop& loop_;
  Dispatcher& dispatcher_;
};

}  // namespace aiopid::api
