#include "aiopid/api/loop_endpoint.hpp"

#include <utility>

#include "aiopi/task_handle.hpp"
#include "aiopid/api/jsonrpc.hpp"

namespace aiopid::api {
namespace {

RpcError stopping() {
  return RpcError{rpc_code::unavailable, "unavailable: the daemon is stopping", nullptr};
}
RpcError internal() {
  return RpcError{rpc_code::internal_error, "internal error", nullptr};
}

/// Calls `done` exactly once: with the answer, or — when the frame holding it is destroyed first (the task
/// was cancelled or unwound with the loop) — with the refusal made by `on_drop`.
template <class Answer>
class Completion {
 public:
  using Done = std::function<void(Answer)>;
  using Drop = std::function<Answer()>;
  Completion(Done done, Drop on_drop) : done_(std::move(done)), on_drop_(std::move(on_drop)) {}
  Completion(const Completion&) = delete;
  Completion& operator=(const Completion&) = delete;
  ~Completion() {
    if (!done_) return;
    try {
      auto done = std::move(done_);
      done(on_drop_());
    } catch (...) {
      // A completion that throws while the loop unwinds has nobody to tell.
    }
  }
  void finish(Answer answer) {
    auto done = std::move(done_);
    done_ = nullptr;
    done(std::move(answer));
  }

 private:
  Done done_;
  Drop on_drop_;
};

aiopi::Task<> serve_message(Dispatcher& dispatcher, std::shared_ptr<Session> session, Json message,
                            std::function<void(std::optional<Json>)> done) {
  Completion<std::optional<Json>> completion(
      std::move(done), [shape = answer_shape(message)] { return refuse(shape, stopping()); });
  std::optional<Json> answer;
  bool failed = false;
  try {
    answer = co_await dispatcher.dispatch(std::move(message), std::move(session));
  } catch (...) {
    failed = true;  // the dispatcher catches handlers' exceptions; this is e.g. running out of memory
  }
  if (failed) {
    completion.finish(jsonrpc_error(nullptr, internal()));
  } else {
    completion.finish(std::move(answer));
  }
}

aiopi::Task<> serve_call(Dispatcher& dispatcher, std::shared_ptr<Session> session, const MethodSpec& method,
                         Json params, std::function<void(MethodResult)> done) {
  Completion<MethodResult> completion(std::move(done), [] { return MethodResult(stopping()); });
  MethodResult result;
  try {
    result = co_await dispatcher.call(method, std::move(params), std::move(session));
  } catch (...) {
    result = internal();
  }
  completion.finish(std::move(result));
}

}  // namespace

// The posts capture the loop and the dispatcher, not the endpoint, so an endpoint destroyed before the loop
// leaves nothing dangling when the loop's destructor runs what is still in its inbox.
void LoopEndpoint::submit(std::shared_ptr<Session> session, Json message,
                          std::function<void(std::optional<Json>)> done) {
  loop_.call_soon_threadsafe([loop = &loop_, dispatcher = &dispatcher_, session = std::move(session),
                              message = std::move(message), done = std::move(done)]() mutable {
    if (loop->closing()) {
      done(refuse(message, stopping()));
      return;
    }
    loop->create_task(serve_message(*dispatcher, std::move(session), std::move(message), std::move(done)),
                      "api.request");
  });
}

void LoopEndpoint::call(std::shared_ptr<Session> session, const MethodSpec& method, Json params,
                        std::function<void(MethodResult)> done) {
  loop_.call_soon_threadsafe([loop = &loop_, dispatcher = &dispatcher_, session = std::move(session),
                              method = &method, params = std::move(params),
                              done = std::move(done)]() mutable {
    if (loop->closing()) {
      done(MethodResult(stopping()));
      return;
    }
    loop->create_task(
        serve_call(*dispatcher, std::move(session), *method, std::move(params), std::move(done)), "api.call");
  });
}

}  // namespace aiopid::api
