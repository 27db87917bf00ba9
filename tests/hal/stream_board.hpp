// The boards the byte-stream conformance suite (stream_conformance_test.cpp) runs against, and what the suite
// asks of them. Each board opens one stream under test (a hal::ByteStream) and plays its far end, the peer:
//
//   static kName                     the board's name in test names
//   static kPeerEof                  the peer can end the stream with an EOF (a UART has no EOF: false there)
//   static kTimedPeer                the peer runs on virtual time (exact times may be asserted)
//   loop, now_us(), run(task)
//   open(sizes) / stream() / destroy()   the stream under test with its ring sizes, and its destruction
//   send(bytes)                      the peer sends bytes now
//   arrived(n)                       (Task) waits until the reader holds at least n bytes
//   send_eof()                       the peer ends the stream
//   break_line()                     the link fails: reads end with an error after the buffered bytes,
//                                    writes fail
//   pause_peer() / resume_peer()     the peer stops / starts reading what the stream writes
//   peer_read(n)                     (Task) the next n bytes the peer got
//   peer_sees_end()                  (Task) true once the peer saw the stream end after its bytes
//
// The simulated boards live here; the Linux ones (a pty pair, a TCP loopback pair) in
// stream_linux_boards.hpp, in a test program of their own (the sim and Linux defaults do not link together).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "aiopi/aiopi.hpp"
#include "aiopi/hal/stream.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_stream_pair.hpp"
#include "aiopi/sim/sim_uart.hpp"
#include "board.hpp"

namespace aiopi::hal_testing {

/// Waits (sleeping 1 ms at a time, at most `limit_ms` times) until `pred()` holds; true if it did. On the
/// virtual clock this costs nothing; on a real loop it waits for the kernel, and the limit is only a safety
/// net (no test depends on how long it takes).
template <class Pred>
Task<bool> eventually(Pred pred, int limit_ms = 10000) {
  for (int i = 0; i < limit_ms; ++i) {
    if (pred()) co_return true;
    co_await sleep(1ms);
  }
  co_return pred();
}

/// The simulated UART with its scripted peer.
struct SimUartBoard {
  static constexpr const char* kName = "sim_uart";
  static constexpr bool kPeerEof = true;
  static constexpr bool kTimedPeer = true;

  sim::SimBackend backend;
  Loop loop{backend};
  std::unique_ptr<sim::SimUart> uart;
  std::size_t peer_cursor = 0;

  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }
  template <class T>
  T run(Task<T> main) {
    return loop.run_until_complete(std::move(main));
  }

  hal::ByteStream& open(hal::BufferSizes sizes) {
    uart = std::make_unique<sim::SimUart>(loop, hal::UartConfig{}, sizes);
    return *uart;
  }
  hal::ByteStream& stream() { return *uart; }
  void destroy() { uart.reset(); }

  void send(std::string_view bytes) { uart->receive(bytes); }
  Task<bool> arrived(std::size_t n) {
    return eventually([this, n] { return uart->reader().buffered() >= n; });
  }
  void send_eof() { uart->receive_eof(); }
  void break_line() {
    uart->schedule_error(0ms, hal::IoErrc::io);
    uart->fail_writes(hal::IoErrc::io);
  }
  void pause_peer() { uart->pause_peer(); }
  void resume_peer() { uart->resume_peer(); }
  Task<std::string> peer_read(std::size_t n) {
    co_await eventually([this, n] { return uart->written_text().size() >= peer_cursor + n; });
    std::string got = uart->written_text().substr(peer_cursor, n);
    peer_cursor += got.size();
    co_return got;
  }
  Task<bool> peer_sees_end() {
    co_return co_await eventually([this] { return uart->closed(); });
  }
};

/// A simulated pair of streams: the peer is the far end (b), read and written through its own reader and
/// writer.
struct SimPipeBoard {
  static constexpr const char* kName = "sim_pipe";
  static constexpr bool kPeerEof = true;
  static constexpr bool kTimedPeer = false;

  sim::SimBackend backend;
  Loop loop{backend};
  std::unique_ptr<sim::SimStreamPair> pair;
  bool peer_paused = false;

  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }
  template <class T>
  T run(Task<T> main) {
    return loop.run_until_complete(std::move(main));
  }

  hal::ByteStream& open(hal::BufferSizes sizes) {
    // The peer's rings are small too, so that a peer that does not read pushes back at once.
    pair = std::make_unique<sim::SimStreamPair>(sizes, hal::BufferSizes{.rx = 64, .tx = 4096});
    return pair->a();
  }
  hal::ByteStream& stream() { return pair->a(); }
  hal::ByteStream& peer() { return pair->b(); }
  void destroy() { pair.reset(); }

  void send(std::string_view bytes) {
    auto r = peer().writer().write(bytes);
    EXPECT_TRUE(r.ok()) << r.error().what;
  }
  Task<bool> arrived(std::size_t n) {
    return eventually([this, n] { return stream().reader().buffered() >= n; });
  }
  void send_eof() { peer().writer().close(); }
  void break_line() { pair->fail(hal::IoErrc::io); }
  void pause_peer() { peer_paused = true; }
  void resume_peer() { peer_paused = false; }
  Task<std::string> peer_read(std::size_t n) {
    std::string got;
    std::array<std::uint8_t, 256> buf;
    while (got.size() < n) {
      const std::size_t want = std::min(buf.size(), n - got.size());
      auto r = co_await peer().reader().read(std::span(buf).first(want));
      if (!r || r->empty()) break;
      got.append(hal::as_text(*r));
    }
    co_return got;
  }
  Task<bool> peer_sees_end() {
    std::array<std::uint8_t, 64> buf;
    for (;;) {
      auto r = co_await peer().reader().read(buf);
      if (!r) co_return false;
      if (r->empty()) co_return true;
    }
  }
};

}  // namespace aiopi::hal_testing
