// Devices on remote boards (`[boards.NAME]`: a Pico running aiopi-pico on a UART, docs/design/pico-tether.md)
// as the runtime sees them. RemoteBoards is the link to the boards (daemon/tether implements it with the
// JSON line protocol, main.cpp wires it in): the runtime asks it to write and read devices, and tells it the
// configuration; it reports what happens on the boards through a RemoteBoardSink (the runtime). Plain C++
// types only: the runtime knows nothing of JSON or of the wire. Everything runs on the loop's thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "aiopi/task.hpp"
#include "aiopi/time.hpp"
#include "aiopid/config/config.hpp"
#include "aiopid/runtime/operations.hpp"

namespace aiopid::runtime {

/// Where a device on a remote board stands (LiveDevice::remote); `local` for the daemon's own devices.
enum class RemoteState : std::uint8_t {
  local,        ///< not on a remote board
  opening,      ///< waiting for its board's link to come up and open it
  open,         ///< open on its board
  failing,      ///< open, but its board reports it failing (a sensor that does not answer)
  open_failed,  ///< its board refused to open it (the message says why); tried again at the next link-up
  link_lost,    ///< the link to its board is lost: writes and reads are refused until it is back
};
const char* to_string(RemoteState state) noexcept;

/// What the runtime hears from the boards' links.
class RemoteBoardSink {
 public:
  virtual ~RemoteBoardSink() = default;
  /// The board opened the device (link up, or again after the board restarted); `value` is its value then.
  virtual void remote_opened(std::string_view device, const DeviceReading& value) = 0;
  /// The board refused to open the device (`error`: its message).
  virtual void remote_open_failed(std::string_view device, std::string_view error) = 0;
  /// The link to the device's board is lost (`why`: no answer, the port failed).
  virtual void remote_link_lost(std::string_view device, std::string_view why) = 0;
  /// The board reports the device failing (`error`) or working again (empty).
  virtual void remote_error(std::string_view device, std::string_view error) = 0;
  /// A new value: a `device.NAME.value` notification, or a read's answer.
  virtual void remote_value(std::string_view device, const DeviceReading& value) = 0;
  /// A digital_in's edge, `at` mapped onto the loop's clock.
  virtual void remote_edge(std::string_view device, bool level, aiopi::TimePoint at) = 0;
  /// A driver's event (`press`, `double`, `long`, `reading`, ...), `at` mapped onto the loop's clock.
  virtual void remote_event(std::string_view device, const DriverEvent& event) = 0;
};

class RemoteBoards {
 public:
  virtual ~RemoteBoards() = default;
  /// Where reports go (the runtime attaches itself, and detaches with null).
  virtual void attach(RemoteBoardSink* sink) = 0;
  /// Moves to `config`'s boards and board devices by difference: a new board's link starts, a removed one's
  /// stops, a board whose table changed restarts; on a board that stays, removed devices are closed and new
  /// or changed ones opened. Called by Runtime::apply once its devices are in place.
  virtual void apply(const config::Config& config) = 0;
  /// Writes an output on its board (a level: bool, a duty: double). Queued in order; a refusal by the board
  /// is logged. The runtime has checked the value and that the device is open.
  virtual void write(std::string_view device, const SetValue& value) = 0;
  /// A fresh reading from the board (its value also goes to the sink's remote_value).
  virtual aiopi::Task<ReadResult> read(std::string device) = 0;
  /// Stops every link; writes already queued (safe states) are sent and waited for first, each up to its
  /// board's timeout.
  virtual aiopi::Task<> stop() = 0;
};

}  // namespace aiopid::runtime
