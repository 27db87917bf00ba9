// The machinery shared by WaitAny and WaitAll (wait_any.hpp, wait_all.hpp): a fixed group of event-like
// members, one slot per member, and the tasks (or enclosing groups) waiting on the group.
//
// How a group waits, without allocating:
//  * A member that is Listenable (Event, Message, ThreadSafeEvent, ELO, a nested WaitAny/WaitAll) gets a
//    Listener node (the slot itself) queued directly in its waiter list.
//  * Any other member with a `wait()` (ThreadSafeFlag, Delay_ms, user types) is watched by a small task that
//    awaits `member.wait()`; its frame comes from the recycling frame allocator. Such a watcher is destroyed
//    (or cancelled, if already woken) as soon as the group stops waiting.
// The group is "armed" (its slots registered) while at least one task or enclosing group waits on it, and is
// disarmed when the wait ends: because a member fired, or because the last waiter left (cancelled, timed
// out).
#pragma once

#include <array>
#include <coroutine>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "aiopi/detail/listener.hpp"
#include "aiopi/detail/wait_list.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/panic.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi {

/// Anything WaitAny / WaitAll accept as a member: a Listenable, or any object with a `wait()` to co_await.
template <class E>
concept EventLike = Listenable<E> || requires(E& e) {
  e.wait();
};

namespace detail {

/// What a slot reports to its group when its member fired.
class GroupSink {
 public:
  using Fn = void (*)(GroupSink& self, std::size_t index) noexcept;
  explicit GroupSink(Fn fn) noexcept : fn_(fn) {}
  void member_fired(std::size_t index) noexcept { fn_(*this, index); }

 private:
  Fn fn_;
};

/// Slot of a Listenable member: the listener node itself.
class ListenSlot : public Listener {
 public:
  ListenSlot() noexcept : Listener(&ListenSlot::on_fire) {}
  GroupSink* sink = nullptr;
  std::size_t index = 0;

 private:
  static void on_fire(Listener& l) noexcept {
    auto& self = static_cast<ListenSlot&>(l);
    self.sink->member_fired(self.index);
  }
};

/// Slot of any other member: a watcher task awaiting `member.wait()`.
template <class E>
class WatchSlot {
 public:
  GroupSink* sink = nullptr;
  std::size_t index = 0;

  void start(E& member) { watcher_ = Loop::running().create_task(watch(member, this), "wait_group watcher"); }
  /// Ends the watcher at once, whether it waits or was already woken (its awaiter unregisters from the
  /// member while the member surely exists, and the watcher never outlives the group); the running one (the
  /// watcher reporting right now) simply finishes.
  void stop() noexcept {
    if (!watcher_) return;
    TaskBase& t = watcher_.base();
    if (!t.done() && t.loop_ptr() != nullptr && t.loop().current_task() != &t) t.loop().unwind_now(t);
    watcher_ = {};
  }

 private:
  static Task<> watch(E& member, WatchSlot* self) {
    co_await member.wait();
    self->sink->member_fired(self->index);
  }
  TaskHandle<void> watcher_;
};

template <class E>
using SlotFor = std::conditional_t<Listenable<E>, ListenSlot, WatchSlot<E>>;

template <class E>
bool member_is_set(E& e) {
  if constexpr (requires { e.is_set(); }) {
    return static_cast<bool>(e.is_set());
  } else {
    return false;  // no way to ask: only its wait() tells
  }
}

/// A group of members `Es` (lvalue references are held by reference, rvalues, e.g. a nested group, by value).
/// All=false: the wait ends when one member fires (WaitAny); All=true: when each has fired once (WaitAll).
template <bool All, class... Es>
class WaitGroup : private GroupSink {
  static constexpr std::size_t N = sizeof...(Es);
  static_assert(N > 0, "a wait group needs at least one member");
  static_assert((EventLike<std::remove_cvref_t<Es>> && ...),
                "members must be event-like: Event, Message, ThreadSafeEvent, ThreadSafeFlag, Delay_ms, ELO, "
                "WaitAny, WaitAll, or any object with wait()");

 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  explicit WaitGroup(Es&&... members)
      : GroupSink(&WaitGroup::on_member_fired), members_(std::forward<Es>(members)...) {
    init_slots(std::index_sequence_for<Es...>{});
  }
  /// Only an idle group may be moved (that is how a nested group gets into its parent).
  WaitGroup(WaitGroup&& o) : GroupSink(&WaitGroup::on_member_fired), members_(std::move(o.members_)) {
    if (o.armed_ || !o.waiters_.empty())
      usage_error("WaitAny/WaitAll: cannot move a group while it is waited on");
    init_slots(std::index_sequence_for<Es...>{});
  }
  WaitGroup(const WaitGroup&) = delete;
  WaitGroup& operator=(const WaitGroup&) = delete;
  WaitGroup& operator=(WaitGroup&&) = delete;
  ~WaitGroup() {
    if (armed_) disarm();
  }

  /// WaitAny: some member is set now. WaitAll: every member is set now (or has fired during the wait under
  /// way). Members that cannot be asked (no is_set(), e.g. ThreadSafeFlag) count as not set.
  bool is_set() { return ready_now(nullptr); }

  /// Calls clear() on every member that has one (a wait already under way is not reset).
  void clear() {
    std::apply([](auto&... m) { (clear_member(m), ...); }, members_);
  }

  /// Index of the member whose firing ended the last wait (WaitAny: the one that fired; WaitAll: the last
  /// one), npos before any wait ended.
  std::size_t triggered() const noexcept { return triggered_; }

  /// The member at index I (a reference to the object passed in, or to the nested group held by value).
  template <std::size_t I>
  decltype(auto) member() noexcept {
    return std::get<I>(members_);
  }

  // Listener protocol (listener.hpp), so that groups nest.
  void add_listener(Listener& l) {
    waiters_.push_back(l);
    if (!armed_) arm();
  }
  void remove_listener(Listener& l) noexcept {
    l.unlink();
    if (armed_ && waiters_.empty()) disarm();
  }

  class Awaiter : private WaitNode {
   public:
    explicit Awaiter(WaitGroup& g) noexcept : group_(g) {}
    Awaiter(const Awaiter&) = delete;
    ~Awaiter() {
      // Cancelled (or timed out) while waiting: leave, and stop watching the members if nobody else waits.
      if (linked()) {
        unlink();
        if (group_.armed_ && group_.waiters_.empty()) group_.disarm();
      }
    }
    bool await_ready() {
      if (group_.armed_) return false;
      return group_.ready_now(&result_);
    }
    void await_suspend(std::coroutine_handle<> h) {
      task = &Loop::running().suspend_current(h);
      group_.waiters_.push_back(*this);
      if (!group_.armed_) group_.arm();
    }
    auto await_resume() const noexcept {
      if constexpr (All) {
        return;
      } else {
        return result_;
      }
    }

   private:
    friend class WaitGroup;
    WaitGroup& group_;
    std::size_t result_ = npos;
  };

  /// Waits for the group (see WaitAny / WaitAll). Cancel-safe: a cancelled waiter leaves the queue, and the
  /// last one to leave unregisters every slot (destroys the watcher tasks). Nothing is consumed from
  /// Events/Messages.
  Awaiter wait() noexcept { return Awaiter(*this); }
  Awaiter operator co_await() noexcept { return Awaiter(*this); }

 private:
  template <class M>
  static void clear_member(M& m) {
    if constexpr (requires { m.clear(); }) m.clear();
  }

  template <std::size_t... I>
  void init_slots(std::index_sequence<I...>) noexcept {
    ((std::get<I>(slots_).sink = this, std::get<I>(slots_).index = I), ...);
  }

  bool ready_now(std::size_t* first) { return ready_impl(first, std::index_sequence_for<Es...>{}); }
  template <std::size_t... I>
  bool ready_impl(std::size_t* first, std::index_sequence<I...>) {
    if constexpr (All) {
      const bool all = (((armed_ && fired_[I]) || member_is_set(std::get<I>(members_))) && ...);
      if (all && first != nullptr) *first = triggered_ = N - 1;
      return all;
    } else {
      std::size_t found = npos;
      (void)((member_is_set(std::get<I>(members_)) ? (found = I, true) : false) || ...);
      if (found != npos && first != nullptr) *first = triggered_ = found;
      return found != npos;
    }
  }

  void arm() {
    armed_ = true;
    remaining_ = N;
    fired_.fill(false);
    arm_impl(std::index_sequence_for<Es...>{});
  }
  template <std::size_t... I>
  void arm_impl(std::index_sequence<I...>) {
    // Stops early if a member that is already set ended the wait while arming.
    (void)((armed_ && (arm_one<I>(), true)) && ...);
  }
  template <std::size_t I>
  void arm_one() {
    auto& m = std::get<I>(members_);
    auto& slot = std::get<I>(slots_);
    if (member_is_set(m)) {
      member_fired(I);
    } else if constexpr (Listenable<std::remove_cvref_t<decltype(m)>>) {
      m.add_listener(slot);
    } else {
      slot.start(m);
    }
  }

  void disarm() noexcept {
    armed_ = false;
    disarm_impl(std::index_sequence_for<Es...>{});
  }
  template <std::size_t... I>
  void disarm_impl(std::index_sequence<I...>) noexcept {
    (disarm_one<I>(), ...);
  }
  template <std::size_t I>
  void disarm_one() noexcept {
    auto& m = std::get<I>(members_);
    auto& slot = std::get<I>(slots_);
    if constexpr (Listenable<std::remove_cvref_t<decltype(m)>>) {
      if (slot.linked()) m.remove_listener(slot);
    } else {
      slot.stop();
    }
  }

  static void on_member_fired(GroupSink& sink, std::size_t index) noexcept {
    static_cast<WaitGroup&>(sink).member_fired(index);
  }
  void member_fired(std::size_t index) noexcept {
    if (!armed_) return;
    if constexpr (All) {
      if (fired_[index]) return;
      fired_[index] = true;
      if (--remaining_ != 0) return;
    }
    triggered_ = index;
    disarm();
    // Release every waiter in FIFO order: tasks are made ready, enclosing groups are told.
    while (!waiters_.empty()) {
      WaitNode& w = waiters_.pop_front();
      if (w.task != nullptr) static_cast<Awaiter&>(w).result_ = index;
      wake_waiter(w);
    }
  }

  std::tuple<Es...> members_;
  std::tuple<SlotFor<std::remove_cvref_t<Es>>...> slots_;
  WaitList<> waiters_;
  std::array<bool, N> fired_{};
  std::size_t remaining_ = 0;
  std::size_t triggered_ = npos;
  bool armed_ = false;
};

}  // namespace detail
}  // namespace aiopi
