// sleepers_memory: 100,000 tasks each sleep once for a random 1..1000 ms; reports the memory one sleeping
// task costs, measured at the moment all of them are asleep.
//
// Fields:
// - bytes_per_task: aiopi: growth of the frame allocator's bytes_in_use (frame + control block,
//   rounded to its 16-byte classes) / tasks. asio: its heap_bytes_per_task (no allocator to ask).
// - heap_bytes_per_task: growth of the bytes held in malloc blocks (every malloc/new/aligned_alloc
//   counted with malloc_usable_size, so malloc's rounding is included) / tasks; for aiopi, the frame
//   allocator's slabs.
// - rss_bytes_per_task: growth of the resident set / tasks (slab tails, malloc headers, page rounding).
// - ns_per_op: time to create and start one sleeper (from the first create to all asleep) / tasks.
// - allocs_per_op: heap allocations per task in the second (warm) round. cold_allocs_per_op: the same in the
//   first round, where aiopi's frame allocator still obtains its 32 KiB slabs (one malloc per ~170 sleepers).
//   The memory figures come from the first round, in a fresh process.
// - block_bytes: the one allocation a sleeper makes (seen by a recording allocator): its control block and
//   its coroutine frame, which share a block.
// - tcb_bytes: the control block's share (aiopi::detail::kTaskBaseSpan; a Task<void> has no result bytes).
// - frame_bytes: the coroutine frame as the compiler laid it out (block_bytes - tcb_bytes).
//
// Each implementation runs in its own process (argv[1]: aiopi, sim, asio) so RSS figures do not mix.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "aiopi/event.hpp"
#include "aiopi/frame_allocator.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"
#include "support/bench_util.hpp"

#if AIOPI_BENCH_HAVE_ASIO
#include "support/asio_peer.hpp"
#endif

namespace {

using namespace aiopi::bench;
using namespace std::chrono_literals;

constexpr std::int64_t kTasks = 100'000;

struct Snapshot {
  std::int64_t frame_bytes = 0;
  std::int64_t heap_bytes = 0;
  std::int64_t rss = 0;
  std::uint64_t allocs = 0;
  std::int64_t ns = 0;
  static Snapshot take() noexcept {
    return {static_cast<std::int64_t>(aiopi::default_frame_allocator_stats().bytes_in_use), live_heap_bytes(),
            rss_bytes(), allocations(), mono_ns()};
  }
};

/// One round: the figures at the start and when all tasks sleep.
struct Round {
  Snapshot before, asleep;
  double per_task(std::int64_t Snapshot::*field) const noexcept {
    return static_cast<double>(asleep.*field - before.*field) / kTasks;
  }
  double allocs_per_task() const noexcept {
    return static_cast<double>(asleep.allocs - before.allocs) / kTasks;
  }
};

struct Shared {
  std::int64_t remaining = kTasks;
  aiopi::Event all_done;
};

aiopi::Task<> sleeper(std::int64_t ms, Shared& s) {
  co_await aiopi::sleep(std::chrono::milliseconds(ms));
  if (--s.remaining == 0) s.all_done.set();
}

/// Passes allocations through to the default allocator and remembers the sizes asked for.
class RecordingAllocator final : public aiopi::FrameAllocator {
 public:
  explicit RecordingAllocator(aiopi::FrameAllocator& next) noexcept : next_(next) {}
  void* allocate(std::size_t size) noexcept override {
    if (count_ < 4) sizes_[count_++] = size;
    return next_.allocate(size);
  }
  void deallocate(void* block, std::size_t size) noexcept override { next_.deallocate(block, size); }
  std::size_t size(int i) const noexcept { return sizes_[i]; }

 private:
  aiopi::FrameAllocator& next_;
  std::size_t sizes_[4] = {};
  int count_ = 0;
};

/// The block size of one sleeper: calling the coroutine allocates its block and nothing else.
std::size_t sleeper_block_size() {
  RecordingAllocator rec(aiopi::frame_allocator());
  aiopi::set_frame_allocator(&rec);
  Shared s;
  { auto t = sleeper(1, s); }
  aiopi::set_frame_allocator(nullptr);
  return rec.size(0);
}

aiopi::Task<> aiopi_main(aiopi::Loop& loop, Round& r) {
  Shared s;
  Rng rng(42);
  r.before = Snapshot::take();
  for (std::int64_t i = 0; i < kTasks; ++i)
    loop.create_task(sleeper(rng.between(1, 1000), s));
  // FIFO: every sleeper runs (and arms its timer) before this task resumes. Sleepers whose timer fired
  // meanwhile are queued behind it, not yet finished, so all 100,000 frames are alive here.
  co_await aiopi::yield_now();
  r.asleep = Snapshot::take();
  co_await s.all_done.wait();
}

template <class Backend>
void run_aiopi(const char* backend_name) {
  const std::size_t block = sleeper_block_size();
  Backend backend;
  aiopi::Loop loop(backend);
  Round cold, warm;
  loop.run_until_complete(aiopi_main(loop, cold));
  loop.run_until_complete(aiopi_main(loop, warm));
  Json("sleepers_memory", "aiopi")
      .str("backend", backend_name)
      .integer("tasks", kTasks)
      .num("ns_per_op", std::min(cold.per_task(&Snapshot::ns), warm.per_task(&Snapshot::ns)))
      .num("allocs_per_op", warm.allocs_per_task(), 4)
      .num("cold_allocs_per_op", cold.allocs_per_task(), 4)
      .num("bytes_per_task", cold.per_task(&Snapshot::frame_bytes), 1)
      .num("heap_bytes_per_task", cold.per_task(&Snapshot::heap_bytes), 1)
      .num("rss_bytes_per_task", cold.per_task(&Snapshot::rss), 1)
      .integer("block_bytes", static_cast<std::int64_t>(block))
      .integer("tcb_bytes", static_cast<std::int64_t>(aiopi::detail::kTaskBaseSpan))
      .integer("frame_bytes", static_cast<std::int64_t>(block - aiopi::detail::kTaskBaseSpan))
      .print();
}

#if AIOPI_BENCH_HAVE_ASIO
namespace ap = asio_peer;

struct AsioShared {
  std::int64_t remaining = kTasks;
  Round round;
};

ap::awaitable<void> asio_sleeper(std::int64_t ms, AsioShared& s) {
  ap::Timer timer(co_await ap::asio::this_coro::executor);
  timer.expires_after(std::chrono::milliseconds(ms));
  co_await timer.async_wait(ap::use_awaitable);
  --s.remaining;
}

ap::awaitable<void> asio_main(AsioShared& s) {
  auto ex = co_await ap::asio::this_coro::executor;
  Rng rng(42);
  s.round.before = Snapshot::take();
  for (std::int64_t i = 0; i < kTasks; ++i)
    ap::asio::co_spawn(ex, asio_sleeper(rng.between(1, 1000), s), ap::asio::detached);
  // co_spawn starts each coroutine through the executor; wait until all have armed their timers.
  co_await ap::asio::post(ex, ap::use_awaitable);
  co_await ap::asio::post(ex, ap::use_awaitable);
  s.round.asleep = Snapshot::take();
}

Round asio_round() {
  ap::Context ctx;
  AsioShared s;
  ap::asio::co_spawn(ctx.get_executor(), asio_main(s), ap::asio::detached);
  ctx.run();
  if (s.remaining != 0) {
    std::fprintf(stderr, "bench_sleepers: %lld asio sleepers did not finish\n",
                 static_cast<long long>(s.remaining));
  }
  return s.round;
}

void run_asio() {
  const Round cold = asio_round();
  const Round warm = asio_round();
  Json("sleepers_memory", "asio")
      .integer("tasks", kTasks)
      .num("ns_per_op", std::min(cold.per_task(&Snapshot::ns), warm.per_task(&Snapshot::ns)))
      .num("allocs_per_op", warm.allocs_per_task(), 4)
      .num("cold_allocs_per_op", cold.allocs_per_task(), 4)
      .num("bytes_per_task", cold.per_task(&Snapshot::heap_bytes), 1)
      .num("heap_bytes_per_task", cold.per_task(&Snapshot::heap_bytes), 1)
      .num("rss_bytes_per_task", cold.per_task(&Snapshot::rss), 1)
      .print();
}
#endif

}  // namespace

// Usage: bench_sleepers [aiopi|sim|asio|all]  (one at a time gives clean RSS figures)
int main(int argc, char** argv) {
  if (selected(argc, argv, "aiopi")) run_aiopi<aiopi::os_linux::LinuxBackend>("linux");
  if (selected(argc, argv, "sim")) run_aiopi<aiopi::sim::SimBackend>("sim");
#if AIOPI_BENCH_HAVE_ASIO
  if (selected(argc, argv, "asio")) run_asio();
#endif
  return 0;
}
