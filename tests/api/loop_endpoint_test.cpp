// LoopEndpoint: calls submitted from another std::thread run on the real Linux loop and complete there; calls
// still in flight when the loop is destroyed, or posted to a loop that is closing, still complete (-32006).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "aiopi/event.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/wait_for.hpp"
#include "aiopid/api/loop_endpoint.hpp"
#include "api_test_support.hpp"

namespace aiopid::api {
namespace {

using namespace std::chrono_literals;
using test::method;
using test::param;

class Endpoint : public ::testing::Test {
 protected:
  Endpoint() {
    registry.add(method("sum", {param("a", ParamType::integer), param("b", ParamType::integer)},
                        [](const Json& p) { return Json(p["a"].get<int>() + p["b"].get<int>()); }));
    MethodSpec hang;
    hang.name = "hang";
    hang.handler = [this](CallContext&) -> aiopi::Task<MethodResult> {
      started.set();
      co_await never.wait();
      co_return Json("unreachable");
    };
    registry.add(std::move(hang));
  }
  aiopi::Event never;  // declared before any loop: outlives the tasks waiting on it
  aiopi::Event started;
  MethodRegistry registry;
  Dispatcher dispatcher{registry};
};

TEST_F(Endpoint, CallsFromAnotherThreadCompleteOnTheLoopThread) {
  aiopi::os_linux::LinuxBackend backend;
  aiopi::Loop loop{backend};
  LoopEndpoint endpoint{loop, dispatcher};
  constexpr int kCalls = 50;
  std::vector<std::optional<Json>> answers(kCalls);
  std::optional<MethodResult> rest_result;
  int completed = 0;
  bool all_on_loop_thread = true;
  const auto loop_thread = std::this_thread::get_id();
  aiopi::Event all_done;
  auto note = [&] {
    if (std::this_thread::get_id() != loop_thread) all_on_loop_thread = false;
    if (++completed == kCalls + 1) all_done.set();
  };

  auto main_task = [&]() -> aiopi::Task<bool> {
    loop.add_external_source();
    std::thread client([&] {
      auto session = test::make_session(Scope::read, Transport::websocket);
      for (int i = 0; i < kCalls; ++i) {
        Json request = {{"jsonrpc", "2.0"}, {"method", "sum"}, {"params", {i, 1000}}, {"id", i}};
        endpoint.submit(session, std::move(request), [&, i](std::optional<Json> answer) {
          answers[static_cast<std::size_t>(i)] = std::move(answer);
          note();
        });
      }
      endpoint.call(test::make_session(Scope::read, Transport::http), *registry.find("sum"),
                    Json{{"a", 1}, {"b", 2}}, [&](MethodResult result) {
                      rest_result = std::move(result);
                      note();
                    });
    });
    auto waited = co_await aiopi::wait_for(all_done.wait(), 30s);  // a safety net only
    loop.remove_external_source();
    client.join();
    co_return !waited.timed_out();
  };
  ASSERT_TRUE(loop.run_until_complete(main_task()));
  EXPECT_TRUE(all_on_loop_thread);
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(answers[static_cast<std::size_t>(i)]) << i;
    EXPECT_EQ((*answers[static_cast<std::size_t>(i)])["result"], i + 1000);
    EXPECT_EQ((*answers[static_cast<std::size_t>(i)])["id"], i);
  }
  ASSERT_TRUE(rest_result);
  ASSERT_TRUE(std::holds_alternative<Json>(*rest_result));
  EXPECT_EQ(std::get<Json>(*rest_result), 3);
}

TEST_F(Endpoint, ANotificationCompletesWithNothing) {
  test::SimLoop sim;
  LoopEndpoint endpoint{sim.loop(), dispatcher};
  bool called = false;
  std::optional<Json> answer = Json("not called");
  aiopi::Event done;
  endpoint.submit(test::make_session(), Json::parse(R"({"jsonrpc":"2.0","method":"sum","params":[1,2]})"),
                  [&](std::optional<Json> a) {
                    called = true;
                    answer = std::move(a);
                    done.set();
                  });
  sim.run([&]() -> aiopi::Task<> { co_await done.wait(); }());
  EXPECT_TRUE(called);
  EXPECT_EQ(answer, std::nullopt);
}

TEST_F(Endpoint, CallsInFlightWhenTheLoopIsDestroyedCompleteAsUnavailable) {
  std::optional<Json> answer;
  std::optional<MethodResult> rest_result;
  int calls = 0;
  {
    test::SimLoop sim;
    LoopEndpoint endpoint{sim.loop(), dispatcher};
    endpoint.submit(test::make_session(), Json::parse(R"([{"jsonrpc":"2.0","method":"hang","id":7},
                                                         {"jsonrpc":"2.0","method":"hang"}])"),
                    [&](std::optional<Json> a) {
                      ++calls;
                      answer = std::move(a);
                    });
    endpoint.call(test::make_session(), *registry.find("hang"), Json::object(), [&](MethodResult r) {
      ++calls;
      rest_result = std::move(r);
    });
    sim.run([&]() -> aiopi::Task<> { co_await started.wait(); }());
    EXPECT_EQ(calls, 0);
  }  // the loop unwinds both tasks
  EXPECT_EQ(calls, 2);
  ASSERT_TRUE(answer);
  ASSERT_TRUE(answer->is_array());
  ASSERT_EQ(answer->size(), 1u);  // the batch's notification gets no answer
  EXPECT_EQ((*answer)[0]["error"]["code"], rpc_code::unavailable);
  EXPECT_EQ((*answer)[0]["id"], 7);
  ASSERT_TRUE(rest_result);
  ASSERT_TRUE(std::holds_alternative<RpcError>(*rest_result));
  EXPECT_EQ(std::get<RpcError>(*rest_result).code, rpc_code::unavailable);
}

TEST_F(Endpoint, DestroyingTheEndpointUnwindsItsCallsAndRefusesLaterPosts) {
  test::SimLoop sim;
  std::vector<std::optional<Json>> answers;
  {
    LoopEndpoint endpoint{sim.loop(), dispatcher};
    endpoint.submit(test::make_session(), Json::parse(R"({"jsonrpc":"2.0","method":"hang","id":1})"),
                    [&](std::optional<Json> a) { answers.push_back(std::move(a)); });
    sim.run([&]() -> aiopi::Task<> { co_await started.wait(); }());
    endpoint.submit(test::make_session(),
                    Json::parse(R"({"jsonrpc":"2.0","method":"sum","params":[1,2],"id":2})"),
                    [&](std::optional<Json> a) { answers.push_back(std::move(a)); });
    EXPECT_TRUE(answers.empty());
  }  // the hanging call is unwound now, while the loop (and what the handler waits on) still exist
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ((*answers[0])["error"]["code"], rpc_code::unavailable);
  EXPECT_EQ((*answers[0])["id"], 1);
  sim.loop()
      .drain_inbox();  // the second post arrives after the endpoint is gone: refused, the handler never runs
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ((*answers[1])["error"]["code"], rpc_code::unavailable);
  EXPECT_EQ((*answers[1])["id"], 2);
  started.clear();
  sim.run([]() -> aiopi::Task<> { co_return; }());  // the loop goes on
}

TEST_F(Endpoint, ACallWhoseTaskNeverStartedStillCompletes) {
  auto sim = std::make_unique<test::SimLoop>();
  LoopEndpoint endpoint{sim->loop(), dispatcher};
  std::optional<Json> answer;
  endpoint.submit(test::make_session(),
                  Json::parse(R"({"jsonrpc":"2.0","method":"sum","params":[1,2],"id":3})"),
                  [&](std::optional<Json> a) { answer = std::move(a); });
  sim->loop().drain_inbox();  // the post ran: the task is created and queued, not started
  EXPECT_FALSE(answer);
  sim.reset();  // the loop goes first and destroys the unstarted task
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["error"]["code"], rpc_code::unavailable);
  EXPECT_EQ((*answer)["id"], 3);
}

TEST_F(Endpoint, CallsPostedToAClosingLoopCompleteAsUnavailable) {
  std::optional<Json> answer;
  std::optional<MethodResult> rest_result;
  {
    test::SimLoop sim;
    LoopEndpoint endpoint{sim.loop(), dispatcher};
    endpoint.submit(test::make_session(),
                    Json::parse(R"({"jsonrpc":"2.0","method":"sum","params":[1,2],"id":"x"})"),
                    [&](std::optional<Json> a) { answer = std::move(a); });
    endpoint.call(test::make_session(), *registry.find("sum"), Json{{"a", 1}, {"b", 2}},
                  [&](MethodResult r) { rest_result = std::move(r); });
  }  // never run: the loop's destructor runs the posts while closing
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["error"]["code"], rpc_code::unavailable);
  EXPECT_EQ((*answer)["id"], "x");
  ASSERT_TRUE(rest_result);
  EXPECT_EQ(std::get<RpcError>(*rest_result).code, rpc_code::unavailable);
}

}  // namespace
}  // namespace aiopid::api
