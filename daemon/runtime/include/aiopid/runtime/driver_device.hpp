// A device of a driver type (pushbutton, gps, htu21d, ...; config/driver_device_types.hpp): the driver of
// drivers/ on the HAL objects the board made, behind one small interface the runtime treats alike. A driver
// device reports what happens through its DriverSink (the runtime): named events with their data, "my
// readings changed", and read failures. Its readings carry their units, for the API.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/time.hpp"
#include "aiopid/config/config.hpp"
#include "aiopid/runtime/board.hpp"
#include "aiopid/runtime/operations.hpp"

namespace aiopid::runtime {

/// What the runtime hears from a driver device. Called on the loop's thread from the device's tasks.
class DriverSink {
 public:
  virtual ~DriverSink() = default;
  /// The driver raised an event ("press", "fix", "code"), with its data (e.g. the position and delta of
  /// an encoder's change) and when it happened on the loop's clock.
  virtual void driver_event(const DriverEvent& event) = 0;
  /// The device's readings changed (a new measurement, a new fix): the runtime reads readings().
  virtual void driver_readings() = 0;
  /// A read failed (`error`), or reads work again (empty): the device stays open and retries.
  virtual void driver_error(std::string_view error) = 0;
};

class DriverDevice {
 public:
  virtual ~DriverDevice() = default;
  /// The current readings with their units (none yet: values are null).
  [[nodiscard]] virtual std::vector<Reading> readings() const = 0;
  /// Stops the driver's tasks and waits for them: after this nothing calls the sink.
  virtual aiopi::Task<> stop() = 0;
  /// The latest read failure ("" when reads work).
  [[nodiscard]] virtual const std::string& error() const noexcept = 0;
  /// Writes text to a display device (its lines to the rows from `row` on); conflict for the others.
  virtual OpResult write_text(const TextWrite& text) {
    (void)text;
    return OpResult::fail(OpErrc::conflict, "not a display");
  }
};

/// Whether `type` is a driver type this runtime opens.
bool is_driver_type(std::string_view type);

/// Opens the device's HAL objects on `board` and starts its driver; the board's error when it cannot.
/// Sim stimuli (`sim_press_every`, the simulated GPS's sentences) start with it on the sim board.
Opened<DriverDevice> open_driver_device(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                                        DriverSink& sink);

}  // namespace aiopid::runtime
