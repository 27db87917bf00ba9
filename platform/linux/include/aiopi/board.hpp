// The board facade on the Raspberry Pi (Linux): the same class names and constructors as the Pico's
// (platform/rp2040) and the simulated board's (platform/sim), so one program source names its pins, buses
// and ports the same way everywhere; docs/design/board-facade.md.
//
//   aiopi::board::Output led(25);                         // BCM GPIO25 = line 25 of gpiochip0
//   aiopi::board::I2c i2c(0, 4, 5, 100'000);              // /dev/i2c-1 (the header's SDA1/SCL1, GPIO2/3)
//   if (!i2c.ok()) return aiopi::board::fail("i2c", i2c.message());
//   aiopi::drivers::HTU21D htu(i2c);                      // converts to hal::I2cBus&
//
// How numbers map here:
//  * GPIO n: line n of the header's chip, whose offsets are BCM numbers (AIOPI_GPIOCHIP overrides
//    "gpiochip0": a label such as "pinctrl-bcm2711", a name or a path).
//  * I2c bus 0 or 1: /dev/i2c-1, the header's I2C (GPIO2 SDA, GPIO3 SCL; the sda / scl / hz arguments are
//    the Pico's: the Pi's pins are fixed and its clock is set in config.txt, dtparam=i2c_arm_baudrate).
//    AIOPI_I2C_BUS overrides ("1", "/dev/i2c-3", an adapter's name).
//  * Uart 0: /dev/serial0 (GPIO14 TXD, GPIO15 RXD), 1: /dev/serial1; AIOPI_UART<id> overrides the path.
//  * Pwm on GPIO12 / GPIO18: pwmchip0 channel 0; GPIO13 / GPIO19: channel 1 (the pwm-2chan overlay);
//    AIOPI_PWMCHIP overrides the chip. Other GPIOs have no hardware PWM on the Pi: IoErrc::unsupported.
//  * Adc: the Pi has none; every channel is IoErrc::unsupported (use an I2C converter and its driver).
//
// A device that does not open is still an object: error() / message() say why (the message names what to
// do: a group to join, an overlay to enable), and its HAL interface fails every call with that error, so a
// driver given it reports errors instead of crashing. Objects are made inside a task (they take the loop).
#pragma once

#ifdef AIOPI_BOARD_NAME
#error "aiopi/board.hpp: two board facades are on the include path; link one board library"
#endif
#define AIOPI_BOARD_NAME "linux"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "aiopi/hal/adc.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/i2c.hpp"
#include "aiopi/hal/pwm.hpp"
#include "aiopi/hal/uart.hpp"
#include "aiopi/task.hpp"

namespace aiopi::board {

/// The platform's name: "sim", "linux" or "rp2040".
inline constexpr const char* kName = AIOPI_BOARD_NAME;

/// What every facade object on the Pi keeps: why it did not open, in a word and in a sentence.
class OpenStatus {
 public:
  hal::IoError error() const noexcept { return error_; }
  bool ok() const noexcept { return error_.ok(); }
  const char* message() const noexcept { return message_.c_str(); }

 protected:
  void failed(hal::IoError error, std::string message) {
    error_ = error;
    message_ = std::move(message);
  }

 private:
  hal::IoError error_{};
  std::string message_;
};

/// A GPIO output.
class Output : public OpenStatus {
 public:
  explicit Output(unsigned gpio, const hal::OutputConfig& config = {});
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  hal::DigitalOutput& hal() noexcept { return *line_; }
  operator hal::DigitalOutput&() noexcept { return *line_; }  // NOLINT: passed to drivers as the HAL line
  hal::IoResult<void> set(bool level) { return line_->set(level); }
  hal::IoResult<bool> get() { return line_->get(); }
  hal::IoResult<void> toggle() {
    hal::IoResult<bool> level = line_->get();
    if (!level) return level.error();
    return line_->set(!*level);
  }
  unsigned gpio() const noexcept { return gpio_; }

 private:
  unsigned gpio_;
  std::unique_ptr<hal::DigitalOutput> line_;  // the line, or a stand-in that fails with error()
};

/// A GPIO input, with edge detection as its InputConfig asks.
class Input : public OpenStatus {
 public:
  explicit Input(unsigned gpio, const hal::InputConfig& config = {});
  ~Input();
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  hal::DigitalInput& hal() noexcept { return *line_; }
  operator hal::DigitalInput&() noexcept { return *line_; }  // NOLINT
  hal::IoResult<bool> value() { return line_->value(); }
  hal::EdgeQueue::NextEdge next_edge() noexcept { return line_->next_edge(); }
  unsigned gpio() const noexcept { return gpio_; }

 private:
  unsigned gpio_;
  std::unique_ptr<hal::DigitalInput> line_;
};

/// I2C controller `bus` (0 or 1) on pins `sda` / `scl` at `hz` (the Pi: see the top of the file).
class I2c : public OpenStatus {
 public:
  I2c(unsigned bus, unsigned sda, unsigned scl, std::uint32_t hz = 100'000);
  ~I2c();
  I2c(const I2c&) = delete;
  I2c& operator=(const I2c&) = delete;

  hal::I2cBus& hal() noexcept { return *bus_; }
  operator hal::I2cBus&() noexcept { return *bus_; }  // NOLINT
  unsigned bus() const noexcept { return id_; }
  std::uint32_t hz() const noexcept { return hz_; }

 private:
  unsigned id_;
  std::uint32_t hz_;
  std::unique_ptr<hal::I2cBus> bus_;
};

/// UART `id` on pins `tx` / `rx`, 8N1 at `baud` (the Pi: /dev/serial<id>).
class Uart : public OpenStatus {
 public:
  Uart(unsigned id, unsigned tx, unsigned rx, std::uint32_t baud = 115200);
  ~Uart();
  Uart(const Uart&) = delete;
  Uart& operator=(const Uart&) = delete;

  hal::Uart& hal() noexcept { return *port_; }
  operator hal::Uart&() noexcept { return *port_; }  // NOLINT
  hal::StreamReader& reader() noexcept { return port_->reader(); }
  hal::StreamWriter& writer() noexcept { return port_->writer(); }
  unsigned id() const noexcept { return id_; }

 private:
  unsigned id_;
  std::unique_ptr<hal::Uart> port_;
};

/// PWM on `gpio` with `period`, enabled at duty 0.
class Pwm : public OpenStatus {
 public:
  Pwm(unsigned gpio, std::chrono::nanoseconds period);
  ~Pwm();
  Pwm(const Pwm&) = delete;
  Pwm& operator=(const Pwm&) = delete;

  hal::PwmOutput& hal() noexcept { return *pwm_; }
  operator hal::PwmOutput&() noexcept { return *pwm_; }  // NOLINT
  hal::IoResult<void> set_duty_u16(std::uint16_t duty) { return pwm_->set_duty_u16(duty); }
  std::uint16_t duty_u16() const noexcept { return pwm_->duty_u16(); }
  unsigned gpio() const noexcept { return gpio_; }

 private:
  unsigned gpio_;
  std::unique_ptr<hal::PwmOutput> pwm_;
};

/// ADC input `channel`: the Pi has no ADC, so this never opens (IoErrc::unsupported).
class Adc : public OpenStatus {
 public:
  explicit Adc(unsigned channel);
  ~Adc();
  Adc(const Adc&) = delete;
  Adc& operator=(const Adc&) = delete;

  hal::AdcChannel& hal() noexcept { return *adc_; }
  operator hal::AdcChannel&() noexcept { return *adc_; }  // NOLINT
  hal::IoResult<std::uint16_t> read_u16() { return adc_->read_u16(); }
  unsigned channel() const noexcept { return channel_; }

 private:
  unsigned channel_;
  std::unique_ptr<hal::AdcChannel> adc_;
};

/// Reports a device that did not open (or another fatal error) where this board shows errors — stderr here
/// and on the simulated board, the panic UART on the Pico — and gives the exit code 1.
int fail(const char* what, const char* message = "");

/// Runs the program's main task on the epoll loop and returns its result (asyncio.run).
int run(Task<int> program);

}  // namespace aiopi::board
