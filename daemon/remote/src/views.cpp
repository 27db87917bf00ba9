#include "aiopid/remote/views.hpp"

#include <array>
#include <chrono>
#include <ctime>
#include <vector>

#include "aiopi/cron/iso8601.hpp"
#include "aiopi/cron/next_fire.hpp"
#include "aiopid/config/time_of_day.hpp"

namespace aiopid::remote {

using api::Json;
using config::Node;

Json node_json(const Node& node) {
  switch (node.kind()) {
    case Node::Kind::boolean:
      return node.as_bool();
    case Node::Kind::integer:
      return node.as_int();
    case Node::Kind::floating:
      return node.as_number();
    case Node::Kind::string:
    case Node::Kind::date_time:
      return node.as_string();
    case Node::Kind::time_of_day:
      return config::format_time_of_day(node.as_time());
    case Node::Kind::array: {
      Json out = Json::array();
      for (const Node& item : node.items())
        out.push_back(node_json(item));
      return out;
    }
    case Node::Kind::table: {
      Json out = Json::object();
      for (const Node::Member& m : node.members())
        out[m.key] = node_json(m.value);
      return out;
    }
  }
  return nullptr;
}

namespace {

std::string_view type_of(const runtime::LiveDevice& d) {
  return d.config.type ? std::string_view(d.config.type->name) : std::string_view();
}

}  // namespace

std::string direction_of(const runtime::LiveDevice& d) {
  if (d.config.type && d.config.type->output != config::OutputKind::none) return "output";
  const std::string_view type = type_of(d);
  // Inputs a person works (buttons, switches, knobs, keys, a remote); the rest measure (sensors).
  if (type == "digital_in" || type == "pushbutton" || type == "switch" || type == "encoder" ||
      type == "keypad" || type == "switch_array" || type == "nec_ir")
    return "input";
  return "sensor";
}

Json reading_value_json(const runtime::ReadingValue& value) {
  if (const auto* b = std::get_if<bool>(&value)) return *b;
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
  if (const auto* f = std::get_if<double>(&value)) return *f;
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  return nullptr;
}

Json readings_json(const std::vector<runtime::Reading>& readings) {
  Json out = Json::object();
  for (const runtime::Reading& r : readings)
    out[r.name] = reading_value_json(r.value);
  return out;
}

Json units_json(const std::vector<runtime::Reading>& readings) {
  Json out = Json::object();
  for (const runtime::Reading& r : readings)
    if (!r.unit.empty()) out[r.name] = r.unit;
  return out;
}

Json device_value(const runtime::LiveDevice& d) {
  if (d.driver) return readings_json(d.driver->readings());
  const std::string_view type = type_of(d);
  if (d.remote != runtime::RemoteState::local) {  // on a remote board: what it last reported or was sent
    if (type == "digital_out" || type == "digital_in") return d.level;
    if (type == "pwm" || type == "adc") return d.value;
    return d.readings.empty() ? Json(nullptr) : readings_json(d.readings);
  }
  if (type == "digital_out") return d.level;
  if (type == "digital_in") {
    if (!d.input) return nullptr;
    const auto level = d.input->value();
    return level ? Json(*level) : Json(nullptr);
  }
  if (type == "pwm" || type == "adc") return d.value;
  if (type == "uart_line_reader") return d.last_line.empty() ? Json(nullptr) : Json(d.last_line);
  return nullptr;
}

Json unit_of(const runtime::LiveDevice& d) {
  if (d.driver) return units_json(d.driver->readings());
  if (d.remote != runtime::RemoteState::local && !d.readings.empty()) return units_json(d.readings);
  if (type_of(d) != "adc") return nullptr;
  if (d.remote != runtime::RemoteState::local) return "V";
  const bool volts = d.config.params.contains("scale") || (d.adc && d.adc->volts_per_count());
  return volts ? "V" : "counts";
}

Json device_json(const runtime::LiveDevice& d, bool with_params) {
  Json j = Json::object();
  j["name"] = d.config.name;
  j["type"] = std::string(type_of(d));
  j["description"] = d.config.description;
  j["direction"] = direction_of(d);
  j["state"] = d.remote == runtime::RemoteState::link_lost ? "link_lost"
               : d.remote == runtime::RemoteState::opening ? "opening"
               : d.is_open()                               ? "open"
               : d.open_error.empty()                      ? "opening"
                                                           : "failed";
  if (!d.config.board.empty()) j["board"] = d.config.board;
  if (!d.is_open() && !d.open_error.empty()) j["error"] = d.open_error;
  if (d.driver && !d.driver->error().empty()) j["error"] = d.driver->error();  // open, but reads fail
  if (d.remote == runtime::RemoteState::failing && !d.open_error.empty()) j["error"] = d.open_error;
  j["value"] = device_value(d);
  if (with_params) {
    Json params = node_json(d.config.params);
    if (params.is_object()) {
      params.erase("type");
      params.erase("description");
    }
    j["params"] = std::move(params);
  }
  return j;
}

Json event_json(const runtime::LiveEvent& e) {
  Json j = Json::object();
  j["name"] = e.config.name;
  j["description"] = e.config.description;
  j["set"] = e.event.is_set();
  j["set_count"] = e.set_count;
  j["persistent"] = e.config.persistent;
  if (e.config.source)
    j["source"] = e.config.source->device + " " + e.config.source->condition;
  else
    j["source"] = nullptr;
  return j;
}

Json task_json(const runtime::LiveTask& t, bool with_profile) {
  Json j = Json::object();
  j["name"] = t.config.name;
  j["description"] = t.config.description;
  const char* state = "idle";
  if (t.running())
    state = "running";
  else if (t.run && t.run.cancelled())
    state = "cancelled";
  else if (t.run && t.run.failed())
    state = "failed";
  else if (t.run && t.run.done())
    state = "completed";
  j["state"] = state;
  j["starts"] = t.starts;
  j["completed"] = t.completed;
  j["cancelled"] = t.cancelled;
  Json start = Json::array();
  if (t.config.start_at_boot) start.push_back("boot");
  for (const std::string& e : t.config.start_events)
    start.push_back("event " + e);
  j["start"] = std::move(start);
  if (with_profile) {
    const runtime::TaskProfile p = t.profile();
    j["profile"] = Json{{"run_time_us", static_cast<double>(p.run_time_ns) / 1e3},
                        {"longest_run_us", static_cast<double>(p.longest_run_ns) / 1e3},
                        {"resumes", p.resumes}};
  }
  return j;
}

std::string zoned_text(aiopi::cron::Instant t, const aiopi::cron::TimeZone& zone) {
  std::array<char, 64> text{};
  const std::size_t n = aiopi::cron::format_iso8601(t, zone, text);
  return std::string(text.data(), n);
}

Json schedule_json(const runtime::LiveSchedule& s, int next, aiopi::cron::Instant now) {
  Json j = Json::object();
  j["name"] = s.config.name;
  j["description"] = s.config.description;
  j["when"] = s.config.when;
  j["time_zone"] = s.config.time_zone;
  j["task"] = s.config.task.empty() ? Json(nullptr) : Json(s.config.task);
  j["enabled"] = s.enabled;
  Json fires = Json::array();
  if (next > 0) {
    std::vector<aiopi::cron::Instant> times(static_cast<std::size_t>(next));
    const std::size_t n = aiopi::cron::next_fires(s.config.spec, now, s.zone.zone(), times);
    for (std::size_t i = 0; i < n; ++i)
      fires.push_back(zoned_text(times[i], s.zone.zone()));
  }
  j["next"] = std::move(fires);
  j["last_fire"] = s.state.last_fire ? Json(zoned_text(*s.state.last_fire, s.zone.zone())) : Json(nullptr);
  j["fires"] = s.state.fire_count;
  return j;
}

std::string utc_text(std::int64_t unix_us) {
  const std::int64_t secs = unix_us >= 0 ? unix_us / 1'000'000 : (unix_us - 999'999) / 1'000'000;
  const auto micros = static_cast<long>(unix_us - secs * 1'000'000);
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[48];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%.*s.%06ldZ", static_cast<int>(n), text, micros);
  return out;
}

}  // namespace aiopid::remote
