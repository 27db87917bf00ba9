// Conformance of I2cBus, written against the HAL interface and run on every board that has a register device
// (the sim board's SimRegisterDevice; i2c-stub under a real kernel when the Linux backend lands).
#include <array>
#include <vector>

#include "board.hpp"

namespace aiopi::hal_testing {
namespace {

using hal::IoErrc;
using hal::IoResult;

template <class B>
class I2cConformance : public ::testing::Test {
 protected:
  B board;
  static constexpr std::uint16_t kDev = B::kRegDev;
};

using Boards = ::testing::Types<SimBoard>;
TYPED_TEST_SUITE(I2cConformance, Boards, BoardName);

TYPED_TEST(I2cConformance, WriteSetsRegistersFromThePointerByte) {
  auto& b = this->board;
  auto& bus = b.i2c_bus();
  auto main_task = [&]() -> Task<> {
    const std::uint8_t data[] = {0x10, 1, 2, 3};
    IoResult<void> r = co_await bus.write(TestFixture::kDev, data);
    EXPECT_TRUE(r.ok()) << r.error().what;
  };
  b.run(main_task());
  EXPECT_EQ(b.reg(0x10), 1);
  EXPECT_EQ(b.reg(0x11), 2);
  EXPECT_EQ(b.reg(0x12), 3);
}

TYPED_TEST(I2cConformance, ReadAndWriteReadWithRepeatedStart) {
  auto& b = this->board;
  auto& bus = b.i2c_bus();
  for (int i = 0; i < 4; ++i)
    b.set_reg(static_cast<std::uint8_t>(0x20 + i), static_cast<std::uint8_t>(0xa0 + i));
  auto main_task = [&]() -> Task<> {
    const std::uint8_t ptr[] = {0x20};
    std::array<std::uint8_t, 3> in{};
    {
      auto r_ = co_await bus.write(TestFixture::kDev, ptr);
      CO_ASSERT(r_.ok());
    }
    {
      auto r_ = co_await bus.read(TestFixture::kDev, in);
      CO_ASSERT(r_.ok());
    }
    EXPECT_EQ(in, (std::array<std::uint8_t, 3>{0xa0, 0xa1, 0xa2}));
    const std::uint8_t reg[] = {0x21};
    std::array<std::uint8_t, 2> in2{};
    IoResult<void> r = co_await bus.write_read(TestFixture::kDev, reg, in2);
    CO_ASSERT(r.ok());
    EXPECT_EQ(in2, (std::array<std::uint8_t, 2>{0xa1, 0xa2}));
  };
  b.run(main_task());
}

TYPED_TEST(I2cConformance, SmbusHelpers) {
  auto& b = this->board;
  auto& bus = b.i2c_bus();
  const std::uint16_t dev = TestFixture::kDev;
  b.set_reg(0x05, 0x5a);
  b.set_reg(0x30, 0x34);  // word at 0x30: low byte first
  b.set_reg(0x31, 0x12);
  const std::uint8_t block[] = {3, 7, 8, 9};  // count, then data
  for (std::size_t i = 0; i < sizeof block; ++i)
    b.set_reg(static_cast<std::uint8_t>(0x40 + i), block[i]);
  auto main_task = [&]() -> Task<> {
    IoResult<std::uint8_t> v = co_await bus.read_byte_data(dev, 0x05);
    CO_ASSERT(v.ok());
    EXPECT_EQ(*v, 0x5a);
    {
      auto r_ = co_await bus.write_byte_data(dev, 0x06, 0x66);
      CO_ASSERT(r_.ok());
    }
    IoResult<std::uint16_t> w = co_await bus.read_word_data(dev, 0x30);
    CO_ASSERT(w.ok());
    EXPECT_EQ(*w, 0x1234);
    {
      auto r_ = co_await bus.write_word_data(dev, 0x32, 0xbeef);
      CO_ASSERT(r_.ok());
    }
    std::array<std::uint8_t, 32> out{};
    IoResult<std::size_t> n = co_await bus.read_block_data(dev, 0x40, out);
    CO_ASSERT(n.ok());
    EXPECT_EQ(*n, 3u);
    EXPECT_EQ(out[0], 7);
    EXPECT_EQ(out[2], 9);
    const std::uint8_t wblock[] = {0x11, 0x22};
    {
      auto r_ = co_await bus.write_block_data(dev, 0x50, wblock);
      CO_ASSERT(r_.ok());
    }
    {
      auto r_ = co_await bus.write_byte(dev, 0x05);
      CO_ASSERT(r_.ok());  // sets the pointer
    }
    IoResult<std::uint8_t> rb = co_await bus.read_byte(dev);
    CO_ASSERT(rb.ok());
    EXPECT_EQ(*rb, 0x5a);
  };
  b.run(main_task());
  EXPECT_EQ(b.reg(0x06), 0x66);
  EXPECT_EQ(b.reg(0x32), 0xef);
  EXPECT_EQ(b.reg(0x33), 0xbe);
  EXPECT_EQ(b.reg(0x50), 2) << "block write: count first";
  EXPECT_EQ(b.reg(0x51), 0x11);
  EXPECT_EQ(b.reg(0x52), 0x22);
}

TYPED_TEST(I2cConformance, AnAbsentAddressIsANack) {
  auto& b = this->board;
  auto& bus = b.i2c_bus();
  auto main_task = [&]() -> Task<> {
    IoResult<std::uint8_t> v = co_await bus.read_byte_data(TypeParam::kAbsent, 0);
    CO_ASSERT(!v.ok());
    EXPECT_EQ(v.error().kind, IoErrc::nack);
    EXPECT_NE(std::string(v.error().what), "");
    const std::uint8_t d[] = {1};
    {
      auto r_ = co_await bus.write(TypeParam::kAbsent, d);
      EXPECT_EQ(r_.error().kind, IoErrc::nack);
    }
  };
  b.run(main_task());
}

TYPED_TEST(I2cConformance, NackBusErrorAndTimeoutAreDistinctKinds) {
  auto& b = this->board;
  auto& bus = b.i2c_bus();
  const std::uint16_t dev = TestFixture::kDev;
  auto main_task = [&]() -> Task<> {
    b.script_bus_error();
    auto e1 = co_await bus.read_byte_data(dev, 0);
    EXPECT_EQ(e1.error().kind, IoErrc::bus_error);
    {
      auto r_ = co_await bus.read_byte_data(dev, 0);
      EXPECT_TRUE(r_.ok()) << "the bus recovers";
    }
    b.script_slow(dev, 50ms);
    const std::int64_t t0 = b.now_us();
    auto e2 = co_await bus.read_byte_data(dev, 0).timeout(5ms);
    EXPECT_EQ(e2.error().kind, IoErrc::timeout);
    EXPECT_EQ(b.now_us() - t0, 5000) << "ends at its time limit";
    b.script_slow(dev, 0ms);
    {
      auto r_ = co_await bus.read_byte_data(dev, 0);
      EXPECT_TRUE(r_.ok()) << "the bus is usable after a timeout";
    }
    b.script_nack(dev);
    auto e3 = co_await bus.read_byte_data(dev, 0);
    EXPECT_EQ(e3.error().kind, IoErrc::nack);
    EXPECT_NE(e1.error().kind, e2.error().kind);
    EXPECT_NE(e2.error().kind, e3.error().kind);
  };
  b.run(main_task());
}

TYPED_TEST(I2cConformance, TheDefaultTimeLimitApplies) {
  auto& b = this->board;
  auto& bus = b.i2c_bus();
  bus.set_timeout(20ms);
  b.script_slow(TestFixture::kDev, 1s);
  auto main_task = [&]() -> Task<> {
    auto r = co_await bus.read_byte_data(TestFixture::kDev, 0);
    EXPECT_EQ(r.error().kind, IoErrc::timeout);
    EXPECT_EQ(b.now_us(), 20000);
  };
  b.run(main_task());
}

TYPED_TEST(I2cConformance, ASlowTransferTakesVirtualTime) {
  auto& b = this->board;
  auto& bus = b.i2c_bus();
  b.script_slow(TestFixture::kDev, 3ms);
  auto main_task = [&]() -> Task<> {
    auto r = co_await bus.read_byte_data(TestFixture::kDev, 0);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(b.now_us(), 3000);
  };
  b.run(main_task());
}

TYPED_TEST(I2cConformance, ACancelledTransferLeavesTheBusUsable) {
  auto& b = this->board;
  auto& bus = b.i2c_bus();
  b.script_slow(TestFixture::kDev, 10ms);
  auto main_task = [&]() -> Task<> {
    auto r = co_await wait_for(bus.write_byte_data(TestFixture::kDev, 0x07, 0x77), 1ms);
    EXPECT_TRUE(r.timed_out());
    b.script_slow(TestFixture::kDev, 0ms);
    auto v = co_await bus.read_byte_data(TestFixture::kDev, 0x08);
    EXPECT_TRUE(v.ok());
    EXPECT_EQ(b.now_us(), 1000) << "the aborted transfer no longer occupies the bus";
  };
  b.run(main_task());
}

TYPED_TEST(I2cConformance, ConcurrentTransfersAreServedInOrder) {
  auto& b = this->board;
  auto& bus = b.i2c_bus();
  b.script_slow(TestFixture::kDev, 2ms);
  std::vector<std::pair<int, std::int64_t>> done;
  auto user = [&](int id) -> Task<> {
    auto r = co_await bus.write_byte_data(TestFixture::kDev, static_cast<std::uint8_t>(0x60 + id), 1);
    EXPECT_TRUE(r.ok());
    done.emplace_back(id, b.now_us());
  };
  auto main_task = [&]() -> Task<> {
    auto a = create_task(user(1));
    auto c = create_task(user(2));
    co_await a;
    co_await c;
  };
  b.run(main_task());
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].first, 1);
  EXPECT_EQ(done[1].first, 2);
  EXPECT_EQ(done[0].second, 2000);
  EXPECT_EQ(done[1].second, 4000) << "one transfer at a time";
}

TYPED_TEST(I2cConformance, BadArgumentsAreRefusedWithoutTouchingTheBus) {
  auto& b = this->board;
  auto& bus = b.i2c_bus();
  auto main_task = [&]() -> Task<> {
    auto r = co_await bus.read_byte_data(0x80, 0);
    EXPECT_EQ(r.error().kind, IoErrc::invalid_argument);
    std::array<std::uint8_t, 33> big{};
    auto w = co_await bus.write_block_data(TestFixture::kDev, 0, big);
    EXPECT_EQ(w.error().kind, IoErrc::invalid_argument);
  };
  b.run(main_task());
}

TYPED_TEST(I2cConformance, ABlockLargerThanTheBufferIsAnOverflow) {
  auto& b = this->board;
  auto& bus = b.i2c_bus();
  b.set_reg(0x70, 10);
  auto main_task = [&]() -> Task<> {
    std::array<std::uint8_t, 4> out{};
    auto r = co_await bus.read_block_data(TestFixture::kDev, 0x70, out);
    EXPECT_EQ(r.error().kind, IoErrc::overflow);
  };
  b.run(main_task());
}

// ---- sim-only --------------------------------------------------------------------------------------------

class SimI2c : public ::testing::Test {
 protected:
  SimBoard b;
};

TEST_F(SimI2c, WriteReadIsOneTransferOfTwoMessages) {
  auto& bus = static_cast<sim::SimI2cBus&>(b.i2c_bus());
  auto main_task = [&]() -> Task<> { (void)co_await bus.read_word_data(SimBoard::kRegDev, 0x10); };
  b.run(main_task());
  ASSERT_EQ(bus.log().size(), 1u);
  const auto& rec = bus.log()[0];
  ASSERT_EQ(rec.messages.size(), 2u);
  EXPECT_FALSE(rec.messages[0].read);
  EXPECT_EQ(rec.messages[0].data, std::vector<std::uint8_t>{0x10});
  EXPECT_TRUE(rec.messages[1].read);
  EXPECT_EQ(rec.messages[1].data.size(), 2u);
}

TEST_F(SimI2c, ClosingTheBusEndsTransfersInFlightWithClosed) {
  auto& bus = static_cast<sim::SimI2cBus&>(b.i2c_bus());
  bus.set_delay(SimBoard::kRegDev, 10ms);
  auto user = [&]() -> Task<IoResult<std::uint8_t>> {
    co_return co_await bus.read_byte_data(SimBoard::kRegDev, 0);
  };
  auto main_task = [&]() -> Task<> {
    auto u = create_task(user());
    co_await sleep(1ms);
    bus.close();
    auto r = co_await u;
    EXPECT_EQ(r.error().kind, IoErrc::closed);
    {
      auto r_ = co_await bus.read_byte_data(SimBoard::kRegDev, 0);
      EXPECT_EQ(r_.error().kind, IoErrc::closed);
    }
  };
  b.run(main_task());
}

TEST_F(SimI2c, ACancelledTransferNeverReachesTheDevice) {
  auto& bus = static_cast<sim::SimI2cBus&>(b.i2c_bus());
  bus.set_delay(SimBoard::kRegDev, 10ms);
  auto main_task = [&]() -> Task<> {
    auto r = co_await wait_for(bus.write_byte_data(SimBoard::kRegDev, 0x07, 0x77), 1ms);
    EXPECT_TRUE(r.timed_out());
    co_await sleep(20ms);
  };
  b.run(main_task());
  EXPECT_EQ(b.reg(0x07), 0) << "sim: effects happen at completion";
  EXPECT_TRUE(bus.log().empty());
}

}  // namespace
}  // namespace aiopi::hal_testing
