// yield_roundtrip: N tasks each yield K times to a round-robin scheduler; reports ns per yield.
//
// - aiopi: each task loops `co_await aiopi::yield_now()` on the Linux loop (also with profiling on).
// - asio: each co_spawn'ed awaitable loops `co_await asio::post(executor, use_awaitable)` on a
//   single-threaded io_context.
// - bare: N suspended coroutines resumed round robin by a plain loop; each resume runs to the next
//   suspend_always. No queue, no state: the floor of any coroutine scheduler.
//
// All three time the same window: every task first suspends once (warm-up round), the first task to resume
// reads the clock, the last task to finish reads it again; the window holds N*K yields.
#include <coroutine>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "aiopi/event.hpp"
#include "aiopi/frame_allocator.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"
#include "support/bench_util.hpp"

#if AIOPI_BENCH_HAVE_ASIO
#include "support/asio_peer.hpp"
#endif

namespace {

using namespace aiopi::bench;

constexpr std::int64_t kTotalYields = 2'000'000;
constexpr int kReps = 5;

struct Window {
  std::int64_t remaining = 0;
  std::int64_t t0 = 0;
  std::int64_t t1 = 0;
  std::uint64_t a0 = 0;
  std::uint64_t a1 = 0;
  void start() noexcept {
    if (t0 == 0) {
      a0 = allocations();
      t0 = mono_ns();
    }
  }
  void task_done() noexcept {
    if (--remaining == 0) {
      t1 = mono_ns();
      a1 = allocations();
    }
  }
  Sample sample(std::int64_t ops) const {
    if (t1 <= t0) die("the timed window never closed");
    return {static_cast<double>(t1 - t0) / static_cast<double>(ops),
            static_cast<double>(a1 - a0) / static_cast<double>(ops)};
  }
};

// --- aiopi
// -----------------------------------------------------------------------------------------------------

aiopi::Task<> aiopi_yielder(Window& w, std::int64_t k, aiopi::Event& done) {
  co_await aiopi::yield_now();  // warm-up round
  w.start();
  for (std::int64_t i = 0; i < k; ++i)
    co_await aiopi::yield_now();
  w.task_done();
  if (w.remaining == 0) done.set();
}

aiopi::Task<> aiopi_main(aiopi::Loop& loop, Window& w, std::int64_t n, std::int64_t k) {
  aiopi::Event done;
  for (std::int64_t i = 0; i < n; ++i)
    loop.create_task(aiopi_yielder(w, k, done));
  co_await done.wait();
}

Best run_aiopi(std::int64_t n, bool profiled) {
  aiopi::os_linux::LinuxBackend backend;
  aiopi::Loop loop(backend);
  loop.set_profiling(profiled);
  const std::int64_t k = kTotalYields / n;
  Best best;
  for (int rep = -1; rep < kReps; ++rep) {  // rep -1 warms up (slabs carved, caches hot)
    Window w;
    w.remaining = n;
    loop.run_until_complete(aiopi_main(loop, w, n, k));
    if (rep >= 0) best.add(w.sample(n * k));
  }
  return best;
}

// --- bare
// ------------------------------------------------------------------------------------------------------

struct BareCoro {
  struct promise_type {
    BareCoro get_return_object() noexcept {
      return BareCoro{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    std::suspend_always final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept {}
  };
  std::coroutine_handle<promise_type> h;
};

BareCoro bare_yielder(Window& w, std::int64_t k) {
  co_await std::suspend_always{};  // warm-up round
  w.start();
  for (std::int64_t i = 0; i < k; ++i)
    co_await std::suspend_always{};
  w.task_done();
}

Best run_bare(std::int64_t n) {
  const std::int64_t k = kTotalYields / n;
  Best best;
  std::vector<std::coroutine_handle<>> handles;
  handles.reserve(static_cast<std::size_t>(n));
  for (int rep = -1; rep < kReps; ++rep) {
    Window w;
    w.remaining = n;
    handles.clear();
    for (std::int64_t i = 0; i < n; ++i)
      handles.push_back(bare_yielder(w, k).h);
    // Resume #1 runs to the warm-up suspend, #2..#k+1 are the k yields, #k+2 finishes the body.
    for (std::int64_t round = 0; round < k + 2; ++round) {
      for (std::coroutine_handle<> h : handles)
        h.resume();
    }
    for (std::coroutine_handle<> h : handles)
      h.destroy();
    if (rep >= 0) best.add(w.sample(n * k));
  }
  return best;
}

// --- asio
// ------------------------------------------------------------------------------------------------------

#if AIOPI_BENCH_HAVE_ASIO
asio_peer::awaitable<void> asio_yielder(Window& w, std::int64_t k) {
  auto ex = co_await asio_peer::asio::this_coro::executor;
  co_await asio_peer::asio::post(ex, asio_peer::use_awaitable);  // warm-up round
  w.start();
  for (std::int64_t i = 0; i < k; ++i)
    co_await asio_peer::asio::post(ex, asio_peer::use_awaitable);
  w.task_done();
}

Best run_asio(std::int64_t n) {
  const std::int64_t k = kTotalYields / n;
  Best best;
  for (int rep = -1; rep < kReps; ++rep) {
    asio_peer::Context ctx;
    Window w;
    w.remaining = n;
    for (std::int64_t i = 0; i < n; ++i) {
      asio_peer::asio::co_spawn(ctx.get_executor(), asio_yielder(w, k), asio_peer::asio::detached);
    }
    ctx.run();
    if (rep >= 0) best.add(w.sample(n * k));
  }
  return best;
}
#endif

}  // namespace

// Usage: bench_yield [aiopi|aiopi-plain|aiopi-profiled|asio|bare|all] [tasks]
int main(int argc, char** argv) {
  const std::int64_t only = argc > 2 ? std::atoll(argv[2]) : 0;
  const bool plain = selected(argc, argv, "aiopi") || selected(argc, argv, "aiopi-plain");
  const bool profiled = selected(argc, argv, "aiopi") || selected(argc, argv, "aiopi-profiled");
  for (std::int64_t n : {1, 100, 10000}) {
    if (only != 0 && n != only) continue;
    if (plain) {
      const Best r = run_aiopi(n, false);
      Json("yield_roundtrip", "aiopi")
          .integer("tasks", n)
          .num("ns_per_op", r.ns_per_op)
          .num("allocs_per_op", r.allocs_per_op, 4)
          .boolean("profiled", false)
          .print();
    }
    if (profiled) {
      const Best p = run_aiopi(n, true);
      Json("yield_roundtrip", "aiopi")
          .integer("tasks", n)
          .num("ns_per_op", p.ns_per_op)
          .num("allocs_per_op", p.allocs_per_op, 4)
          .boolean("profiled", true)
          .print();
    }
#if AIOPI_BENCH_HAVE_ASIO
    if (selected(argc, argv, "asio")) {
      const Best b = run_asio(n);
      Json("yield_roundtrip", "asio")
          .integer("tasks", n)
          .num("ns_per_op", b.ns_per_op)
          .num("allocs_per_op", b.allocs_per_op, 4)
          .str("variant", asio_peer::kVariant)
          .print();
    }
#endif
    if (selected(argc, argv, "bare")) {
      const Best b = run_bare(n);
      Json("yield_roundtrip", "bare")
          .integer("tasks", n)
          .num("ns_per_op", b.ns_per_op)
          .num("allocs_per_op", b.allocs_per_op, 4)
          .print();
    }
  }
  return 0;
}
