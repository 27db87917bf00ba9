// The board facade on the Pi (platform/linux/include/aiopi/board.hpp): what does not depend on the machine —
// the Pi has no ADC, hardware PWM only on GPIO12/13/18/19, one I2C bus for 0 and 1, UARTs 0 and 1 — comes
// back as error values with a message, and the stand-in HAL objects fail every call with the same error.
#include <gtest/gtest.h>

#include <string>

#include "aiopi/board.hpp"

namespace {

namespace board = aiopi::board;
using aiopi::hal::IoErrc;

TEST(LinuxBoardFacade, TheAdcIsUnsupportedAndSaysToUseAnExternalConverter) {
  board::Adc adc(0);
  EXPECT_FALSE(adc.ok());
  EXPECT_EQ(adc.error().kind, IoErrc::unsupported);
  EXPECT_NE(std::string(adc.message()).find("no ADC"), std::string::npos) << adc.message();
  auto r = adc.read_u16();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, IoErrc::unsupported);
  aiopi::hal::AdcChannel& as_hal = adc;  // what a driver takes
  EXPECT_FALSE(as_hal.read_volts());
}

TEST(LinuxBoardFacade, PwmOnAGpioWithoutHardwarePwmNamesThePinsThatHaveIt) {
  board::Pwm pwm(15, std::chrono::milliseconds(1));
  EXPECT_FALSE(pwm.ok());
  EXPECT_EQ(pwm.error().kind, IoErrc::unsupported);
  const std::string message = pwm.message();
  EXPECT_NE(message.find("GPIO15"), std::string::npos) << message;
  EXPECT_NE(message.find("GPIO18"), std::string::npos) << message;
  EXPECT_NE(message.find("pwm-2chan"), std::string::npos) << message;
  auto r = pwm.set_duty_u16(100);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, IoErrc::unsupported);
  EXPECT_FALSE(pwm.hal().enabled());
}

TEST(LinuxBoardFacade, AnI2cBusOtherThanZeroOrOneDoesNotExistAndItsTransfersFail) {
  board::I2c i2c(2, 4, 5, 100'000);
  EXPECT_FALSE(i2c.ok());
  EXPECT_EQ(i2c.error().kind, IoErrc::not_found);
  EXPECT_NE(std::string(i2c.message()).find("/dev/i2c-1"), std::string::npos) << i2c.message();
  EXPECT_EQ(i2c.bus(), 2u);
}

TEST(LinuxBoardFacade, AUartOtherThanZeroOrOneDoesNotExistAndItsStreamFails) {
  board::Uart uart(4, 0, 1, 9600);
  EXPECT_FALSE(uart.ok());
  EXPECT_EQ(uart.error().kind, IoErrc::not_found);
  EXPECT_NE(std::string(uart.message()).find("AIOPI_UART4"), std::string::npos) << uart.message();
  auto w = uart.writer().write(std::string_view("x"));
  ASSERT_FALSE(w);
  EXPECT_EQ(uart.hal().config().baud, 9600u);
}

TEST(LinuxBoardFacade, NamesItself) {
  EXPECT_STREQ(board::kName, "linux");
}

}  // namespace
