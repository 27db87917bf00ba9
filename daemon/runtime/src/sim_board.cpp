#include "aiopid/runtime/sim_board.hpp"

#include "aiopi/sim/sim_digital.hpp"

namespace aiopid::runtime {
namespace {

class SimBoard final : public Board {
 public:
  std::string_view name() const noexcept override { return "sim"; }

  Opened<aiopi::hal::DigitalInput> open_input(aiopi::Loop& loop,
                                              const config::DeviceConfig& device) override {
    return {std::make_unique<aiopi::sim::SimDigitalInput>(loop, input_config(device)), {}};
  }

  Opened<aiopi::hal::DigitalOutput> open_output(aiopi::Loop& loop, const config::DeviceConfig& device,
                                                bool initial) override {
    return {std::make_unique<aiopi::sim::SimDigitalOutput>(loop, output_config(device, initial)), {}};
  }

  bool drive_simulated(aiopi::hal::DigitalInput& input, bool electrical_level) override {
    static_cast<aiopi::sim::SimDigitalInput&>(input).drive(electrical_level);
    return true;
  }

  void list_hardware(std::FILE* out) override {
    std::fputs(
        "board sim: the simulated board (platform/sim), running in real time on the Linux loop\n"
        "  gpio:   chip \"sim\", any line number: digital_in (sim_press_every presses it), digital_out\n"
        "  others: pwm, adc, i2c_register, uart_line_reader are validated but not wired yet\n",
        out);
  }
};

}  // namespace

std::unique_ptr<Board> make_sim_board() {
  return std::make_unique<SimBoard>();
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

}  // namespace aiopid::runtime
