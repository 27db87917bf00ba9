// Conformance of AdcChannel and PwmOutput, written against the HAL interfaces and run on every board.
#include <cmath>
#include <vector>

#include "board.hpp"

namespace aiopi::hal_testing {
namespace {

using hal::IoErrc;

template <class B>
class AnalogConformance : public ::testing::Test {
 protected:
  B board;
};

using Boards = ::testing::Types<SimBoard>;
TYPED_TEST_SUITE(AnalogConformance, Boards, BoardName);

TYPED_TEST(AnalogConformance, AdcReadsTheValueTheFarSideSets) {
  auto adc = this->board.make_adc();
  this->board.set_adc(*adc, 12345);
  auto r = adc->read_u16();
  ASSERT_TRUE(r.ok()) << r.error().what;
  EXPECT_EQ(*r, 12345);
}

TYPED_TEST(AnalogConformance, AdcVoltsWhereTheScaleIsKnown) {
  auto plain = this->board.make_adc();
  this->board.set_adc(*plain, 100);
  EXPECT_EQ(plain->read_volts().error().kind, IoErrc::unsupported);
  auto scaled = this->board.make_adc(3.3f / 65535.0f);
  this->board.set_adc(*scaled, 65535);
  auto v = scaled->read_volts();
  ASSERT_TRUE(v.ok());
  EXPECT_NEAR(*v, 3.3f, 1e-4f);
}

TEST(AdcScale, RawReadingsOfAnyResolutionScaleToFullRange) {
  EXPECT_EQ(hal::AdcChannel::scale_to_u16(4095, 12), 65535);
  EXPECT_EQ(hal::AdcChannel::scale_to_u16(0, 12), 0);
  EXPECT_EQ(hal::AdcChannel::scale_to_u16(2048, 12), 0x8008);
  EXPECT_EQ(hal::AdcChannel::scale_to_u16(1023, 10), 65535);
  EXPECT_EQ(hal::AdcChannel::scale_to_u16(65535, 16), 65535);
  EXPECT_EQ(hal::AdcChannel::scale_to_u16(9999, 12), 65535) << "clamped";
}

TYPED_TEST(AnalogConformance, PwmPeriodDutyEnable) {
  auto pwm = this->board.make_pwm();
  ASSERT_TRUE(pwm->set_period_ns(1'000'000).ok());
  ASSERT_TRUE(pwm->set_duty_ns(250'000).ok());
  ASSERT_TRUE(pwm->enable(true).ok());
  EXPECT_EQ(pwm->period_ns(), 1'000'000u);
  EXPECT_EQ(pwm->duty_ns(), 250'000u);
  EXPECT_TRUE(pwm->enabled());
  EXPECT_EQ(pwm->duty_u16(), 16383);
  ASSERT_TRUE(pwm->set_duty_u16(32768).ok());
  EXPECT_EQ(pwm->duty_ns(), 500'007u);
  ASSERT_TRUE(pwm->enable(false).ok());
  EXPECT_FALSE(pwm->enabled());
}

TYPED_TEST(AnalogConformance, PwmRefusesADutyAboveThePeriod) {
  auto pwm = this->board.make_pwm();
  EXPECT_EQ(pwm->set_period_ns(0).error().kind, IoErrc::invalid_argument);
  ASSERT_TRUE(pwm->set_period_ns(1000).ok());
  EXPECT_EQ(pwm->set_duty_ns(1001).error().kind, IoErrc::invalid_argument);
  ASSERT_TRUE(pwm->set_duty_ns(800).ok());
  EXPECT_EQ(pwm->set_period_ns(500).error().kind, IoErrc::invalid_argument) << "lower the duty first";
  EXPECT_EQ(pwm->period_ns(), 1000u) << "a refused setting changes nothing";
}

TYPED_TEST(AnalogConformance, PwmSetFreqKeepsTheDutyFraction) {
  auto pwm = this->board.make_pwm();
  ASSERT_TRUE(pwm->set_freq(1000).ok());
  EXPECT_EQ(pwm->period_ns(), 1'000'000u);
  ASSERT_TRUE(pwm->set_duty_u16(65535 / 4).ok());
  ASSERT_TRUE(pwm->set_freq(10'000).ok());  // shorter period: the duty is lowered first
  EXPECT_EQ(pwm->period_ns(), 100'000u);
  EXPECT_NEAR(pwm->duty_u16(), 65535 / 4, 2);
  ASSERT_TRUE(pwm->set_freq(100).ok());
  EXPECT_EQ(pwm->period_ns(), 10'000'000u);
  EXPECT_NEAR(pwm->duty_u16(), 65535 / 4, 2);
  EXPECT_EQ(pwm->set_freq(0).error().kind, IoErrc::invalid_argument);
}

// ---- sim-only --------------------------------------------------------------------------------------------

class SimAnalog : public ::testing::Test {
 protected:
  SimBoard b;
};

TEST_F(SimAnalog, AdcValueIsAFunctionOfVirtualTime) {
  sim::SimAdc adc(b.loop, [](std::int64_t t_us) { return static_cast<std::uint16_t>(t_us / 1000); });
  std::vector<std::uint16_t> got;
  auto main_task = [&]() -> Task<> {
    for (int i = 0; i < 3; ++i) {
      got.push_back(*adc.read_u16());
      co_await sleep(10ms);
    }
  };
  b.run(main_task());
  EXPECT_EQ(got, (std::vector<std::uint16_t>{0, 10, 20}));
  adc.fail_next(IoErrc::io);
  EXPECT_EQ(adc.read_u16().error().kind, IoErrc::io);
  EXPECT_TRUE(adc.read_u16().ok());
}

TEST_F(SimAnalog, PwmRecordsEverySettingWithItsVirtualTime) {
  sim::SimPwm pwm(b.loop);
  auto main_task = [&]() -> Task<> {
    (void)pwm.set_period_ns(1000);
    (void)pwm.enable(true);
    co_await sleep(5ms);
    (void)pwm.set_duty_ns(500);
    (void)pwm.set_duty_ns(500);  // unchanged: not recorded
    co_await sleep(5ms);
    (void)pwm.enable(false);
  };
  b.run(main_task());
  EXPECT_EQ(
      pwm.history(),
      (std::vector<sim::PwmSetting>{
          {0, 1000, 0, false}, {0, 1000, 0, true}, {5000, 1000, 500, true}, {10000, 1000, 500, false}}));
}

}  // namespace
}  // namespace aiopi::hal_testing
