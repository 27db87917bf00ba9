// The `hd44780` device type: the HD44780 driver on six of the board's outputs (driver_support.hpp). `set`
// with a text puts its lines on the rows; the readings are the rows as shown.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aiopi/drivers/hd44780.hpp"
#include "aiopi/loop.hpp"
#include "driver_support.hpp"

namespace aiopid::runtime::driver_support {
namespace {

constexpr const char* kLines[6] = {"rs", "e", "d4", "d5", "d6", "d7"};

class Hd44780Device final : public DriverDeviceBase {
 public:
  Hd44780Device(aiopi::Loop& loop, std::vector<std::unique_ptr<aiopi::hal::DigitalOutput>> outputs,
                const aiopi::drivers::HD44780Config& config, DriverSink& sink)
      : DriverDeviceBase(sink),
        outputs_(std::move(outputs)),
        lcd_({*outputs_[0], *outputs_[1], *outputs_[2], *outputs_[3], *outputs_[4], *outputs_[5]}, config) {
    lcd_.start(loop);
  }

  std::vector<Reading> readings() const override {
    std::vector<Reading> out;
    for (std::size_t row = 0; row < lcd_.rows(); ++row)
      out.push_back({"row" + std::to_string(row), std::string(lcd_.line(row)), ""});
    return out;
  }

  OpResult write_text(const TextWrite& text) override {
    std::size_t row = text.row < 0 ? 0 : static_cast<std::size_t>(text.row);
    std::string_view rest = text.text;
    for (;;) {
      const std::size_t nl = rest.find('\n');
      const std::string_view line = rest.substr(0, nl);
      if (row >= lcd_.rows())
        return OpResult::fail(OpErrc::bad_value, "row " + std::to_string(row) + " is beyond the display's " +
                                                     std::to_string(lcd_.rows()) + " rows");
      lcd_.set_line(row, line);
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
      ++row;
    }
    return {};
  }

  aiopi::Task<> stop() override {
    lcd_.deinit();
    co_return;
  }

 private:
  std::vector<std::unique_ptr<aiopi::hal::DigitalOutput>> outputs_;
  aiopi::drivers::HD44780 lcd_;
};

}  // namespace

Opened<DriverDevice> open_hd44780(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                  DriverSink& sink) {
  std::vector<std::unique_ptr<aiopi::hal::DigitalOutput>> outputs;
  for (const char* key : kLines) {
    config::DeviceConfig one = device;
    one.params = Node::table();
    if (const Node* chip = device.params.find("chip")) one.params.append("chip", chip->where(), *chip);
    if (const Node* line = device.params.find(key)) one.params.append("line", line->where(), *line);
    auto opened = board.open_output(loop, one, false);
    if (!opened) return {nullptr, std::string(key) + ": " + opened.error};
    outputs.push_back(std::move(opened.device));
  }
  aiopi::drivers::HD44780Config config;
  config.cols = static_cast<std::uint8_t>(device.params.get_int("cols", 16));
  config.rows = static_cast<std::uint8_t>(device.params.get_int("rows", 2));
  return {std::make_unique<Hd44780Device>(loop, std::move(outputs), config, sink), {}};
}

}  // namespace aiopid::runtime::driver_support
