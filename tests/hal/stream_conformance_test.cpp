// Conformance of the byte streams (hal::StreamReader / hal::StreamWriter over a ByteStream), written against
// the HAL and run on every board that has one: the simulated UART and stream pair here (hal_tests), the
// Linux UART over a pty pair and TCP over loopback in stream_linux_tests (the same file, built with
// AIOPI_STREAM_LINUX_BOARDS). The boards and what they must provide: stream_board.hpp.
#include <array>
#include <string>
#include <vector>

#if AIOPI_STREAM_LINUX_BOARDS
#include "stream_linux_boards.hpp"
#else
#include "stream_board.hpp"
#endif

namespace aiopi::hal_testing {
namespace {

using hal::IoErrc;

/// `n` bytes that differ from their neighbours and from other seeds: a lost, doubled or reordered byte shows.
std::string pattern(std::size_t n, unsigned seed = 0) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i)
    s[i] = static_cast<char>('!' + (i * 7 + seed * 13 + i / 91) % 90);
  return s;
}

std::string text(const hal::IoResult<std::span<std::uint8_t>>& r) {
  return r.ok() ? std::string(hal::as_text(*r)) : std::string("<error: ") + r.error().what + ">";
}

template <class B>
class StreamConformance : public ::testing::Test {
 protected:
  B board;
  static constexpr hal::BufferSizes kSizes{.rx = 64, .tx = 64};
  /// The writer's ring of the back-pressure tests, with high / low-water marks at a half and a quarter: a
  /// real link's kernel buffers (a few KiB here) can never take the quarter a drain needs, however long
  /// the test waits, unless the peer reads.
  static constexpr std::size_t kBigTx = 256 * 1024;
  hal::ByteStream& open(hal::BufferSizes sizes = kSizes) { return board.open(sizes); }

  /// Fills the writer above its high-water mark while the peer does not read (the kernel's buffers of a
  /// real link first), writing `pattern` bytes; returns what was written.
  Task<std::string> fill_above_high_water(hal::StreamWriter& w) {
    std::string all;
    const std::size_t chunk = 1024;
    for (int i = 0; i < 100000 && w.buffered() <= w.high_water(); ++i) {
      std::string part = pattern(chunk, static_cast<unsigned>(all.size()));
      auto r = w.write(part);
      if (!r) {
        ADD_FAILURE() << "write: " << r.error().what;
        co_return all;
      }
      all += part;
      if (i % 64 == 63) co_await sleep(0ms);  // lets a real link move bytes into the kernel
    }
    EXPECT_GT(w.buffered(), w.high_water());
    co_return all;
  }
};

#if AIOPI_STREAM_LINUX_BOARDS
using StreamBoards = ::testing::Types<PtyUartBoard, TcpBoard>;
#else
using StreamBoards = ::testing::Types<SimUartBoard, SimPipeBoard>;
#endif
TYPED_TEST_SUITE(StreamConformance, StreamBoards, BoardName);

// ---- reading
// ------------------------------------------------------------------------------------------------

TYPED_TEST(StreamConformance, ReadGivesWhatIsThereUpToTheBufferSize) {
  auto& b = this->board;
  auto& s = this->open();
  auto main_task = [&]() -> Task<> {
    b.send("hello");
    CO_ASSERT(co_await b.arrived(5));
    std::array<std::uint8_t, 3> small;
    EXPECT_EQ(text(co_await s.reader().read(small)), "hel");
    std::array<std::uint8_t, 16> big;
    EXPECT_EQ(text(co_await s.reader().read(big)), "lo");
    auto read_big = [&]() -> Task<std::string> { co_return text(co_await s.reader().read(big)); };
    auto later = create_task(read_big());
    co_await sleep(1ms);
    EXPECT_FALSE(later.done()) << "read waits for at least one byte";
    b.send("x");
    EXPECT_EQ(co_await later, "x");
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, ReadexactlyWaitsForEveryByteAcrossChunks) {
  auto& b = this->board;
  auto& s = this->open();
  std::array<std::uint8_t, 6> six;
  auto reader = [&]() -> Task<std::string> { co_return text(co_await s.reader().readexactly(six)); };
  auto main_task = [&]() -> Task<> {
    auto r = create_task(reader());
    b.send("ab");
    CO_ASSERT(co_await b.arrived(2));
    b.send("cd");
    CO_ASSERT(co_await b.arrived(4));
    EXPECT_FALSE(r.done());
    b.send("efgh");
    EXPECT_EQ(co_await r, "abcdef");
    CO_ASSERT(co_await b.arrived(2));
    std::array<std::uint8_t, 8> rest;
    EXPECT_EQ(text(co_await s.reader().read(rest)), "gh");
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, ReadlineAcrossChunkBoundaries) {
  auto& b = this->board;
  auto& s = this->open();
  std::vector<std::string> lines;
  auto reader = [&]() -> Task<> {
    std::array<std::uint8_t, 32> buf;
    for (int i = 0; i < 3; ++i)
      lines.push_back(text(co_await s.reader().readline(buf)));
  };
  auto main_task = [&]() -> Task<> {
    auto r = create_task(reader());
    b.send("first li");
    CO_ASSERT(co_await b.arrived(8));
    b.send("ne\nsecond line\nth");
    CO_ASSERT(co_await eventually([&] { return lines.size() == 2; }));
    b.send("ird\n");
    co_await r;
  };
  b.run(main_task());
  EXPECT_EQ(lines, (std::vector<std::string>{"first line\n", "second line\n", "third\n"}));
}

TYPED_TEST(StreamConformance, ReaduntilFindsAMultiByteSeparatorSplitAcrossChunks) {
  auto& b = this->board;
  auto& s = this->open();
  std::vector<std::string> got;
  auto reader = [&]() -> Task<> {
    std::array<std::uint8_t, 16> buf;
    for (int i = 0; i < 2; ++i)
      got.push_back(text(co_await s.reader().readuntil(buf, "\r\n")));
  };
  auto main_task = [&]() -> Task<> {
    auto r = create_task(reader());
    b.send("AT\r");
    CO_ASSERT(co_await b.arrived(3));
    b.send("\nOK\r");
    CO_ASSERT(co_await eventually([&] { return got.size() == 1; }));
    b.send("\n");
    co_await r;
  };
  b.run(main_task());
  EXPECT_EQ(got, (std::vector<std::string>{"AT\r\n", "OK\r\n"}));
}

TYPED_TEST(StreamConformance, NoSeparatorWithinTheBufferIsAnOverflowAndTheDataStays) {
  auto& b = this->board;
  auto& s = this->open();
  auto main_task = [&]() -> Task<> {
    b.send("0123456789");
    CO_ASSERT(co_await b.arrived(10));
    std::array<std::uint8_t, 8> eight;
    auto u = co_await s.reader().readuntil(eight, ";");
    CO_ASSERT(!u.ok());
    EXPECT_EQ(u.error().kind, IoErrc::overflow);
    auto l = co_await s.reader().readline(eight);
    CO_ASSERT(!l.ok());
    EXPECT_EQ(l.error().kind, IoErrc::overflow);
    EXPECT_EQ(s.reader().buffered(), 10u);
    std::array<std::uint8_t, 16> all;
    EXPECT_EQ(text(co_await s.reader().read(all)), "0123456789");
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, ALineLongerThanTheRingIsAnOverflowNotAHang) {
  auto& b = this->board;
  auto& s = this->open();
  const std::string long_line = pattern(100);  // the ring holds 64
  auto main_task = [&]() -> Task<> {
    std::array<std::uint8_t, 256> buf;
    auto read_line = [&]() -> Task<std::string> { co_return text(co_await s.reader().readline(buf)); };
    auto r = create_task(read_line());
    b.send(long_line);
    std::string result = co_await r;
    EXPECT_EQ(result.rfind("<error", 0), 0u) << result;
    std::string rest;
    while (rest.size() < long_line.size()) {
      auto part = co_await s.reader().read(buf);
      CO_ASSERT(part.ok() && !part->empty());
      rest += hal::as_text(*part);
    }
    EXPECT_EQ(rest, long_line) << "every byte is still readable, in order";
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, ReadexactlyBeyondTheRingIsRefused) {
  auto& b = this->board;
  auto& s = this->open();
  auto main_task = [&]() -> Task<> {
    std::array<std::uint8_t, 65> too_many;
    auto r = co_await s.reader().readexactly(too_many);
    CO_ASSERT(!r.ok());
    EXPECT_EQ(r.error().kind, IoErrc::invalid_argument);
    std::array<std::uint8_t, 4> four;
    auto sep = co_await s.reader().readuntil(std::span(four).first(1), "ab");
    EXPECT_EQ(sep.error().kind, IoErrc::invalid_argument) << "a buffer shorter than the separator";
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, ReadersAreServedInOrder) {
  auto& b = this->board;
  auto& s = this->open();
  std::vector<std::string> got(2);
  auto reader = [&](int i) -> Task<> {
    std::array<std::uint8_t, 8> buf;
    got[i] = text(co_await s.reader().readline(buf));
  };
  auto main_task = [&]() -> Task<> {
    auto r0 = create_task(reader(0));
    auto r1 = create_task(reader(1));
    co_await sleep(1ms);
    b.send("a\nb\n");
    co_await r0;
    co_await r1;
  };
  b.run(main_task());
  EXPECT_EQ(got, (std::vector<std::string>{"a\n", "b\n"}));
}

// ---- the end of the stream
// ------------------------------------------------------------------------------------

TYPED_TEST(StreamConformance, AfterEofReadsGiveTheRestThenEmpty) {
  if constexpr (!TypeParam::kPeerEof) {
    GTEST_SKIP() << "this peer cannot end the stream with an EOF (a UART has none)";
  } else {
    auto& b = this->board;
    auto& s = this->open();
    auto main_task = [&]() -> Task<> {
      b.send("one\ntail");
      b.send_eof();
      std::array<std::uint8_t, 16> buf;
      EXPECT_EQ(text(co_await s.reader().readline(buf)), "one\n");
      EXPECT_FALSE(s.reader().at_eof());
      EXPECT_EQ(text(co_await s.reader().readline(buf)), "tail") << "the partial last line";
      EXPECT_EQ(text(co_await s.reader().readline(buf)), "") << "then EOF";
      EXPECT_EQ(text(co_await s.reader().read(buf)), "");
      EXPECT_TRUE(s.reader().at_eof());
      EXPECT_TRUE(s.reader().error().ok());
    };
    b.run(main_task());
  }
}

TYPED_TEST(StreamConformance, ReadexactlyAndReaduntilAtEofKeepThePartialBytes) {
  if constexpr (!TypeParam::kPeerEof) {
    GTEST_SKIP() << "this peer cannot end the stream with an EOF (a UART has none)";
  } else {
    auto& b = this->board;
    auto& s = this->open();
    auto main_task = [&]() -> Task<> {
      b.send("abc");
      b.send_eof();
      std::array<std::uint8_t, 5> five;
      auto x = co_await s.reader().readexactly(five);
      CO_ASSERT(!x.ok());
      EXPECT_EQ(x.error().kind, IoErrc::closed) << "asyncio's IncompleteReadError";
      EXPECT_EQ(s.reader().buffered(), 3u);
      auto u = co_await s.reader().readuntil(five, ";");
      CO_ASSERT(!u.ok());
      EXPECT_EQ(u.error().kind, IoErrc::closed);
      EXPECT_EQ(text(co_await s.reader().read(five)), "abc") << "the partial bytes are still there";
      EXPECT_TRUE(s.reader().at_eof());
    };
    b.run(main_task());
  }
}

TYPED_TEST(StreamConformance, ALinkFailureComesAfterTheBufferedBytes) {
  auto& b = this->board;
  auto& s = this->open();
  auto main_task = [&]() -> Task<> {
    b.send("ok\npart");
    CO_ASSERT(co_await b.arrived(7));
    b.break_line();
    std::array<std::uint8_t, 16> buf;
    EXPECT_EQ(text(co_await s.reader().readline(buf)), "ok\n");
    EXPECT_EQ(text(co_await s.reader().readline(buf)), "part");
    auto end = co_await s.reader().readline(buf);
    CO_ASSERT(!end.ok());
    EXPECT_NE(std::string(end.error().what), "");
    EXPECT_TRUE(s.reader().at_eof());
    EXPECT_FALSE(s.reader().error().ok());
  };
  b.run(main_task());
}

// ---- cancel-safety of every wait
// ----------------------------------------------------------------------------

TYPED_TEST(StreamConformance, ATimedOutReadlineLosesNoBytes) {
  auto& b = this->board;
  auto& s = this->open();
  auto main_task = [&]() -> Task<> {
    std::array<std::uint8_t, 32> buf;
    b.send("par");
    CO_ASSERT(co_await b.arrived(3));
    auto r = co_await wait_for(s.reader().readline(buf), 5ms);
    EXPECT_TRUE(r.timed_out());
    b.send("tial\n");
    EXPECT_EQ(text(co_await s.reader().readline(buf)), "partial\n");
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, ATimedOutReadexactlyLosesNoBytes) {
  auto& b = this->board;
  auto& s = this->open();
  auto main_task = [&]() -> Task<> {
    std::array<std::uint8_t, 5> five;
    b.send("abc");
    CO_ASSERT(co_await b.arrived(3));
    auto r = co_await wait_for(s.reader().readexactly(five), 5ms);
    EXPECT_TRUE(r.timed_out());
    EXPECT_EQ(s.reader().buffered(), 3u);
    b.send("de");
    EXPECT_EQ(text(co_await s.reader().readexactly(five)), "abcde");
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, ACancelledReaduntilLosesNoBytes) {
  auto& b = this->board;
  auto& s = this->open();
  bool resumed = false;
  auto waiter = [&]() -> Task<> {
    std::array<std::uint8_t, 16> buf;
    auto r = co_await s.reader().readuntil(buf, "\r\n");
    resumed = true;
    (void)r;
  };
  auto main_task = [&]() -> Task<> {
    b.send("x\r");
    CO_ASSERT(co_await b.arrived(2));
    auto t = create_task(waiter());
    co_await sleep(1ms);
    EXPECT_TRUE(t.cancel());
    (void)co_await t.wait_outcome();
    b.send("\n");
    std::array<std::uint8_t, 16> buf;
    EXPECT_EQ(text(co_await s.reader().readuntil(buf, "\r\n")), "x\r\n");
  };
  b.run(main_task());
  EXPECT_FALSE(resumed);
}

TYPED_TEST(StreamConformance, AReaderCancelledAsItsBytesArriveLeavesThemForTheNext) {
  auto& b = this->board;
  auto& s = this->open();
  auto waiter = [&]() -> Task<> {
    std::array<std::uint8_t, 16> buf;
    (void)co_await s.reader().readline(buf);
    ADD_FAILURE() << "the cancelled reader ran";
  };
  auto main_task = [&]() -> Task<> {
    auto t = create_task(waiter());
    co_await sleep(1ms);
    b.send("line\nnext\n");  // on the simulated boards this wakes the waiter at once; it never runs
    EXPECT_TRUE(t.cancel());
    (void)co_await t.wait_outcome();
    std::array<std::uint8_t, 16> buf;
    EXPECT_EQ(text(co_await s.reader().readline(buf)), "line\n");
    EXPECT_EQ(text(co_await s.reader().readline(buf)), "next\n");
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, ATimedOutReadLosesNothing) {
  auto& b = this->board;
  auto& s = this->open();
  auto main_task = [&]() -> Task<> {
    std::array<std::uint8_t, 16> buf;
    auto r = co_await wait_for(s.reader().read(buf), 5ms);
    EXPECT_TRUE(r.timed_out());
    b.send("later");
    CO_ASSERT(co_await b.arrived(5));
    EXPECT_EQ(text(co_await s.reader().read(buf)), "later");
  };
  b.run(main_task());
}

// ---- writing
// ------------------------------------------------------------------------------------------------

TYPED_TEST(StreamConformance, WrittenBytesReachThePeerInOrder) {
  auto& b = this->board;
  auto& s = this->open();
  auto main_task = [&]() -> Task<> {
    auto& w = s.writer();
    for (unsigned i = 0; i < 4; ++i) {
      auto r = w.write(pattern(16, i));
      CO_ASSERT(r.ok());
      auto d = co_await w.drain();
      CO_ASSERT(d.ok());
    }
    std::string expect;
    for (unsigned i = 0; i < 4; ++i)
      expect += pattern(16, i);
    EXPECT_EQ(co_await b.peer_read(expect.size()), expect);
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, AWriteThatDoesNotFitIsRefusedWhole) {
  auto& b = this->board;
  auto& s = this->open();
  auto main_task = [&]() -> Task<> {
    auto& w = s.writer();
    auto r = w.write(pattern(65));  // the ring holds 64
    CO_ASSERT(!r.ok());
    EXPECT_EQ(r.error().kind, IoErrc::overflow);
    EXPECT_EQ(w.buffered(), 0u) << "nothing was queued";
    CO_ASSERT(w.write("").ok());
    CO_ASSERT(w.write("ok").ok());
    EXPECT_EQ(co_await b.peer_read(2), "ok");
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, WriteAllQueuesMoreThanTheRingHolds) {
  auto& b = this->board;
  auto& s = this->open();
  const std::string big = pattern(64 * 5 + 3);
  auto main_task = [&]() -> Task<> {
    auto peer = create_task(b.peer_read(big.size()));
    auto r = co_await s.writer().write_all(big);
    EXPECT_TRUE(r.ok()) << r.error().what;
    EXPECT_EQ(co_await peer, big);
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, DrainWaitsForASlowPeerAndResumesAtTheLowWaterMark) {
  auto& b = this->board;
  constexpr std::size_t kBig = TestFixture::kBigTx;
  auto& s = this->open({.rx = 64, .tx = kBig});
  auto& w = s.writer();
  w.set_write_buffer_limits(kBig / 2);
  EXPECT_EQ(w.high_water(), kBig / 2);
  EXPECT_EQ(w.low_water(), kBig / 8) << "low defaults to a quarter of high";
  w.set_write_buffer_limits(kBig / 2, kBig / 4);
  auto main_task = [&]() -> Task<> {
    b.pause_peer();
    std::string written = co_await this->fill_above_high_water(w);
    auto drain_it = [&]() -> Task<hal::IoResult<void>> { co_return co_await w.drain(); };
    auto drain = create_task(drain_it());
    for (int i = 0; i < 3; ++i)
      co_await sleep(1ms);
    EXPECT_FALSE(drain.done()) << "the peer reads nothing, so the writer stays above its low-water mark";
    b.resume_peer();
    auto peer = create_task(b.peer_read(written.size()));
    auto d = co_await drain;
    EXPECT_TRUE(d.ok());
    EXPECT_LE(w.buffered(), kBig / 4);
    EXPECT_EQ(co_await peer, written) << "every byte, in order";
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, ACancelledDrainLosesNothing) {
  auto& b = this->board;
  constexpr std::size_t kBig = TestFixture::kBigTx;
  auto& s = this->open({.rx = 64, .tx = kBig});
  auto& w = s.writer();
  w.set_write_buffer_limits(kBig / 2, kBig / 4);
  auto main_task = [&]() -> Task<> {
    b.pause_peer();
    std::string written = co_await this->fill_above_high_water(w);
    auto r = co_await wait_for(w.drain(), 5ms);
    EXPECT_TRUE(r.timed_out());
    b.resume_peer();
    auto peer = create_task(b.peer_read(written.size()));
    auto d = co_await w.drain();
    EXPECT_TRUE(d.ok());
    EXPECT_EQ(co_await peer, written);
  };
  b.run(main_task());
}

// ---- closing
// ------------------------------------------------------------------------------------------------

TYPED_TEST(StreamConformance, CloseSendsWhatIsBufferedThenEndsTheStream) {
  auto& b = this->board;
  auto& s = this->open();
  auto main_task = [&]() -> Task<> {
    auto& w = s.writer();
    CO_ASSERT(w.write("bye\n").ok());
    EXPECT_FALSE(w.is_closing());
    w.close();
    EXPECT_TRUE(w.is_closing());
    auto late = w.write("late");
    EXPECT_EQ(late.error().kind, IoErrc::closed);
    auto c = co_await w.wait_closed();
    EXPECT_TRUE(c.ok()) << c.error().what;
    EXPECT_EQ(co_await b.peer_read(4), "bye\n");
    EXPECT_TRUE(co_await b.peer_sees_end());
    std::array<std::uint8_t, 8> buf;
    EXPECT_EQ(text(co_await s.reader().read(buf)), "") << "reads end once the stream is closed";
    auto d = co_await w.drain();
    EXPECT_EQ(d.error().kind, IoErrc::closed);
    w.close();  // idempotent
    {
      auto r_ = co_await w.wait_closed();
      EXPECT_TRUE(r_.ok());
    }
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, WriteErrorsAreValues) {
  auto& b = this->board;
  auto& s = this->open();
  auto main_task = [&]() -> Task<> {
    auto& w = s.writer();
    w.set_write_buffer_limits(0);  // drain waits until the bytes are handed over
    b.break_line();
    hal::IoError seen{};
    // A real link may take the first bytes before it notices (TCP learns of a reset from the peer).
    for (int i = 0; i < 200 && seen.ok(); ++i) {
      auto r = w.write("data");
      if (!r) {
        seen = r.error();
        break;
      }
      auto d = co_await w.drain();
      if (!d) seen = d.error();
      co_await sleep(1ms);
    }
    CO_ASSERT(!seen.ok());
    EXPECT_NE(std::string(seen.what), "");
    EXPECT_FALSE(w.error().ok());
    EXPECT_FALSE(w.write("more").ok()) << "later writes fail too";
    {
      auto r_ = co_await w.drain();
      EXPECT_FALSE(r_.ok());
    }
    w.close();
    auto c = co_await w.wait_closed();
    EXPECT_FALSE(c.ok()) << "wait_closed reports the failure";
  };
  b.run(main_task());
}

TYPED_TEST(StreamConformance, ADestroyedStreamWakesItsWaitersWithClosed) {
  auto& b = this->board;
  auto& s = this->open();
  hal::IoError got{};
  bool ended = false;
  auto waiter = [&]() -> Task<> {
    std::array<std::uint8_t, 16> buf;
    auto r = co_await s.reader().readline(buf);
    got = r.error();
    ended = true;
  };
  auto main_task = [&]() -> Task<> {
    auto t = create_task(waiter());
    co_await sleep(1ms);
    b.destroy();
    co_await t;
  };
  b.run(main_task());
  EXPECT_TRUE(ended);
  EXPECT_EQ(got.kind, IoErrc::closed);
}

}  // namespace
}  // namespace aiopi::hal_testing
