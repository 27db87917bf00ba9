// The `switch` device type: the Switch driver, or ESwitch with `model = "eswitch"`, on the board's input
// (driver_support.hpp).
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aiopi/drivers/switch.hpp"
#if AIOPID_DRIVER_ESWITCH
#include "aiopi/drivers/eswitch.hpp"
#endif
#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"
#include "driver_support.hpp"

namespace aiopid::runtime::driver_support {
namespace {

using namespace std::chrono_literals;

/// `Contact`: Switch or ESwitch (the same Config, observer and state).
template <class Contact>
class SwitchDevice final : public DriverDeviceBase {
 public:
  SwitchDevice(aiopi::Loop& loop, Board& board, std::unique_ptr<aiopi::hal::DigitalInput> input,
               const aiopi::drivers::SwitchConfig& config, DriverSink& sink, const Node& params)
      : DriverDeviceBase(sink), board_(board), input_(std::move(input)), switch_(*input_, config) {
    switch_.set_observer([this](const aiopi::drivers::SwitchReport& r) { report(r); });
    switch_.start(loop);
    if (board.name() == "sim" && params.contains("sim_press_every"))
      stimulus_ = loop.create_task(close_periodically(duration_of(params, "sim_press_every", 10s),
                                                      duration_of(params, "sim_press_for", 100ms)),
                                   "sim_switch");
  }

  std::vector<Reading> readings() const override { return {{"closed", switch_.closed(), ""}}; }

  aiopi::Task<> stop() override {
    co_await finish(stimulus_);
    switch_.deinit();
  }

 private:
  void report(const aiopi::drivers::SwitchReport& r) {
    sink_.driver_readings();
    sink_.driver_event(
        DriverEvent{aiopi::drivers::to_string(r.event), {{"closed", r.closed, ""}}, at_us(r.t_us)});
  }

  /// The sim board's contact: closed for `hold` every `every` (edges scheduled at their exact times).
  aiopi::Task<> close_periodically(aiopi::Duration every, aiopi::Duration hold) {
    const bool open_level = switch_.config().lopen;
    for (;;) {
      const aiopi::TimePoint t = aiopi::Loop::get().now() + every;
      board_.schedule_simulated(*input_, t, !open_level);
      board_.schedule_simulated(*input_, t + hold, open_level);
      co_await aiopi::sleep(std::max(every, hold + 100ms));
    }
  }

  Board& board_;
  std::unique_ptr<aiopi::hal::DigitalInput> input_;
  Contact switch_;
  aiopi::TaskHandle<> stimulus_;
};

}  // namespace

Opened<DriverDevice> open_switch(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                 DriverSink& sink) {
  auto input = board.open_input(loop, device);
  if (!input) return {nullptr, std::move(input.error)};
  aiopi::drivers::SwitchConfig config;
  const std::string* open_level = device.params.get_string("open_level");
  config.lopen = open_level == nullptr || *open_level == "high";
  config.debounce_ms = ms_of(device.params, "debounce", 50);
#if AIOPID_DRIVER_ESWITCH
  if (const std::string* model = device.params.get_string("model"); model && *model == "eswitch")
    return {std::make_unique<SwitchDevice<aiopi::drivers::ESwitch>>(loop, board, std::move(input.device),
                                                                    config, sink, device.params),
            {}};
#endif
  return {std::make_unique<SwitchDevice<aiopi::drivers::Switch>>(loop, board, std::move(input.device), config,
                                                                 sink, device.params),
          {}};
}

}  // namespace aiopid::runtime::driver_support
