// What "any awaitable" means to the combinators (wait_for, gather, shield, Timeout::run): the awaiter an
// expression gives to co_await, the type it produces, and a task that awaits it, so that an Event wait, a
// Queue get or a user's awaiter can be raced against a timer or gathered like a task.
#pragma once

#include <type_traits>
#include <utility>

#include "aiopi/task.hpp"

namespace aiopi {

template <class T>
class TaskHandle;

namespace detail {

/// The awaiter `co_await a` uses: a.operator co_await(), operator co_await(a), or `a` itself.
template <class A>
decltype(auto) get_awaiter(A&& a) {
  if constexpr (requires { std::forward<A>(a).operator co_await(); }) {
    return std::forward<A>(a).operator co_await();
  } else if constexpr (requires { operator co_await(std::forward<A>(a)); }) {
    return operator co_await(std::forward<A>(a));
  } else {
    return std::forward<A>(a);
  }
}

template <class A>
using await_result_t = decltype(get_awaiter(std::declval<A>()).await_resume());

template <class T>
inline constexpr bool is_task_v = false;
template <class T>
inline constexpr bool is_task_v<Task<T>> = true;
template <class T>
inline constexpr bool is_handle_v = false;
template <class T>
inline constexpr bool is_handle_v<TaskHandle<T>> = true;

/// An awaitable that is neither a Task nor a TaskHandle (those are scheduled as they are).
template <class A>
concept PlainAwaitable =
    !is_task_v<std::remove_cvref_t<A>> && !is_handle_v<std::remove_cvref_t<A>> && requires {
  typename await_result_t<A>;
};

/// A task that awaits `a`, held by value in its frame. Its result is what `co_await a` gives.
template <class A, class R = await_result_t<A>>
requires(!std::is_void_v<R>) Task<R> await_by_value(A a) {
  co_return co_await std::move(a);
}
template <class A, class R = await_result_t<A>>
requires std::is_void_v<R> Task<> await_by_value(A a) {
  co_await std::move(a);
}
/// The same for an awaitable that cannot be moved (most awaiters returned by primitives): the task refers to
/// it, so the combinator must be awaited in the full expression that made the awaitable (as in
/// `co_await wait_for(q.get(), 1s)`), where it outlives the task.
template <class A, class R = await_result_t<A&>>
requires(!std::is_void_v<R>) Task<R> await_by_reference(A& a) {
  co_return co_await a;
}
template <class A, class R = await_result_t<A&>>
requires std::is_void_v<R> Task<> await_by_reference(A& a) {
  co_await a;
}

/// The task that runs any awaitable: moved into the task's frame when it can be, referred to otherwise.
template <class A>
auto as_child_task(A&& a) {
  if constexpr (!std::is_reference_v<A> && std::is_move_constructible_v<A>) {
    return await_by_value<A>(std::move(a));
  } else {
    return await_by_reference(a);
  }
}

}  // namespace detail
}  // namespace aiopi
