// What happens in the running daemon, as calls on an observer: the remote API turns them into its
// notifications (device.NAME.value / .edge / .state, event.NAME.set / .clear, task.NAME.state,
// schedule.NAME.fire). Every call is made on the loop's thread, synchronously, at the moment it happens; an
// observer must not call back into the runtime from inside one (copy what it needs and return). The defaults
// do nothing, so an observer overrides only what it wants. Plain C++ types only: the runtime knows nothing
// of JSON or of api/.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "aiopi/cron/time_zone.hpp"
#include "aiopi/time.hpp"
#include "aiopid/runtime/operations.hpp"

namespace aiopid::runtime {

/// A device's opening state as the observer sees it.
enum class DeviceState : std::uint8_t {
  opened,       ///< the board opened it (first time, or after failures)
  open_failed,  ///< an attempt to open it failed (`error` says why); the runtime retries with backoff
  closed,       ///< closed: removed or changed by a reload, or the daemon stopping
  failing,      ///< open, but reading it fails (`error` says why; a driver device retries every period)
  recovered,    ///< open, and reading it works again after failing
  link_lost,    ///< on a remote board whose link is lost (`error` says why); `opened` follows its recovery
};
const char* to_string(DeviceState state) noexcept;

/// How a task's run ended, or that one began.
enum class TaskState : std::uint8_t { started, completed, cancelled, failed };
const char* to_string(TaskState state) noexcept;

/// A task's run counters after the change reported with them.
struct TaskRuns {
  std::uint64_t starts = 0;     ///< runs started (the run just started included)
  std::uint64_t completed = 0;  ///< runs that finished
  std::uint64_t cancelled = 0;  ///< runs cancelled
  std::uint64_t failed = 0;     ///< runs that ended with an exception
};

/// One fire of a schedule.
struct ScheduleFire {
  aiopi::cron::Instant scheduled{};  ///< the fire instant (UTC, whole seconds; the wall clock for run_now)
  std::uint64_t number = 0;          ///< the schedule's fire count (by its calendar) including this one
  bool catch_up = false;             ///< a `missed = "run_once"` fire standing for missed instants
  bool run_now = false;              ///< asked for by run_schedule_now(), not by the calendar
};

class RuntimeObserver {
 public:
  virtual ~RuntimeObserver() = default;

  // ---- device values (topic device.NAME.value) ----------------------------------------------------------
  /// A digital_out was written (logical level), by an action, the API, its opening or its safe state.
  virtual void on_output_level(std::string_view device, bool level) {
    (void)device;
    (void)level;
  }
  /// A pwm's duty (0..1) was written.
  virtual void on_pwm_duty(std::string_view device, double duty) {
    (void)device;
    (void)duty;
  }
  /// An adc reading was taken: volts, or raw counts without a scale.
  virtual void on_adc_reading(std::string_view device, double value) {
    (void)device;
    (void)value;
  }
  /// A uart_line_reader received a line (without its line ending).
  virtual void on_line(std::string_view device, std::string_view line) {
    (void)device;
    (void)line;
  }
  /// An i2c_register_device's register was read (by its poll or read_device) or written (`written`): the
  /// raw value and the value times the register's scale.
  virtual void on_register(std::string_view device, std::string_view register_name, std::int64_t raw,
                           double value, bool written) {
    (void)device;
    (void)register_name;
    (void)raw;
    (void)value;
    (void)written;
  }

  /// A driver device's readings changed (a measurement, a fix): every reading with its unit.
  virtual void on_readings(std::string_view device, const std::vector<Reading>& readings) {
    (void)device;
    (void)readings;
  }

  // ---- driver events (device.NAME.EVENT) ------------------------------------------------------------------
  /// A driver device raised an event: a button's press, release, double or long, a GPS fix, an IR code.
  virtual void on_driver_event(std::string_view device, const DriverEvent& event) {
    (void)device;
    (void)event;
  }

  // ---- device edges and state (device.NAME.edge, device.NAME.state) -------------------------------------
  /// A digital_in's edge that counts (after its debounce): the logical level it went to (rising = true) and
  /// when the edge happened on the loop's monotonic clock (the HAL's timestamp, e.g. the kernel's).
  virtual void on_edge(std::string_view device, bool level, aiopi::TimePoint at) {
    (void)device;
    (void)level;
    (void)at;
  }
  /// A device opened, failed to open (`error`), or closed.
  virtual void on_device_state(std::string_view device, DeviceState state, std::string_view error) {
    (void)device;
    (void)state;
    (void)error;
  }

  // ---- events, tasks, schedules --------------------------------------------------------------------------
  /// An event was set (`set`, with its set count) or cleared.
  virtual void on_event(std::string_view event, bool set, std::uint64_t set_count) {
    (void)event;
    (void)set;
    (void)set_count;
  }
  /// A task's run started or ended; `runs` are the counters after it.
  virtual void on_task_state(std::string_view task, TaskState state, const TaskRuns& runs) {
    (void)task;
    (void)state;
    (void)runs;
  }
  /// A schedule fired (before its task or actions start).
  virtual void on_schedule_fire(std::string_view schedule, const ScheduleFire& fire) {
    (void)schedule;
    (void)fire;
  }
};

}  // namespace aiopid::runtime
