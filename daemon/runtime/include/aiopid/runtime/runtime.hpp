// The daemon's runtime: a validated Config wired onto a Board and run on the loop. apply() starts a
// configuration or moves a running one to a new one by difference; shutdown() cancels everything (cleanup
// runs) and drives outputs to their safe state.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/broker.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopid/config/action.hpp"
#include "aiopid/config/config.hpp"
#include "aiopid/runtime/board.hpp"
#include "aiopid/runtime/hooks.hpp"
#include "aiopid/runtime/registry.hpp"

namespace aiopid::runtime {

struct RuntimeOptions {
  /// Every output write is appended here as "DEVICE 0|1", and every opening of an output as "DEVICE open
  /// 0|1" (flushed at once), for tests and demos; null = none.
  std::FILE* output_trace = nullptr;
  Notifier* notifier = nullptr;  ///< null: nothing is notified
  StateStore* state = nullptr;   ///< null: nothing persists
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

  /// Sets an event: tasks started by it start (each set starts them once).
  void set_event(std::string_view name);
  /// Starts a task unless it is running. False if unknown.
  bool start_task(std::string_view name);
  /// Cancels a task's run in progress.
  void cancel_task(std::string_view name);

  [[nodiscard]] const Registry& registry() const noexcept { return registry_; }
  [[nodiscard]] const config::Config& config() const noexcept { return config_; }
  aiopi::Broker<std::string>& broker() noexcept { return broker_; }
  /// "3 devices (3 open), 2 events, 3 tasks (1 running), 1 schedule": the STATUS= line.
  [[nodiscard]] std::string summary() const;

 private:
  aiopi::Task<> keep_device(LiveDevice& device);
  aiopi::Task<> press_periodically(LiveDevice& device, aiopi::Duration every);
  aiopi::Task<> task_body(LiveTask& task);
  aiopi::Task<> run_actions(const std::vector<config::Action>& actions, const std::string& owner);
  aiopi::Task<> run_action(const config::Action& action, const std::string& owner);
  aiopi::Task<> fire_schedule(LiveSchedule& schedule);
  aiopi::Task<> watchdog_pinger();

  void start_device(const config::DeviceConfig& device);
  bool try_open(LiveDevice& device);
  void start_schedule(const config::ScheduleConfig& schedule);
  aiopi::Task<> stop_device(LiveDevice& device, bool to_safe_state);
  void write_output(LiveDevice& device, bool level);
  void write_duty(LiveDevice& device, double duty);
  void check_thresholds(LiveDevice& device);
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
};

}  // namespace aiopid::runtime
