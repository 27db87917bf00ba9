// queue_throughput / ringbuf_throughput: one producer task, one consumer task, a queue of capacity 64,
// 1,000,000 items; reports ns per item, items per second and allocations per item.
//
// aiopi: aiopi::Queue<int>(64) and aiopi::RingbufQueue<int, 64>, both with awaiting put (waits while full)
// and awaiting get (waits while empty). asio: the closest equivalent,
// asio::experimental::channel<void(error_code, int)> with capacity 64: async_send waits while full,
// async_receive while empty.
#include <cstdint>
#include <memory>

#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/queue.hpp"
#include "aiopi/ringbuf_queue.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"
#include "support/bench_util.hpp"

#if AIOPI_BENCH_HAVE_ASIO
#include <boost/asio/experimental/channel.hpp>

#include "support/asio_peer.hpp"
#endif

namespace {

using namespace aiopi::bench;

constexpr std::int64_t kItems = 1'000'000;
constexpr std::int64_t kWarmup = 10'000;
constexpr int kCapacity = 64;
constexpr int kReps = 5;

struct Window : TimedWindow {
  std::int64_t sum = 0;
  Sample sample() const {
    constexpr std::int64_t expected = (kWarmup + kItems) * (kWarmup + kItems - 1) / 2;
    if (sum != expected) die("items were lost or duplicated");
    return per_op(kItems);
  }
};

// --- aiopi
// -----------------------------------------------------------------------------------------------------

template <class Q>
aiopi::Task<> producer(Q& q) {
  for (std::int64_t i = 0; i < kWarmup + kItems; ++i)
    co_await q.put(static_cast<int>(i));
}

template <class Q>
aiopi::Task<> consumer(aiopi::Loop& loop, Q& q, Window& w) {
  auto p = loop.create_task(producer(q));
  for (std::int64_t i = 0; i < kWarmup + kItems; ++i) {
    if (i == kWarmup) w.start();
    w.sum += co_await q.get();
  }
  w.stop();
  co_await p;
}

template <class MakeQueue>
Best run_aiopi(MakeQueue make) {
  aiopi::os_linux::LinuxBackend backend;
  aiopi::Loop loop(backend);
  Best best;
  for (int rep = 0; rep < kReps; ++rep) {
    auto q = make();
    Window w;
    loop.run_until_complete(consumer(loop, *q, w));
    best.add(w.sample());
  }
  return best;
}

// --- asio
// ------------------------------------------------------------------------------------------------------

#if AIOPI_BENCH_HAVE_ASIO
namespace ap = asio_peer;
using Channel = ap::asio::experimental::channel<ap::Executor, void(boost::system::error_code, int)>;

ap::awaitable<void> asio_producer(Channel& ch) {
  for (std::int64_t i = 0; i < kWarmup + kItems; ++i) {
    co_await ch.async_send(boost::system::error_code{}, static_cast<int>(i), ap::use_awaitable);
  }
}

ap::awaitable<void> asio_consumer(Channel& ch, Window& w) {
  for (std::int64_t i = 0; i < kWarmup + kItems; ++i) {
    if (i == kWarmup) w.start();
    w.sum += co_await ch.async_receive(ap::use_awaitable);
  }
  w.stop();
}

Best run_asio() {
  Best best;
  for (int rep = 0; rep < kReps; ++rep) {
    ap::Context ctx;
    Channel ch(ctx.get_executor(), kCapacity);
    Window w;
    ap::asio::co_spawn(ctx.get_executor(), asio_producer(ch), ap::asio::detached);
    ap::asio::co_spawn(ctx.get_executor(), asio_consumer(ch, w), ap::asio::detached);
    ctx.run();
    best.add(w.sample());
  }
  return best;
}
#endif

void print(const char* name, const char* impl, const Best& b) {
  Json j(name, impl);
  j.num("ns_per_op", b.ns_per_op)
      .num("items_per_s", 1e9 / b.ns_per_op, 0)
      .num("allocs_per_op", b.allocs_per_op, 4)
      .integer("capacity", kCapacity)
      .integer("items", kItems);
  j.print();
}

}  // namespace

// Usage: bench_queue [aiopi|asio|all]
int main(int argc, char** argv) {
  if (selected(argc, argv, "aiopi")) {
    print("queue_throughput", "aiopi",
          run_aiopi([] { return std::make_unique<aiopi::Queue<int>>(kCapacity); }));
    print("ringbuf_throughput", "aiopi",
          run_aiopi([] { return std::make_unique<aiopi::RingbufQueue<int, kCapacity>>(); }));
  }
#if AIOPI_BENCH_HAVE_ASIO
  if (selected(argc, argv, "asio")) {
    const Best asio = run_asio();
    print("queue_throughput", "asio", asio);
    print("ringbuf_throughput", "asio", asio);  // the same channel is asio's closest match for both
  }
#endif
  return 0;
}
