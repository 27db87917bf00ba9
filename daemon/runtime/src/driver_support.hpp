// What the driver devices share (driver_devices.cpp and the driver_<name>.cpp files): the base class with the
// sink and the read error, parameter helpers, and the opener of each driver type. One translation unit per
// driver, so that a program links only the drivers it wires and the drivers' headers never meet.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopi/time.hpp"
#include "aiopid/config/duration.hpp"
#include "aiopid/runtime/driver_device.hpp"
#include "sim_key_matrix.hpp"

namespace aiopid::runtime::driver_support {

using config::Node;

inline aiopi::TimePoint at_us(std::int64_t us) {
  return aiopi::TimePoint(aiopi::Duration(us));
}

inline std::uint32_t ms_of(const Node& params, const char* key, std::uint32_t fallback) {
  const std::string* text = params.get_string(key);
  if (text == nullptr) return fallback;
  auto parsed = config::parse_duration(*text);
  if (!parsed) return fallback;
  return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(*parsed).count());
}

inline aiopi::Duration duration_of(const Node& params, const char* key, aiopi::Duration fallback) {
  const std::string* text = params.get_string(key);
  if (text == nullptr) return fallback;
  auto parsed = config::parse_duration(*text);
  return parsed ? *parsed : fallback;
}

/// Cancels and awaits a task of the device (stop()).
inline aiopi::Task<> finish(aiopi::TaskHandle<>& task) {
  if (task && !task.done()) {
    task.cancel();
    co_await task.wait_outcome();
  }
}

/// What every driver device has: its sink and the latest read failure.
class DriverDeviceBase : public DriverDevice {
 public:
  explicit DriverDeviceBase(DriverSink& sink) noexcept : sink_(sink) {}
  const std::string& error() const noexcept override { return error_; }

 protected:
  /// A failure (`what`) or success (null) of a read; the sink hears of changes only.
  void read_outcome(const char* what) {
    const std::string now = what ? what : "";
    if (now == error_) return;
    error_ = now;
    sink_.driver_error(error_);
  }
  DriverSink& sink_;
  std::string error_;
};

/// The lines of a crosspoint matrix (keypad, switch_array): rows as open-drain outputs idle high, columns as
/// inputs with pull-ups (no edges: the driver scans them).
struct MatrixLines {
  std::vector<std::unique_ptr<aiopi::hal::DigitalOutput>> rows;
  std::vector<std::unique_ptr<aiopi::hal::DigitalInput>> cols;
  std::vector<aiopi::hal::DigitalOutput*> row_ptrs;
  std::vector<aiopi::hal::DigitalInput*> col_ptrs;
  /// Board `sim` with `sim_key_every`: the simulated keys behind the lines, and the task pressing one.
  std::shared_ptr<SimKeyWiring> sim;
  aiopi::TaskHandle<> stimulus;
};

/// Presses key `code` of `wiring` for `hold` every `every`, the first one period after the start.
inline aiopi::Task<> press_sim_key(std::shared_ptr<SimKeyWiring> wiring, std::size_t code,
                                   aiopi::Duration every, aiopi::Duration hold) {
  for (;;) {
    co_await aiopi::sleep(every);
    wiring->closed[code] = true;
    co_await aiopi::sleep(hold);
    wiring->closed[code] = false;
  }
}

/// The sim board's matrix (sim_key_matrix.hpp) for a device with `sim_key_every`; its stimulus presses key
/// `sim_key` for `sim_press_for`. Empty when the key is not on the matrix (the message says so).
inline std::string open_sim_matrix(aiopi::Loop& loop, const config::DeviceConfig& device, MatrixLines& out) {
  const Node& p = device.params;
  const std::size_t nrows = p.find("rows") ? p.find("rows")->items().size() : 0;
  const std::size_t ncols = p.find("cols") ? p.find("cols")->items().size() : 0;
  const auto code = static_cast<std::size_t>(p.get_int("sim_key", 0));
  if (code >= nrows * ncols)
    return "sim_key " + std::to_string(code) + " is not a key of this " + std::to_string(nrows) + " x " +
           std::to_string(ncols) + " matrix (scan codes 0.." + std::to_string(nrows * ncols - 1) + ")";
  out.sim = std::make_shared<SimKeyWiring>(nrows, ncols);
  for (std::size_t r = 0; r < nrows; ++r) {
    out.rows.push_back(std::make_unique<SimMatrixRow>(out.sim, r));
    out.row_ptrs.push_back(out.rows.back().get());
  }
  for (std::size_t c = 0; c < ncols; ++c) {
    out.cols.push_back(std::make_unique<SimMatrixColumn>(out.sim, c));
    out.col_ptrs.push_back(out.cols.back().get());
  }
  out.stimulus =
      loop.create_task(press_sim_key(out.sim, code, duration_of(p, "sim_key_every", std::chrono::seconds(10)),
                                     duration_of(p, "sim_press_for", std::chrono::milliseconds(100))),
                       "sim_key");
  return {};
}

/// Opens `rows` and `cols` of the device; the first failure's message (naming the line) when one fails.
inline std::string open_matrix(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                               MatrixLines& out) {
  if (board.name() == "sim" && device.params.contains("sim_key_every"))
    return open_sim_matrix(loop, device, out);
  for (const char* key : {"rows", "cols"}) {
    const Node* list = device.params.find(key);
    if (list == nullptr) return std::string("no ") + key;
    std::size_t i = 0;
    for (const Node& line : list->items()) {
      config::DeviceConfig one = device;
      one.params = Node::table();
      if (const Node* chip = device.params.find("chip")) one.params.append("chip", chip->where(), *chip);
      one.params.append("line", line.where(), line);
      const bool row = key[0] == 'r';
      if (row) {
        one.params.append("drive", line.where(), Node::string("open_drain"));
        auto opened = board.open_output(loop, one, true);
        if (!opened) return std::string(key) + "[" + std::to_string(i) + "]: " + opened.error;
        out.row_ptrs.push_back(opened.device.get());
        out.rows.push_back(std::move(opened.device));
      } else {
        one.params.append("bias", line.where(), Node::string("pull_up"));
        one.params.append("edges", line.where(), Node::string("none"));
        auto opened = board.open_input(loop, one);
        if (!opened) return std::string(key) + "[" + std::to_string(i) + "]: " + opened.error;
        out.col_ptrs.push_back(opened.device.get());
        out.cols.push_back(std::move(opened.device));
      }
      ++i;
    }
  }
  return {};
}

/// The opener of each driver type (driver_<name>.cpp).
Opened<DriverDevice> open_htu21d(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                 DriverSink& sink);
Opened<DriverDevice> open_pushbutton(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                     DriverSink& sink);
Opened<DriverDevice> open_gps(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                              DriverSink& sink);
Opened<DriverDevice> open_encoder(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                  DriverSink& sink);
Opened<DriverDevice> open_switch(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                 DriverSink& sink);
Opened<DriverDevice> open_aadc(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                               DriverSink& sink);
Opened<DriverDevice> open_keyboard(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                   DriverSink& sink);
Opened<DriverDevice> open_sw_array(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                   DriverSink& sink);
Opened<DriverDevice> open_hd44780(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                  DriverSink& sink);
Opened<DriverDevice> open_nec_ir(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                 DriverSink& sink);

}  // namespace aiopid::runtime::driver_support
