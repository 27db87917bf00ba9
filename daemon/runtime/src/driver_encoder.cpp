// The `encoder` device type: its driver on the board's HAL objects (driver_support.hpp).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aiopi/drivers/encoder.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"
#include "driver_support.hpp"

namespace aiopid::runtime::driver_support {
namespace {

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------- encoder

/// A DeviceConfig for one line of a device with several (`key`: line_a, rs...), for Board::open_input: the
/// device's keys with that line as `line`.
config::DeviceConfig line_device(const config::DeviceConfig& device, const char* key) {
  config::DeviceConfig one = device;
  one.params = Node::table();
  for (const Node::Member& m : device.params.members()) {
    if (m.key == key)
      one.params.append("line", m.key_where, m.value);
    else if (m.key == "chip" || m.key == "bias")
      one.params.append(m.key, m.key_where, m.value);
  }
  return one;
}

class EncoderDevice final : public DriverDeviceBase {
 public:
  EncoderDevice(aiopi::Loop& loop, Board& board, std::unique_ptr<aiopi::hal::DigitalInput> a,
                std::unique_ptr<aiopi::hal::DigitalInput> b, const aiopi::drivers::EncoderConfig& config,
                DriverSink& sink, const Node& params)
      : DriverDeviceBase(sink),
        board_(board),
        a_(std::move(a)),
        b_(std::move(b)),
        encoder_(*a_, *b_, config) {
    encoder_.set_observer([this](const aiopi::drivers::EncoderReport& r) { report(r); });
    if (board.name() == "sim" && params.contains("sim_step_every"))
      stimulus_ = loop.create_task(turn_periodically(duration_of(params, "sim_step_every", 1s), config.div),
                                   "sim_turn");
  }

  aiopi::hal::IoResult<void> start() { return encoder_.start(); }

  std::vector<Reading> readings() const override { return {{"position", encoder_.value(), ""}}; }

  aiopi::Task<> stop() override {
    co_await finish(stimulus_);
    encoder_.deinit();
  }

 private:
  void report(const aiopi::drivers::EncoderReport& r) {
    sink_.driver_readings();
    sink_.driver_event(
        DriverEvent{"change", {{"position", r.value, ""}, {"delta", r.delta, ""}}, at_us(r.t_us)});
  }

  /// The sim board's knob: one position (`div` quadrature transitions, 2 ms apart) clockwise every `every`:
  /// A rises, B rises, A falls, B falls.
  aiopi::Task<> turn_periodically(aiopi::Duration every, std::int64_t div) {
    bool level_a = false, level_b = false;
    board_.drive_simulated(*a_, level_a);
    board_.drive_simulated(*b_, level_b);
    for (;;) {
      co_await aiopi::sleep(every);
      for (std::int64_t i = 0; i < div; ++i) {
        if (level_a == level_b) {
          level_a = !level_a;
          board_.drive_simulated(*a_, level_a);
        } else {
          level_b = !level_b;
          board_.drive_simulated(*b_, level_b);
        }
        co_await aiopi::sleep(2ms);
      }
    }
  }

  Board& board_;
  std::unique_ptr<aiopi::hal::DigitalInput> a_, b_;
  aiopi::drivers::Encoder encoder_;
  aiopi::TaskHandle<> stimulus_;
};

}  // namespace

Opened<DriverDevice> open_encoder(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                  DriverSink& sink) {
  const Node& p = device.params;
  aiopi::drivers::EncoderConfig config;
  config.v = p.get_int("initial", 0);
  config.div = p.get_int("div", 1);
  if (p.contains("min")) config.vmin = p.get_int("min", 0);
  if (p.contains("max")) config.vmax = p.get_int("max", 0);
  if (p.contains("wrap")) config.mod = p.get_int("wrap", 1);
  config.delay_ms = ms_of(p, "delay", 100);
  if (auto ok = aiopi::drivers::Encoder::check(config); !ok) return {nullptr, ok.error().what};
  auto a = board.open_input(loop, line_device(device, "line_a"));
  if (!a) return {nullptr, "line_a: " + a.error};
  auto b = board.open_input(loop, line_device(device, "line_b"));
  if (!b) return {nullptr, "line_b: " + b.error};
  auto dev =
      std::make_unique<EncoderDevice>(loop, board, std::move(a.device), std::move(b.device), config, sink, p);
  if (auto started = dev->start(); !started) return {nullptr, started.error().what};
  return {std::move(dev), {}};
}

}  // namespace aiopid::runtime::driver_support
