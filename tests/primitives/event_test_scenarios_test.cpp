// The seed's primitives/tests/event_test.py, test_wait() (§8.4), on virtual time. Events e0..e3 are set one
// second apart; nested WaitAny / WaitAll report as the seed expects; a task waiting on a group is cancelled;
// a wait_for over a group times out. (test_switches needs ESwitch/EButton hardware and lives with the
// drivers.)
#include <string>
#include <vector>

#include "b_support.hpp"

namespace aiopi::testing {
namespace {

class EventTestScenario : public BSimTest {
 protected:
  Event e0, e1, e2, e3;
  std::vector<std::string> log;

  void note(const std::string& what) { log.push_back(std::to_string(t_ms()) + " " + what); }

  /// Sets the given events one second apart, starting one second from now.
  Task<> set_one_per_second(std::vector<Event*> events) {
    for (Event* e : events) {
      co_await sleep(1s);
      e->set();
    }
  }
  void clear_all() {
    e0.clear();
    e1.clear();
    e2.clear();
    e3.clear();
  }
};

TEST_F(EventTestScenario, WaitAnyOfTwoEventsAndAWaitAll) {
  auto main_task = [&]() -> Task<> {
    WaitAny any{e0, e1, WaitAll{e2, e3}};
    auto s = create_task(set_one_per_second({&e0, &e1, &e2, &e3}));
    note("fired " + std::to_string(co_await any));  // e0 at 1 s
    any.clear();
    note("fired " + std::to_string(co_await any));  // e1 at 2 s
    any.clear();
    note("fired " + std::to_string(co_await any));  // only when both e2 (3 s) and e3 (4 s) are set
    co_await s;
  };
  run(main_task());
  EXPECT_EQ(log, (std::vector<std::string>{"1000 fired 0", "2000 fired 1", "4000 fired 2"}));
}

TEST_F(EventTestScenario, WaitAllOfTwoWaitAnys) {
  auto main_task = [&]() -> Task<> {
    WaitAll all{WaitAny{e0, e1}, WaitAny{e2, e3}};
    auto s = create_task(set_one_per_second({&e0, &e3}));
    co_await all;
    note("all");  // after e0 (1 s) and e3 (2 s)
    co_await s;
  };
  run(main_task());
  EXPECT_EQ(log, std::vector<std::string>{"2000 all"});
}

TEST_F(EventTestScenario, TaskWaitingOnAGroupIsCancelled) {
  int destroyed = 0;
  auto main_task = [&]() -> Task<> {
    WaitAll all{WaitAny{e0, e1}, WaitAny{e2, e3}};
    auto waiter = [&]() -> Task<> {
      BDtorProbe probe(destroyed);
      co_await all;
      note("not reached");
    };
    auto s = create_task(set_one_per_second({&e0, &e1}));
    auto w = create_task(waiter());
    co_await sleep(3s);
    w.cancel();  // only e0 and e1 are set: the waiter is still waiting
    auto out = co_await w.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    note("cancelled");
    co_await s;
    // The group is idle again and reusable: its members' listeners were removed.
    e2.set();
    co_await all;
    note("all after e2");
  };
  run(main_task());
  EXPECT_EQ(destroyed, 1);
  EXPECT_EQ(log, (std::vector<std::string>{"3000 cancelled", "3000 all after e2"}));
}

TEST_F(EventTestScenario, WaitForOverAGroupTimesOut) {
  auto main_task = [&]() -> Task<> {
    WaitAll all{WaitAny{e0, e1}, WaitAny{e2, e3}};
    e0.set();
    e1.set();  // e2/e3 never
    auto body = [&]() -> Task<> { co_await all; };
    auto r = co_await wait_for(body(), 4s);
    note(r.timed_out() ? "timeout" : "completed");
  };
  run(main_task());
  EXPECT_EQ(log, std::vector<std::string>{"4000 timeout"});
}

}  // namespace
}  // namespace aiopi::testing
