// event_pingpong: two tasks hand control back and forth through two events; reports ns per round trip (two
// task switches: ping -> pong -> ping).
//
// aiopi: aiopi::Event ping/pong, each side does set / wait / clear.
// asio has no event; the same handshake is written four ways, each reported with a "variant" field:
// - "channel": asio::experimental::channel<void(error_code)> ping/pong of capacity 0 (rendezvous);
// - "channel1": the same channel with capacity 1 (a send completes without waiting for the receiver);
// - "try_send": capacity 1, set() is a non-suspending try_send (Event::set does not suspend
//   either) and wait() is co_await async_receive;
// - "timer": the classic asio event idiom, a flag plus a steady_timer that never expires: set() cancels the
//   timer, wait() waits on it until the flag is up (errors redirected, no exceptions).
// The cheapest of the four is asio's figure for the goal.
#include <chrono>
#include <cstdint>
#include <cstdlib>

#include "aiopi/event.hpp"
#include "aiopi/frame_allocator.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"
#include "support/bench_util.hpp"

#if AIOPI_BENCH_HAVE_ASIO
#include <boost/asio/experimental/channel.hpp>

#include "support/asio_peer.hpp"
#endif

namespace {

using namespace aiopi::bench;

constexpr std::int64_t kRounds = 500'000;
constexpr std::int64_t kWarmup = 1000;
constexpr int kReps = 5;

struct Window : TimedWindow {
  std::int64_t rounds = kRounds;
  Sample sample() const { return per_op(rounds); }
};

// --- aiopi
// -----------------------------------------------------------------------------------------------------

aiopi::Task<> aiopi_ponger(aiopi::Event& ping, aiopi::Event& pong, std::int64_t rounds) {
  for (std::int64_t i = 0; i < rounds; ++i) {
    co_await ping.wait();
    ping.clear();
    pong.set();
  }
}

aiopi::Task<> aiopi_pinger(aiopi::Loop& loop, Window& w) {
  aiopi::Event ping, pong;
  auto other = loop.create_task(aiopi_ponger(ping, pong, kWarmup + kRounds));
  for (std::int64_t i = 0; i < kWarmup + kRounds; ++i) {
    if (i == kWarmup) w.start();
    ping.set();
    co_await pong.wait();
    pong.clear();
  }
  w.stop();
  co_await other;
}

Best run_aiopi() {
  aiopi::os_linux::LinuxBackend backend;
  aiopi::Loop loop(backend);
  Best best;
  for (int rep = 0; rep < kReps; ++rep) {
    Window w;
    loop.run_until_complete(aiopi_pinger(loop, w));
    best.add(w.sample());
  }
  return best;
}

// --- asio
// ------------------------------------------------------------------------------------------------------

#if AIOPI_BENCH_HAVE_ASIO
namespace ap = asio_peer;
using Channel = ap::asio::experimental::channel<ap::Executor, void(boost::system::error_code)>;

ap::awaitable<void> channel_ponger(Channel& ping, Channel& pong, std::int64_t rounds) {
  for (std::int64_t i = 0; i < rounds; ++i) {
    co_await ping.async_receive(ap::use_awaitable);
    co_await pong.async_send(boost::system::error_code{}, ap::use_awaitable);
  }
}

ap::awaitable<void> channel_pinger(Channel& ping, Channel& pong, Window& w) {
  for (std::int64_t i = 0; i < kWarmup + kRounds; ++i) {
    if (i == kWarmup) w.start();
    co_await ping.async_send(boost::system::error_code{}, ap::use_awaitable);
    co_await pong.async_receive(ap::use_awaitable);
  }
  w.stop();
}

ap::awaitable<void> try_send_ponger(Channel& ping, Channel& pong, std::int64_t rounds) {
  for (std::int64_t i = 0; i < rounds; ++i) {
    co_await ping.async_receive(ap::use_awaitable);
    if (!pong.try_send(boost::system::error_code{})) die("asio try_send: pong was not delivered");
  }
}

ap::awaitable<void> try_send_pinger(Channel& ping, Channel& pong, Window& w) {
  for (std::int64_t i = 0; i < kWarmup + kRounds; ++i) {
    if (i == kWarmup) w.start();
    if (!ping.try_send(boost::system::error_code{})) die("asio try_send: ping was not delivered");
    co_await pong.async_receive(ap::use_awaitable);
  }
  w.stop();
}

Best run_asio_try_send() {
  Best best;
  for (int rep = 0; rep < kReps; ++rep) {
    ap::Context ctx;
    Channel ping(ctx.get_executor(), 1), pong(ctx.get_executor(), 1);
    Window w;
    ap::asio::co_spawn(ctx.get_executor(), try_send_ponger(ping, pong, kWarmup + kRounds),
                       ap::asio::detached);
    ap::asio::co_spawn(ctx.get_executor(), try_send_pinger(ping, pong, w), ap::asio::detached);
    ctx.run();
    best.add(w.sample());
  }
  return best;
}

Best run_asio_channel(std::size_t capacity) {
  Best best;
  for (int rep = 0; rep < kReps; ++rep) {
    ap::Context ctx;
    Channel ping(ctx.get_executor(), capacity), pong(ctx.get_executor(), capacity);
    Window w;
    ap::asio::co_spawn(ctx.get_executor(), channel_ponger(ping, pong, kWarmup + kRounds), ap::asio::detached);
    ap::asio::co_spawn(ctx.get_executor(), channel_pinger(ping, pong, w), ap::asio::detached);
    ctx.run();
    best.add(w.sample());
  }
  return best;
}

/// asyncio.Event semantics on asio: a flag and a timer that never expires, cancelled to wake the waiters.
class TimerEvent {
 public:
  explicit TimerEvent(const ap::Executor& ex) : timer_(ex, ap::Timer::time_point::max()) {}
  void set() {
    flag_ = true;
    timer_.cancel();
  }
  void clear() noexcept { flag_ = false; }
  ap::awaitable<void> wait() {
    while (!flag_) {
      boost::system::error_code ec;
      co_await timer_.async_wait(ap::asio::redirect_error(ap::use_awaitable, ec));
    }
  }

 private:
  ap::Timer timer_;
  bool flag_ = false;
};

ap::awaitable<void> timer_ponger(TimerEvent& ping, TimerEvent& pong, std::int64_t rounds) {
  for (std::int64_t i = 0; i < rounds; ++i) {
    co_await ping.wait();
    ping.clear();
    pong.set();
  }
}

ap::awaitable<void> timer_pinger(TimerEvent& ping, TimerEvent& pong, Window& w) {
  for (std::int64_t i = 0; i < kWarmup + w.rounds; ++i) {
    if (i == kWarmup) w.start();
    ping.set();
    co_await pong.wait();
    pong.clear();
  }
  w.stop();
}

Best run_asio_timer() {
  Best best;
  for (int rep = 0; rep < kReps; ++rep) {
    ap::Context ctx;
    TimerEvent ping(ctx.get_executor()), pong(ctx.get_executor());
    Window w;
    w.rounds = kRounds / 10;  // ~2 us a round: a tenth of the rounds is plenty
    ap::asio::co_spawn(ctx.get_executor(), timer_ponger(ping, pong, kWarmup + w.rounds), ap::asio::detached);
    ap::asio::co_spawn(ctx.get_executor(), timer_pinger(ping, pong, w), ap::asio::detached);
    ctx.run();
    best.add(w.sample());
  }
  return best;
}
#endif

void print(const char* impl, const Best& b, const char* variant = nullptr) {
  Json j("event_pingpong", impl);
  j.num("ns_per_op", b.ns_per_op).num("allocs_per_op", b.allocs_per_op, 4);
  if (variant != nullptr) j.str("variant", variant);
  j.print();
}

}  // namespace

// Usage: bench_event [aiopi|asio|all]
int main(int argc, char** argv) {
  if (selected(argc, argv, "aiopi")) print("aiopi", run_aiopi());
#if AIOPI_BENCH_HAVE_ASIO
  if (selected(argc, argv, "asio")) {
    print("asio", run_asio_channel(0), "channel");
    print("asio", run_asio_channel(1), "channel1");
    print("asio", run_asio_try_send(), "try_send");
    print("asio", run_asio_timer(), "timer");
  }
#endif
  return 0;
}
