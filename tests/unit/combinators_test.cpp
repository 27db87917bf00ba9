// The combinators over any awaitable (wait_for, Timeout::run, gather), gather over handles, shield,
// as_completed, add_done_callback, and binding to the wrong loop.
#include <memory>
#include <string>

#include "sim_fixture.hpp"

namespace aiopi::testing {
namespace {

Task<int> after(Duration d, int v) {
  co_await sleep(d);
  co_return v;
}

Task<std::string> text_after(Duration d, std::string s) {
  co_await sleep(d);
  co_return s;
}

/// Set false when destroyed: a child that touches a dead parent local sees it.
struct Canary {
  bool alive = true;
  ~Canary() { alive = false; }
};

TEST_F(SimTest, WaitForAcceptsAQueueGetAndAnEventWait) {
  Queue<int> q;
  Event e;
  auto main_task = [&]() -> Task<> {
    auto none = co_await wait_for(q.get(), 10ms);
    EXPECT_TRUE(none.timed_out());
    EXPECT_EQ(t_ms(), 10);
    auto producer = [&]() -> Task<> {
      co_await sleep(5ms);
      co_await q.put(7);
      co_await sleep(5ms);
      e.set();
    };
    auto p = create_task(producer());
    auto item = co_await wait_for(q.get(), 1s);
    EXPECT_FALSE(item.timed_out());
    if (item) {
      EXPECT_EQ(*item, 7);
    }
    EXPECT_EQ(t_ms(), 15);
    auto set = co_await wait_for(e.wait(), 1s);
    EXPECT_FALSE(set.timed_out());
    EXPECT_EQ(t_ms(), 20);
    co_await p;
  };
  run(main_task());
}

TEST_F(SimTest, AQueueGetThatTimedOutLosesNoItem) {
  Queue<int> q;
  auto main_task = [&]() -> Task<> {
    for (int i = 0; i < 3; ++i) {
      auto r = co_await wait_for(q.get(), 1ms);
      EXPECT_TRUE(r.timed_out());
    }
    EXPECT_TRUE(q.put_nowait(42));
    auto r = co_await wait_for_ms(q.get(), 1);
    EXPECT_FALSE(r.timed_out());
    if (r) {
      EXPECT_EQ(*r, 42);
    }
    EXPECT_TRUE(q.empty());
  };
  run(main_task());
}

TEST_F(SimTest, TimeoutRunAcceptsAnyAwaitable) {
  Event e;
  auto main_task = [&]() -> Task<> {
    Timeout t = timeout_at(loop.now() + 30ms);
    auto r = co_await t.run(e.wait());
    EXPECT_TRUE(r.timed_out());
    EXPECT_TRUE(t.expired());
    EXPECT_EQ(t_ms(), 30);
  };
  run(main_task());
}

TEST_F(SimTest, GatherAcceptsAwaitablesBesideTasks) {
  Queue<int> q;
  Event e;
  auto main_task = [&]() -> Task<> {
    auto feeder = [&]() -> Task<> {
      co_await sleep(3ms);
      q.put_nowait(5);
      co_await sleep(3ms);
      e.set();
    };
    auto f = create_task(feeder());
    auto [item, set, v] = co_await gather(q.get(), e.wait(), after(1ms, 9));
    EXPECT_EQ(item, 5);
    (void)set;
    EXPECT_EQ(v, 9);
    EXPECT_EQ(t_ms(), 6);
    co_await f;
  };
  run(main_task());
}

TEST_F(SimTest, GatherOverARangeOfHandlesKeepsTheirResults) {
  auto main_task = [&]() -> Task<> {
    std::vector<TaskHandle<std::string>> hs;
    for (int i = 0; i < 3; ++i)
      hs.push_back(
          create_task(text_after(Duration(1000 * (3 - i)), std::string(40, static_cast<char>('a' + i)))));
    auto values = co_await gather(hs);
    EXPECT_EQ(values,
              (std::vector<std::string>{std::string(40, 'a'), std::string(40, 'b'), std::string(40, 'c')}));
    EXPECT_EQ(hs[1].result(), std::string(40, 'b')) << "an lvalue range of handles keeps its results";
    auto moved = co_await gather(std::move(hs));
    EXPECT_EQ(moved[2], std::string(40, 'c'));
  };
  run(main_task());
}

/// Counts its destruction and checks that the parent's local it watches is still alive then.
struct ParentCheck {
  Canary* canary;
  int* unwound;
  ~ParentCheck() {
    EXPECT_TRUE(canary->alive) << "a child unwound after its parent's frame";
    ++*unwound;
  }
};

TEST_F(SimTest, GatherOnFailureCancelsTheChildrenItStartedAndWaitsForThem) {
  int unwound = 0;
  TaskHandle<int> doomed;
  TaskHandle<int> bystander;
  auto caller = [&]() -> Task<> {
    Canary canary;
    auto sleeper = [&]() -> Task<int> {
      ParentCheck check{&canary, &unwound};
      co_await sleep(1h);
      co_return 1;
    };
    auto follower = [&]() -> Task<int> { co_return co_await doomed; };
    co_await gather(sleeper(), bystander, sleeper(), follower());
    ADD_FAILURE() << "a cancelled child cancels the gather's caller";
  };
  auto main_task = [&]() -> Task<> {
    doomed = create_task(after(1h, 0));
    bystander = create_task(after(20ms, 7));
    auto c = create_task(caller());
    co_await sleep(5ms);
    doomed.cancel();
    co_await c.wait_outcome();
    EXPECT_TRUE(c.cancelled());
    EXPECT_EQ(unwound, 2) << "both children gather started were unwound before the caller";
    EXPECT_EQ(t_ms(), 5);
    EXPECT_FALSE(bystander.done()) << "a handle passed in was started elsewhere: it goes on";
    EXPECT_EQ(co_await bystander, 7);
  };
  run(main_task());
}

TEST_F(SimTest, ShieldHoldsTheCallersCancellationUntilTheWorkIsDone) {
  bool finished_work = false;
  bool after_shield = false;
  auto work = [&]() -> Task<int> {
    co_await sleep(50ms);
    finished_work = true;
    co_return 5;
  };
  auto caller = [&]() -> Task<int> {
    int v = co_await shield(work());
    after_shield = true;
    co_return v;
  };
  auto main_task = [&]() -> Task<> {
    auto c = create_task(caller());
    co_await sleep(10ms);
    EXPECT_TRUE(c.cancel()) << "the cancel is accepted";
    co_await c.wait_outcome();
    EXPECT_TRUE(c.cancelled());
    EXPECT_TRUE(finished_work) << "the shielded work ran to its end";
    EXPECT_FALSE(after_shield);
    EXPECT_EQ(t_ms(), 50) << "the caller unwound once the shielded work had finished";
    // Without a cancel, shield gives the value.
    EXPECT_EQ(co_await shield(after(1ms, 8)), 8);
  };
  run(main_task());
}

TEST_F(SimTest, ShieldOfAHandleLetsTheCallerGoAndTheTaskRunOn) {
  auto main_task = [&]() -> Task<> {
    auto work = create_task(after(50ms, 5));
    auto caller = [&]() -> Task<int> { co_return co_await shield(work); };
    auto c = create_task(caller());
    co_await sleep(10ms);
    EXPECT_TRUE(c.cancel());
    co_await c.wait_outcome();
    EXPECT_TRUE(c.cancelled());
    EXPECT_EQ(t_ms(), 10) << "asyncio: the awaiter is cancelled at once";
    EXPECT_FALSE(work.done());
    EXPECT_EQ(co_await work, 5);
  };
  run(main_task());
}

TEST_F(SimTest, AsCompletedGivesTasksInFinishingOrder) {
  auto main_task = [&]() -> Task<> {
    auto done = as_completed(after(30ms, 3), after(10ms, 1), after(20ms, 2));
    EXPECT_EQ(done.size(), 3u);
    std::vector<int> order;
    while (auto h = co_await done.next()) {
      order.push_back(h->result());
      EXPECT_EQ(t_ms(), 10 * order.back());
    }
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(done.remaining(), 0u);
  };
  run(main_task());
}

TEST_F(SimTest, AsCompletedNextLosesNoCompletionWhenItTimesOut) {
  auto main_task = [&]() -> Task<> {
    std::vector<Task<int>> tasks;
    tasks.push_back(after(10ms, 1));
    tasks.push_back(after(12ms, 2));
    AsCompleted<int> done = as_completed(std::move(tasks));
    auto r = co_await wait_for(done.next(), 5ms);
    EXPECT_TRUE(r.timed_out());
    co_await sleep(20ms);  // both finish while nobody waits
    auto a = co_await done.next();
    auto b = co_await done.next();
    auto c = co_await done.next();
    EXPECT_TRUE(a && b);
    if (a) {
      EXPECT_EQ(a->result(), 1);
    }
    if (b) {
      EXPECT_EQ(b->result(), 2);
    }
    EXPECT_FALSE(c.has_value());
  };
  run(main_task());
}

TEST_F(SimTest, AsCompletedUnwindsItsChildrenWhenDestroyed) {
  int unwound = 0;
  auto main_task = [&]() -> Task<> {
    {
      Canary canary;
      auto sleeper = [&]() -> Task<int> {
        ParentCheck check{&canary, &unwound};
        co_await sleep(1h);
        co_return 1;
      };
      auto done = as_completed(sleeper(), after(1ms, 2));
      auto first = co_await done.next();
      EXPECT_EQ(first->result(), 2);
    }
    EXPECT_EQ(unwound, 1);
    EXPECT_EQ(t_ms(), 1);
  };
  run(main_task());
}

TEST_F(SimTest, AddDoneCallbackRunsOnTheLoopAfterTheTaskEnds) {
  std::vector<std::string> log;
  auto main_task = [&]() -> Task<> {
    auto h = create_task(after(5ms, 4));
    h.add_done_callback([&](const TaskHandle<int>& t) {
      log.push_back("done " + std::to_string(t.result()) + " at " + std::to_string(t_ms()));
    });
    TaskRef(h).add_done_callback(
        [&](const TaskRef& t) { log.push_back(t.done() ? "ref done" : "ref pending"); });
    co_await h;
    co_await sleep(0ms);  // the callbacks are call_soon callbacks: they run on the next pass
    EXPECT_EQ(log, (std::vector<std::string>{"done 4 at 5", "ref done"}));
    h.add_done_callback([&](const TaskHandle<int>&) { log.push_back("late"); });
    EXPECT_EQ(log.size(), 2u) << "never called synchronously";
    co_await sleep(0ms);
    EXPECT_EQ(log.back(), "late") << "a finished task's callback is scheduled at once";
    auto cancelled = create_task(after(1h, 0));
    bool saw_cancel = false;
    cancelled.add_done_callback([&](const TaskHandle<int>& t) { saw_cancel = t.cancelled(); });
    cancelled.cancel();
    co_await cancelled.wait_outcome();
    co_await sleep(0ms);
    EXPECT_TRUE(saw_cancel);
  };
  run(main_task());
}

TEST_F(SimTest, DoneCallbacksPendingAtTeardownAreDroppedNotCalled) {
  int calls = 0;
  {
    sim::SimBackend b;
    Loop own(b);
    auto h = own.create_task(after(1h, 1));
    h.add_done_callback([&](const TaskHandle<int>&) { ++calls; });
    own.run_until_complete(after(1ms, 0));
  }
  EXPECT_EQ(calls, 0);
}

TEST_F(SimTest, FreeFunctionsOutsideARunningLoopRefuseTheHiddenDefaultLoop) {
  // The fixture owns a Loop: create_task outside it would bind to the thread's default loop, where nothing
  // would ever run the task.
  EXPECT_USAGE_ERROR((void)create_task(after(1ms, 1)), "Loop of its own");
  EXPECT_USAGE_ERROR((void)timeout(1s), "Loop of its own");
  // Inside the loop's tasks the same calls bind to it.
  auto main_task = [&]() -> Task<int> { co_return co_await create_task(after(1ms, 6)); };
  EXPECT_EQ(run(main_task()), 6);
}

TEST_F(SimTest, AnEloNeverOutlivesTheTaskItStarted) {
  int unwound = 0;
  auto main_task = [&]() -> Task<> {
    TaskHandle<int> started;
    auto wrapped = create_task(after(10ms, 3));
    {
      Canary canary;
      auto sleeper = [&]() -> Task<int> {
        ParentCheck check{&canary, &unwound};
        co_await sleep(1h);
        co_return 1;
      };
      ELO elo(sleeper());
      ELO of_handle(wrapped);
      started = elo.task();
      co_await sleep(1ms);
    }
    EXPECT_EQ(unwound, 1) << "the ELO's own task unwound with the ELO";
    EXPECT_TRUE(started.cancelled());
    EXPECT_FALSE(wrapped.done()) << "a task the ELO only wrapped goes on";
    EXPECT_EQ(co_await wrapped, 3);
  };
  run(main_task());
}

}  // namespace
}  // namespace aiopi::testing
