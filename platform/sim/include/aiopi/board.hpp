// The board facade on the simulated board: the same class names and constructors as the Raspberry Pi's
// (platform/linux) and the Pico's (platform/rp2040), so one program source names its pins, buses and ports
// the same way everywhere; docs/design/board-facade.md. Here every object is a sim device on the loop's
// virtual clock, registered with sim::SimBoard::current() so a test can drive and inspect it.
//
//   aiopi::board::Output led(25);
//   aiopi::board::Input button(14, {.edges = hal::EdgeMode::both, .bias = hal::Bias::pull_up});
//   drivers::Pushbutton pb(button);                      // converts to hal::DigitalInput&
//   return aiopi::board::run(app());                     // in main()
//
// Objects are made inside a task (they take the running loop). Opening never fails on the sim board;
// error() is there because on the Pi it can.
#pragma once

#ifdef AIOPI_BOARD_NAME
#error "aiopi/board.hpp: two board facades are on the include path; link one board library"
#endif
#define AIOPI_BOARD_NAME "sim"

#include <chrono>
#include <cstdint>

#include "aiopi/hal/adc.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/i2c.hpp"
#include "aiopi/hal/pwm.hpp"
#include "aiopi/hal/uart.hpp"
#include "aiopi/sim/sim_analog.hpp"
#include "aiopi/sim/sim_board.hpp"
#include "aiopi/sim/sim_digital.hpp"
#include "aiopi/sim/sim_i2c.hpp"
#include "aiopi/sim/sim_uart.hpp"
#include "aiopi/task.hpp"

namespace aiopi::board {

/// The platform's name: "sim", "linux" or "rp2040".
inline constexpr const char* kName = AIOPI_BOARD_NAME;

/// A GPIO output.
class Output {
 public:
  explicit Output(unsigned gpio, const hal::OutputConfig& config = {});
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  hal::DigitalOutput& hal() noexcept { return line_; }
  operator hal::DigitalOutput&() noexcept { return line_; }  // NOLINT: passed to drivers as the HAL line
  hal::IoResult<void> set(bool level) { return line_.set(level); }
  hal::IoResult<bool> get() { return line_.get(); }
  hal::IoResult<void> toggle() {
    hal::IoResult<bool> level = line_.get();
    if (!level) return level.error();
    return line_.set(!*level);
  }
  /// Why the line did not open (kind ok when it did), and the whole story as text.
  hal::IoError error() const noexcept { return {}; }
  bool ok() const noexcept { return true; }
  const char* message() const noexcept { return ""; }
  unsigned gpio() const noexcept { return gpio_; }

 private:
  unsigned gpio_;
  sim::SimDigitalOutput line_;
};

/// A GPIO input, with edge detection as its InputConfig asks.
class Input {
 public:
  explicit Input(unsigned gpio, const hal::InputConfig& config = {});
  ~Input();
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  hal::DigitalInput& hal() noexcept { return line_; }
  operator hal::DigitalInput&() noexcept { return line_; }  // NOLINT
  hal::IoResult<bool> value() { return line_.value(); }
  hal::EdgeQueue::NextEdge next_edge() noexcept { return line_.next_edge(); }
  hal::IoError error() const noexcept { return {}; }
  bool ok() const noexcept { return true; }
  const char* message() const noexcept { return ""; }
  unsigned gpio() const noexcept { return gpio_; }

 private:
  unsigned gpio_;
  sim::SimDigitalInput line_;
};

/// I2C controller `bus` (0 or 1) on pins `sda` / `scl` at `hz`.
class I2c {
 public:
  I2c(unsigned bus, unsigned sda, unsigned scl, std::uint32_t hz = 100'000);
  ~I2c();
  I2c(const I2c&) = delete;
  I2c& operator=(const I2c&) = delete;

  hal::I2cBus& hal() noexcept { return bus_; }
  operator hal::I2cBus&() noexcept { return bus_; }  // NOLINT
  hal::IoError error() const noexcept { return {}; }
  bool ok() const noexcept { return true; }
  const char* message() const noexcept { return ""; }
  unsigned bus() const noexcept { return id_; }
  std::uint32_t hz() const noexcept { return hz_; }

 private:
  unsigned id_;
  std::uint32_t hz_;
  sim::SimI2cBus bus_;
};

/// UART `id` on pins `tx` / `rx`, 8N1 at `baud`.
class Uart {
 public:
  Uart(unsigned id, unsigned tx, unsigned rx, std::uint32_t baud = 115200);
  ~Uart();
  Uart(const Uart&) = delete;
  Uart& operator=(const Uart&) = delete;

  hal::Uart& hal() noexcept { return port_; }
  operator hal::Uart&() noexcept { return port_; }  // NOLINT
  hal::StreamReader& reader() noexcept { return port_.reader(); }
  hal::StreamWriter& writer() noexcept { return port_.writer(); }
  hal::IoError error() const noexcept { return {}; }
  bool ok() const noexcept { return true; }
  const char* message() const noexcept { return ""; }
  unsigned id() const noexcept { return id_; }

 private:
  unsigned id_;
  sim::SimUart port_;
};

/// PWM on `gpio` with `period`, enabled at duty 0.
class Pwm {
 public:
  Pwm(unsigned gpio, std::chrono::nanoseconds period);
  ~Pwm();
  Pwm(const Pwm&) = delete;
  Pwm& operator=(const Pwm&) = delete;

  hal::PwmOutput& hal() noexcept { return pwm_; }
  operator hal::PwmOutput&() noexcept { return pwm_; }  // NOLINT
  hal::IoResult<void> set_duty_u16(std::uint16_t duty) { return pwm_.set_duty_u16(duty); }
  std::uint16_t duty_u16() const noexcept { return pwm_.duty_u16(); }
  hal::IoError error() const noexcept { return error_; }
  bool ok() const noexcept { return error_.ok(); }
  const char* message() const noexcept { return error_.what; }
  unsigned gpio() const noexcept { return gpio_; }

 private:
  unsigned gpio_;
  sim::SimPwm pwm_;
  hal::IoError error_{};
};

/// ADC input `channel` (the RP2040's 0..3 on GPIO26..29, 4 the temperature sensor).
class Adc {
 public:
  explicit Adc(unsigned channel);
  ~Adc();
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
  unsigned channel_;
  sim::SimAdc adc_;
};

/// Reports a device that did not open (or another fatal error) where this board shows errors — stderr here
/// and on the Pi, the panic UART on the Pico — and gives the exit code 1.
int fail(const char* what, const char* message = "");

/// Runs the program's main task and returns its result (asyncio.run). On the sim board: beside the
/// SimBoard's script, or within its time limit (sim::SimBoard); a program cancelled by either gives 0.
int run(Task<int> program);

}  // namespace aiopi::board
