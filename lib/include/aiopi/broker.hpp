// Broker (micropython-async `primitives.broker`): publish / subscribe between the tasks of one loop.
//
//   aiopi::Broker<int> broker;                      // the message type; Broker<> carries std::string
//   aiopi::Event alarm;
//   aiopi::Queue<aiopi::Publication<int>> log(10);  // queue items get the topic and the message
//   auto on_temp = [&](std::string_view topic, const int& celsius) { ... };
//   broker.subscribe("sensor/temp", on_temp);       // a named callable (held by reference)
//   broker.subscribe("sensor/alarm", alarm);        // an Event is set (the message is ignored)
//   broker.subscribe(aiopi::Pattern("sensor/*"), log);
//   broker.publish("sensor/temp", 21);
//
// Subscribers (each held by reference / pointer: it must outlive its subscription, or be unsubscribed first):
//  * a function pointer `void(std::string_view topic, const Msg&)` (captureless lambdas convert), or any
//    named callable object invocable with (topic, message). A callable returning a Task<...> has it started
//    as a task (fire and forget), as the seed does for coroutines; that task owns copies of the topic and the
//    message, so the coroutine may take them by reference. Exceptions thrown by a callable reach the
//    publisher.
//  * a queue: anything with `value_type` and `put_nowait(value_type)` or `put_sync(value_type)` returning
//    bool — Queue<E>, RingbufQueue<E, N>, ThreadSafeQueue<E, N>. The item is built as E(topic, message) when
//    E allows it (Publication<Msg>, std::pair<std::string, Msg>), else as E(message). A full queue is not an
//    exception: the publication is counted in overflows() (Queue and ThreadSafeQueue lose the new message,
//    RingbufQueue the oldest item), as the seed swallows it.
//  * an event-like object: `set(message)` if it has one (Message<Msg>), else `set()` (Event,
//    ThreadSafeEvent).
//
// Topics are exact strings; a Pattern subscribes to every topic it matches. Patterns are globs, not the
// seed's regular expressions (std::regex is far too heavy for the MCU), and must match the whole topic:
//   `*` any run of characters except '/',   `?` one character except '/',
//   `#` as the last character: the rest of the topic, including '/' ("sensor/#" matches "sensor" and
//   "sensor/a/b").
// So the seed's RegExp(".*_topic") is Pattern("*_topic"), and its prefix match RegExp("foo") is
// Pattern("foo#"). A pattern is identified by its text (unsubscribe with an equal Pattern, not the same
// object as in the seed).
//
// Rules (as the seed): subscribing the same subscriber to the same topic (or pattern) twice stores it once
// (subscribe returns false); unsubscribing an unknown one returns false (the seed printed a warning); a
// message published to a topic nobody subscribed is silently dropped; a subscriber reached both through its
// exact topic and through patterns receives the message once. Delivery follows the order of subscription,
// exact topics first. A subscriber may subscribe or unsubscribe (itself or others) and publish from inside a
// delivery: subscriptions made during a publication do not receive it.
//
// Allocation: subscribing allocates (the topic string, vector growth); publishing does not — exact topics are
// found without building a string, patterns are matched in place — except what building a queue item needs
// (e.g. Publication's topic std::string beyond the small-string size) and what starting a Task needs (its
// frame, and copies of topic and message). Not thread-safe: publish from the loop's thread (from another
// thread, post through call_soon_threadsafe). The seed's `args` are not stored: a callable captures what it
// needs, a queue's item type carries it.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "aiopi/detail/config.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi {

/// A topic pattern (glob); see the header comment for the syntax.
class Pattern {
 public:
  explicit Pattern(std::string_view text) noexcept : text_(text) {}
  std::string_view text() const noexcept { return text_; }
  /// True when the whole `topic` matches (the seed's RegExp.matching, but anchored at both ends).
  bool matches(std::string_view topic) const noexcept { return match(text_, topic); }

  static bool match(std::string_view p, std::string_view t) noexcept {
    while (!p.empty()) {
      const char c = p.front();
      if (c == '#' && p.size() == 1) return true;                              // the rest
      if (c == '/' && p.size() == 2 && p[1] == '#' && t.empty()) return true;  // "a/#" matches "a"
      if (c == '*') {
        p.remove_prefix(1);
        for (std::size_t i = 0;; ++i) {  // every split of t that keeps '/' out of the star
          if (match(p, t.substr(i))) return true;
          if (i == t.size() || t[i] == '/') return false;
        }
      }
      if (t.empty()) return false;
      if (c == '?' ? t.front() == '/' : c != t.front()) return false;
      p.remove_prefix(1);
      t.remove_prefix(1);
    }
    return t.empty();
  }

 private:
  std::string_view text_;
};

/// A queue item carrying both the topic and the message.
template <class Msg>
struct Publication {
  Publication() = default;
  Publication(std::string_view t, const Msg& m) : topic(t), message(m) {}
  std::string topic;
  Msg message;
  friend bool operator==(const Publication&, const Publication&) = default;
};

namespace detail {

template <class Q>
using queue_value_t = typename Q::value_type;

template <class E, class Msg>
concept BrokerItem =
    std::constructible_from<E, std::string_view, const Msg&> || std::constructible_from<E, const Msg&>;

template <class Q, class Msg>
concept BrokerQueue = requires {
  typename Q::value_type;
}
&&BrokerItem<typename Q::value_type, Msg> && (
                                                 requires(Q & q, typename Q::value_type&& v) {
                                                   {
                                                     q.put_nowait(std::move(v))
                                                     } -> std::convertible_to<bool>;
                                                 } ||
                                                 requires(Q & q, typename Q::value_type&& v) {
                                                   { q.put_sync(std::move(v)) } -> std::convertible_to<bool>;
                                                 });

template <class E, class Msg>
concept BrokerSettable = requires(E& e, const Msg& m) {
  e.set(m);
}
|| requires(E& e) {
  e.set();
};

template <class F, class Msg>
concept BrokerCallable = std::invocable<F&, std::string_view, const Msg&>;

template <class T>
inline constexpr bool broker_is_task = false;
template <class T>
inline constexpr bool broker_is_task<Task<T>> = true;

}  // namespace detail

template <class Msg = std::string>
class Broker {
 public:
  using message_type = Msg;
  using Callback = void (*)(std::string_view topic, const Msg& message);

  Broker() = default;
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // --- subscribe: true if added, false if that subscriber already had that topic / pattern
  // -------------------
  bool subscribe(std::string_view topic, Callback fn) { return add_exact(topic, of_function(fn)); }
  bool subscribe(const Pattern& pattern, Callback fn) { return add_pattern(pattern, of_function(fn)); }
  template <class S>
  requires(!std::is_convertible_v<S&, Callback>) &&
      (detail::BrokerQueue<S, Msg> || detail::BrokerSettable<S, Msg> ||
       detail::BrokerCallable<S, Msg>)bool subscribe(std::string_view topic, S& subscriber) {
    return add_exact(topic, of_object(subscriber));
  }
  template <class S>
  requires(!std::is_convertible_v<S&, Callback>) &&
      (detail::BrokerQueue<S, Msg> || detail::BrokerSettable<S, Msg> ||
       detail::BrokerCallable<S, Msg>)bool subscribe(const Pattern& pattern, S& subscriber) {
    return add_pattern(pattern, of_object(subscriber));
  }
  /// A temporary callable would dangle: name it (keep it in a variable), or use a captureless lambda.
  template <class S>
  requires(!std::is_lvalue_reference_v<S>) &&
      (!std::is_convertible_v<S, Callback>)bool subscribe(std::string_view topic, S&& temporary) = delete;
  template <class S>
  requires(!std::is_lvalue_reference_v<S>) &&
      (!std::is_convertible_v<S, Callback>)bool subscribe(const Pattern& pattern, S&& temporary) = delete;

  // --- unsubscribe: true if it was subscribed
  // ---------------------------------------------------------------
  bool unsubscribe(std::string_view topic, Callback fn) { return remove_exact(topic, of_function(fn)); }
  bool unsubscribe(const Pattern& pattern, Callback fn) { return remove_pattern(pattern, of_function(fn)); }
  template <class S>
  requires(!std::is_convertible_v<S&, Callback>) bool unsubscribe(std::string_view topic, S& subscriber) {
    return remove_exact(topic, of_object(subscriber));
  }
  template <class S>
  requires(!std::is_convertible_v<S&, Callback>) bool unsubscribe(const Pattern& pattern, S& subscriber) {
    return remove_pattern(pattern, of_object(subscriber));
  }

  /// Delivers `message` to every subscriber of `topic` and of every matching pattern, once each.
  void publish(std::string_view topic, const Msg& message) {
    Publishing scope(*this);
    std::vector<Sub>* exact = nullptr;
    std::size_t n_exact = 0;
    if (auto it = exact_.find(topic); it != exact_.end()) {
      exact = &it->second;
      n_exact = exact->size();
      for (std::size_t i = 0; i < n_exact; ++i) {
        const Sub s = (*exact)[i];  // a copy: a delivery may subscribe and grow the vector
        if (!s.dead) deliver(s, topic, message);
      }
    }
    const std::size_t n_patterns = patterns_.size();
    for (std::size_t p = 0; p < n_patterns; ++p) {
      if (!Pattern::match(patterns_[p].pattern, topic)) continue;
      const std::size_t n = patterns_[p].subs.size();
      for (std::size_t i = 0; i < n; ++i) {
        const Sub s = patterns_[p].subs[i];
        if (s.dead || reached_before(s, exact, n_exact, p, topic)) continue;
        deliver(s, topic, message);
      }
    }
  }
  /// publish(topic, Msg{}): the seed's `publish(topic)` with message None.
  void publish(std::string_view topic) requires std::default_initializable<Msg> { publish(topic, Msg{}); }

  /// Publications a queue subscriber could not take because it was full.
  std::uint64_t overflows() const noexcept { return overflows_; }
  /// Subscriptions held (exact and pattern).
  std::size_t size() const noexcept {
    std::size_t n = 0;
    for (const auto& [topic, subs] : exact_)
      n += alive(subs);
    for (const auto& p : patterns_)
      n += alive(p.subs);
    return n;
  }
  /// Whether `topic` has exact subscribers (patterns not considered).
  bool has_subscribers(std::string_view topic) const {
    auto it = exact_.find(topic);
    return it != exact_.end() && alive(it->second) > 0;
  }

 private:
  struct Sub {
    const void* object;  // the subscriber, or null for a function pointer
    Callback fn;         // the function pointer, or null
    bool (*call)(const Sub& self, std::string_view topic, const Msg& message);  // false: a queue was full
    bool dead;
    bool same(const Sub& o) const noexcept { return object == o.object && fn == o.fn && call == o.call; }
  };
  struct PatternSubs {
    std::string pattern;
    std::vector<Sub> subs;
  };

  /// Defers erasing (unsubscribe marks entries dead) while a publication iterates.
  struct Publishing {
    explicit Publishing(Broker& b) noexcept : broker(b) { ++broker.depth_; }
    ~Publishing() {
      if (--broker.depth_ == 0 && broker.dirty_) broker.compact();
    }
    Broker& broker;
  };

  static Sub of_function(Callback fn) noexcept { return Sub{nullptr, fn, &call_function, false}; }
  template <class S>
  static Sub of_object(S& s) noexcept {
    return Sub{static_cast<const void*>(std::addressof(s)), nullptr, &call_object<S>, false};
  }

  static bool call_function(const Sub& self, std::string_view topic, const Msg& message) {
    self.fn(topic, message);
    return true;
  }
  template <class S>
  static bool call_object(const Sub& self, std::string_view topic, const Msg& message) {
    S& s = *const_cast<S*>(static_cast<const S*>(self.object));
    if constexpr (detail::BrokerQueue<S, Msg>) {
      using E = detail::queue_value_t<S>;
      if constexpr (std::constructible_from<E, std::string_view, const Msg&>) {
        return put(s, E(topic, message));
      } else {
        return put(s, E(message));
      }
    } else if constexpr (requires { s.set(message); }) {
      s.set(message);
      return true;
    } else if constexpr (detail::BrokerSettable<S, Msg>) {
      s.set();
      return true;
    } else {
      using R = std::invoke_result_t<S&, std::string_view, const Msg&>;
      if constexpr (detail::broker_is_task<std::remove_cvref_t<R>>) {
        // A Task is lazy: its body runs after publish() returned, when `topic` and `message` are gone. Run it
        // inside a task whose frame owns copies of both, so reference parameters of the coroutine stay valid.
        Loop::get().create_task(run_owned(s, std::string(topic), Msg(message)), "broker");
      } else {
        std::invoke(s, topic, message);
      }
      return true;
    }
  }
  template <class S>
  static Task<> run_owned(S& s, std::string topic, Msg message) {
    co_await std::invoke(s, std::string_view(topic), std::as_const(message));
  }
  template <class Q, class E>
  static bool put(Q& q, E&& item) {
    if constexpr (requires { q.put_nowait(std::move(item)); }) {
      return static_cast<bool>(q.put_nowait(std::move(item)));
    } else {
      return static_cast<bool>(q.put_sync(std::move(item)));
    }
  }

  void deliver(const Sub& s, std::string_view topic, const Msg& message) {
    if (!s.call(s, topic, message)) ++overflows_;
  }

  /// Was `s` already reached by this publication: through the exact topic or an earlier matching pattern?
  bool reached_before(const Sub& s, const std::vector<Sub>* exact, std::size_t n_exact, std::size_t pattern,
                      std::string_view topic) const noexcept {
    for (std::size_t i = 0; i < n_exact; ++i) {
      if ((*exact)[i].same(s)) return true;
    }
    for (std::size_t p = 0; p < pattern; ++p) {
      if (!Pattern::match(patterns_[p].pattern, topic)) continue;
      for (const Sub& o : patterns_[p].subs) {
        if (o.same(s)) return true;
      }
    }
    return false;
  }

  static std::size_t alive(const std::vector<Sub>& subs) noexcept {
    std::size_t n = 0;
    for (const Sub& s : subs)
      n += s.dead ? 0 : 1;
    return n;
  }
  static Sub* find_alive(std::vector<Sub>& subs, const Sub& s) noexcept {
    for (Sub& o : subs) {
      if (!o.dead && o.same(s)) return &o;
    }
    return nullptr;
  }

  bool add_exact(std::string_view topic, const Sub& s) {
    auto it = exact_.find(topic);
    if (it == exact_.end()) it = exact_.emplace(std::string(topic), std::vector<Sub>{}).first;
    if (find_alive(it->second, s) != nullptr) return false;
    it->second.push_back(s);
    return true;
  }
  bool add_pattern(const Pattern& pattern, const Sub& s) {
    PatternSubs* entry = nullptr;
    for (auto& p : patterns_) {
      if (p.pattern == pattern.text()) entry = &p;
    }
    if (entry == nullptr) entry = &patterns_.emplace_back(PatternSubs{std::string(pattern.text()), {}});
    if (find_alive(entry->subs, s) != nullptr) return false;
    entry->subs.push_back(s);
    return true;
  }
  bool remove_exact(std::string_view topic, const Sub& s) {
    auto it = exact_.find(topic);
    if (it == exact_.end()) return false;
    Sub* found = find_alive(it->second, s);
    if (found == nullptr) return false;
    found->dead = true;
    dirty_ = true;
    if (depth_ == 0) compact();
    return true;
  }
  bool remove_pattern(const Pattern& pattern, const Sub& s) {
    for (auto& p : patterns_) {
      if (p.pattern != pattern.text()) continue;
      Sub* found = find_alive(p.subs, s);
      if (found == nullptr) return false;
      found->dead = true;
      dirty_ = true;
      if (depth_ == 0) compact();
      return true;
    }
    return false;
  }

  /// Erases dead entries and topics / patterns left without subscribers (never during a publication).
  void compact() noexcept {
    dirty_ = false;
    auto drop_dead = [](std::vector<Sub>& subs) { std::erase_if(subs, [](const Sub& s) { return s.dead; }); };
    for (auto it = exact_.begin(); it != exact_.end();) {
      drop_dead(it->second);
      it = it->second.empty() ? exact_.erase(it) : std::next(it);
    }
    for (auto& p : patterns_)
      drop_dead(p.subs);
    std::erase_if(patterns_, [](const PatternSubs& p) { return p.subs.empty(); });
  }

  std::map<std::string, std::vector<Sub>, std::less<>> exact_;
  std::vector<PatternSubs> patterns_;
  std::uint64_t overflows_ = 0;
  unsigned depth_ = 0;
  bool dirty_ = false;
};

/// A broker for the calling thread (the seed's module-level `broker`), carrying std::string messages.
inline Broker<>& default_broker() {
#if AIOPI_HOSTED
  thread_local Broker<> broker;
#else
  static Broker<> broker;
#endif
  return broker;
}

}  // namespace aiopi
