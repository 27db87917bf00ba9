// Broker: the seed's primitives/tests/broker_test.py (§8.5) as intended (the script itself stops at a
// NameError), on virtual time, plus the rules one by one.
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/queue.hpp"
#include "aiopi/ringbuf_queue.hpp"
#include "b_support.hpp"

namespace aiopi::testing {
namespace {

template <class B, class S>
concept CanSubscribe = requires(B& b, S&& s) {
  b.subscribe("t", std::forward<S>(s));
};

// A queue item that carries extra arguments, as the seed's subscribe(topic, queue, *args) 3-tuples.
struct Tagged {
  Tagged(std::string_view t, const std::string& m) : topic(t), message(m) {}
  std::string topic;
  std::string message;
  std::vector<std::string> args{"args", "added"};
};

template <class Q>
Task<typename Q::value_type> get_from(Q& q) {
  co_return co_await q.get();
}

// §8.5. Publications at 1, 2, ..., 20 s on foo_topic ("dogs k") and bar_topic ("rats k"); the subscriptions
// change at 5.5, 10.5, 15.5 and 20.5 s.
TEST_F(BSimTest, BrokerSeedScenario) {
  Broker<std::string> broker;
  std::vector<std::string> log;
  auto note = [&](const std::string& s) { log.push_back(std::to_string(t_ms()) + " " + s); };

  // "bound coroutine with args 1, 42" on foo: prints ~100 ms after each publication.
  struct BoundCoro {
    std::vector<std::string>* log;
    Loop* loop;
    int a, b;
    Task<> operator()(std::string_view, const std::string& message) {
      std::string m(message);  // a copy (not needed: the broker's task owns the message)
      co_await sleep(100ms);
      log->push_back(std::to_string(loop->now().time_since_epoch().count() / 1000) + " coro " +
                     std::to_string(a) + " " + std::to_string(b) + " " + m);
    }
  } bound_coro{&log, &loop, 1, 42};
  // A plain coroutine on bar (no suspension: prints at once).
  auto plain_coro = [&](std::string_view topic, const std::string& message) -> Task<> {
    note("plain " + std::string(topic) + " " + message);
    co_return;
  };
  // A function on bar.
  auto function = [&](std::string_view topic, const std::string& message) {
    note("func " + std::string(topic) + " " + message);
  };
  // A bound method on foo.
  struct Agent {
    std::vector<std::string> seen;
    void operator()(std::string_view topic, const std::string& message) {
      seen.push_back(std::string(topic) + ":" + message);
    }
  } method;
  Event bar_event;
  Queue<Publication<std::string>> foo_queue(10);
  RingbufQueue<Tagged, 9> bar_ring;  // the seed's 10-slot buffer holds 9

  auto publisher = [&](int count, std::vector<std::string> topics) -> Task<> {
    for (int k = 1; k <= count; ++k) {
      co_await sleep(1s);
      for (const auto& t : topics) {
        broker.publish(t, (t == "foo_topic"   ? "dogs "
                           : t == "bar_topic" ? "rats "
                                              : "fail ") +
                              std::to_string(k));
      }
    }
  };
  auto event_watcher = [&]() -> Task<> {
    for (;;) {
      co_await bar_event.wait();
      bar_event.clear();
      note("event");
    }
  };

  auto main_task = [&]() -> Task<> {
    EXPECT_TRUE(broker.subscribe("foo_topic", bound_coro));
    EXPECT_TRUE(broker.subscribe("bar_topic", plain_coro));
    EXPECT_TRUE(broker.subscribe("bar_topic", bar_event));
    EXPECT_TRUE(broker.subscribe("foo_topic", foo_queue));
    EXPECT_TRUE(broker.subscribe("bar_topic", bar_ring));
    EXPECT_FALSE(broker.subscribe("bar_topic", bar_event)) << "a duplicate is stored once";
    auto watcher = create_task(event_watcher());
    std::vector<std::string> topics{"foo_topic", "bar_topic"};
    auto pub = create_task(publisher(20, topics));

    co_await sleep(5500ms);
    EXPECT_TRUE(broker.unsubscribe("bar_topic", plain_coro));
    co_await sleep(5s);  // 10.5 s
    EXPECT_TRUE(broker.unsubscribe("bar_topic", bar_event));
    EXPECT_TRUE(broker.subscribe("bar_topic", function));
    co_await sleep(5s);  // 15.5 s
    EXPECT_TRUE(broker.unsubscribe("bar_topic", function));
    EXPECT_TRUE(broker.unsubscribe("foo_topic", bound_coro));
    EXPECT_TRUE(broker.subscribe("foo_topic", method));
    co_await sleep(5s);  // 20.5 s
    EXPECT_TRUE(broker.unsubscribe("foo_topic", method));
    co_await pub;
    watcher.cancel();

    // Drain the queues until 2 s of silence.
    for (;;) {
      auto r = co_await wait_for(get_from(foo_queue), 2s);
      if (r.timed_out()) break;
      note("foo_queue " + r->topic + " " + r->message);
    }
    for (;;) {
      auto r = co_await wait_for(get_from(bar_ring), 2s);
      if (r.timed_out()) break;
      note("bar_ring " + r->topic + " " + r->message + " " + r->args[0] + " " + r->args[1]);
    }

    // Unknown topic / unknown agent: false (the seed's verbose warnings).
    EXPECT_FALSE(broker.unsubscribe("no_such_topic", function));
    EXPECT_FALSE(broker.unsubscribe("foo_topic", function));
    // A non-callable (the seed's ValueError) does not compile.
    static_assert(!CanSubscribe<Broker<std::string>, std::string&>);

    // Wildcard: "*_topic" receives both topics for 5 s; "FAIL" is ignored.
    EXPECT_TRUE(broker.subscribe(Pattern("*_topic"), function));
    log.clear();
    std::vector<std::string> wild_topics{"foo_topic", "bar_topic", "FAIL"};  // (GCC 12: no braced list here)
    co_await publisher(5, std::move(wild_topics));
    EXPECT_TRUE(broker.unsubscribe(Pattern("*_topic"), function));
  };
  run(main_task());

  // The publisher ended at 20 s; each queue's drain ended after 2 s of silence: the wildcard phase starts at
  // 24.5 s and publishes at 25.5 ... 29.5 s.
  std::vector<std::string> expected;
  for (int k = 1; k <= 5; ++k) {
    const std::string at = std::to_string(24500 + k * 1000);
    expected.push_back(at + " func foo_topic dogs " + std::to_string(k));
    expected.push_back(at + " func bar_topic rats " + std::to_string(k));
  }
  EXPECT_EQ(log, expected);
  EXPECT_EQ(method.seen.size(), 5u);
  EXPECT_EQ(method.seen.front(), "foo_topic:dogs 16");
  EXPECT_EQ(broker.overflows(), 10u + 11u) << "Queue lost 11..20, RingbufQueue overwrote 1..11";
  EXPECT_EQ(broker.size(), 2u) << "the two queues are still subscribed";
}

// The first twenty-five seconds of the scenario above, checked line by line.
TEST_F(BSimTest, BrokerSeedScenarioLog) {
  Broker<std::string> broker;
  std::vector<std::string> log;
  auto note = [&](const std::string& s) { log.push_back(std::to_string(t_ms()) + " " + s); };
  auto delayed = [&](std::string_view, const std::string& message) -> Task<> {
    std::string m(message);
    co_await sleep(100ms);
    note("coro 1 42 " + m);
  };
  auto plain = [&](std::string_view, const std::string& message) -> Task<> {
    note("plain " + message);
    co_return;
  };
  auto function = [&](std::string_view, const std::string& message) { note("func " + message); };
  Event ev;
  Queue<Publication<std::string>> q(10);
  RingbufQueue<Tagged, 9> ring;
  auto main_task = [&]() -> Task<> {
    broker.subscribe("foo_topic", delayed);
    broker.subscribe("bar_topic", plain);
    broker.subscribe("bar_topic", ev);
    broker.subscribe("foo_topic", q);
    broker.subscribe("bar_topic", ring);
    auto watcher = [&]() -> Task<> {
      for (;;) {
        co_await ev.wait();
        ev.clear();
        note("event");
      }
    };
    auto w = create_task(watcher());
    auto pub = [&]() -> Task<> {
      for (int k = 1; k <= 20; ++k) {
        co_await sleep(1s);
        broker.publish("foo_topic", "dogs " + std::to_string(k));
        broker.publish("bar_topic", "rats " + std::to_string(k));
      }
    };
    auto p = create_task(pub());
    co_await sleep(5500ms);
    broker.unsubscribe("bar_topic", plain);
    co_await sleep(5s);
    broker.unsubscribe("bar_topic", ev);
    broker.subscribe("bar_topic", function);
    co_await sleep(5s);
    broker.unsubscribe("bar_topic", function);
    broker.unsubscribe("foo_topic", delayed);
    co_await p;
    w.cancel();
    std::vector<std::string> from_q, from_ring;
    while (auto v = q.get_nowait())
      from_q.push_back(v->message);
    while (auto v = ring.get_nowait())
      from_ring.push_back(v->message + "/" + v->args[0] + "/" + v->args[1]);
    std::vector<std::string> want_q, want_ring;
    for (int k = 1; k <= 10; ++k)
      want_q.push_back("dogs " + std::to_string(k));
    for (int k = 12; k <= 20; ++k)
      want_ring.push_back("rats " + std::to_string(k) + "/args/added");
    EXPECT_EQ(from_q, want_q) << "Queue(10): the oldest 10 are kept, newer ones lost while full";
    EXPECT_EQ(from_ring, want_ring) << "RingbufQueue: the most recent 9 are kept";
  };
  run(main_task());

  std::vector<std::string> expected;
  for (int k = 1; k <= 15; ++k) {
    const std::string s = std::to_string(k);
    const std::string at = std::to_string(k * 1000);
    // Synchronous subscribers log during publish(); started tasks and the event's watcher run after, in the
    // order they became ready; the delayed coroutine logs 100 ms later.
    if (k <= 5) expected.push_back(at + " plain rats " + s);
    if (k >= 11) expected.push_back(at + " func rats " + s);
    if (k <= 10) expected.push_back(at + " event");
    expected.push_back(std::to_string(k * 1000 + 100) + " coro 1 42 dogs " + s);
  }
  EXPECT_EQ(log, expected);
}

TEST(BrokerPattern, GlobRules) {
  struct Case {
    const char* pattern;
    const char* topic;
    bool match;
  } cases[] = {
      {"foo", "foo", true},
      {"foo", "foobar", false},
      {"foo#", "foobar", true},
      {"*_topic", "foo_topic", true},
      {"*_topic", "FAIL", false},
      {"*_topic", "a/foo_topic", false},
      {"sensor/*", "sensor/t", true},
      {"sensor/*", "sensor/", true},
      {"sensor/*", "sensor/a/b", false},
      {"sensor/#", "sensor", true},
      {"sensor/#", "sensor/a/b", true},
      {"sensor/#", "sensors", false},
      {"s?n", "sun", true},
      {"s?n", "s/n", false},
      {"#", "", true},
      {"#", "any/thing", true},
      {"a*b*c", "axxbyyc", true},
      {"a*b*c", "axxbyy", false},
      {"*", "", true},
      {"*", "a/b", false},
      {"a#b", "a#b", true},
      {"", "", true},
      {"", "x", false},
      {"*/*", "a/b", true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Pattern(c.pattern).matches(c.topic), c.match) << c.pattern << " vs " << c.topic;
  }
}

TEST_F(BSimTest, BrokerDeliversToEveryKindOfSubscriber) {
  Broker<int> broker;
  Event ev;
  ThreadSafeEvent tse;
  Message<int> msg;
  Queue<int> q;                            // items built from the message alone
  RingbufQueue<Publication<int>, 4> ring;  // items with the topic
  ThreadSafeQueue<std::pair<std::string, int>, 4> tsq;
  std::vector<int> by_pointer;
  static std::vector<int>* sink;
  sink = &by_pointer;
  broker.subscribe("t", ev);
  broker.subscribe("t", tse);
  broker.subscribe("t", msg);
  broker.subscribe("t", q);
  broker.subscribe("t", ring);
  broker.subscribe("t", tsq);
  broker.subscribe("t", [](std::string_view, const int& m) { sink->push_back(m); });
  EXPECT_EQ(broker.size(), 7u);
  broker.publish("t", 5);
  EXPECT_TRUE(ev.is_set());
  EXPECT_TRUE(tse.is_set());
  EXPECT_EQ(msg.value(), 5);
  EXPECT_EQ(q.get_nowait(), 5);
  auto p = ring.get_nowait();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->topic, "t");
  EXPECT_EQ(p->message, 5);
  auto r = tsq.get_sync();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, (std::pair<std::string, int>("t", 5)));
  EXPECT_EQ(by_pointer, std::vector<int>{5});
  EXPECT_EQ(broker.overflows(), 0u);
}

TEST_F(BSimTest, BrokerDuplicatesUnsubscribeAndNoSubscribers) {
  Broker<int> broker;
  int calls = 0;
  auto cb = [&](std::string_view, const int&) { ++calls; };
  EXPECT_TRUE(broker.subscribe("a", cb));
  EXPECT_FALSE(broker.subscribe("a", cb));
  EXPECT_TRUE(broker.subscribe("b", cb));  // another topic: another subscription
  EXPECT_TRUE(broker.subscribe(Pattern("a"), cb));
  EXPECT_FALSE(broker.subscribe(Pattern("a"), cb));
  broker.publish("a", 1);
  EXPECT_EQ(calls, 1) << "reached through the topic and a pattern: delivered once";
  broker.publish("nobody", 1);  // silently dropped
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(broker.unsubscribe("a", cb));
  EXPECT_FALSE(broker.unsubscribe("a", cb));
  EXPECT_FALSE(broker.has_subscribers("a")) << "an empty topic entry is deleted";
  broker.publish("a", 1);
  EXPECT_EQ(calls, 2) << "still reached through the pattern";
  EXPECT_TRUE(broker.unsubscribe(Pattern("a"), cb));
  EXPECT_FALSE(broker.unsubscribe(Pattern("a"), cb));
  broker.publish("a", 1);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(broker.size(), 1u);
}

TEST_F(BSimTest, BrokerOverflowOfAQueueIsCountedNotThrown) {
  Broker<int> broker;
  Queue<int> q(1);
  RingbufQueue<int, 1> ring;
  broker.subscribe("t", q);
  broker.subscribe("t", ring);
  broker.publish("t", 1);
  broker.publish("t", 2);
  broker.publish("t", 3);
  EXPECT_EQ(broker.overflows(), 4u);
  EXPECT_EQ(q.get_nowait(), 1) << "Queue keeps the old item";
  EXPECT_EQ(ring.get_nowait(), 3) << "RingbufQueue keeps the newest";
}

TEST_F(BSimTest, BrokerSubscribersMayChangeSubscriptionsWhilePublishing) {
  Broker<int> broker;
  std::vector<std::string> order;
  struct SelfRemoving {
    Broker<int>* b;
    std::vector<std::string>* order;
    void operator()(std::string_view topic, const int&) {
      order->push_back("self");
      b->unsubscribe(topic, *this);
    }
  } self{&broker, &order};
  auto second = [&](std::string_view, const int&) { order.push_back("second"); };
  auto late = [&](std::string_view, const int&) { order.push_back("late"); };
  auto adder = [&](std::string_view, const int& m) {
    order.push_back("adder");
    broker.subscribe("t", late);         // joins after this publication
    if (m == 1) broker.publish("u", 0);  // nested publication
  };
  auto on_u = [&](std::string_view, const int&) { order.push_back("u"); };
  broker.subscribe("t", self);
  broker.subscribe("t", adder);
  broker.subscribe("t", second);
  broker.subscribe("u", on_u);
  broker.publish("t", 1);
  EXPECT_EQ(order, (std::vector<std::string>{"self", "adder", "u", "second"}));
  order.clear();
  broker.publish("t", 2);
  EXPECT_EQ(order, (std::vector<std::string>{"adder", "second", "late"}));
  EXPECT_EQ(broker.size(), 4u);
}

TEST_F(BSimTest, BrokerCallableReturningATaskStartsIt) {
  Broker<int> broker;
  int got = 0;
  auto coro = [&](std::string_view, const int& m) -> Task<> {
    const int v = m;
    co_await sleep(10ms);
    got = v;
  };
  broker.subscribe("t", coro);
  auto main_task = [&]() -> Task<> {
    broker.publish("t", 9);
    EXPECT_EQ(got, 0);
    co_await sleep(20ms);
    EXPECT_EQ(got, 9);
  };
  run(main_task());
}

#if AIOPI_HAS_EXCEPTIONS
TEST_F(BSimTest, BrokerCallableExceptionReachesThePublisherAndLeavesTheBrokerUsable) {
  Broker<int> broker;
  int after = 0;
  struct Thrower {
    Broker<int>* b;
    void operator()(std::string_view topic, const int&) {
      b->unsubscribe(topic, *this);  // deferred while publishing, applied when the publication unwinds
      throw std::runtime_error("subscriber failed");
    }
  } thrower{&broker};
  auto counter = [&](std::string_view, const int&) { ++after; };
  broker.subscribe("t", thrower);
  broker.subscribe("t", counter);
  EXPECT_THROW(broker.publish("t", 1), std::runtime_error);
  EXPECT_EQ(after, 0);
  broker.publish("t", 2);
  EXPECT_EQ(after, 1);
  EXPECT_EQ(broker.size(), 1u);
}
#endif

TEST(BrokerStatic, TemporaryCallablesAreRejectedAtCompileTime) {
  int n = 0;
  auto capturing = [&n](std::string_view, const int&) { ++n; };
  static_assert(CanSubscribe<Broker<int>, decltype(capturing)&>);
  static_assert(!CanSubscribe<Broker<int>, decltype(capturing)>, "a temporary capturing lambda would dangle");
  static_assert(CanSubscribe<Broker<int>, void (*)(std::string_view, const int&)>);
  static_assert(!CanSubscribe<Broker<int>, int&>);
  (void)capturing;
  default_broker().publish("nobody");  // the per-thread default broker exists and drops unheard messages
  SUCCEED();
}

}  // namespace
}  // namespace aiopi::testing
