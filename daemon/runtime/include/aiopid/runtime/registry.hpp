// The live objects of a running configuration — devices, events, tasks and schedules with their state —
// kept by name with stable addresses. The runtime owns them; the remote API (next issue) reads them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "aiopi/cron/schedule.hpp"
#include "aiopi/cron/time_zone.hpp"
#include "aiopi/event.hpp"
#include "aiopi/hal/adc.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/i2c.hpp"
#include "aiopi/hal/pwm.hpp"
#include "aiopi/hal/uart.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopid/config/config.hpp"
#include "aiopid/runtime/driver_device.hpp"
#include "aiopid/runtime/i2c_registers.hpp"
#include "aiopid/runtime/operations.hpp"
#include "aiopid/runtime/remote_board.hpp"
#include "aiopid/runtime/zone.hpp"

namespace aiopid::runtime {

struct LiveDevice {
  config::DeviceConfig config;
  std::unique_ptr<aiopi::hal::DigitalInput> input;
  std::unique_ptr<aiopi::hal::DigitalOutput> output;
  std::unique_ptr<aiopi::hal::AdcChannel> adc;
  std::unique_ptr<aiopi::hal::PwmOutput> pwm;
  std::unique_ptr<aiopi::hal::Uart> uart;
  std::unique_ptr<aiopi::hal::I2cBus> i2c;   ///< an i2c_register_device's bus
  std::vector<LiveRegister> registers;       ///< its registers (name order) with their latest values
  std::deque<RegisterWrite> pending_writes;  ///< set_device's register writes, done in order by `writer`
  aiopi::TaskHandle<> writer;
  std::uint64_t serial =
      0;  ///< unique per live device: a coroutine that waited on the bus checks it is the same
  std::string last_line;  ///< a line reader's latest line (without its line ending)
  bool level = false;     ///< an output's logical level, as last set
  double value = 0.0;     ///< an ADC's last reading (volts, or counts without a scale); a PWM's duty
  /// Per event with an `above` / `below` condition on this device: whether it may be raised (hysteresis).
  std::map<std::string, bool, std::less<>> armed;
  std::string open_error;  ///< the last failure to open (empty once open)
  std::uint32_t open_attempts = 0;
  aiopi::TaskHandle<> keeper;    ///< opens (with backoff), then watches edges for events
  aiopi::TaskHandle<> stimulus;  ///< sim_press_every
  /// A driver type's sink (the runtime) and device; the sink outlives the device, which reports to it.
  std::unique_ptr<DriverSink> sink;
  std::unique_ptr<DriverDevice> driver;
  /// A device on a remote board (config.board): where it stands there; `local` for the others.
  RemoteState remote = RemoteState::local;
  /// A remote driver device's readings (pushbutton: `pressed`; htu21d: temperature and humidity).
  std::vector<Reading> readings;
  [[nodiscard]] bool remote_open() const noexcept {
    return remote == RemoteState::open || remote == RemoteState::failing;
  }
  [[nodiscard]] bool is_open() const noexcept {
    return input || output || adc || pwm || uart || i2c || driver || remote_open();
  }
};

struct LiveEvent {
  config::EventConfig config;
  aiopi::Event event;
  std::uint64_t set_count = 0;
};

/// What the loop measured of a task's runs while profiling was on ([daemon] profile_tasks).
struct TaskProfile {
  std::uint64_t run_time_ns = 0;     ///< time spent running on the loop, every resume summed
  std::uint64_t longest_run_ns = 0;  ///< the longest single resume
  std::uint64_t resumes = 0;         ///< times it was resumed

  /// This profile with `later` (the figures of another period or run) added.
  [[nodiscard]] TaskProfile plus(const TaskProfile& later) const noexcept {
    return {run_time_ns + later.run_time_ns, std::max(longest_run_ns, later.longest_run_ns),
            resumes + later.resumes};
  }
};

struct LiveTask {
  config::TaskConfig config;
  aiopi::TaskHandle<> run;      ///< the run in progress or the last one
  std::uint64_t starts = 0;     ///< runs started
  std::uint64_t completed = 0;  ///< runs that finished (not cancelled)
  std::uint64_t cancelled = 0;  ///< runs cancelled
  std::uint64_t failed = 0;     ///< runs that ended with an exception
  /// The runs before `run`, summed when the next run replaces it (the loop's figures live in a run's task,
  /// and its last resume is only counted once that resume has returned).
  TaskProfile earlier_runs;
  /// `run`'s own figures when profiling was last turned on: what it had counted before is not this period's.
  TaskProfile run_baseline;
  [[nodiscard]] bool running() const noexcept { return run && !run.done(); }
  /// `run`'s figures since profiling was last turned on.
  [[nodiscard]] TaskProfile run_profile() const noexcept {
    if (!run) return {};
    const aiopi::TaskBase& base = run.base();
    // A longest resume no larger than the baseline's may date from before: left out rather than misreported.
    const std::uint64_t longest =
        base.longest_run_ns() > run_baseline.longest_run_ns ? base.longest_run_ns() : 0;
    return {base.run_time_ns() - run_baseline.run_time_ns, longest, base.run_count() - run_baseline.resumes};
  }
  /// Every run's figures since profiling was last turned on (or the task started, if later).
  [[nodiscard]] TaskProfile profile() const noexcept { return earlier_runs.plus(run_profile()); }
};

struct LiveSchedule {
  config::ScheduleConfig config;
  ResolvedZone zone;
  aiopi::cron::ScheduleState state;         ///< next fire, last fire, counters (lib/cron)
  aiopi::TaskHandle<std::uint64_t> handle;  ///< the calendar (none while disabled)
  bool enabled = true;                      ///< config `enabled`, then enable_schedule()
  aiopi::TaskHandle<> run_now;              ///< the latest run_schedule_now() run
  std::uint64_t run_now_count = 0;          ///< runs asked for by run_schedule_now()
};

struct Registry {
  std::map<std::string, std::unique_ptr<LiveDevice>, std::less<>> devices;
  std::map<std::string, std::unique_ptr<LiveEvent>, std::less<>> events;
  std::map<std::string, std::unique_ptr<LiveTask>, std::less<>> tasks;
  std::map<std::string, std::unique_ptr<LiveSchedule>, std::less<>> schedules;
};

}  // namespace aiopid::runtime
