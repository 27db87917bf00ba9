// launch: micropython-async's rule for "run a callback or a coroutine". A callable returning a Task is
// started as a new task; any other callable is simply called. CallResult keeps what came back, as
// Delay_ms::rvalue() and Barrier::result() report it.
//
//   CallResult r = aiopi::launch([] { return 42; });            // r.value == 42
//   CallResult c = aiopi::launch(blink, led, 3);                 // Task<> blink(Led&, int): c.task is the
//   new task
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi {

/// What a launched callable gave back. Python returns "anything"; here a callable may return
///  - void                              → neither field is set (Python's None),
///  - an integer, bool or enum           → `value`,
///  - Task<T> (a coroutine)              → it is started with create_task and `task` refers to it,
///  - TaskHandle<T> / TaskRef            → `task` refers to that task.
/// Anything else is rejected at compile time (return an integer, or keep richer results in your own state).
struct CallResult {
  std::optional<std::intptr_t> value;
  TaskRef task;

  /// True when the callable returned a value or launched a task (false for void callables and after reset).
  explicit operator bool() const noexcept { return value.has_value() || static_cast<bool>(task); }
  void reset() noexcept {
    value.reset();
    task = TaskRef();
  }
};

namespace detail {

template <class R>
struct is_launched_task : std::false_type {};
template <class T>
struct is_launched_task<Task<T>> : std::true_type {};
template <class R>
struct is_task_handle : std::is_base_of<TaskRef, R> {};
template <class>
inline constexpr bool kUnsupportedLaunchResult = false;

/// Calls `f()` and records its result into `out` by the rules of CallResult. `out` is written only after the
/// call returned, so the callable may itself reset or replace `out`'s owner state.
template <class F>
void launch_into(F&& f, CallResult& out) {
  using R = std::invoke_result_t<F&&>;
  if constexpr (std::is_void_v<R>) {
    std::invoke(std::forward<F>(f));
    out.reset();
  } else if constexpr (is_launched_task<std::remove_cvref_t<R>>::value) {
    out.task = TaskRef(Loop::get().create_task(std::invoke(std::forward<F>(f)), "launch"));
    out.value.reset();
  } else if constexpr (is_task_handle<std::remove_cvref_t<R>>::value) {
    out.task = TaskRef(std::invoke(std::forward<F>(f)));
    out.value.reset();
  } else if constexpr (std::is_integral_v<R> || std::is_enum_v<R>) {
    out.value = static_cast<std::intptr_t>(std::invoke(std::forward<F>(f)));
    out.task = TaskRef();
  } else {
    static_assert(kUnsupportedLaunchResult<R>,
                  "launch: the callable must return void, an integer/bool/enum, a Task<T> or a task handle");
  }
}

/// The stored form of a launchable callable with its arguments bound (no allocation; captures must fit the
/// InplaceFunction buffer).
using Launcher = InplaceFunction<void(CallResult&)>;

template <class F, class... Args>
Launcher make_launcher(F&& f, Args&&... args) {
  return Launcher([fn = std::forward<F>(f), ... bound = std::forward<Args>(args)](CallResult& out) mutable {
    launch_into([&]() -> decltype(auto) { return std::invoke(fn, bound...); }, out);
  });
}

}  // namespace detail

/// micropython-async's launch(func, args): calls `f(args...)`; if that returns a Task it is started on the
/// current loop (Loop::get()) and the result names the new task. Arguments are forwarded to `f`.
template <class F, class... Args>
CallResult launch(F&& f, Args&&... args) {
  CallResult out;
  detail::launch_into(
      [&]() -> decltype(auto) { return std::invoke(std::forward<F>(f), std::forward<Args>(args)...); }, out);
  return out;
}

}  // namespace aiopi
