// The `sim` board: every device is made on the simulated board's HAL (SimDigitalInput / SimDigitalOutput,
// SimAdc, SimPwm, SimUart, SimI2cBus), running on the real-time Linux loop, so the daemon runs anywhere.
// Inputs can be pressed by the runtime (`sim_press_every`). An i2c_register_device talks to a simulated
// register device (256 byte registers, all 0 at first) kept by the board per bus and address, so its
// registers keep their values when the device is reopened (a reload), as a real chip's would. A driver type
// on I2C gets its simulated chip instead (sim_chips.hpp: an htu21d an HTU21D). A serial port under /dev/pts/
// is opened for real (a test, or socat, plays the far end); every other port is simulated.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "aiopi/sim/sim_analog.hpp"
#include "aiopi/sim/sim_i2c.hpp"
#include "aiopid/runtime/board.hpp"

namespace aiopid::runtime {

/// The sim board's PWM channel: a SimPwm with the `polarity` the board applied (SimPwm has none; on
/// `linux` the sysfs channel's polarity is set).
class SimBoardPwm final : public aiopi::hal::PwmOutput {
 public:
  SimBoardPwm(aiopi::Loop& loop, bool inversed) : pwm_(loop), inversed_(inversed) {}
  aiopi::hal::IoResult<void> set_period_ns(std::uint64_t ns) override { return pwm_.set_period_ns(ns); }
  aiopi::hal::IoResult<void> set_duty_ns(std::uint64_t ns) override { return pwm_.set_duty_ns(ns); }
  aiopi::hal::IoResult<void> enable(bool on) override { return pwm_.enable(on); }
  std::uint64_t period_ns() const noexcept override { return pwm_.period_ns(); }
  std::uint64_t duty_ns() const noexcept override { return pwm_.duty_ns(); }
  bool enabled() const noexcept override { return pwm_.enabled(); }
  /// Inverted output: the duty is the low time.
  [[nodiscard]] bool inversed() const noexcept { return inversed_; }
  [[nodiscard]] const aiopi::sim::SimPwm& sim() const noexcept { return pwm_; }

 private:
  aiopi::sim::SimPwm pwm_;
  bool inversed_;
};

class SimBoard final : public Board {
 public:
  std::string_view name() const noexcept override { return "sim"; }
  Opened<aiopi::hal::DigitalInput> open_input(aiopi::Loop& loop, const config::DeviceConfig& device) override;
  Opened<aiopi::hal::DigitalOutput> open_output(aiopi::Loop& loop, const config::DeviceConfig& device,
                                                bool initial) override;
  Opened<aiopi::hal::AdcChannel> open_adc(aiopi::Loop& loop, const config::DeviceConfig& device) override;
  Opened<aiopi::hal::PwmOutput> open_pwm(aiopi::Loop& loop, const config::DeviceConfig& device) override;
  Opened<aiopi::hal::Uart> open_uart(aiopi::Loop& loop, const config::DeviceConfig& device) override;
  Opened<aiopi::hal::I2cBus> open_i2c(aiopi::Loop& loop, const config::DeviceConfig& device) override;
  bool drive_simulated(aiopi::hal::DigitalInput& input, bool electrical_level) override;
  bool schedule_simulated(aiopi::hal::DigitalInput& input, aiopi::TimePoint at,
                          bool electrical_level) override;
  bool simulated_port(const config::DeviceConfig& device) const override;
  bool feed_simulated(aiopi::hal::Uart& uart, std::string_view bytes) override;
  void list_hardware(std::FILE* out) override;

  /// The simulated chip at `address` on bus `bus` (the config's text: "sim", "1"), made on first use.
  aiopi::sim::SimRegisterDevice& i2c_device(std::string_view bus, std::uint16_t address);

 private:
  std::map<std::string, std::unique_ptr<aiopi::sim::SimRegisterDevice>, std::less<>> i2c_devices_;
  /// The simulated chips of driver types (an HTU21D) by "bus|address", kept across reloads like the
  /// register devices.
  std::map<std::string, std::unique_ptr<aiopi::sim::SimI2cDevice>, std::less<>> chips_;
};

std::unique_ptr<Board> make_sim_board();

}  // namespace aiopid::runtime
