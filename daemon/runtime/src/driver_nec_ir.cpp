// The `nec_ir` device type: its driver on the board's HAL objects (driver_support.hpp).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aiopi/drivers/nec_ir.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"
#include "driver_support.hpp"

namespace aiopid::runtime::driver_support {
namespace {

using namespace std::chrono_literals;

// ----------------------------------------------------------------------------------------------- nec_ir

class NecIrDevice final : public DriverDeviceBase {
 public:
  NecIrDevice(aiopi::Loop& loop, Board& board, std::unique_ptr<aiopi::hal::DigitalInput> input,
              const aiopi::drivers::NecIrConfig& config, DriverSink& sink, const Node& params)
      : DriverDeviceBase(sink), board_(board), input_(std::move(input)), ir_(*input_, config) {
    ir_.set_observer([this](const aiopi::drivers::NecIrReport& r) { report(r); });
    ir_.start();
    if (board.name() == "sim" && params.contains("sim_code_every")) {
      const auto code = static_cast<std::uint8_t>(params.get_int("sim_code", 0x40));
      stimulus_ =
          loop.create_task(send_periodically(duration_of(params, "sim_code_every", 10s), code), "sim_ir");
    }
  }

  std::vector<Reading> readings() const override {
    std::vector<Reading> out{{"data", {}, ""}, {"address", {}, ""}};
    if (have_code_) {
      out[0].value = static_cast<std::int64_t>(last_data_);
      out[1].value = static_cast<std::int64_t>(last_address_);
    }
    return out;
  }

  aiopi::Task<> stop() override {
    co_await finish(stimulus_);
    ir_.deinit();
  }

 private:
  void report(const aiopi::drivers::NecIrReport& r) {
    using Kind = aiopi::drivers::NecIrReport::Kind;
    if (r.kind == Kind::code) {
      have_code_ = true;
      last_data_ = r.data;
      last_address_ = r.addr;
      sink_.driver_readings();
    }
    std::vector<Reading> data{{"address", static_cast<std::int64_t>(r.addr), ""}};
    if (r.kind == Kind::error)
      data.push_back({"error", static_cast<std::int64_t>(r.data), ""});
    else
      data.push_back({"data", static_cast<std::int64_t>(r.kind == Kind::code ? r.data : last_data_), ""});
    sink_.driver_event(
        DriverEvent{aiopi::drivers::to_string(r.kind), std::move(data), at_us(r.timestamp_us)});
  }

  /// The sim board's remote: an NEC frame (address 0x00, `code`) every `every`, from a demodulating receiver
  /// (idle high, a mark low), each edge scheduled at its exact time.
  aiopi::Task<> send_periodically(aiopi::Duration every, std::uint8_t code) {
    const std::uint32_t frame = 0x00u | (0xFFu << 8) | (std::uint32_t{code} << 16) |
                                (std::uint32_t{static_cast<std::uint8_t>(~code)} << 24);
    for (;;) {
      co_await aiopi::sleep(every);
      aiopi::TimePoint t = aiopi::Loop::get().now() + 20ms;
      auto edge = [&](bool level, std::int64_t after_us) {
        t += aiopi::Duration(after_us);
        board_.schedule_simulated(*input_, t, level);
      };
      edge(false, 0);     // leader mark, 9 ms
      edge(true, 9000);   // leader space, 4.5 ms
      edge(false, 4500);  // the first bit's mark
      for (int bit = 0; bit < 32; ++bit) {
        edge(true, 562);                                       // the bit's space
        edge(false, ((frame >> bit) & 1u) != 0 ? 1687 : 562);  // the next mark (the last: the stop mark)
      }
      edge(true, 562);
    }
  }

  Board& board_;
  std::unique_ptr<aiopi::hal::DigitalInput> input_;
  aiopi::drivers::NecIr ir_;
  aiopi::TaskHandle<> stimulus_;
  bool have_code_ = false;
  int last_data_ = 0;
  std::uint16_t last_address_ = 0;
};

}  // namespace

Opened<DriverDevice> open_nec_ir(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                 DriverSink& sink) {
  auto input = board.open_input(loop, device);
  if (!input) return {nullptr, std::move(input.error)};
  aiopi::drivers::NecIrConfig config;
  config.extended = device.params.get_bool("extended", true);
  return {std::make_unique<NecIrDevice>(loop, board, std::move(input.device), config, sink, device.params),
          {}};
}

}  // namespace aiopid::runtime::driver_support
