// The `adc_trigger` device type: the AADC driver on the board's ADC channel (driver_support.hpp). A task
// awaits the value leaving the window (out_of_range), then coming back (in_range), and so on: each is an
// event, so a value that stays outside raises one event, not one per poll.
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aiopi/drivers/aadc.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"
#include "driver_support.hpp"

namespace aiopid::runtime::driver_support {
namespace {

using namespace std::chrono_literals;

class AdcTriggerDevice final : public DriverDeviceBase {
 public:
  AdcTriggerDevice(aiopi::Loop& loop, std::unique_ptr<aiopi::hal::AdcChannel> adc, std::int32_t low,
                   std::int32_t high, std::int64_t poll_ms, DriverSink& sink)
      : DriverDeviceBase(sink),
        adc_(std::move(adc)),
        aadc_(*adc_, aiopi::drivers::AadcConfig{.poll_ms = poll_ms, .sense = true}),
        low_(low),
        high_(high),
        poll_(std::chrono::milliseconds(poll_ms)) {
    aadc_.set_observer([this](const aiopi::drivers::AadcReport& r) { report(r); });
    task_ = loop.create_task(watch(), "adc_trigger");
  }

  std::vector<Reading> readings() const override {
    std::vector<Reading> out{{"value", {}, "counts"}, {"in_range", {}, ""}};
    if (have_value_) {
      out[0].value = static_cast<std::int64_t>(value_);
      out[1].value = in_range_;
    }
    return out;
  }

  aiopi::Task<> stop() override {
    co_await finish(task_);
    aadc_.deinit();
  }

 private:
  void report(const aiopi::drivers::AadcReport& r) {
    have_value_ = true;
    value_ = r.value;
    in_range_ = r.kind == aiopi::drivers::AadcEvent::in_range;
    sink_.driver_readings();
    sink_.driver_event(DriverEvent{aiopi::drivers::to_string(r.kind),
                                   {{"value", static_cast<std::int64_t>(r.value), "counts"}},
                                   at_us(r.t_us)});
  }

  aiopi::Task<> watch() {
    bool out_of_range = true;
    for (;;) {
      aadc_.sense(out_of_range);
      auto v = co_await aadc_(low_, high_);
      if (!v) {
        read_outcome(v.error().what);
        co_await aiopi::sleep(std::max<aiopi::Duration>(poll_, 1s));  // retry
        continue;
      }
      read_outcome(nullptr);
      out_of_range = !out_of_range;
    }
  }

  std::unique_ptr<aiopi::hal::AdcChannel> adc_;
  aiopi::drivers::AADC aadc_;
  std::int32_t low_, high_;
  aiopi::Duration poll_;
  aiopi::TaskHandle<> task_;
  bool have_value_ = false;
  bool in_range_ = false;
  std::uint16_t value_ = 0;
};

}  // namespace

Opened<DriverDevice> open_aadc(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                               DriverSink& sink) {
  auto adc = board.open_adc(loop, device);
  if (!adc) return {nullptr, std::move(adc.error)};
  const Node& p = device.params;
  return {std::make_unique<AdcTriggerDevice>(loop, std::move(adc.device),
                                             static_cast<std::int32_t>(p.get_int("low", 0)),
                                             static_cast<std::int32_t>(p.get_int("high", 65535)),
                                             std::max<std::int64_t>(1, ms_of(p, "poll", 100)), sink),
          {}};
}

}  // namespace aiopid::runtime::driver_support
