// What the runtime tells the service manager and what it persists, as small interfaces: daemon/notify
// (sd_notify) and daemon/state (the state directory) implement them; the defaults do nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace aiopid::runtime {

/// sd_notify's messages, in the order the runtime sends them.
class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void ready() {}                                     ///< READY=1: devices are open
  virtual void status(std::string_view line) { (void)line; }  ///< STATUS=line
  virtual void reloading() {}                                 ///< RELOADING=1 + MONOTONIC_USEC
  virtual void reloaded() {}                                  ///< READY=1 after a reload
  virtual void stopping() {}                                  ///< STOPPING=1
  virtual void watchdog() {}                                  ///< WATCHDOG=1
  /// How often to send watchdog() (half of systemd's WATCHDOG_USEC), nullopt = no pings wanted.
  [[nodiscard]] virtual std::optional<std::chrono::microseconds> watchdog_interval() const { return {}; }
};

/// What survives a restart.
struct PersistedState {
  std::map<std::string, std::int64_t> schedule_last_fire;  ///< schedule -> UTC seconds of its last fire
  std::map<std::string, bool> outputs;                     ///< digital_out device -> logical level
  std::map<std::string, double> duties;                    ///< pwm device -> duty (0..1)
  std::map<std::string, bool> events;                      ///< persistent event -> set
};

class StateStore {
 public:
  virtual ~StateStore() = default;
  /// The state read at start (nothing: a fresh start).
  virtual std::optional<PersistedState> load() { return {}; }
  /// Called on change and at stop.
  virtual void save(const PersistedState& state) { (void)state; }
};

}  // namespace aiopid::runtime
