// uart_throughput: bytes per second through the aiopi UART streams over a pseudo-terminal pair, on the Linux
// loop, and heap allocations per byte in steady state (must be 0: the rings are allocated when the port is
// opened, every wait lives in its frame, epoll re-arming allocates nothing).
//
// The slave side is an os_linux::Uart (termios raw mode, 115200 8N1 asked for: a pty ignores the speed);
// the master side is an os_linux::FdStream. Two directions, one JSON line each:
//   rx  the master's writer -> the kernel -> the UART's reader   (what a program receiving from a device
//   sees) tx  the UART's writer -> the kernel -> the master's reader   (what a program sending to a device
//   sees)
// A producer task queues 4 KiB chunks with write_all (waiting for room as the kernel takes them), a consumer
// task takes up to 16 KiB per read(). Rings are 64 KiB each way. A checksum proves no byte was lost or
// reordered. The figure is the best of the repetitions (the least disturbed by other load); the allocation
// rate is the worst. ns_per_op is nanoseconds per byte.
//
// impl "bare" is the pty itself for comparison: the same bytes in the same chunks, a writer thread doing
// blocking write() on one side and the main thread blocking read() on the other (no loop, no rings).
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <thread>

#include "aiopi/hal/stream.hpp"
#include "aiopi/linux/fd_stream.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/linux/uart.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"
#include "support/bench_util.hpp"

namespace {

using namespace aiopi::bench;
namespace hal = aiopi::hal;
namespace os_linux = aiopi::os_linux;

constexpr std::int64_t kBytes = 16 * 1024 * 1024;
constexpr std::int64_t kWarmup = 1024 * 1024;
constexpr std::size_t kChunk = 4096;
constexpr std::size_t kRing = 64 * 1024;
constexpr int kReps = 3;

struct Window : TimedWindow {
  std::int64_t measured = 0;
  std::uint64_t checksum = 0;
};

std::array<std::uint8_t, kChunk> make_chunk() {
  std::array<std::uint8_t, kChunk> c{};
  for (std::size_t i = 0; i < c.size(); ++i)
    c[i] = static_cast<std::uint8_t>(i * 31 + i / 251);
  return c;
}

std::uint64_t mix(std::uint64_t sum, std::span<const std::uint8_t> bytes, std::int64_t offset) {
  for (std::size_t i = 0; i < bytes.size(); ++i)
    sum += bytes[i] * static_cast<std::uint64_t>((offset + static_cast<std::int64_t>(i)) % 65521 + 1);
  return sum;
}

aiopi::Task<> produce(hal::StreamWriter& w, std::span<const std::uint8_t> chunk) {
  for (std::int64_t sent = 0; sent < kWarmup + kBytes; sent += static_cast<std::int64_t>(chunk.size())) {
    auto r = co_await w.write_all(chunk);
    if (!r) die(r.error().what);
  }
}

aiopi::Task<> consume(aiopi::Loop& loop, hal::StreamWriter& w, hal::StreamReader& r,
                      std::span<const std::uint8_t> chunk, Window& win) {
  auto producer = loop.create_task(produce(w, chunk));
  static std::array<std::uint8_t, 16384> buf;
  std::int64_t got = 0;
  std::int64_t start = -1;
  while (got < kWarmup + kBytes) {
    if (start < 0 && got >= kWarmup) {
      start = got;
      win.start();
    }
    auto part = co_await r.read(buf);
    if (!part || part->empty()) die("the stream ended early");
    win.checksum = mix(win.checksum, *part, got);
    got += static_cast<std::int64_t>(part->size());
  }
  win.stop();
  win.measured = got - start;
  co_await producer;
}

int open_master(std::string& slave) {
  const int m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) die("posix_openpt failed");
  termios t{};
  if (tcgetattr(m, &t) == 0) {
    cfmakeraw(&t);
    tcsetattr(m, TCSANOW, &t);
  }
  char name[128];
  if (ptsname_r(m, name, sizeof name) != 0) die("ptsname failed");
  slave = name;
  return m;
}

void run(bool rx) {
  const auto chunk = make_chunk();
  std::uint64_t expected = 0;
  for (std::int64_t off = 0; off < kWarmup + kBytes; off += kChunk)
    expected = mix(expected, chunk, off);
  double best_ns_per_byte = 1e300;
  double worst_allocs = 0;
  for (int rep = 0; rep < kReps; ++rep) {
    os_linux::LinuxBackend backend;
    aiopi::Loop loop(backend);
    std::string slave;
    const int master_fd = open_master(slave);
    auto uart = os_linux::Uart::open(loop, slave, {.baud = 115200}, {.buffers = {.rx = kRing, .tx = kRing}});
    if (!uart) die(uart.error().message.c_str());
    os_linux::FdStream master(loop, master_fd, os_linux::FdKind::other, {.rx = kRing, .tx = kRing});
    Window win;
    if (rx) {
      loop.run_until_complete(consume(loop, master.writer(), uart->reader(), chunk, win));
    } else {
      loop.run_until_complete(consume(loop, uart->writer(), master.reader(), chunk, win));
    }
    if (win.checksum != expected) die("bytes were lost, doubled or reordered");
    const Sample s = win.per_op(win.measured);
    best_ns_per_byte = std::min(best_ns_per_byte, s.ns_per_op);
    worst_allocs = std::max(worst_allocs, s.allocs_per_op);
  }
  Json("uart_throughput", "aiopi")
      .str("transport", "pty")
      .str("direction", rx ? "rx" : "tx")
      .num("bytes_per_s", 1e9 / best_ns_per_byte, 0)
      .num("mib_per_s", 1e9 / best_ns_per_byte / (1024.0 * 1024.0), 1)
      .num("ns_per_op", best_ns_per_byte, 3)
      .str("unit", "byte")
      .num("allocs_per_op", worst_allocs, 6)
      .integer("bytes", kBytes)
      .integer("chunk", static_cast<std::int64_t>(kChunk))
      .integer("ring", static_cast<std::int64_t>(kRing))
      .print();
}

void run_bare(bool rx) {
  const auto chunk = make_chunk();
  double best_ns_per_byte = 1e300;
  for (int rep = 0; rep < kReps; ++rep) {
    std::string slave;
    const int master = open_master(slave);
    const int slave_fd = ::open(slave.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave_fd < 0) die("open slave failed");
    termios t{};
    tcgetattr(slave_fd, &t);
    cfmakeraw(&t);
    tcsetattr(slave_fd, TCSANOW, &t);
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) & ~O_NONBLOCK);
    const int out = rx ? master : slave_fd;
    const int in = rx ? slave_fd : master;
    std::thread writer([&] {
      for (std::int64_t sent = 0; sent < kWarmup + kBytes;) {
        const ssize_t n = ::write(out, chunk.data(), chunk.size());
        if (n <= 0) die("bare write failed");
        sent += n;
        if (static_cast<std::size_t>(n) != chunk.size()) die("bare: a short write");
      }
    });
    static std::array<std::uint8_t, 16384> buf;
    std::int64_t got = 0;
    std::int64_t t0 = 0, start = -1;
    while (got < kWarmup + kBytes) {
      if (start < 0 && got >= kWarmup) {
        start = got;
        t0 = mono_ns();
      }
      const ssize_t n = ::read(in, buf.data(), buf.size());
      if (n <= 0) die("bare read failed");
      got += n;
    }
    const std::int64_t t1 = mono_ns();
    writer.join();
    ::close(slave_fd);
    ::close(master);
    best_ns_per_byte =
        std::min(best_ns_per_byte, static_cast<double>(t1 - t0) / static_cast<double>(got - start));
  }
  Json("uart_throughput", "bare")
      .str("transport", "pty")
      .str("direction", rx ? "rx" : "tx")
      .num("bytes_per_s", 1e9 / best_ns_per_byte, 0)
      .num("mib_per_s", 1e9 / best_ns_per_byte / (1024.0 * 1024.0), 1)
      .num("ns_per_op", best_ns_per_byte, 3)
      .str("unit", "byte")
      .integer("bytes", kBytes)
      .integer("chunk", static_cast<std::int64_t>(kChunk))
      .print();
}

}  // namespace

// argv[1]: "aiopi" or "bare" (both by default).
int main(int argc, char** argv) {
  if (selected(argc, argv, "aiopi")) {
    run(true);
    run(false);
  }
  if (selected(argc, argv, "bare")) {
    run_bare(true);
    run_bare(false);
  }
  return 0;
}
