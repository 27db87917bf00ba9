// gpio_edge_latency: on the simulated board, the time from an edge being put on an input line to the task
// waiting for it running with the edge in hand. This is the HAL's own cost — edge queued in the line's ring,
// the oldest waiting reader granted it and made ready, the loop switching to it — which every backend pays on
// top of its hardware path (epoll + read() on Linux, the IRQ inbox on the RP2040).
//
// One task waits on `co_await in.next_edge()` in a loop; a driver task reads CLOCK_MONOTONIC, toggles the
// line (SimDigitalInput::drive) and yields; the reader reads the clock as soon as it resumes. Each edge's
// latency is the difference. Reports p50 / p99 / max in ns, the mean as ns_per_op, and heap allocations per
// edge (0: the ring and the wait are in place). The clock reads themselves (~20 ns each) are included.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "aiopi/hal/digital.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_digital.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"
#include "support/bench_util.hpp"

namespace {

using namespace aiopi::bench;

constexpr int kEdges = 200'000;
constexpr int kWarmup = 2'000;
constexpr int kReps = 5;

struct Run {
  std::vector<std::int64_t> latency_ns;
  std::int64_t injected_at = 0;
  std::uint64_t a0 = 0, a1 = 0;
  std::int64_t t0 = 0, t1 = 0;
  Run() { latency_ns.reserve(kEdges); }
};

aiopi::Task<> reader(aiopi::hal::DigitalInput& in, Run& r) {
  for (int i = 0; i < kWarmup + kEdges; ++i) {
    auto e = co_await in.next_edge();
    const std::int64_t now = mono_ns();
    if (!e) die("next_edge failed");
    if (i >= kWarmup) r.latency_ns.push_back(now - r.injected_at);
  }
}

aiopi::Task<> driver(aiopi::sim::SimDigitalInput& in, Run& r) {
  bool level = in.level();
  for (int i = 0; i < kWarmup + kEdges; ++i) {
    if (i == kWarmup) {
      r.a0 = allocations();
      r.t0 = mono_ns();
    }
    level = !level;
    r.injected_at = mono_ns();
    in.drive(level);
    co_await aiopi::yield_now();  // the reader runs before the next edge
  }
  r.t1 = mono_ns();
  r.a1 = allocations();
}

aiopi::Task<> bench_main(aiopi::Loop& loop, aiopi::sim::SimDigitalInput& in, Run& r) {
  auto rd = loop.create_task(reader(in, r));
  co_await aiopi::yield_now();  // the reader is waiting before the first edge
  co_await driver(in, r);
  co_await rd;
}

}  // namespace

int main() {
  Distribution best;
  best.mean_ns = 1e300;
  double allocs_per_edge = 0;
  for (int rep = 0; rep < kReps; ++rep) {
    aiopi::sim::SimBackend backend;
    aiopi::Loop loop(backend);
    aiopi::sim::SimDigitalInput in(loop, {.edges = aiopi::hal::EdgeMode::both}, 0);
    Run r;
    loop.run_until_complete(bench_main(loop, in, r));
    if (static_cast<int>(r.latency_ns.size()) != kEdges) die("not every edge reached the reader");
    if (in.dropped() != 0) die("edges were dropped");
    allocs_per_edge = std::max(allocs_per_edge, static_cast<double>(r.a1 - r.a0) / kEdges);
    const Distribution d = distribution(r.latency_ns);
    if (d.mean_ns < best.mean_ns) best = d;
  }
  Json("gpio_edge_latency", "aiopi")
      .str("board", "sim")
      .num("ns_per_op", best.mean_ns)
      .integer("p50_ns", best.p50)
      .integer("p99_ns", best.p99)
      .integer("max_ns", best.max)
      .num("allocs_per_op", allocs_per_edge, 4)
      .print();
  return 0;
}
