// gather (asyncio.gather): run several awaitables concurrently and collect their results in argument order.
//
//   auto [a, b] = co_await aiopi::gather(read_a(), read_b());        // std::tuple, Void for Task<void>
//   auto outcomes = co_await aiopi::gather_outcomes(x(), y());       // every Outcome, never stops early
//   std::vector<int> all = co_await aiopi::gather(std::move(tasks)); // over a range
//
// Semantics (asyncio, return_exceptions=False): the first child that fails or is cancelled ends the gather at
// once; the other children keep running (they are tasks). gather_outcomes waits for all. Cancelling the task
// that awaits a gather cancels every child still running; the awaiting task then unwinds.
#pragma once

#include <array>
#include <coroutine>
#include <cstddef>
#include <tuple>
#include <utility>
#include <vector>

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
};

/// The type-independent part of a gather: counts children, ends early on the first failure, forwards cancel.
class GatherCore : public CancelForward {
 public:
  explicit GatherCore(bool stop_on_failure) noexcept
      : CancelForward(&GatherCore::forward), stop_on_failure_(stop_on_failure) {}
  GatherCore(const GatherCore&) = delete;
  ~GatherCore() {
    if (caller_ != nullptr && caller_->loop().forward_of(*caller_) == this)
      caller_->loop().set_forward(*caller_, nullptr);
  }

  /// Returns false when there is nothing to wait for (the caller continues at once).
  bool begin(std::coroutine_handle<> h, GatherSlot* slots, std::size_t n);
  /// The child whose failure ended the gather, or null.
  TaskBase* first_failure() const noexcept { return first_failure_; }

 private:
  friend struct GatherSlot;
  void child_done(GatherSlot& slot, TaskBase& finished) noexcept;
  void end(bool cancel_caller) noexcept;
  static bool forward(CancelForward& f) noexcept;

  GatherSlot* slots_ = nullptr;
  std::size_t count_ = 0;
  std::size_t remaining_ = 0;
  TaskBase* caller_ = nullptr;
  TaskBase* first_failure_ = nullptr;
  bool stop_on_failure_;
  bool ended_ = false;
  bool caller_cancelled_ = false;
};

template <class T>
TaskHandle<T> as_task(Task<T>&& t) {
  return Loop::running().create_task(std::move(t), "gather");
}
template <class T>
TaskHandle<T> as_task(const TaskHandle<T>& h) {
  return h;
}
template <class T>
struct handle_value;
template <class T>
struct handle_value<Task<T>> {
  using type = T;
};
template <class T>
struct handle_value<TaskHandle<T>> {
  using type = T;
};
template <class A>
using awaited_value_t = typename handle_value<std::remove_cvref_t<A>>::type;

#if AIOPI_HAS_EXCEPTIONS
inline void rethrow_if_failed(TaskBase* failure, std::exception_ptr e) {
  if (failure != nullptr && e) std::rethrow_exception(e);
}
#endif

template <bool Outcomes, class... Ts>
class GatherAwaiter {
  static constexpr std::size_t N = sizeof...(Ts);

 public:
  explicit GatherAwaiter(TaskHandle<Ts>... handles) : handles_(std::move(handles)...), core_(!Outcomes) {}

  bool await_ready() const noexcept { return N == 0; }
  bool await_suspend(std::coroutine_handle<> h) {
    std::apply(
        [this](auto&... hs) {
          std::size_t i = 0;
          ((slots_[i++].task = &hs.base()), ...);
        },
        handles_);
    return core_.begin(h, slots_.data(), N);
  }
  auto await_resume() {
#if AIOPI_HAS_EXCEPTIONS
    if constexpr (!Outcomes) {
      if (TaskBase* f = core_.first_failure(); f != nullptr && f->failed()) {
        std::apply([f](auto&... hs) { ((&hs.base() == f ? rethrow_outcome(hs) : void()), ...); }, handles_);
      }
    }
#endif
    if constexpr (Outcomes) {
      return std::apply([](auto&... hs) { return std::tuple<Outcome<Ts>...>(hs.outcome()...); }, handles_);
    } else {
      return std::apply([](auto&... hs) { return std::tuple<StoredType<Ts>...>(std::move(hs.result())...); },
                        handles_);
    }
  }

 private:
#if AIOPI_HAS_EXCEPTIONS
  template <class H>
  static void rethrow_outcome(H& h) {
    std::rethrow_exception(h.base().exception());
  }
#endif
  std::tuple<TaskHandle<Ts>...> handles_;
  std::array<GatherSlot, N> slots_;
  GatherCore core_;
};

template <bool Outcomes, class T>
class GatherRangeAwaiter {
 public:
  explicit GatherRangeAwaiter(std::vector<TaskHandle<T>> handles)
      : handles_(std::move(handles)), slots_(handles_.size()), core_(!Outcomes) {}

  bool await_ready() const noexcept { return handles_.empty(); }
  bool await_suspend(std::coroutine_handle<> h) {
    for (std::size_t i = 0; i < handles_.size(); ++i)
      slots_[i].task = &handles_[i].base();
    return core_.begin(h, slots_.data(), slots_.size());
  }
  auto await_resume() {
    if constexpr (Outcomes) {
      std::vector<Outcome<T>> out;
      out.reserve(handles_.size());
      for (auto& hd : handles_)
        out.push_back(hd.outcome());
      return out;
    } else {
#if AIOPI_HAS_EXCEPTIONS
      if (TaskBase* f = core_.first_failure(); f != nullptr && f->failed()) {
        for (auto& hd : handles_) {
          if (&hd.base() == f) std::rethrow_exception(hd.base().exception());
        }
      }
#endif
      std::vector<StoredType<T>> out;
      out.reserve(handles_.size());
      for (auto& hd : handles_)
        out.push_back(std::move(hd.result()));
      return out;
    }
  }

 private:
  std::vector<TaskHandle<T>> handles_;
  std::vector<GatherSlot> slots_;
  GatherCore core_;
};

}  // namespace detail

/// Runs Tasks (promoted to tasks) and/or awaits TaskHandles concurrently; results in argument order.
template <class... As>
auto gather(As&&... awaitables) {
  // Braces: list-initialisation evaluates the arguments left to right, so tasks are created in argument
  // order.
  return detail::GatherAwaiter<false, detail::awaited_value_t<As>...>{
      detail::as_task(std::forward<As>(awaitables))...};
}
/// Like gather, but waits for every child and gives each Outcome (value, cancelled or failed).
template <class... As>
auto gather_outcomes(As&&... awaitables) {
  return detail::GatherAwaiter<true, detail::awaited_value_t<As>...>{
      detail::as_task(std::forward<As>(awaitables))...};
}
/// gather over a range of Tasks.
template <class T>
detail::GatherRangeAwaiter<false, T> gather(std::vector<Task<T>> tasks) {
  std::vector<TaskHandle<T>> hs;
  hs.reserve(tasks.size());
  for (auto& t : tasks)
    hs.push_back(detail::as_task(std::move(t)));
  return detail::GatherRangeAwaiter<false, T>(std::move(hs));
}
template <class T>
detail::GatherRangeAwaiter<true, T> gather_outcomes(std::vector<Task<T>> tasks) {
  std::vector<TaskHandle<T>> hs;
  hs.reserve(tasks.size());
  for (auto& t : tasks)
    hs.push_back(detail::as_task(std::move(t)));
  return detail::GatherRangeAwaiter<true, T>(std::move(hs));
}

}  // namespace aiopi
