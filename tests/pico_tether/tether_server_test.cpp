// A whole session through a SimStreamPair: the banner, requests answered in order, comments and blank lines
// ignored, an overlong line answered -32600, notifications between replies, a slow reader that makes the
// server drop notifications (counted) but never replies, and the end of the stream closing every device.
#include "aiopi/pico/tether_server.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_stream_pair.hpp"
#include "sim_pico_board.hpp"
#include "support/co_assert.hpp"

namespace aiopi::pico {
namespace {

using namespace std::chrono_literals;
using testing::SimPicoBoard;

class TetherServerTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};
  SimPicoBoard board{loop};
  sim::SimStreamPair link;  // a: the daemon's end, b: the Pico's
  TetherServer server{link.b(), loop, board, 77};

  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }
};

/// The daemon's side: writes lines, reads lines.
struct Daemon {
  hal::ByteStream& s;
  std::array<std::uint8_t, 4096> buf{};

  Task<bool> send(std::string text) {
    hal::IoResult<void> r = co_await s.writer().write_all(text);
    co_return r.ok();
  }
  Task<std::string> line() {
    hal::IoResult<std::span<std::uint8_t>> l = co_await s.reader().readline(buf);
    if (!l) co_return std::string("<error>");
    co_return std::string(hal::as_text(*l));
  }
};

TEST_F(TetherServerTest, SessionFromBannerToEndOfStream) {
  TaskHandle<void> serving = loop.create_task(server.run());
  auto daemon = [&]() -> Task<> {
    Daemon d{link.a()};
    CO_ASSERT(co_await d.line() == "#aiopi-pico 0.1.0 ready\n");
    // Two requests in one write, with a comment, a blank line and CRLF between them: answered in order.
    CO_ASSERT(co_await d.send(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"daemon.info\"}\r\n# hello\n\n  \n"
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"devices.open\",\"params\":{\"name\":\"led\","
        "\"type\":\"digital_out\",\"params\":{\"pin\":15}}}\n"));
    std::string info = co_await d.line();
    EXPECT_EQ(
        info.rfind(
            R"({"jsonrpc":"2.0","id":1,"result":{"name":"aiopi-pico","version":"0.1.0","protocol":1,"boot":77,)",
            0),
        0u)
        << info;
    EXPECT_EQ(
        co_await d.line(),
        R"({"jsonrpc":"2.0","id":2,"result":{"name":"led","type":"digital_out","direction":"output","state":"open","value":false}})"
        "\n");
    CO_ASSERT(co_await d.send(
        R"({"jsonrpc":"2.0","id":3,"method":"devices.set","params":{"name":"led","value":true}})"
        "\n"));
    std::string set = co_await d.line();
    EXPECT_NE(set.find(R"("id":3,"result")"), std::string::npos) << set;
    EXPECT_TRUE(board.output(15)->electrical_level());

    // An overlong line, split over writes: discarded, answered -32600 with id null; the next line is fine.
    CO_ASSERT(co_await d.send(std::string(300, ' ')));
    CO_ASSERT(co_await d.send(std::string(300, ' ') + "{\"id\":4}\n"));
    EXPECT_EQ(co_await d.line(),
              "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"line longer than "
              "512 bytes, "
              "discarded\"}}\n");
    CO_ASSERT(co_await d.send("garbage\n"));
    EXPECT_NE((co_await d.line()).find("-32700"), std::string::npos);

    // A button press between requests arrives as a notification.
    CO_ASSERT(co_await d.send(
        R"({"id":5,"method":"devices.open","params":{"name":"btn","type":"pushbutton","params":{"pin":14}}})"
        "\n"));
    EXPECT_NE((co_await d.line()).find(R"("id":5,"result")"), std::string::npos);
    const std::int64_t pressed_at = now_us() + 20'000;
    board.input(14)->schedule_edges({{std::chrono::microseconds(pressed_at), false}});
    EXPECT_EQ(co_await d.line(),
              R"({"jsonrpc":"2.0","method":"notify","params":{"topic":"device.btn.press","mono_us":)" +
                  std::to_string(pressed_at) + R"(,"data":{"pressed":true}}})" + "\n");
    link.a().writer().close();  // the daemon goes away
  };
  loop.run_until_complete(daemon());
  loop.run_until_complete([](TaskHandle<void> h) -> Task<> { co_await h; }(serving));
  EXPECT_EQ(server.devices().size(), 0u);  // closed at the end of the stream
  EXPECT_EQ(board.open_objects(), 0u);
  EXPECT_EQ(server.overlong_lines(), 1u);
  EXPECT_EQ(server.sent_notifications(), 1u);
  EXPECT_EQ(server.dropped_notifications(), 0u);
}

TEST_F(TetherServerTest, ASlowReaderLosesNotificationsNeverReplies) {
  // A small ring on the Pico's side, and a daemon that stops reading for a while.
  sim::SimStreamPair small({}, hal::BufferSizes{.rx = 256, .tx = 256});
  TetherServer pico(small.b(), loop, board, 1);
  TaskHandle<void> serving = loop.create_task(pico.run());
  auto daemon = [&]() -> Task<> {
    Daemon d{small.a()};
    CO_ASSERT(co_await d.line() == "#aiopi-pico 0.1.0 ready\n");
    CO_ASSERT(co_await d.send(
        R"({"id":1,"method":"devices.open","params":{"name":"door","type":"digital_in","params":{"pin":7}}})"
        "\n"));
    EXPECT_NE((co_await d.line()).find(R"("id":1,"result")"), std::string::npos);
    // 400 edges while nobody reads: the rings fill, the rest are dropped and counted.
    for (int i = 0; i < 400; ++i)
      board.input(7)->schedule_edges({{std::chrono::microseconds(now_us() + 1000 * (i + 1)), i % 2 == 0}});
    co_await sleep(1s);
    EXPECT_GT(pico.dropped_notifications(), 300u);
    EXPECT_GT(pico.sent_notifications(), 0u);
    // Requests are still answered, in order, with every reply whole.
    CO_ASSERT(
        co_await d.send("{\"id\":2,\"method\":\"devices.list\"}\n{\"id\":3,\"method\":\"daemon.info\"}\n"));
    int notifications = 0;
    std::vector<int> ids;
    for (;;) {
      std::string l = co_await d.line();
      if (l.find("\"notify\"") != std::string::npos) {
        ++notifications;
        continue;
      }
      CO_ASSERT(l.back() == '\n');
      ids.push_back(l.find("\"id\":2") != std::string::npos   ? 2
                    : l.find("\"id\":3") != std::string::npos ? 3
                                                              : 0);
      if (ids.size() == 2) break;
    }
    EXPECT_EQ(ids, (std::vector<int>{2, 3}));
    EXPECT_EQ(static_cast<std::uint32_t>(notifications), pico.sent_notifications());
    small.a().writer().close();
  };
  loop.run_until_complete(daemon());
  loop.run_until_complete([](TaskHandle<void> h) -> Task<> { co_await h; }(serving));
}

TEST_F(TetherServerTest, ALinkFailureEndsTheServerAndClosesTheDevices) {
  TaskHandle<void> serving = loop.create_task(server.run());
  auto daemon = [&]() -> Task<> {
    Daemon d{link.a()};
    (void)co_await d.line();
    CO_ASSERT(co_await d.send(
        R"({"id":1,"method":"devices.open","params":{"name":"led","type":"digital_out","params":{"pin":15}}})"
        "\n"));
    (void)co_await d.line();
    EXPECT_EQ(server.devices().size(), 1u);
    link.fail();
  };
  loop.run_until_complete(daemon());
  loop.run_until_complete([](TaskHandle<void> h) -> Task<> { co_await h; }(serving));
  EXPECT_EQ(server.devices().size(), 0u);
}

}  // namespace
}  // namespace aiopi::pico
