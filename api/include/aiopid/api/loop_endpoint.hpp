// The Endpoint on the core loop: submit() and call() post the work to the loop (call_soon_threadsafe), where
// a task runs the Dispatcher; the completion is called on the loop's thread when the task ends.
//
// The completion rule: `done` is called exactly once, always on the loop's thread —
//  - with the answer when the dispatch ends (a handler that throws answers -32603 "internal error");
//  - with -32006 "unavailable: the daemon is stopping" for each request of the message (notifications get
//    none, so a message of notifications completes with nullopt) when the call never got to run: its task was
//    cancelled or unwound because the Loop was destroyed with it in flight, or the post reached a loop that
//    was already closing (the Loop's destructor runs what is still in its inbox).
// So the server never waits for a completion that cannot come, but `done` may run after the server has
// stopped (the daemon destroys the loop after Server::stop()): it must capture what it touches by shared or
// weak pointer, never a raw pointer into the server. submit() / call() must not be called once the Loop is
// destroyed (stop the server first); the MethodSpec given to call() lives in the registry, which outlives
// both.
//
// Destroying the LoopEndpoint unwinds the calls still in flight (each completes with -32006, as above) and
// answers posts that arrive later with -32006 at once, so no handler outlives what is destroyed after the
// endpoint (the daemon's runtime, the dispatcher, the registry). Destroy it on the loop's thread, outside its
// own calls' tasks (e.g. after run_until_complete returned).
#pragma once

#include <memory>

#include "aiopi/loop.hpp"
#include "aiopid/api/dispatcher.hpp"
#include "aiopid/api/endpoint.hpp"

namespace aiopid::api {

namespace detail {
struct LoopEndpointState;  // the dispatcher, the calls in flight; shared with the posts (loop thread only)
}

class LoopEndpoint final : public Endpoint {
 public:
  LoopEndpoint(aiopi::Loop& loop, Dispatcher& dispatcher);
  ~LoopEndpoint() override;
  LoopEndpoint(const LoopEndpoint&) = delete;
  LoopEndpoint& operator=(const LoopEndpoint&) = delete;

  void submit(std::shared_ptr<Session> session, Json message,
              std::function<void(std::optional<Json>)> done) override;
  void call(std::shared_ptr<Session> session, const MethodSpec& method, Json params,
            std::function<void(MethodResult)> done) override;

 private:
  aiopi::Loop& loop_;
  std::shared_ptr<detail::LoopEndpointState> state_;
};

}  // namespace aiopid::api
