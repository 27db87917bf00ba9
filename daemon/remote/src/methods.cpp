#include "aiopid/remote/methods.hpp"

#include <chrono>
#include <utility>

#include "aiopid/remote/views.hpp"

namespace aiopid::remote {
namespace {

using api::CallContext;
using api::HttpVerb;
using api::Json;
using api::MethodResult;
using api::MethodSpec;
using api::ParamSpec;
using api::ParamType;
using api::RpcError;
using api::Scope;

ParamSpec name_param(const char* what) {
  return ParamSpec{
      .name = "name", .type = ParamType::string, .description = std::string("the ") + what + "'s name"};
}

ParamSpec next_param(int fallback) {
  return ParamSpec{.name = "next",
                   .type = ParamType::integer,
                   .required = false,
                   .description = "how many coming fire times to list",
                   .default_value = fallback,
                   .minimum = 0,
                   .maximum = 100};
}

Json object_schema(std::initializer_list<std::pair<const char*, const char*>> properties) {
  Json props = Json::object();
  for (const auto& [name, type] : properties) {
    if (std::string_view(type) == "any")
      props[name] = Json::object();
    else
      props[name] = Json{{"type", type}};
  }
  return Json{{"type", "object"}, {"properties", std::move(props)}};
}

Json array_of(Json item) {
  return Json{{"type", "array"}, {"items", std::move(item)}};
}

Json device_schema() {
  return object_schema({{"name", "string"},
                        {"type", "string"},
                        {"description", "string"},
                        {"direction", "string"},
                        {"state", "string"},
                        {"error", "string"},
                        {"value", "any"},
                        {"params", "object"}});
}
Json event_schema() {
  return object_schema({{"name", "string"},
                        {"description", "string"},
                        {"set", "boolean"},
                        {"set_count", "integer"},
                        {"persistent", "boolean"},
                        {"source", "any"}});
}
Json task_schema() {
  Json schema = object_schema({{"name", "string"},
                               {"description", "string"},
                               {"state", "string"},
                               {"starts", "integer"},
                               {"completed", "integer"},
                               {"cancelled", "integer"},
                               {"start", "array"}});
  Json profile =
      object_schema({{"run_time_us", "number"}, {"longest_run_us", "number"}, {"resumes", "integer"}});
  profile["description"] =
      "only while task profiling is on ([daemon] profile_tasks): CPU time on the loop summed over every "
      "resume of every run, the longest resume, and the number of resumes, since profiling was turned on";
  schema["properties"]["profile"] = std::move(profile);
  return schema;
}
Json schedule_schema() {
  return object_schema({{"name", "string"},
                        {"description", "string"},
                        {"when", "string"},
                        {"time_zone", "string"},
                        {"task", "any"},
                        {"enabled", "boolean"},
                        {"next", "array"},
                        {"last_fire", "any"},
                        {"fires", "integer"}});
}

api::RestRoute get(std::string path) {
  return api::RestRoute{HttpVerb::get, std::move(path)};
}
api::RestRoute post(std::string path) {
  return api::RestRoute{HttpVerb::post, std::move(path)};
}

aiopi::cron::Instant now_instant() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

RpcError not_found(const char* kind, const std::string& name) {
  return RpcError::not_found(std::string("no ") + kind + " named '" + name + "'");
}

/// An operation's failure from the runtime as the API's error.
RpcError error_of(const runtime::OpResult& e) {
  switch (e.code) {
    case runtime::OpErrc::not_found:
      return RpcError{api::rpc_code::not_found, e.message, nullptr};
    case runtime::OpErrc::conflict:
      return RpcError{api::rpc_code::conflict, e.message, nullptr};
    case runtime::OpErrc::unavailable:
      return RpcError{api::rpc_code::unavailable, e.message, nullptr};
    case runtime::OpErrc::bad_value:
      return RpcError::invalid_params("/params/value", e.message);
    case runtime::OpErrc::reload_failed:
      return RpcError{api::rpc_code::reload_failed, e.message, nullptr};
    case runtime::OpErrc::ok:
      break;
  }
  return RpcError{api::rpc_code::internal_error, e.message, nullptr};
}

Json reading_json(const runtime::DeviceReading& reading) {
  if (const auto* level = std::get_if<bool>(&reading)) return *level;
  if (const auto* number = std::get_if<double>(&reading)) return *number;
  if (const auto* line = std::get_if<std::string>(&reading)) return *line;
  if (const auto* named = std::get_if<std::vector<runtime::Reading>>(&reading)) return readings_json(*named);
  Json registers = Json::object();
  for (const runtime::RegisterReading& r : std::get<std::vector<runtime::RegisterReading>>(reading))
    registers[r.name] = Json{{"raw", r.raw}, {"value", r.value}};
  return registers;
}

std::int64_t wall_us(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

}  // namespace

void add_daemon_methods(api::MethodRegistry& methods, runtime::Runtime& rt, const DaemonFacts& facts) {
  const runtime::Registry& reg = rt.registry();

  // ----------------------------------------------------------------------------------------- daemon
  methods.add(
      MethodSpec{.name = "daemon.info",
                 .summary = "What is running: version, board, uptime, loop lag, configuration files, counts.",
                 .scope = Scope::read,
                 .result_schema = object_schema({{"name", "string"},
                                                 {"version", "string"},
                                                 {"board", "string"},
                                                 {"started", "string"},
                                                 {"uptime_s", "number"},
                                                 {"loop_lag_us", "any"},
                                                 {"config_files", "array"},
                                                 {"devices", "integer"},
                                                 {"events", "integer"},
                                                 {"tasks", "integer"},
                                                 {"schedules", "integer"},
                                                 {"profiling", "boolean"}}),
                 .rest = get("/api/v1/daemon"),
                 .handler = [&rt, &reg, &facts](CallContext&) -> aiopi::Task<MethodResult> {
                   const runtime::DaemonInfo info = rt.info();
                   const aiopi::Duration lag = co_await rt.measure_loop_lag();
                   Json j = Json::object();
                   j["name"] = "aiopid";
                   j["version"] = facts.version;
                   j["board"] = std::string(config::to_string(rt.config().daemon.board));
                   j["started"] = utc_text(wall_us(info.started_wall));
                   j["uptime_s"] = std::chrono::duration<double>(info.uptime).count();
                   j["loop_lag_us"] = lag.count();
                   j["config_files"] = rt.config().files;
                   j["devices"] = reg.devices.size();
                   j["events"] = reg.events.size();
                   j["tasks"] = reg.tasks.size();
                   j["schedules"] = reg.schedules.size();
                   j["profiling"] = info.profiling;
                   co_return j;
                 }});
  methods.add(MethodSpec{
      .name = "daemon.reload",
      .summary = "Re-reads the configuration and applies the difference (as SIGHUP does).",
      .description =
          "A configuration with errors is not applied: the running one stays, and the error -32007 "
          "lists the errors in data.errors.",
      .scope = Scope::admin,
      .result_schema = object_schema({{"summary", "string"},
                                      {"added", "integer"},
                                      {"changed", "integer"},
                                      {"removed", "integer"},
                                      {"kept", "integer"}}),
      .rest = post("/api/v1/daemon/reload"),
      .errors = {api::rpc_code::reload_failed, api::rpc_code::unavailable},
      .handler = [&rt](CallContext&) -> aiopi::Task<MethodResult> {
        runtime::ReloadOutcome outcome = co_await rt.reload();
        if (!outcome.status) {
          RpcError e = error_of(outcome.status);
          if (!outcome.errors.empty()) e.data = Json{{"errors", outcome.errors}};
          co_return e;
        }
        co_return Json{{"summary", outcome.status.message},
                       {"added", outcome.added},
                       {"changed", outcome.changed},
                       {"removed", outcome.removed},
                       {"kept", outcome.kept}};
      }});

  // ---------------------------------------------------------------------------------------- devices
  methods.add(MethodSpec{.name = "devices.list",
                         .summary = "Every declared device with its state and value.",
                         .scope = Scope::read,
                         .result_schema = array_of(device_schema()),
                         .rest = get("/api/v1/devices"),
                         .handler = [&reg](CallContext&) -> aiopi::Task<MethodResult> {
                           Json out = Json::array();
                           for (const auto& [name, d] : reg.devices)
                             out.push_back(device_json(*d, false));
                           co_return out;
                         }});
  methods.add(MethodSpec{.name = "devices.get",
                         .summary = "One device with its state, value and configuration.",
                         .scope = Scope::read,
                         .params = {name_param("device")},
                         .result_schema = device_schema(),
                         .rest = get("/api/v1/devices/{name}"),
                         .errors = {api::rpc_code::not_found},
                         .handler = [&reg](CallContext& call) -> aiopi::Task<MethodResult> {
                           const std::string name = call.params["name"];
                           const auto it = reg.devices.find(name);
                           if (it == reg.devices.end()) co_return not_found("device", name);
                           co_return device_json(*it->second, true);
                         }});
  methods.add(MethodSpec{
      .name = "devices.set",
      .summary = "Sets an output: a digital output's level, a PWM duty, a writable register of an I2C "
                 "device, the text "
                 "of a character display.",
      .description = "Refused (-32005) for inputs and sensors; -32006 while the device is not open; a value "
                     "that does not fit the device is -32602 pointing at /params/value.",
      .scope = Scope::control,
      .params = {name_param("device"),
                 ParamSpec{
                     .name = "value",
                     .type = ParamType::any,
                     .description =
                         "true / false for a digital output, 0..1 for a PWM duty, an integer "
                         "for a register, a text for a character display (its lines to rows 0, 1, ...)"},
                 ParamSpec{.name = "register",
                           .type = ParamType::string,
                           .required = false,
                           .description = "an i2c_register_device's register to write"}},
      .result_schema = device_schema(),
      .rest = post("/api/v1/devices/{name}"),
      .errors = {api::rpc_code::not_found, api::rpc_code::conflict, api::rpc_code::unavailable},
      .handler = [&rt, &reg](CallContext& call) -> aiopi::Task<MethodResult> {
        const std::string name = call.params["name"];
        const Json& value = call.params["value"];
        runtime::SetValue v;
        if (call.params.contains("register")) {
          if (!value.is_number_integer())
            co_return RpcError::invalid_params("/params/value", "a register takes an integer");
          v = runtime::RegisterWrite{call.params["register"].get<std::string>(), value.get<std::int64_t>()};
        } else if (value.is_boolean()) {
          v = value.get<bool>();
        } else if (value.is_number()) {
          v = value.get<double>();
        } else if (value.is_string()) {
          v = runtime::TextWrite{0, value.get<std::string>()};
        } else {
          co_return RpcError::invalid_params("/params/value", "must be a boolean, a number or a text");
        }
        if (const runtime::OpResult r = rt.set_device(name, v); !r) co_return error_of(r);
        co_return device_json(*reg.devices.find(name)->second, false);
      }});
  methods.add(MethodSpec{
      .name = "devices.read",
      .summary =
          "A fresh reading of a device: an ADC's voltage, an input's level, a line reader's last line, a "
          "driver device's named readings (an object, `unit` an object of their units).",
      .scope = Scope::read,
      .params = {name_param("device")},
      .result_schema =
          object_schema({{"name", "string"}, {"value", "any"}, {"unit", "any"}, {"time", "string"}}),
      .rest = get("/api/v1/devices/{name}/reading"),
      .errors = {api::rpc_code::not_found, api::rpc_code::conflict, api::rpc_code::unavailable},
      .handler = [&rt](CallContext& call) -> aiopi::Task<MethodResult> {
        const std::string name = call.params["name"];
        const runtime::ReadResult reading = co_await rt.read_device(name);
        if (!reading.status) co_return error_of(reading.status);
        Json j = Json::object();
        j["name"] = name;
        j["value"] = reading_json(reading.reading);
        const auto& reg_devices = rt.registry().devices;
        const auto it = reg_devices.find(name);
        j["unit"] = it != reg_devices.end() ? unit_of(*it->second) : Json(nullptr);
        j["time"] = utc_text(std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
        co_return j;
      }});

  // ----------------------------------------------------------------------------------------- events
  methods.add(MethodSpec{.name = "events.list",
                         .summary = "Every declared event and whether it is set.",
                         .scope = Scope::read,
                         .result_schema = array_of(event_schema()),
                         .rest = get("/api/v1/events"),
                         .handler = [&reg](CallContext&) -> aiopi::Task<MethodResult> {
                           Json out = Json::array();
                           for (const auto& [name, e] : reg.events)
                             out.push_back(event_json(*e));
                           co_return out;
                         }});
  methods.add(MethodSpec{.name = "events.get",
                         .summary = "One event.",
                         .scope = Scope::read,
                         .params = {name_param("event")},
                         .result_schema = event_schema(),
                         .rest = get("/api/v1/events/{name}"),
                         .errors = {api::rpc_code::not_found},
                         .handler = [&reg](CallContext& call) -> aiopi::Task<MethodResult> {
                           const std::string name = call.params["name"];
                           const auto it = reg.events.find(name);
                           if (it == reg.events.end()) co_return not_found("event", name);
                           co_return event_json(*it->second);
                         }});
  methods.add(MethodSpec{.name = "events.set",
                         .summary = "Sets an event: the tasks it starts start, its waiters wake.",
                         .scope = Scope::control,
                         .params = {name_param("event")},
                         .result_schema = event_schema(),
                         .rest = post("/api/v1/events/{name}/set"),
                         .errors = {api::rpc_code::not_found},
                         .handler = [&rt, &reg](CallContext& call) -> aiopi::Task<MethodResult> {
                           const std::string name = call.params["name"];
                           const auto it = reg.events.find(name);
                           if (it == reg.events.end()) co_return not_found("event", name);
                           if (const runtime::OpResult r = rt.set_event(name); !r) co_return error_of(r);
                           co_return event_json(*it->second);
                         }});
  methods.add(MethodSpec{.name = "events.clear",
                         .summary = "Clears an event.",
                         .scope = Scope::control,
                         .params = {name_param("event")},
                         .result_schema = event_schema(),
                         .rest = post("/api/v1/events/{name}/clear"),
                         .errors = {api::rpc_code::not_found},
                         .handler = [&rt, &reg](CallContext& call) -> aiopi::Task<MethodResult> {
                           const std::string name = call.params["name"];
                           if (const runtime::OpResult r = rt.clear_event(name); !r) co_return error_of(r);
                           co_return event_json(*reg.events.find(name)->second);
                         }});

  // ------------------------------------------------------------------------------------------ tasks
  methods.add(MethodSpec{
      .name = "tasks.list",
      .summary = "Every declared task: state, run counts and, while profiling is on, its run times.",
      .description =
          "While task profiling is on ([daemon] profile_tasks; daemon.info says `profiling`), each task "
          "also has a `profile`: `run_time_us` (CPU time on the loop, every resume of every run "
          "summed), `longest_run_us` (the longest single resume) and `resumes`, counted since "
          "profiling was turned on. tasks.get and the other tasks.* methods show it too.",
      .scope = Scope::read,
      .result_schema = array_of(task_schema()),
      .rest = get("/api/v1/tasks"),
      .handler = [&rt, &reg](CallContext&) -> aiopi::Task<MethodResult> {
        Json out = Json::array();
        for (const auto& [name, t] : reg.tasks)
          out.push_back(task_json(*t, rt.profiling()));
        co_return out;
      }});
  methods.add(MethodSpec{.name = "tasks.get",
                         .summary = "One task.",
                         .scope = Scope::read,
                         .params = {name_param("task")},
                         .result_schema = task_schema(),
                         .rest = get("/api/v1/tasks/{name}"),
                         .errors = {api::rpc_code::not_found},
                         .handler = [&rt, &reg](CallContext& call) -> aiopi::Task<MethodResult> {
                           const std::string name = call.params["name"];
                           const auto it = reg.tasks.find(name);
                           if (it == reg.tasks.end()) co_return not_found("task", name);
                           co_return task_json(*it->second, rt.profiling());
                         }});
  methods.add(MethodSpec{.name = "tasks.start",
                         .summary = "Starts a declared task (nothing happens if it is running).",
                         .scope = Scope::control,
                         .params = {name_param("task")},
                         .result_schema = task_schema(),
                         .rest = post("/api/v1/tasks/{name}/start"),
                         .errors = {api::rpc_code::not_found, api::rpc_code::conflict},
                         .handler = [&rt, &reg](CallContext& call) -> aiopi::Task<MethodResult> {
                           const std::string name = call.params["name"];
                           const auto it = reg.tasks.find(name);
                           if (it == reg.tasks.end()) co_return not_found("task", name);
                           if (const runtime::OpResult r = rt.start_task(name); !r) co_return error_of(r);
                           co_return task_json(*it->second, rt.profiling());
                         }});
  methods.add(MethodSpec{.name = "tasks.cancel",
                         .summary = "Cancels a task's run in progress (its cleanup runs).",
                         .scope = Scope::control,
                         .params = {name_param("task")},
                         .result_schema = task_schema(),
                         .rest = post("/api/v1/tasks/{name}/cancel"),
                         .errors = {api::rpc_code::not_found, api::rpc_code::conflict},
                         .handler = [&rt, &reg](CallContext& call) -> aiopi::Task<MethodResult> {
                           const std::string name = call.params["name"];
                           const auto it = reg.tasks.find(name);
                           if (it == reg.tasks.end()) co_return not_found("task", name);
                           if (const runtime::OpResult r = rt.cancel_task(name); !r) co_return error_of(r);
                           co_return task_json(*it->second, rt.profiling());
                         }});
  methods.add(MethodSpec{.name = "tasks.restart",
                         .summary = "Cancels a task's run (waiting for its cleanup) and starts it again.",
                         .scope = Scope::control,
                         .params = {name_param("task")},
                         .result_schema = task_schema(),
                         .rest = post("/api/v1/tasks/{name}/restart"),
                         .errors = {api::rpc_code::not_found, api::rpc_code::unavailable},
                         .handler = [&rt, &reg](CallContext& call) -> aiopi::Task<MethodResult> {
                           const std::string name = call.params["name"];
                           if (const runtime::OpResult r = co_await rt.restart_task(name); !r)
                             co_return error_of(r);
                           co_return task_json(*reg.tasks.find(name)->second, rt.profiling());
                         }});

  // -------------------------------------------------------------------------------------- schedules
  methods.add(MethodSpec{.name = "schedules.list",
                         .summary = "Every declared schedule with its next fire times in its zone.",
                         .scope = Scope::read,
                         .params = {next_param(3)},
                         .result_schema = array_of(schedule_schema()),
                         .rest = get("/api/v1/schedules"),
                         .handler = [&reg](CallContext& call) -> aiopi::Task<MethodResult> {
                           const int next = call.params["next"];
                           const auto now = now_instant();
                           Json out = Json::array();
                           for (const auto& [name, s] : reg.schedules)
                             out.push_back(schedule_json(*s, next, now));
                           co_return out;
                         }});
  methods.add(MethodSpec{.name = "schedules.get",
                         .summary = "One schedule with its next fire times.",
                         .scope = Scope::read,
                         .params = {name_param("schedule"), next_param(5)},
                         .result_schema = schedule_schema(),
                         .rest = get("/api/v1/schedules/{name}"),
                         .errors = {api::rpc_code::not_found},
                         .handler = [&reg](CallContext& call) -> aiopi::Task<MethodResult> {
                           const std::string name = call.params["name"];
                           const auto it = reg.schedules.find(name);
                           if (it == reg.schedules.end()) co_return not_found("schedule", name);
                           co_return schedule_json(*it->second, call.params["next"].get<int>(),
                                                   now_instant());
                         }});
  struct ScheduleOp {
    const char* name;
    const char* summary;
    const char* path;
    int op;
  };
  for (const ScheduleOp& op :
       {ScheduleOp{"schedules.run_now",
                   "Runs a schedule's task or actions now (its fire times are unchanged).",
                   "/api/v1/schedules/{name}/run_now", 0},
        ScheduleOp{"schedules.enable", "Enables a schedule (until the next reload or restart).",
                   "/api/v1/schedules/{name}/enable", 1},
        ScheduleOp{"schedules.disable",
                   "Disables a schedule: it does not fire (until the next reload or restart).",
                   "/api/v1/schedules/{name}/disable", 2}}) {
    const int which = op.op;
    methods.add(MethodSpec{.name = op.name,
                           .summary = op.summary,
                           .scope = Scope::control,
                           .params = {name_param("schedule")},
                           .result_schema = schedule_schema(),
                           .rest = post(op.path),
                           .errors = {api::rpc_code::not_found, api::rpc_code::conflict},
                           .handler = [&rt, &reg, which](CallContext& call) -> aiopi::Task<MethodResult> {
                             const std::string name = call.params["name"];
                             // Not a conditional expression: GCC 12 miscompiles co_await inside ?: (a
                             // temporary freed twice).
                             runtime::OpResult r;
                             if (which == 0)
                               r = rt.run_schedule_now(name);
                             else
                               r = co_await rt.enable_schedule(name, which == 1);
                             if (!r) co_return error_of(r);
                             co_return schedule_json(*reg.schedules.find(name)->second, 3, now_instant());
                           }});
  }
}

}  // namespace aiopid::remote
