// The board a configuration is wired onto: it makes the HAL objects a device type needs. `sim` makes every
// device on the simulated board (platform/sim), `linux` opens them through the Linux backends
// (platform/linux). A failure is a message for the log, never fatal: the runtime retries with backoff.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "aiopi/hal/adc.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/i2c.hpp"
#include "aiopi/hal/pwm.hpp"
#include "aiopi/hal/uart.hpp"
#include "aiopi/loop.hpp"
#include "aiopid/config/config.hpp"

namespace aiopid::runtime {

/// A device the board made, or why it could not.
template <class T>
struct Opened {
  std::unique_ptr<T> device;
  std::string error;  ///< set when `device` is null
  explicit operator bool() const noexcept { return device != nullptr; }
};

class Board {
 public:
  virtual ~Board() = default;
  /// "sim" or "linux".
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  /// A `digital_in` device (params validated by the schema).
  virtual Opened<aiopi::hal::DigitalInput> open_input(aiopi::Loop& loop,
                                                      const config::DeviceConfig& device) = 0;
  /// A `digital_out` device, driven to `initial` (logical) at once.
  virtual Opened<aiopi::hal::DigitalOutput> open_output(aiopi::Loop& loop, const config::DeviceConfig& device,
                                                        bool initial) = 0;
  /// An `adc` channel.
  virtual Opened<aiopi::hal::AdcChannel> open_adc(aiopi::Loop& loop, const config::DeviceConfig& device) = 0;
  /// A `pwm` channel with its `polarity` applied, not yet running (the runtime sets period and duty, then
  /// enables it).
  virtual Opened<aiopi::hal::PwmOutput> open_pwm(aiopi::Loop& loop, const config::DeviceConfig& device) = 0;
  /// The I2C bus of an `i2c_register_device` (`bus`); the device at `address` is reached through it (on
  /// `sim`: a simulated bus with a register device at that address).
  virtual Opened<aiopi::hal::I2cBus> open_i2c(aiopi::Loop& loop, const config::DeviceConfig& device) = 0;
  /// A `uart_line_reader`'s serial port (on `sim`: a simulated UART that receives nothing unless fed).
  virtual Opened<aiopi::hal::Uart> open_uart(aiopi::Loop& loop, const config::DeviceConfig& device) = 0;
  /// Drives a simulated input (`sim` only; false elsewhere): the stimulus of `sim_press_every`.
  virtual bool drive_simulated(aiopi::hal::DigitalInput& input, bool electrical_level) {
    (void)input;
    (void)electrical_level;
    return false;
  }
  /// Puts `electrical_level` on a simulated input at `at` on the loop's clock, stamped with that time even if
  /// the loop is late (`sim` only; false elsewhere): gestures and IR frames with exact timing.
  virtual bool schedule_simulated(aiopi::hal::DigitalInput& input, aiopi::TimePoint at,
                                  bool electrical_level) {
    (void)input;
    (void)at;
    (void)electrical_level;
    return false;
  }
  /// Whether the device's serial port is simulated (`sim`, except pseudo-terminals): feed_simulated() then
  /// makes it receive bytes.
  virtual bool simulated_port(const config::DeviceConfig& device) const {
    (void)device;
    return false;
  }
  /// A simulated port receives `bytes` (`sim` only, a port simulated_port() said is; false elsewhere): the
  /// simulated GPS receiver's sentences.
  virtual bool feed_simulated(aiopi::hal::Uart& uart, std::string_view bytes) {
    (void)uart;
    (void)bytes;
    return false;
  }
  /// What the board offers, for `aiopid --list-hardware`.
  virtual void list_hardware(std::FILE* out) = 0;
};

/// hal configs from a device's validated params.
aiopi::hal::InputConfig input_config(const config::DeviceConfig& device);
aiopi::hal::OutputConfig output_config(const config::DeviceConfig& device, bool initial);
aiopi::hal::UartConfig uart_config(const config::DeviceConfig& device);
/// An i2c_register_device's `bus` as text: "1" (a number) or the adapter's name.
std::string i2c_bus_text(const config::DeviceConfig& device);

}  // namespace aiopid::runtime
