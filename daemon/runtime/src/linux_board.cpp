#include "aiopid/runtime/linux_board.hpp"

#include <string>

#include "aiopi/linux/i2c_bus.hpp"
#include "aiopi/linux/i2c_lookup.hpp"
#include "aiopi/linux/iio_adc.hpp"
#include "aiopi/linux/sysfs_pwm.hpp"
#include "aiopi/linux/uart.hpp"
#if AIOPID_HAVE_LINUX_GPIO
#include "aiopi/linux/gpio_chip.hpp"
#include "aiopi/linux/gpio_line.hpp"
#endif

namespace aiopid::runtime {
namespace {

std::string line_text(const config::DeviceConfig& device) {
  const config::Node* line = device.params.find("line");
  if (line == nullptr) return {};
  return line->is(config::Node::Kind::integer) ? std::to_string(line->as_int()) : line->as_string();
}

std::string chip_text(const config::DeviceConfig& device) {
  const std::string* chip = device.params.get_string("chip");
  return chip ? *chip : "gpiochip0";
}

class LinuxBoard final : public Board {
 public:
  std::string_view name() const noexcept override { return "linux"; }

  Opened<aiopi::hal::DigitalInput> open_input(aiopi::Loop& loop,
                                              const config::DeviceConfig& device) override {
#if AIOPID_HAVE_LINUX_GPIO
    auto chip = aiopi::os_linux::GpioChip::open(chip_text(device));
    if (!chip) return {nullptr, chip.error().message};
    auto line = chip->request_input(loop, line_text(device), input_config(device), "aiopid");
    if (!line) return {nullptr, line.error().message};
    return {line.take(), {}};
#else
    (void)loop;
    (void)device;
    return {nullptr, "GPIO is not available: aiopid was built without libgpiod"};
#endif
  }

  Opened<aiopi::hal::DigitalOutput> open_output(aiopi::Loop& loop, const config::DeviceConfig& device,
                                                bool initial) override {
    (void)loop;
#if AIOPID_HAVE_LINUX_GPIO
    auto chip = aiopi::os_linux::GpioChip::open(chip_text(device));
    if (!chip) return {nullptr, chip.error().message};
    auto line = chip->request_output(line_text(device), output_config(device, initial), "aiopid");
    if (!line) return {nullptr, line.error().message};
    return {line.take(), {}};
#else
    (void)device;
    (void)initial;
    return {nullptr, "GPIO is not available: aiopid was built without libgpiod"};
#endif
  }

  Opened<aiopi::hal::AdcChannel> open_adc(aiopi::Loop& loop, const config::DeviceConfig& device) override {
    (void)loop;
    const std::string* name = device.params.get_string("device");
    const auto channel = static_cast<unsigned>(device.params.get_int("channel", 0));
    auto adc = aiopi::os_linux::IioAdc::open(name ? *name : "", channel);
    if (!adc) return {nullptr, adc.error().message};
    return {adc.take(), {}};
  }

  Opened<aiopi::hal::PwmOutput> open_pwm(aiopi::Loop& loop, const config::DeviceConfig& device) override {
    (void)loop;
    const std::string* chip = device.params.get_string("chip");
    const auto channel = static_cast<unsigned>(device.params.get_int("channel", 0));
    auto pwm = aiopi::os_linux::SysfsPwm::open(chip ? *chip : "pwmchip0", channel);
    if (!pwm) return {nullptr, pwm.error().message};
    // The polarity can only change while the channel is disabled (a running channel left by a previous
    // user is stopped first: the runtime enables it again after setting period and duty).
    const std::string* polarity = device.params.get_string("polarity");
    const bool inversed = polarity != nullptr && *polarity == "inversed";
    if (pwm->inversed() != inversed) {
      if (pwm->enabled()) {
        if (auto r = pwm->enable(false); !r)
          return {nullptr, std::string("cannot disable it to set its polarity: ") + r.error().what};
      }
      if (auto r = pwm->set_inversed(inversed); !r)
        return {nullptr, std::string("cannot set polarity ") + (inversed ? "inversed" : "normal") + ": " +
                             r.error().what};
    }
    return {pwm.take(), {}};
  }

  Opened<aiopi::hal::I2cBus> open_i2c(aiopi::Loop& loop, const config::DeviceConfig& device) override {
    auto bus = aiopi::os_linux::LinuxI2cBus::open(loop, i2c_bus_text(device));
    if (!bus) return {nullptr, bus.error().message};
    return {bus.take(), {}};
  }

  Opened<aiopi::hal::Uart> open_uart(aiopi::Loop& loop, const config::DeviceConfig& device) override {
    const std::string* port = device.params.get_string("port");
    auto uart = aiopi::os_linux::Uart::open(loop, port ? *port : "", uart_config(device));
    if (!uart) return {nullptr, uart.error().message};
    return {uart.take(), {}};
  }

  void list_hardware(std::FILE* out) override {
    std::fputs("board linux: this machine\n", out);
#if AIOPID_HAVE_LINUX_GPIO
    std::fprintf(out, "gpio chips (%s):\n", aiopi::os_linux::gpio_backend_name().c_str());
    const auto chips = aiopi::os_linux::list_gpio_chips();
    if (chips.empty()) std::fputs("  none\n", out);
    for (const auto& c : chips) {
      if (c.ok())
        std::fprintf(out, "  %s [%s] %u lines\n", c.info.path.c_str(), c.info.label.c_str(),
                     c.info.num_lines);
      else
        std::fprintf(out, "  %s: cannot open (errno %d)\n", c.info.path.c_str(), c.open_errno);
    }
#else
    std::fputs("gpio chips: not available (built without libgpiod)\n", out);
#endif
    std::fputs("i2c buses:\n", out);
    const auto buses = aiopi::os_linux::list_i2c_buses();
    if (buses.empty()) std::fputs("  none\n", out);
    for (const auto& b : buses)
      std::fprintf(out, "  %s %s\n", b.dev_path.c_str(), b.name.c_str());
    std::fputs("serial ports:\n", out);
    const auto ports = aiopi::os_linux::list_serial_ports();
    if (ports.empty()) std::fputs("  none\n", out);
    for (const auto& p : ports)
      std::fprintf(out, "  %s\n", p.c_str());
    std::fprintf(out, "iio devices (adc): %zu\n", aiopi::os_linux::list_iio_devices().size());
    std::fprintf(out, "pwm chips: %zu\n", aiopi::os_linux::list_pwm_chips().size());
  }
};

}  // namespace

std::unique_ptr<Board> make_linux_board() {
  return std::make_unique<LinuxBoard>();
}

}  // namespace aiopid::runtime
