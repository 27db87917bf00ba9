// timer_lateness: 1000 tasks each sleep 20 times for a random 1..50 ms on the real clock; lateness is the
// CLOCK_MONOTONIC time (ns) read right after the task resumes minus the deadline it asked for (the clock read
// just before the sleep plus the duration). Reports p50/p99/max in microseconds, the mean in ns as ns_per_op,
// and heap allocations per sleep during the run.
//
//   aiopi: co_await aiopi::sleep(ms) on the Linux loop (epoll + one timerfd for the earliest deadline).
//   asio:  steady_timer::expires_after + co_await async_wait(use_awaitable), one timer per task, reused.
//   bare:  no coroutines: a binary heap of deadlines, one absolute timerfd armed for the earliest (nanosecond
//          precision), epoll_wait, then every due entry is "resumed" in deadline order. The floor any loop
//          can reach on this kernel and machine.
//
// Every implementation runs twice: "sched":"other" (the normal time-sharing class, where other processes on
// the machine delay a wake-up by up to a scheduler slice) and, when permitted, "sched":"fifo" (SCHED_FIFO
// priority 10, so a wake-up preempts other load at once and the figure is the loop's own). The allocation
// window opens once every task has started (task creation is not a sleep).
#include <sched.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <queue>
#include <string>
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

constexpr int kTasks = 1000;
constexpr int kSleeps = 20;

struct Samples {
  std::vector<std::int64_t> lateness_ns;
  std::int64_t remaining = kTasks;
  std::uint64_t a0 = 0, a1 = 0;
  Samples() { lateness_ns.reserve(kTasks * kSleeps); }
};

// --- aiopi
// -----------------------------------------------------------------------------------------------------

aiopi::Task<> aiopi_sleeper(std::uint64_t seed, Samples& s, aiopi::Event& done) {
  Rng rng(seed);
  for (int i = 0; i < kSleeps; ++i) {
    const std::int64_t ms = rng.between(1, 50);
    const std::int64_t deadline = mono_ns() + ms * 1'000'000;
    co_await aiopi::sleep(std::chrono::milliseconds(ms));
    s.lateness_ns.push_back(mono_ns() - deadline);
  }
  if (--s.remaining == 0) {
    s.a1 = allocations();
    done.set();
  }
}

aiopi::Task<> aiopi_main(aiopi::Loop& loop, Samples& s) {
  aiopi::Event done;
  for (int i = 0; i < kTasks; ++i)
    loop.create_task(aiopi_sleeper(1000 + static_cast<std::uint64_t>(i), s, done));
  co_await aiopi::yield_now();  // every sleeper has started and armed its first timer
  s.a0 = allocations();
  co_await done.wait();
}

void run_aiopi(Samples& s) {
  aiopi::os_linux::LinuxBackend backend;
  aiopi::Loop loop(backend);
  loop.run_until_complete(aiopi_main(loop, s));
}

// --- asio
// ------------------------------------------------------------------------------------------------------

#if AIOPI_BENCH_HAVE_ASIO
namespace ap = asio_peer;

ap::awaitable<void> asio_sleeper(std::uint64_t seed, Samples& s) {
  Rng rng(seed);
  ap::Timer timer(co_await ap::asio::this_coro::executor);
  for (int i = 0; i < kSleeps; ++i) {
    const std::int64_t ms = rng.between(1, 50);
    const std::int64_t deadline = mono_ns() + ms * 1'000'000;
    timer.expires_after(std::chrono::milliseconds(ms));
    co_await timer.async_wait(ap::use_awaitable);
    s.lateness_ns.push_back(mono_ns() - deadline);
  }
  if (--s.remaining == 0) s.a1 = allocations();
}

ap::awaitable<void> asio_main(Samples& s) {
  auto ex = co_await ap::asio::this_coro::executor;
  for (int i = 0; i < kTasks; ++i) {
    ap::asio::co_spawn(ex, asio_sleeper(1000 + static_cast<std::uint64_t>(i), s), ap::asio::detached);
  }
  // co_spawn starts each coroutine through the executor: after two hops all have armed their first timer.
  co_await ap::asio::post(ex, ap::use_awaitable);
  co_await ap::asio::post(ex, ap::use_awaitable);
  s.a0 = allocations();
}

void run_asio(Samples& s) {
  ap::Context ctx;
  ap::asio::co_spawn(ctx.get_executor(), asio_main(s), ap::asio::detached);
  ctx.run();
}
#endif

// --- bare
// ------------------------------------------------------------------------------------------------------

struct Entry {
  std::int64_t deadline;
  int task;
  bool operator>(const Entry& o) const noexcept { return deadline > o.deadline; }
};

void run_bare(Samples& s) {
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  const int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
  std::vector<Rng> rngs;
  std::vector<int> left(kTasks, kSleeps);
  std::vector<Entry> storage;
  storage.reserve(kTasks);
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap(std::greater<>{}, std::move(storage));
  for (int i = 0; i < kTasks; ++i) {
    rngs.emplace_back(1000 + static_cast<std::uint64_t>(i));
    heap.push({mono_ns() + rngs.back().between(1, 50) * 1'000'000, i});
  }
  s.a0 = allocations();
  std::int64_t armed = -1;
  while (!heap.empty()) {
    const std::int64_t next = heap.top().deadline;
    if (next != armed) {
      itimerspec when{};
      when.it_value.tv_sec = next / 1'000'000'000;
      when.it_value.tv_nsec = next % 1'000'000'000;
      timerfd_settime(tfd, TFD_TIMER_ABSTIME, &when, nullptr);
      armed = next;
    }
    epoll_event out[4];
    if (epoll_wait(ep, out, 4, -1) > 0) {
      std::uint64_t n;
      [[maybe_unused]] auto r = read(tfd, &n, sizeof n);
      armed = -1;
    }
    while (!heap.empty() && heap.top().deadline <= mono_ns()) {
      const Entry e = heap.top();
      heap.pop();
      s.lateness_ns.push_back(mono_ns() - e.deadline);
      if (--left[static_cast<std::size_t>(e.task)] > 0) {
        heap.push({mono_ns() + rngs[static_cast<std::size_t>(e.task)].between(1, 50) * 1'000'000, e.task});
      }
    }
  }
  s.a1 = allocations();
  close(tfd);
  close(ep);
}

struct Summary : Distribution {
  double allocs_per_op = 0;
};

Summary summarize(Samples& s) {
  std::vector<std::int64_t>& v = s.lateness_ns;
  if (v.size() != static_cast<std::size_t>(kTasks) * kSleeps) die("not every sleep completed");
  Summary r;
  static_cast<Distribution&>(r) = distribution(v);
  r.allocs_per_op = static_cast<double>(s.a1 - s.a0) / static_cast<double>(v.size());
  return r;
}

/// Prints the repetition with the lowest p99 (the one least disturbed by other load) and every repetition's
/// p99.
void report(const char* impl, const char* sched, const std::vector<Summary>& reps) {
  const Summary* best = &reps.front();
  double allocs = 0;
  std::string all = "[";
  for (const Summary& r : reps) {
    if (r.p99 < best->p99) best = &r;
    allocs = std::max(allocs, r.allocs_per_op);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%.1f", all.size() > 1 ? "," : "", static_cast<double>(r.p99) / 1000.0);
    all += buf;
  }
  all += "]";
  Json("timer_lateness", impl)
      .str("sched", sched)
      .integer("tasks", kTasks)
      .integer("sleeps", kTasks * kSleeps)
      .num("ns_per_op", best->mean_ns, 0)
      .num("allocs_per_op", allocs, 4)
      .num("p50_us", static_cast<double>(best->p50) / 1000.0, 1)
      .num("p99_us", static_cast<double>(best->p99) / 1000.0, 1)
      .num("max_us", static_cast<double>(best->max) / 1000.0, 1)
      .num("min_us", static_cast<double>(best->min) / 1000.0, 1)
      .raw("p99_us_reps", all.c_str())
      .print();
}

}  // namespace

// Usage: bench_timers [aiopi|asio|bare|all]
int main(int argc, char** argv) {
  constexpr int kReps = 3;
  for (const char* sched : {"other", "fifo"}) {
    if (sched[0] == 'f') {
      sched_param param{};
      param.sched_priority = 10;
      if (sched_setscheduler(0, SCHED_FIFO, &param) != 0) {
        std::fprintf(stderr, "bench_timers: SCHED_FIFO not permitted, fifo lines left out\n");
        break;
      }
    }
    // Repetitions interleave the implementations, so a burst of load on the machine hits them alike.
    std::vector<Summary> aiopi_reps, asio_reps, bare_reps;
    for (int rep = 0; rep < kReps; ++rep) {
      if (selected(argc, argv, "aiopi")) {
        Samples s;
        run_aiopi(s);
        aiopi_reps.push_back(summarize(s));
      }
#if AIOPI_BENCH_HAVE_ASIO
      if (selected(argc, argv, "asio")) {
        Samples s;
        run_asio(s);
        asio_reps.push_back(summarize(s));
      }
#endif
      if (selected(argc, argv, "bare")) {
        Samples s;
        run_bare(s);
        bare_reps.push_back(summarize(s));
      }
    }
    if (!aiopi_reps.empty()) report("aiopi", sched, aiopi_reps);
    if (!asio_reps.empty()) report("asio", sched, asio_reps);
    if (!bare_reps.empty()) report("bare", sched, bare_reps);
  }
  return 0;
}
