// The device behind `keypad` and `switch_array`: a key-matrix driver (drivers::Keyboard or drivers::SwArray)
// on the board's matrix lines (driver_support.hpp). The two types differ only in their driver and its
// config; each key event carries the key's scan code (`key`, row x cols + col) and its row and column.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "driver_support.hpp"

namespace aiopid::runtime::driver_support {

template <class Driver, class Report>
class MatrixDevice final : public DriverDeviceBase {
 public:
  using Config = typename Driver::Config;

  MatrixDevice(MatrixLines lines, const Config& config, DriverSink& sink)
      : DriverDeviceBase(sink),
        lines_(std::move(lines)),
        driver_(std::span<aiopi::hal::DigitalOutput* const>(lines_.row_ptrs),
                std::span<aiopi::hal::DigitalInput* const>(lines_.col_ptrs), config) {
    driver_.set_observer([this](const Report& r) { report(r); });
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
  void report(const Report& r) {
    have_key_ = true;
    last_key_ = r.scan_code;
    const auto code = static_cast<std::int64_t>(r.scan_code);
    const auto ncols = static_cast<std::int64_t>(lines_.col_ptrs.size());
    sink_.driver_readings();
    sink_.driver_event(DriverEvent{aiopi::drivers::to_string(r.kind),
                                   {{"key", code, ""}, {"row", code / ncols, ""}, {"col", code % ncols, ""}},
                                   at_us(r.t_us)});
  }

  MatrixLines lines_;
  Driver driver_;
  bool have_key_ = false;
  std::uint16_t last_key_ = 0;
};

/// Opens `device`'s matrix lines and starts a MatrixDevice<Driver, Report> on them with `config`.
template <class Driver, class Report>
Opened<DriverDevice> open_matrix_device(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                        const typename Driver::Config& config, DriverSink& sink) {
  MatrixLines lines;
  if (std::string error = open_matrix(loop, board, device, lines); !error.empty()) return {nullptr, error};
  auto dev = std::make_unique<MatrixDevice<Driver, Report>>(std::move(lines), config, sink);
  if (auto started = dev->start(); !started) return {nullptr, started.error().what};
  return {std::move(dev), {}};
}

}  // namespace aiopid::runtime::driver_support
