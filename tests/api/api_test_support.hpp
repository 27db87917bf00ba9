// Helpers of the api tests: a simulated loop to run dispatcher coroutines to completion, sessions, and a
// method builder.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopid/api/method.hpp"
#include "aiopid/api/session.hpp"

namespace aiopid::api::test {

/// A loop of the test's own on the virtual clock: run() drives one coroutine to its end.
class SimLoop {
 public:
  template <class T>
  T run(aiopi::Task<T> task) {
    return loop_.run_until_complete(std::move(task));
  }
  aiopi::Loop& loop() noexcept { return loop_; }

 private:
  aiopi::sim::SimBackend backend_;
  aiopi::Loop loop_{backend_};
};

inline std::shared_ptr<Session> make_session(Scope scope = Scope::admin,
                                             Transport transport = Transport::websocket) {
  return std::make_shared<Session>(1, transport, "127.0.0.1:40000", Principal{"tester", scope});
}

inline ParamSpec param(std::string name, ParamType type, bool required = true) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = type;
  p.required = required;
  return p;
}

/// A method whose handler answers with `fn(params)` (a Json or an RpcError).
template <class Fn>
MethodSpec method(std::string name, std::vector<ParamSpec> params, Fn fn) {
  MethodSpec m;
  m.name = std::move(name);
  m.summary = "test method " + m.name;
  m.params = std::move(params);
  m.result_schema = Json::object();
  m.handler = [fn = std::move(fn)](CallContext& context) -> aiopi::Task<MethodResult> {
    co_return MethodResult(fn(context.params));
  };
  return m;
}

}  // namespace aiopid::api::test
