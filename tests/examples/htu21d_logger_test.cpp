// examples/htu21d_logger.cpp on the simulated board: the HTU21D at 0x40 on I2C0 read every 2 s, each
// reading a "T=21.3C RH=45.0%" line on UART0; a sensor that stops answering gives error lines.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_board.hpp"
#include "examples/sim_trace.hpp"
#include "support/co_assert.hpp"

int htu21d_logger_main();

namespace {

using namespace std::chrono_literals;
using aiopi::Task;
using aiopi::examples_test::now_us;
namespace sim = aiopi::sim;

TEST(Htu21dLoggerExample, LogsTheSensorsValuesEveryTwoSecondsOnTheUart) {
  sim::SimBoard board;
  std::string text;
  std::vector<std::int64_t> line_times_ms;
  board.set_script([&](sim::SimBoard& b) -> Task<> {
    const std::int64_t t0 = now_us();
    co_await aiopi::sleep(7s);  // lines at 2, 4 and 6 s
    b.htu21d().set(-5.0f, 60.0f);
    // The driver measures at 0, 2.12, 4.24, 6.36, 8.48 s (2 s apart plus two 60 ms conversions): the line
    // at 8 s still has the old values, the one at 10 s the new.
    co_await aiopi::sleep(4s);
    CO_ASSERT(b.uart(0) != nullptr && b.i2c(0) != nullptr);
    text = b.uart(0)->written_text();
    for (const sim::PeerRead& r : b.uart(0)->peer_reads())
      line_times_ms.push_back((r.t_us - t0) / 1000);
  });
  EXPECT_EQ(htu21d_logger_main(), 0);
  EXPECT_EQ(text,
            "T=21.3C RH=45.0%\r\n"
            "T=21.3C RH=45.0%\r\n"
            "T=21.3C RH=45.0%\r\n"
            "T=21.3C RH=45.0%\r\n"
            "T=-5.0C RH=60.0%\r\n");
  ASSERT_FALSE(line_times_ms.empty());
  EXPECT_GE(line_times_ms.front(), 2000);
  EXPECT_LT(line_times_ms.front(), 2100);
  EXPECT_GE(board.htu21d().measurements(), 10u);  // temperature and humidity, every 2 s
}

TEST(Htu21dLoggerExample, ASensorThatDoesNotAnswerGivesErrorLinesAndTheLoggerCarriesOn) {
  sim::SimBoard board;
  board.attach_htu21d(false);  // nothing at 0x40: every transfer is NACKed
  std::string text;
  board.set_script([&](sim::SimBoard& b) -> Task<> {
    co_await aiopi::sleep(5s);
    CO_ASSERT(b.uart(0) != nullptr);
    text = b.uart(0)->written_text();
  });
  EXPECT_EQ(htu21d_logger_main(), 0);
  EXPECT_EQ(text.rfind("HTU21D error: ", 0), 0u) << text;
  EXPECT_NE(text.find("\r\nHTU21D error: "), std::string::npos) << "two lines: " << text;
}

}  // namespace
