// The board facade on the Raspberry Pi (include/aiopi/board.hpp): libgpiod lines, i2c-dev, the termios UART
// and sysfs PWM, with stand-ins that fail every call for a device that did not open.
#include "aiopi/board.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "aiopi/linux/gpio_chip.hpp"
#include "aiopi/linux/i2c_bus.hpp"
#include "aiopi/linux/sysfs_pwm.hpp"
#include "aiopi/linux/uart.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi::board {
namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

class UnopenedOutput final : public hal::DigitalOutput {
 public:
  UnopenedOutput(const hal::OutputConfig& config, hal::IoError error)
      : hal::DigitalOutput(config), error_(error) {}
  hal::IoResult<void> set(bool) override { return error_; }
  hal::IoResult<bool> get() override { return error_; }

 private:
  hal::IoError error_;
};

class UnopenedInput final : public hal::DigitalInput {
 public:
  UnopenedInput(const hal::InputConfig& config, hal::IoError error)
      : hal::DigitalInput(config), error_(error) {
    edge_queue().close(error);
  }
  hal::IoResult<bool> value() override { return error_; }

 private:
  hal::IoError error_;
};

class UnopenedI2c final : public hal::I2cBus {
 public:
  explicit UnopenedI2c(hal::IoError error) : error_(error) {}

 protected:
  void submit(hal::I2cOp& op) noexcept override { complete(op, error_); }
  void abort(hal::I2cOp&) noexcept override {}

 private:
  hal::IoError error_;
};

class UnopenedUart final : public hal::Uart {
 public:
  explicit UnopenedUart(hal::IoError error, std::uint32_t baud)
      : reader_(rx_), writer_(tx_), config_{.baud = baud}, error_(error) {
    reader_.fail(error);
    writer_.fail(error);
  }
  hal::StreamReader& reader() noexcept override { return reader_; }
  hal::StreamWriter& writer() noexcept override { return writer_; }
  const hal::UartConfig& config() const noexcept override { return config_; }
  hal::IoResult<void> set_config(const hal::UartConfig&) override { return error_; }

 private:
  std::array<std::uint8_t, 8> rx_{};
  std::array<std::uint8_t, 8> tx_{};
  hal::StreamReader reader_;
  hal::StreamWriter writer_;
  hal::UartConfig config_;
  hal::IoError error_;
};

class UnopenedPwm final : public hal::PwmOutput {
 public:
  explicit UnopenedPwm(hal::IoError error) : error_(error) {}
  hal::IoResult<void> set_period_ns(std::uint64_t) override { return error_; }
  hal::IoResult<void> set_duty_ns(std::uint64_t) override { return error_; }
  hal::IoResult<void> enable(bool) override { return error_; }
  std::uint64_t period_ns() const noexcept override { return 0; }
  std::uint64_t duty_ns() const noexcept override { return 0; }
  bool enabled() const noexcept override { return false; }

 private:
  hal::IoError error_;
};

class UnopenedAdc final : public hal::AdcChannel {
 public:
  explicit UnopenedAdc(hal::IoError error) : error_(error) {}
  hal::IoResult<std::uint16_t> read_u16() override { return error_; }

 private:
  hal::IoError error_;
};

/// The header's GPIO chip, opened once for every line of the program.
os_linux::OpenResult<os_linux::GpioChip>& gpio_chip() {
  static os_linux::OpenResult<os_linux::GpioChip> chip =
      os_linux::GpioChip::open(env_or("AIOPI_GPIOCHIP", "gpiochip0"));
  return chip;
}

constexpr const char* kConsumer = "aiopi-board";

/// The sysfs PWM channel of a GPIO on the Pi's header (pwm-2chan overlay: GPIO12/18 and GPIO13/19).
int pwm_channel(unsigned gpio) noexcept {
  switch (gpio) {
    case 12:
    case 18:
      return 0;
    case 13:
    case 19:
      return 1;
    default:
      return -1;
  }
}

}  // namespace

Output::Output(unsigned gpio, const hal::OutputConfig& config) : gpio_(gpio) {
  auto& chip = gpio_chip();
  if (!chip) {
    failed(chip.error().error, chip.error().message);
  } else if (auto line = chip->request_output(std::to_string(gpio), config, kConsumer); !line) {
    failed(line.error().error, line.error().message);
  } else {
    line_ = line.take();
    return;
  }
  line_ = std::make_unique<UnopenedOutput>(config, error());
}
Output::~Output() = default;

Input::Input(unsigned gpio, const hal::InputConfig& config) : gpio_(gpio) {
  auto& chip = gpio_chip();
  if (!chip) {
    failed(chip.error().error, chip.error().message);
  } else if (auto line = chip->request_input(Loop::get(), std::to_string(gpio), config, kConsumer); !line) {
    failed(line.error().error, line.error().message);
  } else {
    line_ = line.take();
    return;
  }
  line_ = std::make_unique<UnopenedInput>(config, error());
}
Input::~Input() = default;

I2c::I2c(unsigned bus, unsigned /*sda*/, unsigned /*scl*/, std::uint32_t hz) : id_(bus), hz_(hz) {
  if (bus > 1) {
    failed(
        hal::io_error(hal::IoErrc::not_found, "board::I2c: no such bus"),
        "board::I2c: bus " + std::to_string(bus) + " does not exist (0 and 1 both mean the Pi's /dev/i2c-1)");
  } else if (auto opened = os_linux::LinuxI2cBus::open(Loop::get(), env_or("AIOPI_I2C_BUS", "1")); !opened) {
    failed(opened.error().error, opened.error().message);
  } else {
    bus_ = opened.take();
    return;
  }
  bus_ = std::make_unique<UnopenedI2c>(error());
}
I2c::~I2c() = default;

Uart::Uart(unsigned id, unsigned /*tx*/, unsigned /*rx*/, std::uint32_t baud) : id_(id) {
  const std::string variable = "AIOPI_UART" + std::to_string(id);
  const std::string path = env_or(variable.c_str(), id == 0 ? "/dev/serial0" : id == 1 ? "/dev/serial1" : "");
  if (path.empty()) {
    failed(hal::io_error(hal::IoErrc::not_found, "board::Uart: no such UART"),
           "board::Uart: UART " + std::to_string(id) +
               " does not exist on the Pi (0: /dev/serial0, 1: "
               "/dev/serial1; or set " +
               variable + " to a serial device)");
  } else if (auto opened = os_linux::Uart::open(Loop::get(), path, hal::UartConfig{.baud = baud}); !opened) {
    failed(opened.error().error, opened.error().message);
  } else {
    port_ = opened.take();
    return;
  }
  port_ = std::make_unique<UnopenedUart>(error(), baud);
}
Uart::~Uart() = default;

Pwm::Pwm(unsigned gpio, std::chrono::nanoseconds period) : gpio_(gpio) {
  const int channel = pwm_channel(gpio);
  if (channel < 0) {
    failed(hal::io_error(hal::IoErrc::unsupported, "board::Pwm: no hardware PWM on this GPIO"),
           "board::Pwm: GPIO" + std::to_string(gpio) +
               " has no hardware PWM on the Raspberry Pi; use GPIO12 or GPIO18 (channel 0) or GPIO13 or "
               "GPIO19 (channel 1) with dtoverlay=pwm-2chan in config.txt");
  } else if (period.count() <= 0) {
    failed(hal::io_error(hal::IoErrc::invalid_argument, "board::Pwm: the period must be above 0"),
           "board::Pwm: the period must be above 0");
  } else if (auto opened = os_linux::SysfsPwm::open(env_or("AIOPI_PWMCHIP", "pwmchip0"),
                                                    static_cast<unsigned>(channel));
             !opened) {
    failed(opened.error().error, opened.error().message);
  } else {
    pwm_ = opened.take();
    // Duty 0 first: sysfs refuses a period below the duty a previous user left.
    hal::IoResult<void> r = pwm_->set_duty_ns(0);
    if (r) r = pwm_->set_period_ns(static_cast<std::uint64_t>(period.count()));
    if (r) r = pwm_->enable(true);
    if (!r) failed(r.error(), std::string("board::Pwm: ") + r.error().what);
    return;
  }
  pwm_ = std::make_unique<UnopenedPwm>(error());
}
Pwm::~Pwm() = default;

Adc::Adc(unsigned channel) : channel_(channel) {
  failed(hal::io_error(hal::IoErrc::unsupported, "board::Adc: the Raspberry Pi has no ADC"),
         "board::Adc: the Raspberry Pi has no ADC (channel " + std::to_string(channel) +
             "); use an I2C or SPI converter (e.g. an ADS1115 through its IIO driver, os_linux::IioAdc)");
  adc_ = std::make_unique<UnopenedAdc>(error());
}
Adc::~Adc() = default;

int fail(const char* what, const char* message) {
  std::fprintf(stderr, "%s%s%s\n", what, *message != '\0' ? ": " : "", message);
  return 1;
}

int run(Task<int> program) {
  return aiopi::run(std::move(program));
}

}  // namespace aiopi::board
