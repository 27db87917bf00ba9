// The simulated UART and stream pair on their own (virtual time to the microsecond), and the reader and
// writer with no transport below them (the ring wrapping, flow-control marks, write_all ordering).
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "stream_board.hpp"

namespace aiopi::hal_testing {
namespace {

using hal::IoErrc;

/// Misuse is a UsageError where exceptions exist, otherwise a panic with the message (a death test).
#if AIOPI_HAS_EXCEPTIONS
#define EXPECT_STREAM_USAGE_ERROR(stmt, pattern) EXPECT_THROW(stmt, ::aiopi::UsageError)
#else
#define EXPECT_STREAM_USAGE_ERROR(stmt, pattern) EXPECT_DEATH(stmt, pattern)
#endif

std::string text(const hal::IoResult<std::span<std::uint8_t>>& r) {
  return r.ok() ? std::string(hal::as_text(*r)) : std::string("<error: ") + r.error().what + ">";
}

class SimUartTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};
  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }
  template <class T>
  T run(Task<T> main) {
    return loop.run_until_complete(std::move(main));
  }
};

TEST_F(SimUartTest, ScheduledChunksArriveAtTheirVirtualTimes) {
  sim::SimUart uart(loop);
  uart.schedule({{1ms, "$GPGGA,1"}, {3ms, "23\r\n$GP"}});
  std::vector<std::int64_t> times;
  auto main_task = [&]() -> Task<std::string> {
    std::array<std::uint8_t, 32> buf;
    auto first = co_await uart.reader().read(buf);
    times.push_back(now_us());
    EXPECT_EQ(text(first), "$GPGGA,1");
    auto line = co_await uart.reader().readline(buf);
    times.push_back(now_us());
    co_return "$GPGGA,1" + text(line);
  };
  EXPECT_EQ(run(main_task()), "$GPGGA,123\r\n");
  EXPECT_EQ(times, (std::vector<std::int64_t>{1000, 3000}));
  EXPECT_EQ(uart.reader().buffered(), 3u);
}

TEST_F(SimUartTest, BytesThatDoNotFitWaitOnThePeerSideAndNoneAreLost) {
  sim::SimUart uart(loop, {}, {.rx = 8, .tx = 8});
  const std::string sent = "0123456789abcdefghij";
  uart.receive(sent);
  EXPECT_EQ(uart.reader().buffered(), 8u);
  EXPECT_EQ(uart.undelivered(), 12u);
  auto main_task = [&]() -> Task<std::string> {
    std::string got;
    std::array<std::uint8_t, 5> buf;
    while (got.size() < sent.size()) {
      auto r = co_await uart.reader().read(buf);
      if (!r || r->empty()) break;
      got += hal::as_text(*r);
    }
    co_return got;
  };
  EXPECT_EQ(run(main_task()), sent);
  EXPECT_EQ(uart.undelivered(), 0u);
}

TEST_F(SimUartTest, EofAndErrorsComeAfterTheBytesScheduledBeforeThem) {
  sim::SimUart uart(loop);
  uart.schedule({{1ms, "last"}});
  uart.schedule_eof(1ms);
  sim::SimUart broken(loop);
  broken.schedule({{1ms, "x\n"}});
  broken.schedule_error(2ms, IoErrc::overflow);
  auto main_task = [&]() -> Task<> {
    std::array<std::uint8_t, 16> buf;
    EXPECT_EQ(text(co_await uart.reader().readline(buf)), "last");
    EXPECT_EQ(now_us(), 1000);
    EXPECT_TRUE(uart.reader().at_eof());
    EXPECT_EQ(text(co_await broken.reader().readline(buf)), "x\n");
    auto e = co_await broken.reader().readline(buf);
    EXPECT_EQ(e.error().kind, IoErrc::overflow);
    EXPECT_EQ(now_us(), 2000);
  };
  run(main_task());
}

TEST_F(SimUartTest, DrainResumesAtTheLowWaterMarkOnVirtualTime) {
  sim::SimUart uart(loop, {}, {.rx = 16, .tx = 100});
  uart.set_peer_rate(10);  // bytes per virtual ms
  auto& w = uart.writer();
  w.set_write_buffer_limits(50, 20);
  auto main_task = [&]() -> Task<> {
    CO_ASSERT(w.write(std::string(80, 'a')).ok());
    EXPECT_EQ(w.buffered(), 70u) << "the peer took its first 10 bytes at once";
    auto d = co_await w.drain();
    EXPECT_TRUE(d.ok());
    // 70 -> 60 (1 ms) -> 50 -> 40 -> 30 -> 20 (5 ms): at the low-water mark.
    EXPECT_EQ(now_us(), 5000);
    EXPECT_EQ(w.buffered(), 20u);
    auto again = co_await w.drain();
    EXPECT_TRUE(again.ok());
    EXPECT_EQ(now_us(), 5000) << "not paused: drain returns at once";
  };
  run(main_task());
  ASSERT_GE(uart.peer_reads().size(), 6u);
  EXPECT_EQ(uart.peer_reads()[0], (sim::PeerRead{0, std::string(10, 'a')}));
  EXPECT_EQ(uart.peer_reads()[5], (sim::PeerRead{5000, std::string(10, 'a')}));
}

TEST_F(SimUartTest, DrainBelowTheHighWaterMarkDoesNotWait) {
  sim::SimUart uart(loop, {}, {.rx = 16, .tx = 100});
  uart.pause_peer();
  auto& w = uart.writer();
  w.set_write_buffer_limits(50, 20);
  auto main_task = [&]() -> Task<> {
    CO_ASSERT(w.write(std::string(50, 'a')).ok());
    {
      auto r_ = co_await w.drain();
      EXPECT_TRUE(r_.ok());
    }
    EXPECT_EQ(now_us(), 0);
    CO_ASSERT(w.write("b").ok());  // 51: above the mark
    auto r = co_await wait_for(w.drain(), 10ms);
    EXPECT_TRUE(r.timed_out());
  };
  run(main_task());
}

TEST_F(SimUartTest, CloseWaitsUntilASlowPeerHasEveryByte) {
  sim::SimUart uart(loop);
  uart.set_peer_rate(4);
  auto main_task = [&]() -> Task<> {
    CO_ASSERT(uart.writer().write("0123456789").ok());
    uart.writer().close();
    EXPECT_FALSE(uart.closed());
    auto c = co_await uart.writer().wait_closed();
    EXPECT_TRUE(c.ok());
    EXPECT_EQ(now_us(), 2000) << "4 bytes at 0, 1 and 2 ms";
  };
  run(main_task());
  EXPECT_TRUE(uart.closed());
  EXPECT_EQ(uart.closed_at_us(), 2000);
  EXPECT_EQ(uart.written_text(), "0123456789");
}

TEST_F(SimUartTest, APausedPeerHoldsTheCloseAndACancelledWaitClosedLosesNothing) {
  sim::SimUart uart(loop);
  uart.pause_peer();
  auto main_task = [&]() -> Task<> {
    CO_ASSERT(uart.writer().write("held").ok());
    uart.writer().close();
    auto r = co_await wait_for(uart.writer().wait_closed(), 10ms);
    EXPECT_TRUE(r.timed_out());
    uart.resume_peer();
    {
      auto r_ = co_await uart.writer().wait_closed();
      EXPECT_TRUE(r_.ok());
    }
    EXPECT_EQ(now_us(), 10000);
  };
  run(main_task());
  EXPECT_EQ(uart.written_text(), "held");
}

TEST_F(SimUartTest, ACancelledWriteAllQueuedAPrefixAndNothingElse) {
  sim::SimUart uart(loop, {}, {.rx = 16, .tx = 16});
  uart.set_peer_rate(8);
  const std::string big(64, 'x');
  std::size_t queued = 0;
  auto main_task = [&]() -> Task<> {
    auto r = co_await wait_for(uart.writer().write_all(big), 2ms);
    EXPECT_TRUE(r.timed_out());
    queued = uart.written_text().size() + uart.writer().buffered();
    EXPECT_GT(queued, 0u);
    EXPECT_LT(queued, big.size());
    {
      auto r_ = co_await uart.writer().write_all("END");  // the ring is full: write() would be refused
      CO_ASSERT(r_.ok());
    }
    uart.writer().set_write_buffer_limits(0);
    {
      auto r_ = co_await uart.writer().drain();
      EXPECT_TRUE(r_.ok());
    }
  };
  run(main_task());
  EXPECT_EQ(uart.written_text(), std::string(queued, 'x') + "END");
}

TEST_F(SimUartTest, WriteAllsAreServedInOrderAndAWriteWaitsItsTurn) {
  sim::SimUart uart(loop, {}, {.rx = 16, .tx = 8});
  uart.set_peer_rate(3);
  auto writer = [&](std::string s) -> Task<> {
    auto r = co_await uart.writer().write_all(s);
    EXPECT_TRUE(r.ok());
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(writer(std::string(20, 'a')));
    auto b = create_task(writer(std::string(20, 'b')));
    co_await sleep(1ms);
    auto busy = uart.writer().write("c");
    EXPECT_EQ(busy.error().kind, IoErrc::busy);
    co_await a;
    co_await b;
    uart.writer().set_write_buffer_limits(0);
    {
      auto r_ = co_await uart.writer().drain();
      EXPECT_TRUE(r_.ok());
    }
  };
  run(main_task());
  EXPECT_EQ(uart.written_text(), std::string(20, 'a') + std::string(20, 'b'));
}

TEST_F(SimUartTest, FailedWritesEndDrainAndCloseWithTheError) {
  sim::SimUart uart(loop);
  uart.pause_peer();
  auto main_task = [&]() -> Task<> {
    auto& w = uart.writer();
    w.set_write_buffer_limits(0);
    CO_ASSERT(w.write("abc").ok());
    auto drain_it = [&]() -> Task<hal::IoResult<void>> { co_return co_await w.drain(); };
    auto d = create_task(drain_it());
    co_await sleep(1ms);
    uart.fail_writes(IoErrc::io);
    uart.resume_peer();
    auto r = co_await d;
    EXPECT_EQ(r.error().kind, IoErrc::io);
    EXPECT_EQ(w.buffered(), 0u) << "bytes that can no longer be sent are dropped";
    EXPECT_EQ(w.write("x").error().kind, IoErrc::io);
    w.close();
    {
      auto r_ = co_await w.wait_closed();
      EXPECT_EQ(r_.error().kind, IoErrc::io);
    }
  };
  run(main_task());
  EXPECT_EQ(uart.written_text(), "");
}

TEST_F(SimUartTest, SettingsAreValidatedAndRecorded) {
  sim::SimUart uart(loop, {.baud = 9600});
  EXPECT_EQ(uart.config().baud, 9600u);
  hal::UartConfig seven{.baud = 19200, .data_bits = 7, .parity = hal::Parity::even, .stop_bits = 2};
  EXPECT_TRUE(uart.set_config(seven).ok());
  auto bad = uart.set_config({.data_bits = 9});
  EXPECT_EQ(bad.error().kind, IoErrc::invalid_argument);
  EXPECT_EQ(uart.set_config({.stop_bits = 3}).error().kind, IoErrc::invalid_argument);
  EXPECT_EQ(uart.set_config({.baud = 0}).error().kind, IoErrc::invalid_argument);
  EXPECT_EQ(uart.config(), seven) << "a refused setting changes nothing";
  EXPECT_EQ(uart.configs().size(), 2u);
}

// ---- the stream pair --------------------------------------------------------------------------------------

TEST_F(SimUartTest, AStreamPairCarriesBothWaysWithBackPressure) {
  sim::SimStreamPair link({.rx = 16, .tx = 16}, {.rx = 16, .tx = 16});
  auto device = [&]() -> Task<> {  // answers each line in upper case
    std::array<std::uint8_t, 16> buf;
    for (;;) {
      auto l = co_await link.b().reader().readline(buf);
      if (!l || l->empty()) co_return;
      for (auto& c : *l)
        c = static_cast<std::uint8_t>(std::toupper(c));
      if (!(co_await link.b().writer().write_all(*l)).ok()) co_return;
    }
  };
  auto main_task = [&]() -> Task<std::string> {
    auto d = create_task(device());
    std::string answers;
    std::array<std::uint8_t, 16> buf;
    for (const char* q : {"ping\n", "hello there\n", "x\n"}) {
      auto w = link.a().writer().write(q);
      EXPECT_TRUE(w.ok());
      auto r = co_await link.a().reader().readline(buf);
      answers += text(r);
    }
    link.a().writer().close();
    co_await d;
    {
      auto r_ = co_await link.a().writer().wait_closed();
      EXPECT_TRUE(r_.ok());
    }
    co_return answers;
  };
  EXPECT_EQ(run(main_task()), "PING\nHELLO THERE\nX\n");
}

// ---- the reader and writer alone
// ----------------------------------------------------------------------------

TEST_F(SimUartTest, TheReaderFindsLinesAcrossTheRingsWrap) {
  std::array<std::uint8_t, 8> storage;
  hal::StreamReader r(storage);
  auto main_task = [&]() -> Task<> {
    std::array<std::uint8_t, 8> buf;
    EXPECT_EQ(r.feed(hal::as_bytes("abcdef")), 6u);
    EXPECT_EQ(text(co_await r.readexactly(std::span(buf).first(5))), "abcde");
    EXPECT_EQ(r.feed(hal::as_bytes("gh\r\nijklm")), 7u) << "room for 7 after the wrap";
    EXPECT_EQ(text(co_await r.readuntil(buf, "\r\n")), "fgh\r\n");
    EXPECT_EQ(text(co_await r.readexactly(std::span(buf).first(3))), "ijk");
    r.feed_eof();
    EXPECT_EQ(text(co_await r.readline(buf)), "");
    EXPECT_TRUE(r.at_eof());
  };
  run(main_task());
}

TEST_F(SimUartTest, ReadNowaitTakesWhatIsThereWithoutBarging) {
  std::array<std::uint8_t, 8> storage;
  hal::StreamReader r(storage);
  auto waiter = [&]() -> Task<std::string> {
    std::array<std::uint8_t, 8> buf;
    co_return text(co_await r.readline(buf));
  };
  auto main_task = [&]() -> Task<> {
    std::array<std::uint8_t, 8> buf;
    (void)r.feed(hal::as_bytes("ab"));
    EXPECT_EQ(r.read_nowait(std::span(buf).first(1)), 1u);
    auto t = create_task(waiter());
    co_await sleep(1ms);
    EXPECT_EQ(r.read_nowait(buf), 0u) << "a reader is waiting: it comes first";
    (void)r.feed(hal::as_bytes("c\n"));
    EXPECT_EQ(co_await t, "bc\n");
  };
  run(main_task());
}

TEST(StreamMisuse, ARingWithoutStorageOrAnInvalidSimUartConfigIsAUsageError) {
  sim::SimBackend backend;
  Loop loop{backend};
  EXPECT_STREAM_USAGE_ERROR(hal::StreamReader(std::span<std::uint8_t>{}), "storage is empty");
  EXPECT_STREAM_USAGE_ERROR(hal::StreamWriter(std::span<std::uint8_t>{}), "storage is empty");
  EXPECT_STREAM_USAGE_ERROR(sim::SimUart(loop, {.data_bits = 4}), "data bits");
}

TEST_F(SimUartTest, FlowControlMarksAreClamped) {
  std::array<std::uint8_t, 16> storage;
  hal::StreamWriter w(storage);
  EXPECT_EQ(w.high_water(), 8u);
  EXPECT_EQ(w.low_water(), 4u);
  w.set_write_buffer_limits(100);
  EXPECT_EQ(w.high_water(), 16u);
  EXPECT_EQ(w.low_water(), 4u);
  w.set_write_buffer_limits(8, 12);
  EXPECT_EQ(w.low_water(), 8u);
  w.close();
  EXPECT_TRUE(w.is_closed()) << "with no transport, close completes at once";
}

}  // namespace
}  // namespace aiopi::hal_testing
