// Board: what the device table asks of the hardware. It hands out the HAL objects of pins, PWM outputs, ADC
// channels and I2C buses by number, and takes them back when a device closes. The table decides which pins
// are free and which are the tether's; the board decides what each pin can do (a PWM slice, an I2C pin pair)
// and says why not in the IoError's `what`, which the table passes on in its -32602 message.
//
// Implementations: the RP2040 board in firmware/aiopi-pico/main_rp2040.cpp (H2's classes in static storage,
// one slot per pin) and the simulated board of the host tests (tests/pico_tether/sim_pico_board.hpp).
// A board never allocates on the RP2040; each object it returns stays valid until handed back.
#pragma once

#include <cstdint>

#include "aiopi/hal/adc.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/hal/i2c.hpp"
#include "aiopi/hal/pwm.hpp"

namespace aiopi::pico {

class Board {
 public:
  Board() noexcept = default;
  Board(const Board&) = delete;
  Board& operator=(const Board&) = delete;

  virtual hal::IoResult<hal::DigitalOutput*> open_output(unsigned pin, const hal::OutputConfig& config) = 0;
  virtual hal::IoResult<hal::DigitalInput*> open_input(unsigned pin, const hal::InputConfig& config) = 0;
  /// A PWM output on `pin`, disabled, period unset.
  virtual hal::IoResult<hal::PwmOutput*> open_pwm(unsigned pin) = 0;
  /// ADC `channel` 0-3 (GP26-29) or 4 (the temperature sensor).
  virtual hal::IoResult<hal::AdcChannel*> open_adc(unsigned channel) = 0;
  /// The I2C bus on the pin pair (`sda`, `scl`) at `frequency_hz`.
  virtual hal::IoResult<hal::I2cBus*> open_i2c(unsigned sda, unsigned scl, std::uint32_t frequency_hz) = 0;

  virtual void close(hal::DigitalOutput& output) noexcept = 0;
  virtual void close(hal::DigitalInput& input) noexcept = 0;
  virtual void close(hal::PwmOutput& pwm) noexcept = 0;
  virtual void close(hal::AdcChannel& adc) noexcept = 0;
  virtual void close(hal::I2cBus& bus) noexcept = 0;

 protected:
  ~Board() = default;
};

}  // namespace aiopi::pico
