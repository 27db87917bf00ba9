// InplaceFunction, launch() / CallResult, and awaiting a type-erased TaskRef (which launched tasks are).
#include <memory>
#include <stdexcept>
#include <string>

#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/launch.hpp"
#include "sync_primitives_support.hpp"

namespace aiopi::testing {
namespace {

int twice(int x) {
  return 2 * x;
}

TEST(InplaceFunction, CallsStoresMovesAndDestroys) {
  InplaceFunction<int(int)> empty;
  EXPECT_FALSE(empty);
  InplaceFunction<int(int)> from_null = nullptr;
  EXPECT_FALSE(from_null);
  int (*null_fn)(int) = nullptr;
  InplaceFunction<int(int)> from_null_pointer = null_fn;
  EXPECT_FALSE(from_null_pointer);

  InplaceFunction<int(int)> f = twice;
  ASSERT_TRUE(f);
  EXPECT_EQ(f(21), 42);

  int destroyed = 0;
  {
    auto probe = std::make_shared<DtorProbe>(destroyed);
    int offset = 1;
    InplaceFunction<int(int)> g = [probe, &offset](int x) { return x + offset; };
    probe.reset();
    EXPECT_EQ(g(1), 2);
    InplaceFunction<int(int)> h = std::move(g);
    EXPECT_FALSE(g);  // NOLINT: moved-from is empty
    offset = 10;
    EXPECT_EQ(h(1), 11);
    EXPECT_EQ(destroyed, 0);
    h = nullptr;
    EXPECT_EQ(destroyed, 1) << "resetting destroys the callable";
  }
  EXPECT_EQ(destroyed, 1) << "and only once";

  InplaceFunction<void(std::string&)> append = [](std::string& s) { s += "!"; };
  std::string text = "hi";
  append(text);
  EXPECT_EQ(text, "hi!");
}

enum class Colour { red = 3 };

TEST_F(SimTest, LaunchRecordsValuesAndStartsCoroutinesAsTasks) {
  auto main_task = [&]() -> Task<> {
    CallResult none = launch([] {});
    EXPECT_FALSE(none);
    EXPECT_EQ(launch([] { return 42; }).value, 42);
    EXPECT_EQ(launch([] { return true; }).value, 1);
    EXPECT_EQ(launch([] { return Colour::red; }).value, 3);
    EXPECT_EQ(launch(twice, 4).value, 8);

    int ran = 0;
    auto coro = [&](int n) -> Task<int> {
      ran += n;
      co_return n;
    };
    CallResult started = launch(coro, 5);
    EXPECT_TRUE(started.task);
    EXPECT_FALSE(started.value.has_value());
    EXPECT_EQ(ran, 0) << "started as a task: it runs when the caller yields";
    co_await started.task;
    EXPECT_EQ(ran, 5);

    auto handle = create_task(coro(1));
    CallResult from_handle = launch([&] { return handle; });
    EXPECT_TRUE(from_handle.task == TaskRef(handle));
    co_await handle;

    started.reset();
    EXPECT_FALSE(started);
  };
  run(main_task());
}

TEST_F(SimTest, AwaitingATaskRefWaitsForTheTask) {
  // TaskRef::operator co_await used to return an awaiter without await_resume (a compile error at every use).
  auto slow = []() -> Task<int> {
    co_await sleep(5ms);
    co_return 1;
  };
  auto main_task = [&]() -> Task<> {
    TaskRef ref(create_task(slow()));
    co_await ref;
    EXPECT_TRUE(ref.done());
    EXPECT_EQ(t_ms(), 5);
  };
  run(main_task());
}

TEST_F(SimTest, AwaitingACancelledTaskRefCancelsTheAwaiter) {
  bool continued = false;
  auto sleeper = []() -> Task<> { co_await sleep(1h); };
  auto main_task = [&]() -> Task<> {
    TaskRef target(create_task(sleeper()));
    auto body = [&]() -> Task<> {
      co_await target;
      continued = true;
    };
    auto awaiting = create_task(body());
    co_await sleep(1ms);
    target.cancel();
    auto out = co_await awaiting.wait_outcome();
    EXPECT_TRUE(out.cancelled());
  };
  run(main_task());
  EXPECT_FALSE(continued);
}

#if AIOPI_HAS_EXCEPTIONS
TEST_F(SimTest, AwaitingAFailedTaskRefRethrows) {
  auto failing = []() -> Task<int> {
    co_await sleep(1ms);
    throw std::runtime_error("broken");
    co_return 0;
  };
  auto main_task = [&]() -> Task<> {
    TaskRef ref(create_task(failing()));
    EXPECT_THROW(co_await ref, std::runtime_error);
  };
  run(main_task());
}
#endif

}  // namespace
}  // namespace aiopi::testing
