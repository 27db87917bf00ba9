// spawn: create, run and finish a trivial task; reports ns per spawn. Two modes, both for aiopi and asio:
//
//   "batch": a spawner creates 100 trivial tasks, then yields until all have run (they finish at their first
//            resumption); repeated. aiopi: loop.create_task(trivial()) with the handle dropped; asio:
//            co_spawn(executor, trivial(), detached), waiting with post(use_awaitable).
//   "await": the spawner creates one task and awaits it. aiopi: co_await loop.create_task(trivial());
//            asio: co_await co_spawn(executor, trivial(), use_awaitable).
//
// allocs_per_op counts heap allocations (operator new and malloc alike) per spawn in steady state, after a
// warm-up round of the same size; aiopi's frame and control block come from the recycling frame allocator.
#include <cstdint>
#include <cstdlib>
#include <cstring>

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

constexpr std::int64_t kSpawns = 500'000;
constexpr std::int64_t kBatch = 100;
constexpr int kReps = 5;

struct Window : TimedWindow {
  Sample sample() const { return per_op(kSpawns); }
};

// --- aiopi
// -----------------------------------------------------------------------------------------------------

aiopi::Task<> aiopi_trivial(std::int64_t& finished) {
  ++finished;
  co_return;
}

aiopi::Task<> aiopi_batch(aiopi::Loop& loop, Window& w) {
  std::int64_t finished = 0;
  for (int warm = 0; warm < 2; ++warm) {
    if (warm == 1) w.start();
    const std::int64_t base = finished;
    for (std::int64_t done = 0; done < kSpawns; done += kBatch) {
      for (std::int64_t i = 0; i < kBatch; ++i)
        loop.create_task(aiopi_trivial(finished));
      while (finished - base < done + kBatch)
        co_await aiopi::yield_now();
    }
  }
  w.stop();
}

aiopi::Task<> aiopi_await(aiopi::Loop& loop, Window& w) {
  std::int64_t finished = 0;
  for (int warm = 0; warm < 2; ++warm) {
    if (warm == 1) w.start();
    for (std::int64_t i = 0; i < kSpawns; ++i)
      co_await loop.create_task(aiopi_trivial(finished));
  }
  w.stop();
}

Best run_aiopi(bool batch) {
  aiopi::os_linux::LinuxBackend backend;
  aiopi::Loop loop(backend);
  Best best;
  for (int rep = 0; rep < kReps; ++rep) {
    Window w;
    loop.run_until_complete(batch ? aiopi_batch(loop, w) : aiopi_await(loop, w));
    best.add(w.sample());
  }
  return best;
}

// --- asio
// ------------------------------------------------------------------------------------------------------

#if AIOPI_BENCH_HAVE_ASIO
namespace ap = asio_peer;

ap::awaitable<void> asio_trivial(std::int64_t& finished) {
  ++finished;
  co_return;
}

ap::awaitable<void> asio_batch(Window& w) {
  auto ex = co_await ap::asio::this_coro::executor;
  std::int64_t finished = 0;
  for (int warm = 0; warm < 2; ++warm) {
    if (warm == 1) w.start();
    const std::int64_t base = finished;
    for (std::int64_t done = 0; done < kSpawns; done += kBatch) {
      for (std::int64_t i = 0; i < kBatch; ++i)
        ap::asio::co_spawn(ex, asio_trivial(finished), ap::asio::detached);
      while (finished - base < done + kBatch)
        co_await ap::asio::post(ex, ap::use_awaitable);
    }
  }
  w.stop();
}

ap::awaitable<void> asio_await(Window& w) {
  auto ex = co_await ap::asio::this_coro::executor;
  std::int64_t finished = 0;
  for (int warm = 0; warm < 2; ++warm) {
    if (warm == 1) w.start();
    for (std::int64_t i = 0; i < kSpawns; ++i)
      co_await ap::asio::co_spawn(ex, asio_trivial(finished), ap::use_awaitable);
  }
  w.stop();
}

Best run_asio(bool batch) {
  Best best;
  for (int rep = 0; rep < kReps; ++rep) {
    ap::Context ctx;
    Window w;
    ap::asio::co_spawn(ctx.get_executor(), batch ? asio_batch(w) : asio_await(w), ap::asio::detached);
    ctx.run();
    best.add(w.sample());
  }
  return best;
}
#endif

}  // namespace

// Usage: bench_spawn [aiopi|asio|all]
int main(int argc, char** argv) {
  for (bool batch : {true, false}) {
    const char* mode = batch ? "batch" : "await";
    if (selected(argc, argv, "aiopi")) {
      const Best b = run_aiopi(batch);
      Json("spawn", "aiopi")
          .str("mode", mode)
          .num("ns_per_op", b.ns_per_op)
          .num("allocs_per_op", b.allocs_per_op, 4)
          .print();
    }
#if AIOPI_BENCH_HAVE_ASIO
    if (selected(argc, argv, "asio")) {
      const Best b = run_asio(batch);
      Json("spawn", "asio")
          .str("mode", mode)
          .num("ns_per_op", b.ns_per_op)
          .num("allocs_per_op", b.allocs_per_op, 4)
          .print();
    }
#endif
  }
  return 0;
}
