#include "aiopid/runtime/sim_board.hpp"

#include <cmath>

#include "aiopi/linux/uart.hpp"
#include "aiopi/sim/sim_analog.hpp"
#include "aiopi/sim/sim_digital.hpp"
#include "aiopi/sim/sim_uart.hpp"
#include "aiopid/runtime/sim_chips.hpp"

namespace aiopid::runtime {

Opened<aiopi::hal::DigitalInput> SimBoard::open_input(aiopi::Loop& loop, const config::DeviceConfig& device) {
  return {std::make_unique<aiopi::sim::SimDigitalInput>(loop, input_config(device)), {}};
}

Opened<aiopi::hal::DigitalOutput> SimBoard::open_output(aiopi::Loop& loop, const config::DeviceConfig& device,
                                                        bool initial) {
  return {std::make_unique<aiopi::sim::SimDigitalOutput>(loop, output_config(device, initial)), {}};
}

Opened<aiopi::hal::AdcChannel> SimBoard::open_adc(aiopi::Loop& loop, const config::DeviceConfig& device) {
  (void)device;
  // A triangle wave from 0 to full scale and back every 20 s (0 to 3.3 V), so that thresholds are crossed.
  auto triangle = [](std::int64_t t_us) -> std::uint16_t {
    const double phase = static_cast<double>(t_us % 20'000'000) / 10'000'000.0;  // 0..2
    const double level = phase < 1.0 ? phase : 2.0 - phase;
    return static_cast<std::uint16_t>(std::lround(level * 65535.0));
  };
  return {std::make_unique<aiopi::sim::SimAdc>(loop, triangle, 3.3f / 65535.0f), {}};
}

Opened<aiopi::hal::PwmOutput> SimBoard::open_pwm(aiopi::Loop& loop, const config::DeviceConfig& device) {
  const std::string* polarity = device.params.get_string("polarity");
  return {std::make_unique<SimBoardPwm>(loop, polarity != nullptr && *polarity == "inversed"), {}};
}

bool SimBoard::schedule_simulated(aiopi::hal::DigitalInput& input, aiopi::TimePoint at,
                                  bool electrical_level) {
  static_cast<aiopi::sim::SimDigitalInput&>(input).schedule_edges(
      {{at.time_since_epoch(), electrical_level}});
  return true;
}

bool SimBoard::simulated_port(const config::DeviceConfig& device) const {
  const std::string* port = device.params.get_string("port");
  return port == nullptr || !port->starts_with("/dev/pts/");
}

Opened<aiopi::hal::Uart> SimBoard::open_uart(aiopi::Loop& loop, const config::DeviceConfig& device) {
  if (!simulated_port(device)) {
    auto uart = aiopi::os_linux::Uart::open(loop, *device.params.get_string("port"), uart_config(device));
    if (!uart) return {nullptr, uart.error().message};
    return {uart.take(), {}};
  }
  return {std::make_unique<aiopi::sim::SimUart>(loop, uart_config(device)), {}};
}

bool SimBoard::feed_simulated(aiopi::hal::Uart& uart, std::string_view bytes) {
  static_cast<aiopi::sim::SimUart&>(uart).receive(bytes);  // only ports simulated_port() said are
  return true;
}

Opened<aiopi::hal::I2cBus> SimBoard::open_i2c(aiopi::Loop& loop, const config::DeviceConfig& device) {
  const auto address = static_cast<std::uint16_t>(device.params.get_int("address", 0));
  auto bus = std::make_unique<aiopi::sim::SimI2cBus>(loop);
  if (device.type != nullptr && device.type->name == "htu21d") {
    // The chip answers at its fixed address only, as a real one: another address NACKs (a failing device).
    constexpr std::uint16_t kHtu21dAddress = 0x40;
    const std::string key = i2c_bus_text(device) + "|" + std::to_string(kHtu21dAddress);
    auto it = chips_.find(key);
    if (it == chips_.end()) it = chips_.emplace(key, std::make_unique<SimHtu21dChip>(loop)).first;
    bus->attach(kHtu21dAddress, *it->second);
  } else {
    bus->attach(address, i2c_device(i2c_bus_text(device), address));
  }
  return {std::move(bus), {}};
}

aiopi::sim::SimRegisterDevice& SimBoard::i2c_device(std::string_view bus, std::uint16_t address) {
  const std::string key = std::string(bus) + "|" + std::to_string(address);
  auto it = i2c_devices_.find(key);
  if (it == i2c_devices_.end())
    it = i2c_devices_.emplace(key, std::make_unique<aiopi::sim::SimRegisterDevice>()).first;
  return *it->second;
}

bool SimBoard::drive_simulated(aiopi::hal::DigitalInput& input, bool electrical_level) {
  static_cast<aiopi::sim::SimDigitalInput&>(input).drive(electrical_level);
  return true;
}

void SimBoard::list_hardware(std::FILE* out) {
  std::fputs(
      "board sim: the simulated board (platform/sim), running in real time on the Linux loop\n"
      "  gpio:   chip \"sim\", any line number: digital_in (sim_press_every presses it), digital_out\n"
      "  adc:    device \"sim\", any channel: a triangle wave 0 V .. 3.3 V .. 0 V every 20 s\n"
      "  pwm:    chip \"sim\", any channel (polarity recorded)\n"
      "  uart:   any port: a simulated UART (uart_line_reader) that receives nothing; a gps device's\n"
      "          receives a fix every second; a port under /dev/pts/ is opened for real (a pty)\n"
      "  i2c:    any bus, any address: a simulated register device (i2c_register_device; 256 byte\n"
      "          registers, all 0 until written; they keep their values across reloads); an htu21d's\n"
      "          is a simulated HTU21D at 0x40 (21 +- 2 C, 45 +- 5 %RH, changing slowly)\n",
      out);
}

std::unique_ptr<Board> make_sim_board() {
  return std::make_unique<SimBoard>();
}

std::string i2c_bus_text(const config::DeviceConfig& device) {
  const config::Node* bus = device.params.find("bus");
  if (bus == nullptr) return {};
  return bus->is(config::Node::Kind::integer) ? std::to_string(bus->as_int()) : bus->as_string();
}

aiopi::hal::InputConfig input_config(const config::DeviceConfig& device) {
  aiopi::hal::InputConfig c;
  const config::Node& p = device.params;
  c.active_low = p.get_bool("active_low", false);
  const std::string* edges = p.get_string("edges");
  const std::string e = edges ? *edges : "both";
  c.edges = e == "none"      ? aiopi::hal::EdgeMode::none
            : e == "rising"  ? aiopi::hal::EdgeMode::rising
            : e == "falling" ? aiopi::hal::EdgeMode::falling
                             : aiopi::hal::EdgeMode::both;
  const std::string* bias = p.get_string("bias");
  const std::string b = bias ? *bias : "as_is";
  c.bias = b == "off"         ? aiopi::hal::Bias::off
           : b == "pull_up"   ? aiopi::hal::Bias::pull_up
           : b == "pull_down" ? aiopi::hal::Bias::pull_down
                              : aiopi::hal::Bias::as_is;
  return c;
}

aiopi::hal::OutputConfig output_config(const config::DeviceConfig& device, bool initial) {
  aiopi::hal::OutputConfig c;
  const config::Node& p = device.params;
  c.initial = initial;
  c.active_low = p.get_bool("active_low", false);
  const std::string* drive = p.get_string("drive");
  const std::string d = drive ? *drive : "push_pull";
  c.drive = d == "open_drain"    ? aiopi::hal::Drive::open_drain
            : d == "open_source" ? aiopi::hal::Drive::open_source
                                 : aiopi::hal::Drive::push_pull;
  return c;
}

aiopi::hal::UartConfig uart_config(const config::DeviceConfig& device) {
  aiopi::hal::UartConfig c;
  const config::Node& p = device.params;
  c.baud = static_cast<std::uint32_t>(p.get_int("baud", 9600));
  c.data_bits = static_cast<std::uint8_t>(p.get_int("data_bits", 8));
  c.stop_bits = static_cast<std::uint8_t>(p.get_int("stop_bits", 1));
  const std::string* parity = p.get_string("parity");
  c.parity = !parity || *parity == "none" ? aiopi::hal::Parity::none
             : *parity == "even"          ? aiopi::hal::Parity::even
                                          : aiopi::hal::Parity::odd;
  const std::string* flow = p.get_string("flow");
  c.flow = !flow || *flow == "none" ? aiopi::hal::FlowControl::none
           : *flow == "rtscts"      ? aiopi::hal::FlowControl::rtscts
                                    : aiopi::hal::FlowControl::xonxoff;
  return c;
}

}  // namespace aiopid::runtime
