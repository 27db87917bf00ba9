// The daemon's runtime: a validated Config wired onto a Board and run on the loop. apply() starts a
// configuration or moves a running one to a new one by difference; shutdown() cancels everything (cleanup
// runs) and drives outputs to their safe state.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/broker.hpp"
#include "aiopi/lock.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopid/config/action.hpp"
#include "aiopid/config/config.hpp"
#include "aiopid/runtime/board.hpp"
#include "aiopid/runtime/hooks.hpp"
#include "aiopid/runtime/observer.hpp"
#include "aiopid/runtime/operations.hpp"
#include "aiopid/runtime/registry.hpp"
#include "aiopid/runtime/remote_board.hpp"

namespace aiopid::runtime {

class Runtime;

/// Reloads the configuration (main.cpp: reads the files again and applies them with Runtime::apply); the
/// same path serves SIGHUP and Runtime::reload().
using ReloadHook = std::function<aiopi::Task<ReloadOutcome>(Runtime&)>;

struct RuntimeOptions {
  /// Every output write is appended here as "DEVICE 0|1", and every opening of an output as "DEVICE open
  /// 0|1" (flushed at once), for tests and demos; null = none.
  std::FILE* output_trace = nullptr;
  Notifier* notifier = nullptr;         ///< null: nothing is notified
  StateStore* state = nullptr;          ///< null: nothing persists
  RuntimeObserver* observer = nullptr;  ///< null: nobody is told (the remote API sets one)
  ReloadHook reload{};                  ///< empty: reload() answers unavailable
  /// The links to remote boards (daemon/tether); null: devices with `board` stay unopened.
  RemoteBoards* remote_boards = nullptr;
};

/// What a reload changed, for the log and the status line.
struct ApplySummary {
  int added = 0, changed = 0, removed = 0, kept = 0;
};

class Runtime {
 public:
  Runtime(aiopi::Loop& loop, Board& board, RuntimeOptions options);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  /// Starts `config` (first call) or moves the running configuration to it: unchanged devices keep their
  /// lines and state; changed or removed tasks, schedules and devices stop (cleanup runs) and changed or
  /// added ones start. A coroutine because stopping waits for the cleanup.
  aiopi::Task<ApplySummary> apply(config::Config config);
  /// Cancels schedules and tasks (their cleanup runs), drives outputs to their safe state, saves state.
  aiopi::Task<> shutdown();

  // ---- operations (the remote API's; all on the loop's thread, none throws) ----------------------------
  /// Writes an output: a level to a digital_out, a duty 0..1 to a pwm, a register of an
  /// i2c_register_device. not_found, conflict (an input), bad_value (wrong kind or range), unavailable (not
  /// open: the message has the open error).
  OpResult set_device(std::string_view name, const SetValue& value);
  /// The device's current reading: an adc takes a fresh one, an i2c_register_device reads its registers,
  /// the others give what they last saw or wrote. A coroutine: an I2C read waits for the bus.
  aiopi::Task<ReadResult> read_device(std::string name);
  /// Writes a register of an i2c_register_device and waits for the bus: set_device's register case, with
  /// the outcome of the transfer (unavailable with the bus error: a NACK, a timeout).
  aiopi::Task<OpResult> write_register(std::string device, RegisterWrite write);
  /// Sets an event: tasks started by it start (each set starts them once). not_found if undeclared.
  OpResult set_event(std::string_view name);
  /// Clears an event. not_found if undeclared.
  OpResult clear_event(std::string_view name);
  /// Starts a declared task. not_found; conflict if it is running; unavailable while stopping.
  OpResult start_task(std::string_view name);
  /// Cancels a task's run in progress (its cleanup runs when it next runs). not_found; conflict if not
  /// running.
  OpResult cancel_task(std::string_view name);
  /// Cancels the task's run in progress, waits for its cleanup, starts it again. not_found; unavailable while
  /// stopping.
  aiopi::Task<OpResult> restart_task(std::string name);
  /// Fires a schedule now (its task or actions, as a fire of its calendar would; enabled or not). not_found;
  /// conflict if the previous run_now is still going.
  OpResult run_schedule_now(std::string_view name);
  /// Enables or disables a schedule (a disabled one does not fire; LiveSchedule::enabled). Disabling stops
  /// its calendar (an inline run in progress is cancelled; a task it started keeps running) and waits for
  /// that. Kept across reloads that leave the schedule unchanged. not_found.
  aiopi::Task<OpResult> enable_schedule(std::string name, bool enabled);
  /// The next `count` fires of a schedule in its zone, from the loop's wall clock (what --next-runs prints).
  [[nodiscard]] NextFires next_fires(std::string_view name, int count);
  /// Reloads the configuration through RuntimeOptions::reload (one reload at a time: a second one waits).
  aiopi::Task<ReloadOutcome> reload();
  /// Turns the loop's profiling of task runs on or off (apply() does it from [daemon] profile_tasks when that
  /// changes). Turning it on starts every task's figures (LiveTask::profile) from zero.
  void set_profiling(bool on);
  /// Whether the loop measures task runs: LiveTask::profile is meaningful only then.
  [[nodiscard]] bool profiling() const noexcept { return loop_.profiling(); }
  /// Start time and the loop's lag.
  [[nodiscard]] DaemonInfo info();
  /// How long a task made ready now waits for its turn on the loop (the loop's current lag).
  aiopi::Task<aiopi::Duration> measure_loop_lag();

  [[nodiscard]] const Registry& registry() const noexcept { return registry_; }
  [[nodiscard]] const config::Config& config() const noexcept { return config_; }
  aiopi::Broker<std::string>& broker() noexcept { return broker_; }
  /// "3 devices (3 open), 2 events, 3 tasks (1 running), 1 schedule": the STATUS= line.
  [[nodiscard]] std::string summary() const;

 private:
  aiopi::Task<> keep_device(LiveDevice& device);
  aiopi::Task<> press_periodically(LiveDevice& device, aiopi::Duration every);
  /// Counts how a task's run ended (completed, cancelled, failed) and tells the observer, when the run's
  /// frame goes away.
  struct RunTally {
    Runtime* rt;
    LiveTask* task;
    bool finished = false;
    bool failed = false;
    RunTally(Runtime& runtime, LiveTask& t) noexcept : rt(&runtime), task(&t) {}
    RunTally(RunTally&& other) noexcept;
    RunTally& operator=(RunTally&&) = delete;
    ~RunTally();
  };
  aiopi::Task<> task_body(LiveTask& task, RunTally tally);
  aiopi::Task<> run_actions(const std::vector<config::Action>& actions, const std::string& owner);
  aiopi::Task<> run_action(const config::Action& action, const std::string& owner);
  aiopi::Task<> fire_schedule(LiveSchedule& schedule, ScheduleFire fire);
  aiopi::Task<> watchdog_pinger();

  void start_device(const config::DeviceConfig& device);
  bool try_open(LiveDevice& device);
  void start_schedule(const config::ScheduleConfig& schedule);
  aiopi::Task<> stop_device(LiveDevice& device, bool to_safe_state);
  OpResult write_output(LiveDevice& device, bool level);
  /// Reads an adc now (value, observer, thresholds); the error's text when the read failed.
  const char* take_adc_reading(LiveDevice& device);
  void launch_schedule(LiveSchedule& schedule, bool resume);
  void notify_task(const LiveTask& task, TaskState state);
  void device_state(const LiveDevice& device, DeviceState state);
  bool launch_task(LiveTask& task);
  OpResult write_duty(LiveDevice& device, double duty);
  /// `above` / `below` events of the device; `name` (of a register or a reading, compared with the
  /// condition's `name_key`) narrows them to one value, null: the device's only value.
  void check_thresholds(LiveDevice& device, const std::string* name, double value,
                        const char* name_key = "register");
  // A driver device's reports (through its sink, runtime.cpp's DeviceDriverSink).
  friend class DeviceDriverSink;
  // The remote boards' reports (runtime.cpp's BoardReports).
  friend class BoardReports;
  LiveDevice* remote_device(std::string_view name);
  /// Raises the `edge` events of a digital input for an edge ("rising" / "falling").
  void edge_events(const std::string& device, const char* edge_text);
  void driver_event(LiveDevice& device, const DriverEvent& event);
  void driver_readings(LiveDevice& device);
  void driver_error(LiveDevice& device, std::string_view error);
  aiopi::Task<> poll_registers(LiveDevice& device);
  void register_value(LiveDevice& device, LiveRegister& reg, std::int64_t raw, bool written);
  OpResult check_register_write(LiveDevice& device, const RegisterWrite& write, LiveRegister** reg);
  aiopi::Task<> write_pending(LiveDevice& device);
  aiopi::Task<> set_register_action(const config::Action& action, const std::string& owner);
  aiopi::Task<> poll_adc(LiveDevice& device);
  aiopi::Task<> read_lines(LiveDevice& device);
  void save_state();
  static void set_log_level_hook(config::LogLevel level);

  aiopi::Loop& loop_;
  Board& board_;
  RuntimeOptions options_;
  config::Config config_;
  Registry registry_;
  aiopi::Broker<std::string> broker_;
  aiopi::TaskHandle<> watchdog_;
  bool started_ = false;
  bool stopping_ = false;
  std::optional<PersistedState> restored_;
  aiopi::Lock reload_lock_;
  aiopi::TimePoint started_at_{};
  std::int64_t started_wall_us_ = 0;
  std::optional<aiopi::Duration> watchdog_lag_, watchdog_lag_max_;
  std::uint64_t device_serial_ = 0;
  std::unique_ptr<RemoteBoardSink> board_reports_;  ///< attached to options_.remote_boards
};

}  // namespace aiopid::runtime
