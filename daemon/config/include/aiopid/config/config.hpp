// The validated, typed configuration: what the daemon wires up. Produced by load_config (load.hpp) only
// when the files have no error at all; every name it contains refers to something that exists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/cron/schedule.hpp"
#include "aiopi/cron/spec.hpp"
#include "aiopid/config/action.hpp"
#include "aiopid/config/device_type.hpp"
#include "aiopid/config/duration.hpp"
#include "aiopid/config/log_level.hpp"
#include "aiopid/config/node.hpp"
#include "aiopid/config/source.hpp"

namespace aiopid::config {

/// Which board the daemon drives. (`os_linux`, because `linux` is a predefined macro in GNU modes.)
enum class Board : std::uint8_t { os_linux, sim };
std::string_view to_string(Board board) noexcept;  // "linux", "sim"

struct DaemonSettings {
  Board board = Board::os_linux;
  std::string state_dir = "/var/lib/aiopi";
  LogLevel log_level = LogLevel::info;
  /// Default zone of schedules: "local" (the machine's), a fixed offset or an IANA name.
  std::string time_zone = "local";
  /// The loop measures each resume of a task (two clock reads per resume); the API's tasks show the figures.
  bool profile_tasks = false;
};

/// The remote API's `[api]` section (docs/remote-api.md). Tokens are not here: `tokens_file` names them.
struct ApiSettings {
  bool enabled = true;
  std::vector<std::string> listen{"127.0.0.1", "::1"};
  std::uint16_t port = 8765;
  std::string tokens_file;  ///< empty: the credentials directory's aiopid-tokens, else /etc/aiopi/tokens
  std::vector<std::string> allowed_origins;
  std::string tls_certificate, tls_key;
  std::uint32_t max_connections = 64;
  std::uint32_t max_message_bytes = 65536;
  double requests_per_second = 50.0;
  std::uint32_t max_queued = 256;
  Duration stall_timeout = std::chrono::seconds(10);
  Duration idle_timeout = std::chrono::minutes(5);
  Location where;  ///< the [api] table (for messages about it)

  bool operator==(const ApiSettings&) const = default;
};

/// A remote board (`[boards.NAME]`): a Pico running aiopi-pico on a serial port (docs/design/pico-tether.md).
struct BoardConfig {
  std::string name;
  Location where;
  std::string description;
  std::string uart;  ///< the serial device, e.g. /dev/ttyACM0 or /dev/serial0
  std::uint32_t baud = 115200;
  Duration timeout = std::chrono::milliseconds(500);  ///< a request unanswered this long = link loss
  Duration heartbeat = std::chrono::seconds(1);       ///< daemon.info this often while the link is up
};

struct DeviceConfig {
  std::string name;
  Location where;
  const DeviceType* type = nullptr;  ///< from the registry the config was loaded with
  std::string description;
  /// The remote board the device is on (`board`; its params are then DeviceType::board_params); empty: the
  /// daemon's own board.
  std::string board;
  /// The validated parameters with defaults filled in (`type` and `description` included); the type's
  /// code reads them when it opens the device.
  Node params;
};

/// The device condition that raises an event.
struct EventSource {
  std::string device;
  std::string condition;  ///< the condition's key: "edge", "above", "below", "contains", ...
  Node params;            ///< the condition's keys, validated, defaults filled in
};

struct EventConfig {
  std::string name;
  Location where;
  std::string description;
  std::optional<EventSource> source;  ///< none: raised by actions and the API only
  bool persistent = false;            ///< its state is saved and restored across restarts
};

struct TaskConfig {
  std::string name;
  Location where;
  std::string description;
  std::vector<Action> actions;
  /// How often the action list runs: 1 (no repeat), N, or until cancelled (repeat_forever).
  std::uint32_t runs = 1;
  bool repeat_forever = false;
  bool start_at_boot = false;
  std::vector<std::string> start_events;  ///< started each time one of these events is set
};

struct ScheduleConfig {
  std::string name;
  Location where;
  std::string description;
  std::string when;  ///< the cron text, or the `at`/`days` form written as key=value text
  aiopi::cron::Spec spec{};
  std::string time_zone;  ///< effective: its own `time_zone` or the daemon's
  std::string task;       ///< the task it starts; empty when it has inline `actions`
  std::vector<Action> actions;
  aiopi::cron::MissedPolicy missed = aiopi::cron::MissedPolicy::skip;
  Duration missed_tolerance = aiopi::cron::kDefaultMissedTolerance;
  aiopi::cron::OverlapPolicy overlap = aiopi::cron::OverlapPolicy::skip;
  Duration jitter{0};
  bool enabled = true;
};

struct Config {
  DaemonSettings daemon;
  ApiSettings api;
  std::vector<BoardConfig> boards;    ///< remote boards, in the order written
  std::vector<DeviceConfig> devices;  ///< in the order written (main file first, then conf.d)
  std::vector<EventConfig> events;
  std::vector<TaskConfig> tasks;
  std::vector<ScheduleConfig> schedules;
  std::vector<std::string> files;  ///< the files read, in load order
  /// The merged document, validated, with every default filled in: what --print-config prints.
  Node document;

  [[nodiscard]] const BoardConfig* find_board(std::string_view name) const noexcept;
  [[nodiscard]] const DeviceConfig* find_device(std::string_view name) const noexcept;
  [[nodiscard]] const EventConfig* find_event(std::string_view name) const noexcept;
  [[nodiscard]] const TaskConfig* find_task(std::string_view name) const noexcept;
  [[nodiscard]] const ScheduleConfig* find_schedule(std::string_view name) const noexcept;
};

}  // namespace aiopid::config
