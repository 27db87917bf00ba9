// gather (asyncio.gather): run several awaitables concurrently and collect their results in argument order.
//
//   auto [a, b] = co_await aiopi::gather(read_a(), read_b());        // std::tuple, Void for Task<void>
//   auto outcomes = co_await aiopi::gather_outcomes(x(), y());       // every Outcome, never stops early
//   std::vector<int> all = co_await aiopi::gather(std::move(tasks)); // over a range of Tasks or handles
//   auto [item, _] = co_await aiopi::gather(queue.get(), event.wait());  // any awaitable
//
// Semantics: gather (return_exceptions=False) ends at the first child that fails or is cancelled. Unlike
// asyncio, the other children that gather itself started (from Tasks and awaitables) are then cancelled and
// waited for until they have unwound — in C++ they may refer to the caller's frame, so none may outlive the
// gather (docs/design/runtime.md, "No child outlives its parent"). Tasks passed in as handles were started
// by someone else: they are left running. gather_outcomes waits for all. Cancelling the task that awaits a
// gather cancels every child still running; the awaiting task unwinds once all of them have finished.
//
// A handle passed as an lvalue keeps its result (it is copied out); Tasks, awaitables and rvalue handles
// give theirs away (moved).
#pragma once

#include <array>
#include <coroutine>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "aiopi/detail/awaitable.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi {
namespace detail {

class GatherCore;

struct GatherSlot : CompletionWaiter {
  GatherSlot() noexcept : CompletionWaiter(&GatherSlot::on_done) {}
  static void on_done(CompletionWaiter& w, TaskBase& finished) noexcept;
  TaskBase* task = nullptr;
  GatherCore* core = nullptr;
  bool started = false;  // gather started this child: it is cancelled on failure and never outlives gather
};

/// The type-independent part of a gather: counts children, ends on the first failure once the children it
/// started have unwound, forwards cancel.
class GatherCore : public CancelForward {
 public:
  explicit GatherCore(bool stop_on_failure) noexcept
      : CancelForward(&GatherCore::forward), stop_on_failure_(stop_on_failure) {}
  GatherCore(const GatherCore&) = delete;
  /// Destroyed before the gather ended only when the caller's frame is destroyed from outside: children
  /// it started are unwound here, synchronously.
  ~GatherCore();

  /// Returns false when there is nothing to wait for (the caller continues at once).
  bool begin(std::coroutine_handle<> h, GatherSlot* slots, std::size_t n);
  /// The child whose failure ended the gather, or null.
  TaskBase* first_failure() const noexcept { return first_failure_; }
  /// Binds the slots without awaiting (so the destructor can clean up a gather that is never awaited).
  void bind(GatherSlot* slots, std::size_t n) noexcept {
    slots_ = slots;
    count_ = n;
  }

 private:
  friend struct GatherSlot;
  void child_done(GatherSlot& slot, TaskBase& finished) noexcept;
  void fail(TaskBase& failure) noexcept;
  void end() noexcept;
  static bool forward(CancelForward& f) noexcept;

  GatherSlot* slots_ = nullptr;
  std::size_t count_ = 0;
  std::size_t remaining_ = 0;  // children still listened to
  TaskBase* caller_ = nullptr;
  TaskBase* first_failure_ = nullptr;
  bool stop_on_failure_;
  bool ended_ = false;
  bool caller_cancelled_ = false;
};

/// One argument of gather, as a scheduled task: whether gather started it and whether its result may be
/// moved out.
template <class T>
struct GatherChild {
  TaskHandle<T> handle;
  bool started;
  bool owns_result;
};

template <class T>
GatherChild<T> as_child(Task<T>&& t) {
  return {Loop::running().create_task(std::move(t), "gather"), true, true};
}
template <class T>
GatherChild<T> as_child(const TaskHandle<T>& h) {
  return {h, false, false};
}
template <class T>
GatherChild<T> as_child(TaskHandle<T>& h) {
  return {h, false, false};
}
template <class T>
GatherChild<T> as_child(TaskHandle<T>&& h) {
  return {std::move(h), false, true};
}
template <PlainAwaitable A>
auto as_child(A&& a) {
  return as_child(as_child_task(std::forward<A>(a)));
}

template <class C>
struct child_type;
template <class T>
struct child_type<GatherChild<T>> {
  using type = T;
};
/// The result type of the child an argument of gather becomes.
template <class A>
using child_value_t = typename child_type<decltype(as_child(std::declval<A>()))>::type;

/// What gather accepts: Tasks, TaskHandles and any other awaitable.
template <class A>
concept Gatherable =
    is_task_v<std::remove_cvref_t<A>> || is_handle_v<std::remove_cvref_t<A>> || PlainAwaitable<A>;

#if AIOPI_HAS_EXCEPTIONS
template <class T>
void rethrow_if(const GatherChild<T>& c, const TaskBase* failure) {
  if (&c.handle.base() == failure) std::rethrow_exception(c.handle.base().exception());
}
#endif

template <class T>
StoredType<T> take_result(GatherChild<T>& c) {
  if constexpr (std::is_copy_constructible_v<StoredType<T>>) {
    if (!c.owns_result) return c.handle.result();
  }
  return std::move(c.handle.result());
}

template <bool Outcomes, class... Ts>
class GatherAwaiter {
  static constexpr std::size_t N = sizeof...(Ts);

 public:
  explicit GatherAwaiter(GatherChild<Ts>... children) : children_(std::move(children)...), core_(!Outcomes) {
    std::apply(
        [this](auto&... cs) {
          std::size_t i = 0;
          ((slots_[i].task = &cs.handle.base(), slots_[i].started = cs.started, ++i), ...);
        },
        children_);
    core_.bind(slots_.data(), N);
  }
  GatherAwaiter(const GatherAwaiter&) = delete;

  bool await_ready() const noexcept { return N == 0; }
  bool await_suspend(std::coroutine_handle<> h) { return core_.begin(h, slots_.data(), N); }
  auto await_resume() {
#if AIOPI_HAS_EXCEPTIONS
    if constexpr (!Outcomes) {
      if (TaskBase* f = core_.first_failure(); f != nullptr && f->failed())
        std::apply([f](auto&... cs) { (rethrow_if(cs, f), ...); }, children_);
    }
#endif
    if constexpr (Outcomes) {
      return std::apply([](auto&... cs) { return std::tuple<Outcome<Ts>...>(cs.handle.outcome()...); },
                        children_);
    } else {
      return std::apply([](auto&... cs) { return std::tuple<StoredType<Ts>...>(take_result(cs)...); },
                        children_);
    }
  }

 private:
  std::tuple<GatherChild<Ts>...> children_;
  std::array<GatherSlot, N> slots_;
  GatherCore core_;  // after the slots: destroyed first, while they still exist
};

template <bool Outcomes, class T>
class GatherRangeAwaiter {
 public:
  explicit GatherRangeAwaiter(std::vector<GatherChild<T>> children)
      : children_(std::move(children)), slots_(children_.size()), core_(!Outcomes) {
    for (std::size_t i = 0; i < children_.size(); ++i) {
      slots_[i].task = &children_[i].handle.base();
      slots_[i].started = children_[i].started;
    }
    core_.bind(slots_.data(), slots_.size());
  }
  GatherRangeAwaiter(const GatherRangeAwaiter&) = delete;

  bool await_ready() const noexcept { return children_.empty(); }
  bool await_suspend(std::coroutine_handle<> h) { return core_.begin(h, slots_.data(), slots_.size()); }
  auto await_resume() {
    if constexpr (Outcomes) {
      std::vector<Outcome<T>> out;
      out.reserve(children_.size());
      for (auto& c : children_)
        out.push_back(c.handle.outcome());
      return out;
    } else {
#if AIOPI_HAS_EXCEPTIONS
      if (TaskBase* f = core_.first_failure(); f != nullptr && f->failed()) {
        for (auto& c : children_)
          rethrow_if(c, f);
      }
#endif
      std::vector<StoredType<T>> out;
      out.reserve(children_.size());
      for (auto& c : children_)
        out.push_back(take_result(c));
      return out;
    }
  }

 private:
  std::vector<GatherChild<T>> children_;
  std::vector<GatherSlot> slots_;
  GatherCore core_;
};

template <bool Outcomes, class R>
auto gather_range(R&& range) {
  using Elem = decltype(*std::begin(range));
  using Arg = std::conditional_t<std::is_rvalue_reference_v<R&&>, std::remove_reference_t<Elem>&&, Elem>;
  using T = child_value_t<Arg>;
  std::vector<GatherChild<T>> children;
  children.reserve(static_cast<std::size_t>(std::size(range)));
  for (auto&& x : range) {
    if constexpr (std::is_rvalue_reference_v<R&&>) {
      children.push_back(as_child(std::move(x)));
    } else {
      children.push_back(as_child(x));
    }
  }
  return GatherRangeAwaiter<Outcomes, T>(std::move(children));
}

}  // namespace detail

/// Runs Tasks and other awaitables (each as a child task) and/or awaits TaskHandles concurrently; results
/// in argument order.
template <detail::Gatherable... As>
auto gather(As&&... awaitables) {
  // Braces: list-initialisation evaluates the arguments left to right, so tasks are created in argument
  // order.
  return detail::GatherAwaiter<false, detail::child_value_t<As>...>{
      detail::as_child(std::forward<As>(awaitables))...};
}
/// Like gather, but waits for every child and gives each Outcome (value, cancelled or failed).
template <detail::Gatherable... As>
auto gather_outcomes(As&&... awaitables) {
  return detail::GatherAwaiter<true, detail::child_value_t<As>...>{
      detail::as_child(std::forward<As>(awaitables))...};
}
/// gather over a range of Tasks (moved in) or TaskHandles (an lvalue vector's handles keep their results).
template <class T>
auto gather(std::vector<Task<T>> tasks) {
  return detail::gather_range<false>(std::move(tasks));
}
template <class T>
auto gather(std::vector<TaskHandle<T>>&& handles) {
  return detail::gather_range<false>(std::move(handles));
}
template <class T>
auto gather(const std::vector<TaskHandle<T>>& handles) {
  return detail::gather_range<false>(handles);
}
template <class T>
auto gather_outcomes(std::vector<Task<T>> tasks) {
  return detail::gather_range<true>(std::move(tasks));
}
template <class T>
auto gather_outcomes(std::vector<TaskHandle<T>>&& handles) {
  return detail::gather_range<true>(std::move(handles));
}
template <class T>
auto gather_outcomes(const std::vector<TaskHandle<T>>& handles) {
  return detail::gather_range<true>(handles);
}

}  // namespace aiopi
