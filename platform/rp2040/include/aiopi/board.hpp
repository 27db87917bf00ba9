// The board facade on the Pico (RP2040, bare metal): the same class names and constructors as the Raspberry
// Pi's (platform/linux) and the simulated board's (platform/sim), so one program source names its pins,
// buses and ports the same way everywhere; docs/design/board-facade.md.
//
//   aiopi::board::Output led(25);                         // the Pico's LED
//   aiopi::board::I2c i2c(0, 4, 5, 100'000);              // I2C0 on GP4 (SDA) / GP5 (SCL)
//   aiopi::drivers::HTU21D htu(i2c);                      // converts to hal::I2cBus&
//
// Here each facade class holds H2's peripheral class (include/aiopi/rp2040/{gpio,uart,i2c,adc,pwm}.hpp) by
// value, with inline forwarding: no heap, no virtual factory, nothing between a driver and the hardware but
// the HAL's own virtual calls. A wrong pin (one that cannot carry the function) is a usage error, as in H2's
// classes, so the program stops at once with a panic on UART0 naming it; a device that opened is ok().
// Objects are made inside a task (they take the running loop); their storage is the task's frame, so it
// comes from the frame pool.
#pragma once

#ifdef AIOPI_BOARD_NAME
#error "aiopi/board.hpp: two board facades are on the include path; link one board library"
#endif
#define AIOPI_BOARD_NAME "rp2040"

#include <chrono>
#include <cstdint>

#include "aiopi/hal/adc.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/i2c.hpp"
#include "aiopi/hal/pwm.hpp"
#include "aiopi/hal/stream.hpp"
#include "aiopi/hal/uart.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/rp2040/adc.hpp"
#include "aiopi/rp2040/gpio.hpp"
#include "aiopi/rp2040/i2c.hpp"
#include "aiopi/rp2040/pwm.hpp"
#include "aiopi/rp2040/uart.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi::board {

/// The platform's name: "sim", "linux" or "rp2040".
inline constexpr const char* kName = AIOPI_BOARD_NAME;

/// A GPIO output.
class Output {
 public:
  explicit Output(unsigned gpio, const hal::OutputConfig& config = {}) noexcept : line_(gpio, config) {}
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  hal::DigitalOutput& hal() noexcept { return line_; }
  operator hal::DigitalOutput&() noexcept { return line_; }  // NOLINT: passed to drivers as the HAL line
  hal::IoResult<void> set(bool level) { return line_.set(level); }
  hal::IoResult<bool> get() { return line_.get(); }
  hal::IoResult<void> toggle() { return line_.toggle(); }
  hal::IoError error() const noexcept { return {}; }
  bool ok() const noexcept { return true; }
  const char* message() const noexcept { return ""; }
  unsigned gpio() const noexcept { return line_.pin(); }

 private:
  rp2040::GpioOutput line_;
};

/// A GPIO input, with edge detection as its InputConfig asks.
class Input {
 public:
  explicit Input(unsigned gpio, const hal::InputConfig& config = {}) noexcept
      : line_(Loop::get(), gpio, config) {}
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  hal::DigitalInput& hal() noexcept { return line_; }
  operator hal::DigitalInput&() noexcept { return line_; }  // NOLINT
  hal::IoResult<bool> value() { return line_.value(); }
  hal::EdgeQueue::NextEdge next_edge() noexcept { return line_.next_edge(); }
  hal::IoError error() const noexcept { return {}; }
  bool ok() const noexcept { return true; }
  const char* message() const noexcept { return ""; }
  unsigned gpio() const noexcept { return line_.pin(); }

 private:
  rp2040::GpioInput line_;
};

/// I2C controller `bus` (0 or 1) on pins `sda` / `scl` at `hz` (the pins must belong to that controller).
class I2c {
 public:
  I2c(unsigned bus, unsigned sda, unsigned scl, std::uint32_t hz = 100'000) noexcept
      : bus_(Loop::get(), checked(bus, sda), scl, hz) {}
  I2c(const I2c&) = delete;
  I2c& operator=(const I2c&) = delete;

  hal::I2cBus& hal() noexcept { return bus_; }
  operator hal::I2cBus&() noexcept { return bus_; }  // NOLINT
  hal::IoError error() const noexcept { return {}; }
  bool ok() const noexcept { return true; }
  const char* message() const noexcept { return ""; }
  unsigned bus() const noexcept { return bus_.index(); }
  std::uint32_t hz() const noexcept { return bus_.frequency(); }

 private:
  static unsigned checked(unsigned bus, unsigned sda) noexcept {
    // GPn belongs to I2C((n / 2) % 2) (RP2040 datasheet 2.19.2, the function table).
    if (bus != (sda / 2) % 2) usage_error("board::I2c: the SDA pin belongs to the other I2C controller");
    return sda;
  }
  rp2040::I2cBus bus_;
};

/// UART `id` on pins `tx` / `rx`, 8N1 at `baud` (the pins must belong to that UART), with 256-byte rings.
class Uart {
 public:
  Uart(unsigned id, unsigned tx, unsigned rx, std::uint32_t baud = 115200) noexcept
      : port_(Loop::get(), checked(id, tx), rx, storage_, hal::UartConfig{.baud = baud}) {}
  Uart(const Uart&) = delete;
  Uart& operator=(const Uart&) = delete;

  hal::Uart& hal() noexcept { return port_; }
  operator hal::Uart&() noexcept { return port_; }  // NOLINT
  hal::StreamReader& reader() noexcept { return port_.reader(); }
  hal::StreamWriter& writer() noexcept { return port_.writer(); }
  hal::IoError error() const noexcept { return {}; }
  bool ok() const noexcept { return true; }
  const char* message() const noexcept { return ""; }
  unsigned id() const noexcept { return port_.index(); }

 private:
  static unsigned checked(unsigned id, unsigned tx) noexcept {
    // UART0 TX on GP0/12/16/28, UART1 TX on GP4/8/20/24: (n / 4) % 2 (RP2040 datasheet 2.19.2).
    if (id != (tx / 4) % 2) usage_error("board::Uart: the TX pin belongs to the other UART");
    return tx;
  }
  hal::StreamStorage<256, 256> storage_;  // before port_: the rings are made over it
  rp2040::Uart port_;
};

/// PWM on `gpio` with `period`, enabled at duty 0.
class Pwm {
 public:
  Pwm(unsigned gpio, std::chrono::nanoseconds period) noexcept : pwm_(gpio) {
    hal::IoResult<void> r =
        period.count() > 0 ? pwm_.set_period_ns(static_cast<std::uint64_t>(period.count()))
                           : hal::IoResult<void>(hal::io_error(hal::IoErrc::invalid_argument,
                                                               "board::Pwm: the period must be above 0"));
    if (r) r = pwm_.enable(true);
    if (!r) error_ = r.error();
  }
  Pwm(const Pwm&) = delete;
  Pwm& operator=(const Pwm&) = delete;

  hal::PwmOutput& hal() noexcept { return pwm_; }
  operator hal::PwmOutput&() noexcept { return pwm_; }  // NOLINT
  hal::IoResult<void> set_duty_u16(std::uint16_t duty) { return pwm_.set_duty_u16(duty); }
  std::uint16_t duty_u16() const noexcept { return pwm_.duty_u16(); }
  hal::IoError error() const noexcept { return error_; }
  bool ok() const noexcept { return error_.ok(); }
  const char* message() const noexcept { return error_.what; }

 private:
  rp2040::PwmOutput pwm_;
  hal::IoError error_{};
};

/// ADC input `channel`: 0..3 on GP26..GP29, 4 the temperature sensor.
class Adc {
 public:
  explicit Adc(unsigned channel) noexcept : adc_(channel), channel_(channel) {}
  Adc(const Adc&) = delete;
  Adc& operator=(const Adc&) = delete;

  hal::AdcChannel& hal() noexcept { return adc_; }
  operator hal::AdcChannel&() noexcept { return adc_; }  // NOLINT
  hal::IoResult<std::uint16_t> read_u16() { return adc_.read_u16(); }
  hal::IoError error() const noexcept { return {}; }
  bool ok() const noexcept { return true; }
  const char* message() const noexcept { return ""; }
  unsigned channel() const noexcept { return channel_; }

 private:
  rp2040::AdcChannel adc_;
  unsigned channel_;
};

/// Reports a fatal error on UART0 (polled, as the panic handler does: "<what>: <message>") and gives the exit
/// code 1, which main's return then reports as "#exit: 1".
int fail(const char* what, const char* message = "");

/// Runs the program's main task and returns its result (asyncio.run).
inline int run(Task<int> program) {
  return aiopi::run(std::move(program));
}

}  // namespace aiopi::board
