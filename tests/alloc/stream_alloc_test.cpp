// Zero heap allocation per steady-state byte-stream operation: every StreamReader call (read, readexactly,
// readline, readuntil) and StreamWriter call (write, write_all, drain) awaited over a simulated stream pair,
// waits included (each round trip suspends both tasks). The rings are allocated when the pair is made; the
// awaiters live in the frames.
#include <gtest/gtest.h>

#include <array>

#include "aiopi/hal/stream.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_stream_pair.hpp"
#include "aiopi/task_handle.hpp"
#include "alloc_counter.hpp"

namespace aiopi::testing {
namespace {

constexpr int kRounds = 1000;

TEST(StreamAlloc, ReadingAndWritingAStreamDoNotAllocate) {
  sim::SimBackend backend;
  Loop loop{backend};
  sim::SimStreamPair link({.rx = 64, .tx = 64}, {.rx = 64, .tx = 64});
  // The far end answers each line with a 4-byte header, a "\r\n"-terminated word and 100 bytes of payload,
  // the payload queued with write_all (more than the 64-byte ring: it waits for room).
  auto device = [&]() -> Task<> {
    std::array<std::uint8_t, 32> buf;
    std::array<std::uint8_t, 100> payload{};
    for (;;) {
      auto line = co_await link.b().reader().readline(buf);
      if (!line || line->empty()) co_return;
      if (!link.b().writer().write("HDR:").ok()) co_return;
      if (!link.b().writer().write("word\r\n").ok()) co_return;
      if (!(co_await link.b().writer().write_all(payload)).ok()) co_return;
    }
  };
  auto round = [&](std::array<std::uint8_t, 128>& buf) -> Task<bool> {
    auto& a = link.a();
    if (!a.writer().write("next\n").ok()) co_return false;
    if (!(co_await a.writer().drain()).ok()) co_return false;
    auto hdr = co_await a.reader().readexactly(std::span(buf).first(4));
    auto word = co_await a.reader().readuntil(buf, "\r\n");
    std::size_t got = 0;
    while (got < 100) {
      auto part = co_await a.reader().read(std::span(buf).first(100 - got));
      if (!part || part->empty()) co_return false;
      got += part->size();
    }
    co_return hdr.ok() && word.ok() && word->size() == 6;
  };
  auto main_task = [&]() -> Task<std::size_t> {
    auto d = loop.create_task(device());
    std::array<std::uint8_t, 128> buf;
    EXPECT_TRUE(co_await round(buf));  // warm-up: the round's frame is recycled from here on
    AllocationScope scope;
    int ok = 0;
    for (int i = 0; i < kRounds; ++i)
      ok += (co_await round(buf)) ? 1 : 0;
    const std::size_t n = scope.count();
    EXPECT_EQ(ok, kRounds);
    link.a().writer().close();
    co_await d;
    co_return n;
  };
  EXPECT_EQ(loop.run_until_complete(main_task()), 0u);
}

}  // namespace
}  // namespace aiopi::testing
