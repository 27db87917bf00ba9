// The `htu21d` device type: its driver on the board's HAL objects (driver_support.hpp).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aiopi/drivers/htu21d.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"
#include "driver_support.hpp"

namespace aiopid::runtime::driver_support {
namespace {

using namespace std::chrono_literals;

// ----------------------------------------------------------------------------------------------- htu21d

class Htu21dDevice final : public DriverDeviceBase {
 public:
  Htu21dDevice(std::unique_ptr<aiopi::hal::I2cBus> bus, const aiopi::drivers::HTU21DConfig& config,
               DriverSink& sink)
      : DriverDeviceBase(sink), bus_(std::move(bus)), htu_(*bus_, config) {
    htu_.set_observer([this](const aiopi::drivers::HTU21DReport& r) { report(r); });
    htu_.start();
  }

  std::vector<Reading> readings() const override {
    std::vector<Reading> out{{"temperature", {}, "°C"}, {"humidity", {}, "%RH"}};
    if (auto t = htu_.temperature()) out[0].value = round2(*t);
    if (auto h = htu_.humidity()) out[1].value = round2(*h);
    return out;
  }

  aiopi::Task<> stop() override {
    htu_.deinit();
    co_return;
  }

 private:
  static double round2(float v) { return std::round(static_cast<double>(v) * 100.0) / 100.0; }

  void report(const aiopi::drivers::HTU21DReport& r) {
    if (r.kind == aiopi::drivers::HTU21DReport::Kind::error) {
      read_outcome(r.error.what);
      return;
    }
    read_outcome(nullptr);
    sink_.driver_readings();
    sink_.driver_event(DriverEvent{
        "reading",
        {{"temperature", round2(r.temperature_c), "°C"}, {"humidity", round2(r.humidity_rh), "%RH"}},
        at_us(r.timestamp_us)});
  }

  std::unique_ptr<aiopi::hal::I2cBus> bus_;
  aiopi::drivers::HTU21D htu_;
};

}  // namespace

Opened<DriverDevice> open_htu21d(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                 DriverSink& sink) {
  auto bus = board.open_i2c(loop, device);
  if (!bus) return {nullptr, std::move(bus.error)};
  aiopi::drivers::HTU21DConfig config;
  config.address = static_cast<std::uint16_t>(device.params.get_int("address", 0x40));
  config.read_delay_ms = ms_of(device.params, "period", 10'000);
  return {std::make_unique<Htu21dDevice>(std::move(bus.device), config, sink), {}};
}

}  // namespace aiopid::runtime::driver_support
