#include "aiopid/runtime/runtime.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <functional>
#include <utility>

#include "aiopi/cron/sequence.hpp"
#include "aiopi/sleep.hpp"
#include "aiopi/wait_for.hpp"
#include "aiopid/config/duration.hpp"
#include "aiopid/runtime/logging.hpp"
#include "aiopid/runtime/next_runs.hpp"
#include "aiopid/runtime/zone.hpp"
#include "spdlog/spdlog.h"

using namespace std::chrono_literals;

namespace aiopid::runtime {
namespace {

using config::Node;

/// The validated table of `section.name` in a merged document, or null: what a reload compares.
const Node* entry(const Node& document, std::string_view section, std::string_view name) {
  const Node* table = document.find(section);
  return table ? table->find(name) : nullptr;
}

bool same_entry(const config::Config& a, const config::Config& b, std::string_view section,
                std::string_view name) {
  const Node* x = entry(a.document, section, name);
  const Node* y = entry(b.document, section, name);
  return x && y && x->same_value(*y);
}

std::string_view type_name(const config::DeviceConfig& d) {
  return d.type ? std::string_view(d.type->name) : "";
}

/// The device types the boards open so far.
bool wired(std::string_view type) {
  return type == "digital_in" || type == "digital_out" || type == "adc" || type == "pwm" ||
         type == "uart_line_reader" || type == "i2c_register_device" || is_driver_type(type);
}

aiopi::Task<bool> wait_set(aiopi::Event& event) {
  co_return co_await event.wait();
}

/// Seeds a schedule's jitter from its name, so that restarts keep each schedule's delays.
std::uint64_t seed_of(std::string_view name) {
  return std::hash<std::string_view>{}(name);
}

template <class Map>
std::vector<std::string> names_of(const Map& map) {
  std::vector<std::string> names;
  for (const auto& [name, value] : map)
    names.push_back(name);
  return names;
}

OpResult fail(OpErrc code, std::string message) {
  return OpResult::fail(code, std::move(message));
}

std::string quoted(std::string_view name) {
  return "'" + std::string(name) + "'";
}

OpResult not_open(const LiveDevice& d) {
  return fail(OpErrc::unavailable, "device " + quoted(d.config.name) + " is not open: " +
                                       (d.open_error.empty() ? std::string("not opened yet") : d.open_error));
}

}  // namespace

const char* to_string(OpErrc code) noexcept {
  switch (code) {
    case OpErrc::ok:
      return "ok";
    case OpErrc::not_found:
      return "not_found";
    case OpErrc::conflict:
      return "conflict";
    case OpErrc::unavailable:
      return "unavailable";
    case OpErrc::bad_value:
      return "bad_value";
    case OpErrc::reload_failed:
      return "reload_failed";
  }
  return "?";
}

const char* to_string(DeviceState state) noexcept {
  switch (state) {
    case DeviceState::opened:
      return "opened";
    case DeviceState::open_failed:
      return "open_failed";
    case DeviceState::closed:
      return "closed";
    case DeviceState::failing:
      return "failing";
    case DeviceState::recovered:
      return "recovered";
    case DeviceState::link_lost:
      return "link_lost";
  }
  return "?";
}

const char* to_string(RemoteState state) noexcept {
  switch (state) {
    case RemoteState::local:
      return "local";
    case RemoteState::opening:
      return "opening";
    case RemoteState::open:
      return "open";
    case RemoteState::failing:
      return "failing";
    case RemoteState::open_failed:
      return "open_failed";
    case RemoteState::link_lost:
      return "link_lost";
  }
  return "?";
}

const char* to_string(TaskState state) noexcept {
  switch (state) {
    case TaskState::started:
      return "started";
    case TaskState::completed:
      return "completed";
    case TaskState::cancelled:
      return "cancelled";
    case TaskState::failed:
      return "failed";
  }
  return "?";
}

/// A driver device's reports, to the runtime on behalf of its device.
class DeviceDriverSink final : public DriverSink {
 public:
  DeviceDriverSink(Runtime& runtime, LiveDevice& device) noexcept : runtime_(runtime), device_(device) {}
  void driver_event(const DriverEvent& event) override { runtime_.driver_event(device_, event); }
  void driver_readings() override { runtime_.driver_readings(device_); }
  void driver_error(std::string_view error) override { runtime_.driver_error(device_, error); }

 private:
  Runtime& runtime_;
  LiveDevice& device_;
};

/// The remote boards' reports, to the runtime (on the loop's thread). A report about a device that is not
/// (or no longer) a remote device of the running configuration is dropped.
class BoardReports final : public RemoteBoardSink {
 public:
  explicit BoardReports(Runtime& runtime) noexcept : rt_(runtime) {}

  void remote_opened(std::string_view name, const DeviceReading& value) override {
    LiveDevice* d = rt_.remote_device(name);
    if (d == nullptr) return;
    const bool again = d->remote == RemoteState::link_lost;
    d->remote = RemoteState::open;
    d->open_error.clear();
    ++d->open_attempts;
    const std::string_view type = type_name(d->config);
    spdlog::info("device {}: open ({} on board {}){}", name, type, d->config.board,
                 again ? ", the link is back" : "");
    rt_.device_state(*d, DeviceState::opened);
    // The board starts an output at its `initial`: the daemon's level (or duty) is what counts, so a board
    // that restarted gets it back.
    if (type == "digital_out") {
      const bool* level = std::get_if<bool>(&value);
      if (level == nullptr || *level != d->level) rt_.write_output(*d, d->level);
    } else if (type == "pwm") {
      rt_.write_duty(*d, d->value);
    } else {
      remote_value(name, value);
    }
  }

  void remote_open_failed(std::string_view name, std::string_view error) override {
    LiveDevice* d = rt_.remote_device(name);
    if (d == nullptr) return;
    d->remote = RemoteState::open_failed;
    d->open_error = std::string(error);
    spdlog::warn("device {}: board {} cannot open it: {}", name, d->config.board, error);
    rt_.device_state(*d, DeviceState::open_failed);
  }

  void remote_link_lost(std::string_view name, std::string_view why) override {
    LiveDevice* d = rt_.remote_device(name);
    if (d == nullptr || d->remote == RemoteState::link_lost) return;
    d->remote = RemoteState::link_lost;
    d->open_error = "the link to board '" + d->config.board + "' is lost: " + std::string(why);
    if (rt_.options_.observer)
      rt_.options_.observer->on_device_state(d->config.name, DeviceState::link_lost, d->open_error);
  }

  void remote_error(std::string_view name, std::string_view error) override {
    LiveDevice* d = rt_.remote_device(name);
    if (d == nullptr || !d->remote_open()) return;
    const bool failing = !error.empty();
    if (failing == (d->remote == RemoteState::failing)) return;
    d->remote = failing ? RemoteState::failing : RemoteState::open;
    d->open_error = std::string(error);  // shown as the device's error while failing
    rt_.driver_error(*d, error);
  }

  void remote_value(std::string_view name, const DeviceReading& value) override {
    LiveDevice* d = rt_.remote_device(name);
    if (d == nullptr) return;
    const std::string_view type = type_name(d->config);
    RuntimeObserver* observer = rt_.options_.observer;
    if (const bool* level = std::get_if<bool>(&value)) {
      if (type == "pushbutton") {
        d->readings = {{"pressed", *level, ""}};
        if (observer) observer->on_readings(d->config.name, d->readings);
      } else {
        d->level = *level;  // a digital_in's level, or an output's as the board has it
      }
    } else if (const double* number = std::get_if<double>(&value)) {
      d->value = *number;
      if (type == "adc") {
        if (observer) observer->on_adc_reading(d->config.name, d->value);
        rt_.check_thresholds(*d, nullptr, d->value);
      }
    } else if (const auto* readings = std::get_if<std::vector<Reading>>(&value)) {
      d->readings = *readings;
      if (observer) observer->on_readings(d->config.name, d->readings);
      for (const Reading& r : d->readings) {
        if (const double* f = std::get_if<double>(&r.value))
          rt_.check_thresholds(*d, &r.name, *f, "reading");
        else if (const auto* i = std::get_if<std::int64_t>(&r.value))
          rt_.check_thresholds(*d, &r.name, static_cast<double>(*i), "reading");
      }
    }
  }

  void remote_edge(std::string_view name, bool level, aiopi::TimePoint at) override {
    LiveDevice* d = rt_.remote_device(name);
    if (d == nullptr) return;
    d->level = level;
    const char* edge_text = level ? "rising" : "falling";
    spdlog::debug("device {}: {} edge", name, edge_text);
    if (rt_.options_.observer) rt_.options_.observer->on_edge(d->config.name, level, at);
    rt_.edge_events(d->config.name, edge_text);
  }

  void remote_event(std::string_view name, const DriverEvent& event) override {
    LiveDevice* d = rt_.remote_device(name);
    if (d == nullptr) return;
    if (type_name(d->config) == "pushbutton" && (event.name == "press" || event.name == "release"))
      d->readings = {{"pressed", event.name == "press", ""}};
    rt_.driver_event(*d, event);
  }

 private:
  Runtime& rt_;
};

Runtime::Runtime(aiopi::Loop& loop, Board& board, RuntimeOptions options)
    : loop_(loop), board_(board), options_(std::move(options)) {
  if (options_.remote_boards) {
    board_reports_ = std::make_unique<BoardReports>(*this);
    options_.remote_boards->attach(board_reports_.get());
  }
}

Runtime::~Runtime() {
  if (options_.remote_boards) options_.remote_boards->attach(nullptr);
}

LiveDevice* Runtime::remote_device(std::string_view name) {
  auto it = registry_.devices.find(name);
  if (it == registry_.devices.end() || it->second->remote == RemoteState::local) return nullptr;
  return it->second.get();
}

// ------------------------------------------------------------------------------------------------ apply

aiopi::Task<ApplySummary> Runtime::apply(config::Config next) {
  ApplySummary sum;
  const bool first = !started_;
  if (first && options_.state) restored_ = options_.state->load();

  // Stop what goes away or changes, schedules first (their runs await tasks), then tasks, then devices.
  for (const std::string& name : names_of(registry_.schedules)) {
    if (same_entry(config_, next, "schedules", name)) continue;
    LiveSchedule& s = *registry_.schedules.at(name);
    for (aiopi::TaskHandle<>* run : {&s.run_now}) {
      if (*run && !run->done()) {
        run->cancel();
        co_await run->wait_outcome();
      }
    }
    if (s.handle && !s.handle.done()) {
      s.handle.cancel();
      co_await s.handle.wait_outcome();
    }
    spdlog::info("schedule {}: stopped ({})", name, next.find_schedule(name) ? "changed" : "removed");
    registry_.schedules.erase(name);
    ++(next.find_schedule(name) ? sum.changed : sum.removed);
  }
  for (const std::string& name : names_of(registry_.tasks)) {
    if (same_entry(config_, next, "tasks", name)) continue;
    LiveTask& t = *registry_.tasks.at(name);
    if (t.running()) {
      t.run.cancel();
      co_await t.run.wait_outcome();
    }
    spdlog::info("task {}: stopped ({})", name, next.find_task(name) ? "changed" : "removed");
    registry_.tasks.erase(name);
    ++(next.find_task(name) ? sum.changed : sum.removed);
  }
  for (const std::string& name : names_of(registry_.devices)) {
    if (same_entry(config_, next, "devices", name)) continue;
    const bool removed = next.find_device(name) == nullptr;
    co_await stop_device(*registry_.devices.at(name), removed);
    spdlog::info("device {}: closed ({})", name, removed ? "removed" : "changed");
    registry_.devices.erase(name);
    ++(removed ? sum.removed : sum.changed);
  }
  for (const std::string& name : names_of(registry_.events)) {
    if (next.find_event(name) == nullptr) {
      registry_.events.erase(name);
      ++sum.removed;
    }
  }

  const config::Config previous = std::exchange(config_, std::move(next));
  set_log_level_hook(config_.daemon.log_level);
  // Only a change of the key: set_profiling may have changed it since, and a reload keeps what did not
  // change.
  if (first || previous.daemon.profile_tasks != config_.daemon.profile_tasks)
    set_profiling(config_.daemon.profile_tasks);

  // Start what is new or changed; unchanged objects keep running untouched.
  for (const config::EventConfig& e : config_.events) {
    auto it = registry_.events.find(e.name);
    if (it != registry_.events.end()) {
      if (!same_entry(previous, config_, "events", e.name))
        ++sum.changed;
      else
        ++sum.kept;
      it->second->config = e;  // keeps its state: tasks waiting on it stay waiting
      continue;
    }
    auto live = std::make_unique<LiveEvent>();
    live->config = e;
    if (e.persistent && restored_) {
      auto saved = restored_->events.find(e.name);
      if (saved != restored_->events.end() && saved->second) live->event.set();
    }
    registry_.events.emplace(e.name, std::move(live));
    if (!first) ++sum.added;
  }
  for (const config::DeviceConfig& d : config_.devices) {
    if (registry_.devices.contains(d.name)) {
      ++sum.kept;
      continue;
    }
    start_device(d);
    if (!first && !previous.find_device(d.name)) ++sum.added;
  }
  // The boards' links follow the devices: closed ones are closed there, new ones opened when the link is up.
  if (options_.remote_boards) options_.remote_boards->apply(config_);
  for (const config::TaskConfig& t : config_.tasks) {
    if (registry_.tasks.contains(t.name)) {
      ++sum.kept;
      continue;
    }
    auto live = std::make_unique<LiveTask>();
    live->config = t;
    registry_.tasks.emplace(t.name, std::move(live));
    if (!first && !previous.find_task(t.name)) ++sum.added;
    if (t.start_at_boot) start_task(t.name);
  }
  for (const config::ScheduleConfig& s : config_.schedules) {
    if (registry_.schedules.contains(s.name)) {
      ++sum.kept;
      continue;
    }
    start_schedule(s);
    if (!first && !previous.find_schedule(s.name)) ++sum.added;
  }

  if (first) {
    started_ = true;
    started_at_ = loop_.now();
    started_wall_us_ = loop_.wall_now_us();
    if (options_.notifier && options_.notifier->watchdog_interval())
      watchdog_ = loop_.create_task(watchdog_pinger(), "watchdog");
  }
  co_return sum;
}

void Runtime::set_log_level_hook(config::LogLevel level) {
  set_log_level(level);
}

// ---------------------------------------------------------------------------------------------- devices

void Runtime::start_device(const config::DeviceConfig& d) {
  auto owned = std::make_unique<LiveDevice>();
  LiveDevice& live = *owned;
  live.config = d;
  live.serial = ++device_serial_;
  registry_.devices.emplace(d.name, std::move(owned));
  const std::string_view type = type_name(d);
  if (!d.board.empty()) {
    // On a remote board: its link opens it (BoardReports::remote_opened). Outputs start from `initial` /
    // `duty`, or what the state file kept.
    live.remote = RemoteState::opening;
    live.level = d.params.get_bool("initial", false);
    live.value = d.params.get_number("duty", 0.0);
    if (restored_) {
      if (auto saved = restored_->outputs.find(d.name); saved != restored_->outputs.end())
        live.level = saved->second;
      if (auto saved = restored_->duties.find(d.name); saved != restored_->duties.end())
        live.value = saved->second;
    }
    if (!options_.remote_boards) {
      live.remote = RemoteState::open_failed;
      live.open_error = "remote boards are not available in this build of aiopid";
      spdlog::warn("device {}: {}", d.name, live.open_error);
      device_state(live, DeviceState::open_failed);
    }
    return;
  }
  if (wired(type)) try_open(live);
  live.keeper = loop_.create_task(keep_device(live), live.config.name.c_str());
}

bool Runtime::try_open(LiveDevice& d) {
  const std::string_view type = type_name(d.config);
  ++d.open_attempts;
  if (is_driver_type(type)) {
    if (!d.sink) d.sink = std::make_unique<DeviceDriverSink>(*this, d);
    auto opened = open_driver_device(loop_, board_, d.config, *d.sink);
    d.driver = std::move(opened.device);
    d.open_error = std::move(opened.error);
  } else if (type == "digital_in") {
    auto opened = board_.open_input(loop_, d.config);
    d.input = std::move(opened.device);
    d.open_error = std::move(opened.error);
  } else if (type == "adc") {
    auto opened = board_.open_adc(loop_, d.config);
    d.adc = std::move(opened.device);
    d.open_error = std::move(opened.error);
  } else if (type == "i2c_register_device") {
    auto opened = board_.open_i2c(loop_, d.config);
    d.i2c = std::move(opened.device);
    d.open_error = std::move(opened.error);
    if (d.i2c) d.registers = registers_of(d.config.params);
  } else if (type == "uart_line_reader") {
    auto opened = board_.open_uart(loop_, d.config);
    d.uart = std::move(opened.device);
    d.open_error = std::move(opened.error);
  } else if (type == "pwm") {
    auto opened = board_.open_pwm(loop_, d.config);
    d.open_error = std::move(opened.error);
    if (opened.device) {
      const double frequency = d.config.params.get_number("frequency", 1000.0);
      const auto period = static_cast<std::uint64_t>(1e9 / frequency);
      if (auto r = opened.device->set_period_ns(period); !r) {
        d.open_error = std::string("cannot set the period: ") + r.error().what;
      } else if (auto e = opened.device->enable(true); !e) {
        d.open_error = std::string("cannot enable: ") + e.error().what;
      } else {
        d.pwm = std::move(opened.device);
        double duty = d.config.params.get_number("duty", 0.0);
        if (restored_) {
          auto saved = restored_->duties.find(d.config.name);
          if (saved != restored_->duties.end()) duty = saved->second;
        }
        write_duty(d, duty);
      }
    }
  } else {
    bool initial = d.config.params.get_bool("initial", false);
    if (restored_) {
      auto saved = restored_->outputs.find(d.config.name);
      if (saved != restored_->outputs.end()) initial = saved->second;
    }
    auto opened = board_.open_output(loop_, d.config, initial);
    d.output = std::move(opened.device);
    d.open_error = std::move(opened.error);
    if (d.output) d.level = initial;
  }
  if (!d.is_open()) {
    device_state(d, DeviceState::open_failed);
    return false;
  }
  spdlog::info("device {}: open ({} on board {})", d.config.name, type, board_.name());
  device_state(d, DeviceState::opened);
  if (d.output) {
    if (options_.output_trace) {
      std::fprintf(options_.output_trace, "%s open %d\n", d.config.name.c_str(), d.level ? 1 : 0);
      std::fflush(options_.output_trace);
    }
    if (options_.observer) options_.observer->on_output_level(d.config.name, d.level);
  }
  return true;
}

aiopi::Task<> Runtime::keep_device(LiveDevice& d) {
  const std::string& name = d.config.name;
  const std::string_view type = type_name(d.config);
  if (!wired(type)) {
    d.open_error = "device type '" + std::string(type) + "' is not wired to a board yet";
    spdlog::warn("device {}: {}", name, d.open_error);
    device_state(d, DeviceState::open_failed);
    co_return;
  }
  // Retry with backoff: a missing chip or a busy line is not fatal (the hardware may come later). The first
  // attempt was made by start_device, so that READY=1 follows the devices that could be opened.
  aiopi::Duration backoff = 1s;
  std::string reported;  // the whole story is logged once per different failure, then one short line
  while (!d.is_open()) {
    if (d.open_error != reported) {
      spdlog::warn("device {}: cannot open (attempt {}, retrying with backoff up to 1 min): {}", name,
                   d.open_attempts, d.open_error);
      reported = d.open_error;
    } else {
      spdlog::debug("device {}: still cannot open (attempt {}, next in {})", name, d.open_attempts,
                    config::format_duration(backoff));
    }
    co_await aiopi::sleep(backoff);
    backoff = std::min<aiopi::Duration>(backoff * 2, 60s);
    try_open(d);
  }
  if (d.driver) co_return;  // the driver's own tasks run it
  if (d.adc) {
    co_await poll_adc(d);
    co_return;
  }
  if (d.uart) {
    co_await read_lines(d);
    co_return;
  }
  if (d.i2c) {
    co_await poll_registers(d);
    co_return;
  }
  if (!d.input) co_return;

  if (const Node* every = d.config.params.find("sim_press_every"); every && board_.name() == "sim") {
    if (auto period = config::parse_duration(every->as_string()))
      d.stimulus = loop_.create_task(press_periodically(d, *period), "sim_press");
  }
  if (d.input->config().edges == aiopi::hal::EdgeMode::none) co_return;
  aiopi::Duration debounce{0};
  if (const std::string* text = d.config.params.get_string("debounce"))
    if (auto parsed = config::parse_duration(*text)) debounce = *parsed;
  // Edges become the events whose source is this device's `edge` condition.
  for (;;) {
    auto edge = co_await d.input->next_edge();
    if (!edge) {
      spdlog::warn("device {}: edges stopped: {}", name, edge.error().what);
      co_return;
    }
    if (debounce.count() > 0) {
      // Settle: the edge counts only if the line still shows its level `debounce` later; the bounces queued
      // meanwhile are dropped.
      co_await aiopi::sleep(debounce);
      while (d.input->next_edge_nowait()) {
      }
      auto level = d.input->value();
      if (!level || *level != (edge->edge == aiopi::hal::Edge::rising)) {
        spdlog::trace("device {}: {} edge did not settle", name, aiopi::hal::to_string(edge->edge));
        continue;
      }
    }
    const char* edge_text = aiopi::hal::to_string(edge->edge);
    spdlog::debug("device {}: {} edge", name, edge_text);
    if (options_.observer)
      options_.observer->on_edge(name, edge->edge == aiopi::hal::Edge::rising,
                                 aiopi::TimePoint(aiopi::Duration(edge->timestamp_us)));
    edge_events(name, edge_text);
  }
}

void Runtime::edge_events(const std::string& name, const char* edge_text) {
  for (auto& [event_name, event] : registry_.events) {
    const auto& source = event->config.source;
    if (!source || source->device != name || source->condition != "edge") continue;
    const std::string* want = source->params.get_string("edge");
    if (want && *want != "both" && *want != std::string_view(edge_text)) continue;
    set_event(event_name);
  }
}

aiopi::Task<> Runtime::poll_adc(LiveDevice& d) {
  aiopi::Duration every = 1s;
  if (const std::string* poll = d.config.params.get_string("poll"))
    if (auto parsed = config::parse_duration(*poll)) every = *parsed;
  bool failing = false;
  for (;;) {
    if (const char* error = take_adc_reading(d)) {
      if (!failing) spdlog::warn("device {}: read failed: {} (retrying every poll)", d.config.name, error);
      failing = true;
    } else {
      if (failing) spdlog::info("device {}: reads again", d.config.name);
      failing = false;
    }
    co_await aiopi::sleep(every);
  }
}

const char* Runtime::take_adc_reading(LiveDevice& d) {
  const std::optional<double> scale =
      d.config.params.contains("scale") ? std::optional<double>(d.config.params.get_number("scale", 1.0))
      : d.adc->volts_per_count()        ? std::optional<double>(*d.adc->volts_per_count())
                                        : std::nullopt;
  auto raw = d.adc->read_u16();
  if (!raw) return raw.error().what;
  d.value = scale ? *raw * *scale : static_cast<double>(*raw);
  spdlog::trace("device {}: {}", d.config.name, d.value);
  if (options_.observer) options_.observer->on_adc_reading(d.config.name, d.value);
  check_thresholds(d, nullptr, d.value);
  return nullptr;
}

aiopi::Task<> Runtime::poll_registers(LiveDevice& d) {
  aiopi::Duration every = 1s;
  if (const std::string* poll = d.config.params.get_string("poll"))
    if (auto parsed = config::parse_duration(*poll)) every = *parsed;
  const auto address = static_cast<std::uint16_t>(d.config.params.get_int("address", 0));
  std::string failing;  // the failure reported, once until the reads work again
  for (;;) {
    std::string error;
    for (LiveRegister& reg : d.registers) {
      auto raw = co_await read_register(*d.i2c, address, reg);
      if (!raw) {
        error = "register '" + reg.name + "': " + raw.error().what;
        break;
      }
      register_value(d, reg, *raw, false);
    }
    if (!error.empty() && error != failing)
      spdlog::warn("device {}: read failed: {} (retrying every poll)", d.config.name, error);
    else if (error.empty() && !failing.empty())
      spdlog::info("device {}: reads again", d.config.name);
    failing = std::move(error);
    co_await aiopi::sleep(every);
  }
}

void Runtime::register_value(LiveDevice& d, LiveRegister& reg, std::int64_t raw, bool written) {
  reg.valid = true;
  reg.raw = raw;
  reg.value = static_cast<double>(raw) * reg.scale;
  spdlog::trace("device {}: {} {} {} ({})", d.config.name, written ? "wrote" : "read", reg.name, raw,
                reg.value);
  if (options_.observer) options_.observer->on_register(d.config.name, reg.name, raw, reg.value, written);
  if (!written) check_thresholds(d, &reg.name, reg.value);
}

OpResult Runtime::check_register_write(LiveDevice& d, const RegisterWrite& w, LiveRegister** out) {
  const std::string_view type = type_name(d.config);
  if (type != "i2c_register_device")
    return fail(OpErrc::bad_value,
                "device " + quoted(d.config.name) + " is a " + std::string(type) + ": it has no registers");
  const std::vector<LiveRegister> declared =
      d.registers.empty() ? registers_of(d.config.params) : d.registers;
  auto it = std::find_if(d.registers.begin(), d.registers.end(),
                         [&](const LiveRegister& r) { return r.name == w.register_name; });
  auto known = std::find_if(declared.begin(), declared.end(),
                            [&](const LiveRegister& r) { return r.name == w.register_name; });
  if (known == declared.end())
    return fail(OpErrc::bad_value,
                "device " + quoted(d.config.name) + " has no register " + quoted(w.register_name));
  if (!known->writable)
    return fail(OpErrc::conflict, "register " + quoted(w.register_name) + " of device " +
                                      quoted(d.config.name) + " is not writable");
  if (w.value < known->min_raw() || w.value > known->max_raw())
    return fail(OpErrc::bad_value, std::to_string(w.value) + " does not fit register " +
                                       quoted(w.register_name) + " (" + std::to_string(known->min_raw()) +
                                       " to " + std::to_string(known->max_raw()) + ")");
  if (!d.i2c || it == d.registers.end()) return not_open(d);
  *out = &*it;
  return {};
}

aiopi::Task<OpResult> Runtime::write_register(std::string device, RegisterWrite write) {
  auto found = registry_.devices.find(device);
  if (found == registry_.devices.end())
    co_return fail(OpErrc::not_found, "no device named " + quoted(device));
  LiveDevice* d = found->second.get();
  LiveRegister* reg = nullptr;
  if (OpResult ok = check_register_write(*d, write, &reg); !ok) co_return ok;
  const std::uint64_t serial = d->serial;
  const auto address = static_cast<std::uint16_t>(d->config.params.get_int("address", 0));
  const LiveRegister layout = *reg;  // a copy: the device may go away while the bus works
  auto written = co_await runtime::write_register(*d->i2c, address, layout, write.value);
  found = registry_.devices.find(device);
  if (found == registry_.devices.end() || found->second->serial != serial)
    co_return fail(OpErrc::unavailable, "device " + quoted(device) + " was closed during the write");
  d = found->second.get();
  if (!written)
    co_return fail(OpErrc::unavailable, "device " + quoted(device) + ": register " +
                                            quoted(write.register_name) + ": " + written.error().what);
  for (LiveRegister& r : d->registers)
    if (r.name == write.register_name) register_value(*d, r, write.value, true);
  co_return OpResult{};
}

aiopi::Task<> Runtime::set_register_action(const config::Action& a, const std::string& owner) {
  // Named locals, not a braced RegisterWrite{...} temporary in the co_await expression: with the temporary,
  // the GCC 12 build freed its string twice (a crash in daemon_runtime_tests' I2C test).
  std::string device = a.target;
  RegisterWrite write;
  write.register_name = a.register_name;
  write.value = std::get<std::int64_t>(a.value);
  const OpResult r = co_await write_register(std::move(device), std::move(write));
  if (!r) spdlog::error("{}: set {}: {}", owner, a.target, r.message);
}

aiopi::Task<> Runtime::write_pending(LiveDevice& d) {
  const std::string name = d.config.name;
  while (!d.pending_writes.empty()) {
    RegisterWrite w = std::move(d.pending_writes.front());
    d.pending_writes.pop_front();
    const OpResult r = co_await write_register(name, w);
    if (!r) spdlog::error("{}", r.message);
  }
}

aiopi::Task<> Runtime::read_lines(LiveDevice& d) {
  std::vector<std::uint8_t> buf(1024);
  for (;;) {
    auto line = co_await d.uart->reader().readline(buf);
    if (!line) {
      if (line.error().kind == aiopi::hal::IoErrc::overflow) {  // an over-long line: drop it
        spdlog::warn("device {}: a line longer than {} bytes was dropped", d.config.name, buf.size());
        co_await d.uart->reader().read(buf);
        continue;
      }
      spdlog::warn("device {}: reading stopped: {}", d.config.name, line.error().what);
      co_return;
    }
    if (line->empty()) {
      spdlog::warn("device {}: the port closed", d.config.name);
      co_return;
    }
    std::string text(line->begin(), line->end());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
      text.pop_back();
    spdlog::trace("device {}: line {}", d.config.name, text);
    d.last_line = text;
    if (options_.observer) options_.observer->on_line(d.config.name, d.last_line);
    for (auto& [event_name, event] : registry_.events) {
      const auto& source = event->config.source;
      if (!source || source->device != d.config.name) continue;
      const std::string* want = source->params.get_string(source->condition);
      if (want == nullptr) continue;
      const bool match = source->condition == "contains"      ? text.find(*want) != std::string::npos
                         : source->condition == "equals"      ? text == *want
                         : source->condition == "starts_with" ? text.starts_with(*want)
                                                              : false;
      if (match) set_event(event_name);
    }
  }
}

void Runtime::check_thresholds(LiveDevice& d, const std::string* register_name, double value,
                               const char* name_key) {
  // Edge-triggered with hysteresis: `above` is raised when the value goes over the threshold, then not again
  // until it has come back below threshold - hysteresis (`below` mirrors it). The first reading only arms.
  // A register device's conditions name their register: only those of `register_name` are checked.
  for (auto& [event_name, event] : registry_.events) {
    const auto& source = event->config.source;
    if (!source || source->device != d.config.name) continue;
    const bool above = source->condition == "above";
    if (!above && source->condition != "below") continue;
    if (register_name) {
      const std::string* wanted = source->params.get_string(name_key);
      if (wanted == nullptr || *wanted != *register_name) continue;
    }
    const double threshold = source->params.get_number(source->condition, 0.0);
    const double hysteresis = source->params.get_number("hysteresis", 0.0);
    const bool beyond = above ? value > threshold : value < threshold;
    const bool back = above ? value < threshold - hysteresis : value > threshold + hysteresis;
    auto [it, first] = d.armed.try_emplace(event_name, !beyond);
    if (first) continue;
    if (it->second && beyond) {
      it->second = false;
      spdlog::debug("device {}: {} {} ({})", d.config.name, source->condition, threshold, value);
      set_event(event_name);
    } else if (!it->second && back) {
      it->second = true;
    }
  }
}

void Runtime::driver_event(LiveDevice& d, const DriverEvent& event) {
  spdlog::debug("device {}: {}", d.config.name, event.name);
  if (options_.observer) options_.observer->on_driver_event(d.config.name, event);
  // Events whose source is `on = "EVENT"` of this device; their other keys (`data`, `address`, `key`) must
  // equal the event's data of that name.
  for (auto& [event_name, live] : registry_.events) {
    const auto& source = live->config.source;
    if (!source || source->device != d.config.name || source->condition != "on") continue;
    const std::string* want = source->params.get_string("on");
    if (want == nullptr || *want != event.name) continue;
    bool match = true;
    for (const Node::Member& m : source->params.members()) {
      if (m.key == "on" || !m.value.is(Node::Kind::integer)) continue;
      auto it = std::find_if(event.data.begin(), event.data.end(),
                             [&](const Reading& r) { return r.name == m.key; });
      if (it == event.data.end()) continue;
      const auto* number = std::get_if<std::int64_t>(&it->value);
      if (number == nullptr || *number != m.value.as_int()) match = false;
    }
    if (match) set_event(event_name);
  }
}

void Runtime::driver_readings(LiveDevice& d) {
  if (!d.driver) return;
  const std::vector<Reading> readings = d.driver->readings();
  if (options_.observer) options_.observer->on_readings(d.config.name, readings);
  for (const Reading& r : readings) {
    double value = 0.0;
    if (const auto* f = std::get_if<double>(&r.value))
      value = *f;
    else if (const auto* i = std::get_if<std::int64_t>(&r.value))
      value = static_cast<double>(*i);
    else
      continue;
    check_thresholds(d, &r.name, value, "reading");
  }
}

void Runtime::driver_error(LiveDevice& d, std::string_view error) {
  if (!error.empty()) {
    spdlog::warn("device {}: read failed: {} (retrying)", d.config.name, error);
    if (options_.observer) options_.observer->on_device_state(d.config.name, DeviceState::failing, error);
  } else {
    spdlog::info("device {}: reads again", d.config.name);
    if (options_.observer) options_.observer->on_device_state(d.config.name, DeviceState::recovered, {});
  }
}

aiopi::Task<> Runtime::press_periodically(LiveDevice& d, aiopi::Duration every) {
  const bool active_low = d.input->config().active_low;
  for (;;) {
    co_await aiopi::sleep(every);
    spdlog::info("device {}: simulated press", d.config.name);
    board_.drive_simulated(*d.input, !active_low);
    co_await aiopi::sleep(100ms);
    board_.drive_simulated(*d.input, active_low);
  }
}

aiopi::Task<> Runtime::stop_device(LiveDevice& d, bool to_safe_state) {
  for (aiopi::TaskHandle<>* h : {&d.writer, &d.stimulus, &d.keeper}) {
    if (*h && !h->done()) {
      h->cancel();
      co_await h->wait_outcome();
    }
  }
  if (d.driver) co_await d.driver->stop();
  if (to_safe_state && (d.pwm || (d.remote_open() && type_name(d.config) == "pwm"))) {
    if (const Node* safe = d.config.params.find("safe_state"); safe && safe->is_number()) {
      write_duty(d, safe->as_number());
      spdlog::info("device {}: safe state duty {}", d.config.name, safe->as_number());
    }
  }
  if (to_safe_state && (d.output || (d.remote_open() && type_name(d.config) == "digital_out"))) {
    if (const Node* safe = d.config.params.find("safe_state"); safe && safe->is(Node::Kind::boolean)) {
      write_output(d, safe->as_bool());
      spdlog::info("device {}: safe state {}", d.config.name, safe->as_bool() ? "on" : "off");
    }
  }
  device_state(d, DeviceState::closed);
}

void Runtime::device_state(const LiveDevice& d, DeviceState state) {
  if (options_.observer)
    options_.observer->on_device_state(d.config.name, state,
                                       state == DeviceState::open_failed ? d.open_error : std::string_view());
}

OpResult Runtime::write_output(LiveDevice& d, bool level) {
  d.level = level;
  if (!d.output && !d.remote_open()) {
    spdlog::debug("device {}: not open, level {} kept for later", d.config.name, level);
    return not_open(d);
  }
  if (d.remote_open()) {
    options_.remote_boards->write(d.config.name, level);
  } else if (auto r = d.output->set(level); !r) {
    spdlog::error("device {}: set failed: {}", d.config.name, r.error().what);
    return fail(OpErrc::unavailable, "device " + quoted(d.config.name) + ": " + r.error().what);
  }
  spdlog::debug("device {}: {}", d.config.name, level ? "on" : "off");
  if (options_.output_trace) {
    std::fprintf(options_.output_trace, "%s %d\n", d.config.name.c_str(), level ? 1 : 0);
    std::fflush(options_.output_trace);
  }
  if (options_.observer) options_.observer->on_output_level(d.config.name, level);
  return {};
}

OpResult Runtime::write_duty(LiveDevice& d, double duty) {
  duty = std::clamp(duty, 0.0, 1.0);
  d.value = duty;
  if (!d.pwm && !d.remote_open()) return not_open(d);
  if (d.remote_open()) {
    options_.remote_boards->write(d.config.name, duty);
  } else if (auto r = d.pwm->set_duty_ns(
                 static_cast<std::uint64_t>(static_cast<double>(d.pwm->period_ns()) * duty));
             !r) {
    spdlog::error("device {}: set duty failed: {}", d.config.name, r.error().what);
    return fail(OpErrc::unavailable, "device " + quoted(d.config.name) + ": " + r.error().what);
  }
  spdlog::debug("device {}: duty {}", d.config.name, duty);
  if (options_.output_trace) {
    std::fprintf(options_.output_trace, "%s %g\n", d.config.name.c_str(), duty);
    std::fflush(options_.output_trace);
  }
  if (options_.observer) options_.observer->on_pwm_duty(d.config.name, duty);
  return {};
}

// ------------------------------------------------------------------------------------- events and tasks

OpResult Runtime::set_event(std::string_view name) {
  auto it = registry_.events.find(name);
  if (it == registry_.events.end()) return fail(OpErrc::not_found, "no event named " + quoted(name));
  LiveEvent& e = *it->second;
  e.event.set();
  ++e.set_count;
  spdlog::debug("event {}: set", name);
  if (options_.observer) options_.observer->on_event(e.config.name, true, e.set_count);
  if (e.config.persistent) save_state();
  if (stopping_) return {};
  for (auto& [task_name, task] : registry_.tasks) {
    const auto& starts = task->config.start_events;
    if (std::find(starts.begin(), starts.end(), name) != starts.end()) launch_task(*task);
  }
  return {};
}

OpResult Runtime::clear_event(std::string_view name) {
  auto it = registry_.events.find(name);
  if (it == registry_.events.end()) return fail(OpErrc::not_found, "no event named " + quoted(name));
  LiveEvent& e = *it->second;
  e.event.clear();
  spdlog::debug("event {}: cleared", name);
  if (options_.observer) options_.observer->on_event(e.config.name, false, e.set_count);
  if (e.config.persistent) save_state();
  return {};
}

bool Runtime::launch_task(LiveTask& t) {
  if (stopping_) return false;
  if (t.running()) return true;
  ++t.starts;
  notify_task(t, TaskState::started);
  t.earlier_runs = t.profile();  // the ended run's figures are final now: its last resume has returned
  t.run_baseline = {};
  t.run = loop_.create_task(task_body(t, RunTally(*this, t)), t.config.name.c_str());
  return true;
}

OpResult Runtime::start_task(std::string_view name) {
  auto it = registry_.tasks.find(name);
  if (it == registry_.tasks.end()) return fail(OpErrc::not_found, "no task named " + quoted(name));
  LiveTask& t = *it->second;
  if (stopping_) return fail(OpErrc::unavailable, "the daemon is stopping");
  if (t.running())
    return fail(OpErrc::conflict,
                "task " + quoted(name) + " is running (run " + std::to_string(t.starts) + ")");
  launch_task(t);
  return {};
}

OpResult Runtime::cancel_task(std::string_view name) {
  auto it = registry_.tasks.find(name);
  if (it == registry_.tasks.end()) return fail(OpErrc::not_found, "no task named " + quoted(name));
  if (!it->second->running()) return fail(OpErrc::conflict, "task " + quoted(name) + " is not running");
  it->second->run.cancel();
  return {};
}

aiopi::Task<OpResult> Runtime::restart_task(std::string name) {
  auto it = registry_.tasks.find(name);
  if (it == registry_.tasks.end()) co_return fail(OpErrc::not_found, "no task named " + quoted(name));
  if (stopping_) co_return fail(OpErrc::unavailable, "the daemon is stopping");
  if (it->second->running()) {
    aiopi::TaskHandle<> run = it->second->run;  // a copy: a reload may drop the record meanwhile
    run.cancel();
    co_await run.wait_outcome();
  }
  // Looked up again: a reload during the wait may have replaced or removed the task.
  it = registry_.tasks.find(name);
  if (it == registry_.tasks.end()) co_return fail(OpErrc::not_found, "no task named " + quoted(name));
  if (!launch_task(*it->second)) co_return fail(OpErrc::unavailable, "the daemon is stopping");
  co_return OpResult{};
}

void Runtime::notify_task(const LiveTask& t, TaskState state) {
  if (options_.observer)
    options_.observer->on_task_state(t.config.name, state,
                                     TaskRuns{t.starts, t.completed, t.cancelled, t.failed});
}

Runtime::RunTally::RunTally(RunTally&& other) noexcept
    : rt(std::exchange(other.rt, nullptr)),
      task(other.task),
      finished(other.finished),
      failed(other.failed) {}

Runtime::RunTally::~RunTally() {
  if (rt == nullptr) return;  // moved from
  ++(failed ? task->failed : finished ? task->completed : task->cancelled);
  rt->notify_task(*task, failed ? TaskState::failed : finished ? TaskState::completed : TaskState::cancelled);
}

aiopi::Task<> Runtime::task_body(LiveTask& t, RunTally tally) {
  // `tally` is a parameter, so it lives in the frame from the start: a run cancelled before it first ran
  // (started and cancelled in one go) is counted too. This guard tells a throw from a cancellation.
  struct Unwinding {
    RunTally& tally;
    int exceptions = std::uncaught_exceptions();
    ~Unwinding() {
      if (std::uncaught_exceptions() > exceptions) tally.failed = true;
    }
  } unwinding{tally};
  spdlog::debug("task {}: run {} started", t.config.name, t.starts);
  for (std::uint32_t i = 0; t.config.repeat_forever || i < t.config.runs; ++i)
    co_await run_actions(t.config.actions, t.config.name);
  tally.finished = true;
  spdlog::debug("task {}: run {} finished", t.config.name, t.starts);
}

aiopi::Task<> Runtime::run_actions(const std::vector<config::Action>& actions, const std::string& owner) {
  for (const config::Action& a : actions)
    co_await run_action(a, owner);
}

aiopi::Task<> Runtime::run_action(const config::Action& a, const std::string& owner) {
  using config::Verb;
  auto device = [&]() -> LiveDevice* {
    auto it = registry_.devices.find(a.target);
    return it == registry_.devices.end() ? nullptr : it->second.get();
  };
  switch (a.verb) {
    case Verb::set:
      if (LiveDevice* d = device(); d && std::holds_alternative<bool>(a.value)) {
        write_output(*d, std::get<bool>(a.value));
      } else if (d && type_name(d->config) == "pwm" && std::holds_alternative<double>(a.value)) {
        write_duty(*d, std::get<double>(a.value));
      } else if (d && type_name(d->config) == "pwm" && std::holds_alternative<std::int64_t>(a.value)) {
        write_duty(*d, static_cast<double>(std::get<std::int64_t>(a.value)));
      } else if (d && !a.register_name.empty() && std::holds_alternative<std::int64_t>(a.value)) {
        co_await set_register_action(a, owner);
      } else if (d && std::holds_alternative<std::string>(a.value)) {
        if (OpResult r = set_device(a.target, TextWrite{a.row, std::get<std::string>(a.value)}); !r)
          spdlog::error("{}: set {}: {}", owner, a.target, r.message);
      }
      break;
    case Verb::toggle:
      if (LiveDevice* d = device()) write_output(*d, !d->level);
      break;
    case Verb::pulse: {
      LiveDevice* d = device();
      if (d == nullptr) break;
      write_output(*d, true);
      // Back to inactive however the pulse ends, cancelled included; the device is looked up again because a
      // reload may have replaced it meanwhile.
      struct Release {
        Runtime& rt;
        const std::string& name;
        ~Release() {
          auto it = rt.registry_.devices.find(name);
          if (it != rt.registry_.devices.end()) rt.write_output(*it->second, false);
        }
      } release{*this, a.target};
      co_await aiopi::sleep(a.duration);
      break;
    }
    case Verb::sleep:
      co_await aiopi::sleep(a.duration);
      break;
    case Verb::set_event:
      set_event(a.target);
      break;
    case Verb::clear_event:
      clear_event(a.target);
      break;
    case Verb::wait_event: {
      auto it = registry_.events.find(a.target);
      if (it == registry_.events.end()) break;
      aiopi::Event& event = it->second->event;
      if (!a.timeout) {
        co_await event.wait();
        break;
      }
      auto r = co_await aiopi::wait_for(wait_set(event), *a.timeout);
      if (r.timed_out()) {
        spdlog::debug("task {}: wait_event {} timed out", owner, a.target);
        co_await run_actions(a.on_timeout, owner);
      }
      break;
    }
    case Verb::start:
      start_task(a.target);
      break;
    case Verb::cancel:
      cancel_task(a.target);
      break;
    case Verb::log:
      spdlog::log(to_spdlog(a.level), "{}: {}", owner, a.message);
      break;
    case Verb::publish:
      spdlog::debug("{}: publish {} {}", owner, a.target, a.message);
      broker_.publish(a.target, a.message);
      break;
  }
}

// -------------------------------------------------------------------------------------------- schedules

void Runtime::start_schedule(const config::ScheduleConfig& c) {
  auto owned = std::make_unique<LiveSchedule>();
  LiveSchedule& s = *owned;
  s.config = c;
  s.enabled = c.enabled;
  ResolvedZone zone = resolve_zone(c.time_zone);
  if (!zone.error.empty()) spdlog::warn("schedule {}: {}", c.name, zone.error);
  s.zone = std::move(zone);
  registry_.schedules.emplace(c.name, std::move(owned));
  if (!c.enabled) {
    spdlog::info("schedule {}: disabled", c.name);
    return;
  }
  launch_schedule(s, true);
}

void Runtime::launch_schedule(LiveSchedule& s, bool resume) {
  const config::ScheduleConfig& c = s.config;
  aiopi::cron::ScheduleOptions options;
  options.name = s.config.name.c_str();
  options.missed = c.missed;
  options.missed_tolerance = c.missed_tolerance;
  options.overlap = c.overlap;
  options.max_jitter = c.jitter;
  options.jitter_seed = seed_of(c.name);
  options.state = &s.state;
  // Resumed from the state file only at its first start: fires missed while a schedule was disabled are not
  // caught up when it is enabled again.
  if (resume && restored_) {
    auto saved = restored_->schedule_last_fire.find(c.name);
    if (saved != restored_->schedule_last_fire.end())
      options.last_fired = aiopi::cron::Instant{std::chrono::seconds{saved->second}};
  }
  Runtime* self = this;
  LiveSchedule* live = &s;
  auto fire = [self, live](const aiopi::cron::Trigger& t) -> aiopi::Task<> {
    return self->fire_schedule(
        *live,
        ScheduleFire{.scheduled = t.scheduled, .number = t.number, .catch_up = t.catch_up, .run_now = false});
  };
  s.handle =
      loop_.create_task(aiopi::cron::schedule(fire, c.spec, s.zone.zone(), options), s.config.name.c_str());
}

aiopi::Task<> Runtime::fire_schedule(LiveSchedule& s, ScheduleFire fire) {
  spdlog::info("schedule {}: fires{}", s.config.name,
               fire.run_now    ? " (run now)"
               : fire.catch_up ? " (catching up missed fires)"
                               : "");
  if (options_.observer) options_.observer->on_schedule_fire(s.config.name, fire);
  save_state();
  if (!s.config.task.empty()) {
    auto it = registry_.tasks.find(s.config.task);
    if (it == registry_.tasks.end() || !launch_task(*it->second)) co_return;
    aiopi::TaskHandle<> run = it->second->run;  // a copy: a reload may drop the record
    if (run && !run.done()) co_await run.wait_outcome();
  } else {
    co_await run_actions(s.config.actions, "schedule " + s.config.name);
  }
}

OpResult Runtime::run_schedule_now(std::string_view name) {
  auto it = registry_.schedules.find(name);
  if (it == registry_.schedules.end()) return fail(OpErrc::not_found, "no schedule named " + quoted(name));
  if (stopping_) return fail(OpErrc::unavailable, "the daemon is stopping");
  LiveSchedule& s = *it->second;
  if (s.run_now && !s.run_now.done())
    return fail(OpErrc::conflict, "schedule " + quoted(name) + ": the previous run_now is still running");
  ++s.run_now_count;
  const ScheduleFire fire{
      .scheduled = std::chrono::floor<std::chrono::seconds>(
          std::chrono::sys_time<std::chrono::microseconds>(std::chrono::microseconds(loop_.wall_now_us()))),
      .number = s.run_now_count,
      .catch_up = false,
      .run_now = true};
  s.run_now = loop_.create_task(fire_schedule(s, fire), s.config.name.c_str());
  return {};
}

aiopi::Task<OpResult> Runtime::enable_schedule(std::string name, bool enabled) {
  auto it = registry_.schedules.find(name);
  if (it == registry_.schedules.end()) co_return fail(OpErrc::not_found, "no schedule named " + quoted(name));
  if (stopping_) co_return fail(OpErrc::unavailable, "the daemon is stopping");
  LiveSchedule* s = it->second.get();
  if (s->enabled == enabled) co_return OpResult{};
  s->enabled = enabled;
  spdlog::info("schedule {}: {}", name, enabled ? "enabled" : "disabled");
  if (!enabled) {
    if (s->handle && !s->handle.done()) {
      aiopi::TaskHandle<std::uint64_t> calendar = s->handle;
      calendar.cancel();
      co_await calendar.wait_outcome();
    }
    co_return OpResult{};
  }
  // Enabling right after disabling: the calendar being cancelled has finished before this runs again only
  // if it was awaited; wait for it here too, so that two calendars never share the state.
  if (s->handle && !s->handle.done()) {
    aiopi::TaskHandle<std::uint64_t> calendar = s->handle;
    calendar.cancel();
    co_await calendar.wait_outcome();
    it = registry_.schedules.find(name);
    if (it == registry_.schedules.end())
      co_return fail(OpErrc::not_found, "no schedule named " + quoted(name));
    s = it->second.get();
    if (!s->enabled) co_return OpResult{};
  }
  if (stopping_) co_return fail(OpErrc::unavailable, "the daemon is stopping");
  launch_schedule(*s, false);
  co_return OpResult{};
}

NextFires Runtime::next_fires(std::string_view name, int count) {
  NextFires out;
  auto it = registry_.schedules.find(name);
  if (it == registry_.schedules.end()) {
    out.status = fail(OpErrc::not_found, "no schedule named " + quoted(name));
    return out;
  }
  const LiveSchedule& s = *it->second;
  const auto now = std::chrono::floor<std::chrono::seconds>(
      std::chrono::sys_time<std::chrono::microseconds>(std::chrono::microseconds(loop_.wall_now_us())));
  out.instants = next_fire_times(s.config, s.zone.zone(), now, count);
  for (const aiopi::cron::Instant at : out.instants)
    out.local.push_back(format_fire_time(at, s.zone.zone()));
  return out;
}

aiopi::Task<> Runtime::watchdog_pinger() {
  const auto period = *options_.notifier->watchdog_interval();
  for (;;) {
    options_.notifier->watchdog();
    const aiopi::TimePoint planned = loop_.now() + period;
    co_await aiopi::sleep(period);
    const aiopi::Duration lag = std::max(loop_.now() - planned, aiopi::Duration{0});
    watchdog_lag_ = lag;
    watchdog_lag_max_ = std::max(lag, watchdog_lag_max_.value_or(aiopi::Duration{0}));
  }
}

// --------------------------------------------------------------------------------------- the daemon

aiopi::Task<ReloadOutcome> Runtime::reload() {
  ReloadOutcome out;
  if (!options_.reload) {
    out.status = fail(OpErrc::unavailable, "reloading is not available (no configuration file to read)");
    co_return out;
  }
  if (stopping_) {
    out.status = fail(OpErrc::unavailable, "the daemon is stopping");
    co_return out;
  }
  auto guard = co_await reload_lock_;  // one reload at a time: SIGHUP and the API may ask together
  if (stopping_) {
    out.status = fail(OpErrc::unavailable, "the daemon is stopping");
    co_return out;
  }
  co_return co_await options_.reload(*this);
}

void Runtime::set_profiling(bool on) {
  if (on == loop_.profiling()) return;
  if (on) {
    for (auto& [name, task] : registry_.tasks) {
      task->earlier_runs = {};
      task->run_baseline = {};
      task->run_baseline = task->run_profile();
    }
  }
  loop_.set_profiling(on);
  spdlog::info("task profiling {}", on ? "on" : "off");
}

DaemonInfo Runtime::info() {
  DaemonInfo i;
  i.started = started_at_;
  i.started_wall =
      std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::microseconds(started_wall_us_)));
  i.uptime = started_ ? loop_.now() - started_at_ : aiopi::Duration{0};
  i.watchdog_lag = watchdog_lag_;
  i.watchdog_lag_max = watchdog_lag_max_;
  i.profiling = loop_.profiling();
  return i;
}

aiopi::Task<aiopi::Duration> Runtime::measure_loop_lag() {
  const aiopi::TimePoint asked = loop_.now();
  co_await aiopi::sleep(aiopi::Duration{0});  // yields: every task already ready runs first
  co_return loop_.now() - asked;
}

// ------------------------------------------------------------------------------------------ devices (API)

OpResult Runtime::set_device(std::string_view name, const SetValue& value) {
  auto it = registry_.devices.find(name);
  if (it == registry_.devices.end()) return fail(OpErrc::not_found, "no device named " + quoted(name));
  LiveDevice& d = *it->second;
  const std::string_view type = type_name(d.config);
  if (type == "digital_out") {
    if (!std::holds_alternative<bool>(value))
      return fail(OpErrc::bad_value,
                  "device " + quoted(name) + " is a digital_out: its value is true or false");
    if (!d.output && !d.remote_open()) return not_open(d);
    return write_output(d, std::get<bool>(value));
  }
  if (type == "pwm") {
    if (!std::holds_alternative<double>(value))
      return fail(OpErrc::bad_value, "device " + quoted(name) + " is a pwm: its value is a duty from 0 to 1");
    const double duty = std::get<double>(value);
    if (!(duty >= 0.0 && duty <= 1.0))
      return fail(OpErrc::bad_value, "device " + quoted(name) + ": duty " + std::to_string(duty) +
                                         " is not in the range 0 to 1");
    if (!d.pwm && !d.remote_open()) return not_open(d);
    return write_duty(d, duty);
  }
  if (type == "i2c_register_device") {
    if (!std::holds_alternative<RegisterWrite>(value))
      return fail(OpErrc::bad_value,
                  "device " + quoted(name) + " is an i2c_register_device: its value is a register write");
    LiveRegister* reg = nullptr;
    if (OpResult ok = check_register_write(d, std::get<RegisterWrite>(value), &reg); !ok) return ok;
    // The bus is asynchronous: the write is queued (in order) and its outcome reaches the observer
    // (on_register, written) or the log. write_register() is the form that waits for it.
    d.pending_writes.push_back(std::get<RegisterWrite>(value));
    if (!d.writer || d.writer.done()) d.writer = loop_.create_task(write_pending(d), d.config.name.c_str());
    return {};
  }
  if (d.config.type && d.config.type->output == config::OutputKind::text) {
    if (!std::holds_alternative<TextWrite>(value))
      return fail(OpErrc::bad_value,
                  "device " + quoted(name) + " is a " + std::string(type) + ": its value is a text");
    if (!d.driver) return not_open(d);
    OpResult r = d.driver->write_text(std::get<TextWrite>(value));
    if (r) {
      spdlog::debug("device {}: text written", name);
      driver_readings(d);
    } else {
      r.message = "device " + quoted(name) + ": " + r.message;
    }
    return r;
  }
  return fail(OpErrc::conflict, "device " + quoted(name) + " is an input (" + std::string(type) + ")");
}

aiopi::Task<ReadResult> Runtime::read_device(std::string name) {
  ReadResult out;
  auto it = registry_.devices.find(name);
  if (it == registry_.devices.end()) {
    out.status = fail(OpErrc::not_found, "no device named " + quoted(name));
    co_return out;
  }
  LiveDevice& d = *it->second;
  if (!d.is_open()) {
    out.status = not_open(d);
    co_return out;
  }
  if (d.remote != RemoteState::local) {
    co_return co_await options_.remote_boards->read(std::move(name));
  }
  if (d.input) {
    auto level = d.input->value();
    if (!level)
      out.status = fail(OpErrc::unavailable, "device " + quoted(name) + ": " + level.error().what);
    else
      out.reading = *level;
  } else if (d.output) {
    out.reading = d.level;
  } else if (d.pwm) {
    out.reading = d.value;
  } else if (d.adc) {
    if (const char* error = take_adc_reading(d))
      out.status = fail(OpErrc::unavailable, "device " + quoted(name) + ": " + error);
    else
      out.reading = d.value;
  } else if (d.driver) {
    out.reading = d.driver->readings();
  } else if (d.uart) {
    out.reading = d.last_line;
  } else if (d.i2c) {
    // Fresh reads of every register; the device is looked up again after each (a reload may close it).
    const std::uint64_t serial = d.serial;
    const auto address = static_cast<std::uint16_t>(d.config.params.get_int("address", 0));
    const std::vector<LiveRegister> layout = d.registers;
    std::vector<RegisterReading> readings;
    for (const LiveRegister& reg : layout) {
      auto raw = co_await runtime::read_register(*registry_.devices.find(name)->second->i2c, address, reg);
      auto again = registry_.devices.find(name);
      if (again == registry_.devices.end() || again->second->serial != serial || !again->second->i2c) {
        out.status = fail(OpErrc::unavailable, "device " + quoted(name) + " was closed during the read");
        co_return out;
      }
      if (!raw) {
        out.status = fail(OpErrc::unavailable, "device " + quoted(name) + ": register " + quoted(reg.name) +
                                                   ": " + raw.error().what);
        co_return out;
      }
      for (LiveRegister& live : again->second->registers)
        if (live.name == reg.name) register_value(*again->second, live, *raw, false);
      readings.push_back(RegisterReading{reg.name, *raw, static_cast<double>(*raw) * reg.scale});
    }
    out.reading = std::move(readings);
  }
  co_return out;
}

// ------------------------------------------------------------------------------------ stop, state, status

aiopi::Task<> Runtime::shutdown() {
  stopping_ = true;
  auto reload_guard = co_await reload_lock_;  // a reload in progress finishes first
  for (auto& [name, s] : registry_.schedules)
    if (s->run_now && !s->run_now.done()) s->run_now.cancel();
  for (auto& [name, s] : registry_.schedules)
    if (s->run_now && !s->run_now.done()) co_await s->run_now.wait_outcome();
  if (watchdog_ && !watchdog_.done()) watchdog_.cancel();
  for (auto& [name, s] : registry_.schedules)
    if (s->handle && !s->handle.done()) s->handle.cancel();
  for (auto& [name, s] : registry_.schedules)
    if (s->handle && !s->handle.done()) co_await s->handle.wait_outcome();
  for (auto& [name, t] : registry_.tasks)
    if (t->running()) t->run.cancel();
  for (auto& [name, t] : registry_.tasks)
    if (t->running()) co_await t->run.wait_outcome();
  for (auto& [name, d] : registry_.devices)
    co_await stop_device(*d, true);
  if (options_.remote_boards) co_await options_.remote_boards->stop();  // the safe states queued above go out
  if (watchdog_ && !watchdog_.done()) co_await watchdog_.wait_outcome();
  save_state();
  registry_.schedules.clear();
  registry_.tasks.clear();
  registry_.devices.clear();  // releases the lines, after their safe state was written
}

void Runtime::save_state() {
  if (!options_.state) return;
  PersistedState state;
  for (const auto& [name, s] : registry_.schedules)
    if (s->state.last_fire) state.schedule_last_fire[name] = s->state.last_fire->time_since_epoch().count();
  for (const auto& [name, d] : registry_.devices)
    if (d->output || (d->remote != RemoteState::local && type_name(d->config) == "digital_out"))
      state.outputs[name] = d->level;
    else if (d->pwm || (d->remote != RemoteState::local && type_name(d->config) == "pwm"))
      state.duties[name] = d->value;
  for (const auto& [name, e] : registry_.events)
    if (e->config.persistent) state.events[name] = e->event.is_set();
  options_.state->save(state);
}

std::string Runtime::summary() const {
  std::size_t open = 0, running = 0, active = 0;
  for (const auto& [name, d] : registry_.devices)
    open += d->is_open() ? 1 : 0;
  for (const auto& [name, t] : registry_.tasks)
    running += t->running() ? 1 : 0;
  for (const auto& [name, s] : registry_.schedules)
    active += s->handle && !s->handle.done() ? 1 : 0;
  auto plural = [](std::size_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  return "board " + std::string(board_.name()) + ": " + plural(registry_.devices.size(), "device") + " (" +
         std::to_string(open) + " open), " + plural(registry_.events.size(), "event") + ", " +
         plural(registry_.tasks.size(), "task") + " (" + std::to_string(running) + " running), " +
         plural(registry_.schedules.size(), "schedule") + " (" + std::to_string(active) + " active)";
}

}  // namespace aiopid::runtime
