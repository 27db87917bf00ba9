// The Boost.Asio configuration every asio peer uses, chosen to be asio at its cheapest while staying
// idiomatic:
//
//   * a single-threaded io_context created with BOOST_ASIO_CONCURRENCY_HINT_UNSAFE (no scheduler or reactor
//     locking: asio's documented setting for a context that only one thread ever touches), unless
//     AIOPI_BENCH_ASIO_LOCKING is defined, which uses the common `io_context ctx{1}`;
//   * awaitables bound to the concrete io_context::executor_type instead of the type-erased any_io_executor,
//     unless AIOPI_BENCH_ASIO_ANY_EXECUTOR is defined.
//
// Both choices were measured (docs/performance.md); the defaults are the faster ones.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace aiopi::bench::asio_peer {

namespace asio = boost::asio;

#if defined(AIOPI_BENCH_ASIO_ANY_EXECUTOR)
using Executor = asio::any_io_executor;
#define AIOPI_BENCH_ASIO_EXEC_NAME "any_io_executor"
#else
using Executor = asio::io_context::executor_type;
#define AIOPI_BENCH_ASIO_EXEC_NAME "io_context::executor_type"
#endif

#if defined(AIOPI_BENCH_ASIO_LOCKING)
inline constexpr int kHint = 1;
#define AIOPI_BENCH_ASIO_HINT_NAME "hint=1"
#else
inline constexpr int kHint = BOOST_ASIO_CONCURRENCY_HINT_UNSAFE;
#define AIOPI_BENCH_ASIO_HINT_NAME "hint=UNSAFE"
#endif

inline constexpr const char* kVariant = AIOPI_BENCH_ASIO_HINT_NAME "," AIOPI_BENCH_ASIO_EXEC_NAME;

template <class T>
using awaitable = asio::awaitable<T, Executor>;
inline constexpr asio::use_awaitable_t<Executor> use_awaitable{};
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>, Executor>;

/// A single-threaded io_context.
class Context : public asio::io_context {
 public:
  Context() : asio::io_context(kHint) {}
};

}  // namespace aiopi::bench::asio_peer
