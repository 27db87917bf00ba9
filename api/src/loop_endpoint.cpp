#include "aiopid/api/loop_endpoint.hpp"

#include <cstdint>
#include <unordered_map>
#include <utility>

#include "aiopi/task_handle.hpp"
#include "aiopid/api/jsonrpc.hpp"

namespace aiopid::api {

namespace detail {
struct LoopEndpointState {
  explicit LoopEndpointState(Dispatcher& d) : dispatcher(&d) {}
  Dispatcher* dispatcher;
  bool closed = false;  // the endpoint is gone: later posts are refused
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, aiopi::TaskBase*> tasks;  // the calls whose frames exist
};
}  // namespace detail

namespace {

using State = detail::LoopEndpointState;

RpcError stopping() {
  return RpcError{rpc_code::unavailable, "unavailable: the daemon is stopping", nullptr};
}
RpcError internal() {
  return RpcError{rpc_code::internal_error, "internal error", nullptr};
}

/// Calls `done` exactly once: with the answer, or — when it is destroyed first (the task was cancelled or
/// unwound, started or not, since it is a parameter of the coroutine and lives in its frame from the start)
/// — with the refusal made by `on_drop`.
template <class Answer>
class Completion {
 public:
  using Done = std::function<void(Answer)>;
  using Drop = std::function<Answer()>;
  Completion(Done done, Drop on_drop) : done_(std::move(done)), on_drop_(std::move(on_drop)) {}
  Completion(Completion&& o) noexcept : done_(std::move(o.done_)), on_drop_(std::move(o.on_drop_)) {
    o.done_ = nullptr;
  }
  Completion& operator=(Completion&&) = delete;
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

/// Removes a call's task from the endpoint's list when its frame goes (finished or unwound).
class Registration {
 public:
  Registration(std::shared_ptr<State> state, std::uint64_t id) : state_(std::move(state)), id_(id) {}
  Registration(Registration&& o) noexcept : state_(std::move(o.state_)), id_(o.id_) {}
  Registration& operator=(Registration&&) = delete;
  ~Registration() {
    if (state_) state_->tasks.erase(id_);
  }

 private:
  std::shared_ptr<State> state_;
  std::uint64_t id_;
};

aiopi::Task<> serve_message(Dispatcher& dispatcher, std::shared_ptr<Session> session, Json message,
                            Completion<std::optional<Json>> completion,
                            [[maybe_unused]] Registration registration) {
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
                         Json params, Completion<MethodResult> completion,
                         [[maybe_unused]] Registration registration) {
  MethodResult result;
  try {
    result = co_await dispatcher.call(method, std::move(params), std::move(session));
  } catch (...) {
    result = internal();
  }
  completion.finish(std::move(result));
}

}  // namespace

LoopEndpoint::LoopEndpoint(aiopi::Loop& loop, Dispatcher& dispatcher)
    : loop_(loop), state_(std::make_shared<State>(dispatcher)) {}

LoopEndpoint::~LoopEndpoint() {
  state_->closed = true;
  // Each unwind destroys a frame, whose Registration removes its entry; an entry present means the frame
  // (and so the task's block) still exists.
  while (!state_->tasks.empty()) {
    const auto first = state_->tasks.begin();
    aiopi::TaskBase& task = *first->second;
    state_->tasks.erase(first);
    loop_.unwind_now(task);
  }
}

// The posts hold the loop and the shared state, not the endpoint, so an endpoint destroyed before its posts
// run leaves nothing dangling (they are refused then).
void LoopEndpoint::submit(std::shared_ptr<Session> session, Json message,
                          std::function<void(std::optional<Json>)> done) {
  loop_.call_soon_threadsafe([loop = &loop_, state = state_, session = std::move(session),
                              message = std::move(message), done = std::move(done)]() mutable {
    if (loop->closing() || state->closed) {
      done(refuse(message, stopping()));
      return;
    }
    Completion<std::optional<Json>> completion(
        std::move(done), [shape = answer_shape(message)] { return refuse(shape, stopping()); });
    const std::uint64_t id = state->next_id++;
    auto task = loop->create_task(serve_message(*state->dispatcher, std::move(session), std::move(message),
                                                std::move(completion), Registration(state, id)),
                                  "api.request");
    state->tasks.emplace(id, &task.base());
  });
}

void LoopEndpoint::call(std::shared_ptr<Session> session, const MethodSpec& method, Json params,
                        std::function<void(MethodResult)> done) {
  loop_.call_soon_threadsafe([loop = &loop_, state = state_, session = std::move(session), method = &method,
                              params = std::move(params), done = std::move(done)]() mutable {
    if (loop->closing() || state->closed) {
      done(MethodResult(stopping()));
      return;
    }
    Completion<MethodResult> completion(std::move(done), [] { return MethodResult(stopping()); });
    const std::uint64_t id = state->next_id++;
    auto task =
        loop->create_task(serve_call(*state->dispatcher, std::move(session), *method, std::move(params),
                                     std::move(completion), Registration(state, id)),
                          "api.call");
    state->tasks.emplace(id, &task.base());
  });
}

}  // namespace aiopid::api
