// The `switch_array` device type: the SwArray driver on the board's matrix lines (driver_support.hpp). Each
// key event carries the key's scan code (`key`, row x cols + col) and its row and column. On the sim board,
// `sim_key_every` puts a simulated matrix behind the lines (sim_key_matrix.hpp) and presses `sim_key`.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aiopi/drivers/sw_array.hpp"
#include "aiopi/loop.hpp"
#include "driver_support.hpp"

namespace aiopid::runtime::driver_support {
namespace {

class SwArrayDevice final : public DriverDeviceBase {
 public:
  SwArrayDevice(MatrixLines lines, const aiopi::drivers::SwArrayConfig& config, DriverSink& sink)
      : DriverDeviceBase(sink),
        lines_(std::move(lines)),
        driver_(std::span<aiopi::hal::DigitalOutput* const>(lines_.row_ptrs),
                std::span<aiopi::hal::DigitalInput* const>(lines_.col_ptrs), config) {
    driver_.set_observer([this](const aiopi::drivers::SwArrayReport& r) { report(r); });
  }

  aiopi::hal::IoResult<void> start() { return driver_.start(); }

  std::vector<Reading> readings() const override {
    std::vector<Reading> out{{"last_key", {}, ""}};
    if (have_key_) out[0].value = static_cast<std::int64_t>(last_key_);
    return out;
  }

  aiopi::Task<> stop() override {
    co_await finish(lines_.stimulus);  // the sim board's key presses (sim_key_every)
    driver_.deinit();
  }

 private:
  void report(const aiopi::drivers::SwArrayReport& r) {
    have_key_ = true;
    last_key_ = r.scan_code;
    const auto ncols = static_cast<std::int64_t>(lines_.col_ptrs.size());
    sink_.driver_readings();
    sink_.driver_event(DriverEvent{aiopi::drivers::to_string(r.kind),
                                   {{"key", static_cast<std::int64_t>(r.scan_code), ""},
                                    {"row", static_cast<std::int64_t>(r.scan_code) / ncols, ""},
                                    {"col", static_cast<std::int64_t>(r.scan_code) % ncols, ""}},
                                   at_us(r.t_us)});
  }

  MatrixLines lines_;
  aiopi::drivers::SwArray driver_;
  bool have_key_ = false;
  std::uint16_t last_key_ = 0;
};

}  // namespace

Opened<DriverDevice> open_sw_array(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                   DriverSink& sink) {
  MatrixLines lines;
  if (std::string error = open_matrix(loop, board, device, lines); !error.empty()) return {nullptr, error};
  const Node& p = device.params;
  aiopi::drivers::SwArrayConfig config;
  config.debounce_ms = ms_of(p, "debounce", 50);
  config.long_press_ms = ms_of(p, "long_press", 1000);
  config.double_click_ms = ms_of(p, "double_click", 400);
  std::uint8_t cfg = 0;
  if (const Node* events = p.find("events")) {
    for (const Node& e : events->items()) {
      const std::string& name = e.as_string();
      cfg |= name == "close"  ? aiopi::drivers::SwArray::CLOSE
             : name == "open" ? aiopi::drivers::SwArray::OPEN
             : name == "long" ? aiopi::drivers::SwArray::LONG
                              : aiopi::drivers::SwArray::DOUBLE;
    }
  }
  if (cfg == 0) cfg = aiopi::drivers::SwArray::CLOSE | aiopi::drivers::SwArray::OPEN;
  if (p.get_bool("suppress", false)) cfg |= aiopi::drivers::SwArray::SUPPRESS;
  config.cfg = cfg;
  auto dev = std::make_unique<SwArrayDevice>(std::move(lines), config, sink);
  if (auto started = dev->start(); !started) return {nullptr, started.error().what};
  return {std::move(dev), {}};
}

}  // namespace aiopid::runtime::driver_support
