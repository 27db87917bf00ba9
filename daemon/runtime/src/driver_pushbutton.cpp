// The `pushbutton` device type: the Pushbutton driver, or EButton with `model = "ebutton"`, on the board's
// input (driver_support.hpp).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aiopi/drivers/pushbutton.hpp"
#if AIOPID_DRIVER_EBUTTON
#include "aiopi/drivers/ebutton.hpp"
#endif
#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"
#include "driver_support.hpp"

namespace aiopid::runtime::driver_support {
namespace {

using namespace std::chrono_literals;

// ------------------------------------------------------------------------------------------- pushbutton

/// `Button`: Pushbutton or EButton (the same Config, observer and state; their suppress modes differ).
template <class Button>
class PushbuttonDevice final : public DriverDeviceBase {
 public:
  PushbuttonDevice(aiopi::Loop& loop, Board& board, std::unique_ptr<aiopi::hal::DigitalInput> input,
                   const aiopi::drivers::ButtonConfig& config, DriverSink& sink, const Node& params)
      : DriverDeviceBase(sink), board_(board), input_(std::move(input)), button_(*input_, config) {
    button_.set_observer([this](const aiopi::drivers::ButtonReport& r) { report(r); });
    button_.start(loop);
    if (board.name() == "sim" && params.contains("sim_press_every")) {
      const aiopi::Duration every = duration_of(params, "sim_press_every", 10s);
      const aiopi::Duration hold = duration_of(params, "sim_press_for", 100ms);
      const auto clicks = static_cast<int>(params.get_int("sim_clicks", 1));
      stimulus_ = loop.create_task(press_periodically(every, hold, clicks), "sim_press");
    }
  }

  std::vector<Reading> readings() const override { return {{"pressed", button_.pressed(), ""}}; }

  aiopi::Task<> stop() override {
    co_await finish(stimulus_);
    button_.deinit();
  }

 private:
  void report(const aiopi::drivers::ButtonReport& r) {
    sink_.driver_event(
        DriverEvent{aiopi::drivers::to_string(r.event), {{"pressed", r.pressed, ""}}, at_us(r.t_us)});
    if (r.event == aiopi::drivers::ButtonEvent::press || r.event == aiopi::drivers::ButtonEvent::release)
      sink_.driver_readings();
  }

  /// The sim board's gesture: `clicks` presses of `hold`, 100 ms apart, every `every`. The edges are
  /// scheduled at their exact times, so a busy loop does not change the gesture.
  aiopi::Task<> press_periodically(aiopi::Duration every, aiopi::Duration hold, int clicks) {
    const bool released = button_.sense();
    aiopi::TimePoint next = aiopi::Loop::get().now() + every;
    for (;;) {
      aiopi::TimePoint t = next;
      for (int i = 0; i < clicks; ++i) {
        board_.schedule_simulated(*input_, t, !released);
        board_.schedule_simulated(*input_, t + hold, released);
        t += hold + 100ms;
      }
      next += std::max(every, t - next);
      co_await aiopi::sleep(next - aiopi::Loop::get().now());
    }
  }

  Board& board_;
  std::unique_ptr<aiopi::hal::DigitalInput> input_;
  Button button_;
  aiopi::TaskHandle<> stimulus_;
};

}  // namespace

Opened<DriverDevice> open_pushbutton(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                     DriverSink& sink) {
  // No `edges` or `active_low` among its keys: the board requests both edges, levels as the line reads them.
  auto input = board.open_input(loop, device);
  if (!input) return {nullptr, std::move(input.error)};
  const Node& p = device.params;
  aiopi::drivers::ButtonConfig config;
  config.suppress = p.get_bool("suppress", false);
  if (const std::string* sense = p.get_string("sense"); sense && *sense != "auto")
    config.sense = *sense == "high";
  config.debounce_ms = ms_of(p, "debounce", 50);
  config.long_press_ms = ms_of(p, "long_press", 1000);
  config.double_click_ms = ms_of(p, "double_click", 400);
#if AIOPID_DRIVER_EBUTTON
  if (const std::string* model = p.get_string("model"); model && *model == "ebutton")
    return {std::make_unique<PushbuttonDevice<aiopi::drivers::EButton>>(loop, board, std::move(input.device),
                                                                        config, sink, p),
            {}};
#endif
  return {std::make_unique<PushbuttonDevice<aiopi::drivers::Pushbutton>>(loop, board, std::move(input.device),
                                                                         config, sink, p),
          {}};
}

}  // namespace aiopid::runtime::driver_support
