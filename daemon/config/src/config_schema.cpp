// The schema of the configuration file, section by section. Every key a user can write is declared here
// (or by a device type), with its doc string and an example: docs/daemon.md is generated from it.
#include "aiopid/config/config_schema.hpp"

#include "aiopi/cron/parse.hpp"
#include "aiopid/config/action.hpp"
#include "aiopid/config/key_path.hpp"
#include "aiopid/config/log_level.hpp"
#include "aiopid/config/schedule_times.hpp"
#include "aiopid/config/suggest.hpp"
#include "aiopid/config/validator.hpp"

namespace aiopid::config {
namespace {

Field description_field(const char* what) {
  return Field{.key = "description",
               .type = FieldType::string,
               .doc = std::string("Free text about the ") + what + " (shown by the API).",
               .example = "\"red LED by the door\""};
}

Field reference_field(std::string key, RefKind kind, std::string doc, std::string example,
                      bool required = true) {
  return Field{.key = std::move(key),
               .type = FieldType::reference,
               .required = required,
               .doc = std::move(doc),
               .example = std::move(example),
               .ref = kind};
}

void build_daemon(TableSchema& s) {
  s.name = "[daemon]";
  s.doc = "How the daemon runs. In conf.d fragments, a key given again replaces the earlier value.";
  s.fields = {
      Field{.key = "board",
            .type = FieldType::choice,
            .default_value = Node::string("linux"),
            .doc = "The board whose pins, buses and ports the devices use: `linux` (this machine: libgpiod, "
                   "i2c-dev, termios, IIO, sysfs PWM) or `sim` (the simulated board, for trying things out).",
            .example = "\"sim\"",
            .choices = {"linux", "sim"}},
      Field{
          .key = "state_dir",
          .type = FieldType::string,
          .default_value = Node::string("/var/lib/aiopi"),
          .doc =
              "Where persisted state is kept (last schedule fires, retained outputs, persistent events). An "
              "absolute path.",
          .example = "\"/var/lib/aiopi\"",
          .non_empty = true,
          .check =
              [](const Node& v, const std::string& path, Validator& val) {
                if (v.as_string().starts_with('/')) return true;
                val.error(v.where(), path, "must be an absolute path (starting with '/')");
                return false;
              }},
      Field{.key = "log_level",
            .type = FieldType::choice,
            .default_value = Node::string("info"),
            .doc = "Least severe messages logged.",
            .example = "\"debug\"",
            .choices = log_level_names()},
      Field{
          .key = "time_zone",
          .type = FieldType::time_zone,
          .default_value = Node::string("local"),
          .doc = "Zone of schedules that name none: `local` (the machine's), an IANA name or a fixed offset.",
          .example = "\"Europe/London\""},
      Field{
          .key = "profile_tasks",
          .type = FieldType::boolean,
          .default_value = Node::boolean(false),
          .doc =
              "Measure the CPU time each task takes on the loop (two clock reads per resume): the remote "
              "API's `tasks.list` and `tasks.get` then show a `profile` per task. A reload applies a change "
              "at once; turning it on starts the figures from zero.",
          .example = "true"},
  };
}

Node string_list(std::initializer_list<const char*> items) {
  Node list = Node::array();
  for (const char* item : items)
    list.push_back(Node::string(item));
  return list;
}

void build_api(TableSchema& s) {
  s.name = "[api]";
  s.doc =
      "The remote API (JSON-RPC 2.0 over WebSocket at `/api/v1/ws`, a REST mirror under `/api/v1/`): "
      "docs/remote-api.md. Tokens are not kept here but in a credentials file (`tokens_file`). In conf.d "
      "fragments, a key given again replaces the earlier value.";
  auto string_element = std::make_shared<Field>(Field{.type = FieldType::string, .non_empty = true});
  s.fields = {
      Field{.key = "enabled",
            .type = FieldType::boolean,
            .default_value = Node::boolean(true),
            .doc = "Whether aiopid serves the API at all.",
            .example = "false"},
      Field{.key = "listen",
            .type = FieldType::list,
            .default_value = string_list({"127.0.0.1", "::1"}),
            .doc =
                "Addresses to listen on (IPv4 or IPv6 literals; `0.0.0.0` / `::` for all). Any address other "
                "than loopback needs tokens: aiopid refuses to start without them.",
            .example = "[\"127.0.0.1\", \"192.168.1.20\"]",
            .non_empty = true,
            .element = string_element,
            .single_allowed = true},
      Field{.key = "port",
            .type = FieldType::integer,
            .default_value = Node::integer(8765),
            .doc = "TCP port (0: any free port, printed in the log).",
            .example = "8765",
            .min = 0,
            .max = 65535},
      Field{
          .key = "tokens_file",
          .type = FieldType::string,
          .default_value = Node::string(""),
          .doc =
              "The credentials file with the API tokens (`NAME SCOPE sha256:HEX` lines; `aiopictl "
              "token-hash` "
              "makes them). Empty: `$CREDENTIALS_DIRECTORY/aiopid-tokens` (systemd `LoadCredential=`) if it "
              "exists, else `/etc/aiopi/tokens` if it exists, else no tokens (loopback only).",
          .example = "\"/etc/aiopi/tokens\""},
      Field{
          .key = "allowed_origins",
          .type = FieldType::list,
          .default_value = Node::array(),
          .doc =
              "`Origin` values a WebSocket upgrade may carry (exact match, e.g. a dashboard's). Upgrades "
              "without `Origin` (command-line clients) are not affected; browsers are refused unless listed.",
          .example = "[\"http://dashboard.local:8080\"]",
          .element = string_element,
          .single_allowed = true},
      Field{.key = "tls_certificate",
            .type = FieldType::string,
            .default_value = Node::string(""),
            .doc = "PEM certificate chain: with `tls_key`, the API is served over TLS (https / wss).",
            .example = "\"/etc/aiopi/api.crt\""},
      Field{.key = "tls_key",
            .type = FieldType::string,
            .default_value = Node::string(""),
            .doc = "PEM private key of `tls_certificate`.",
            .example = "\"/etc/aiopi/api.key\""},
      Field{.key = "max_connections",
            .type = FieldType::integer,
            .default_value = Node::integer(64),
            .doc = "Connections served at once; further ones are answered 503 and closed.",
            .example = "16",
            .min = 1,
            .max = 10000},
      Field{.key = "max_message_bytes",
            .type = FieldType::integer,
            .default_value = Node::integer(65536),
            .doc = "Largest HTTP body or WebSocket message accepted.",
            .example = "16384",
            .min = 1024,
            .max = 16 * 1024 * 1024},
      Field{
          .key = "requests_per_second",
          .type = FieldType::number,
          .default_value = Node::floating(50.0),
          .doc = "Requests per second one connection may make (bursts of twice that); beyond, error -32003.",
          .example = "10",
          .min = 0.1,
          .max = 100000},
      Field{
          .key = "max_queued",
          .type = FieldType::integer,
          .default_value = Node::integer(256),
          .doc =
              "Notifications queued for a slow client; beyond, the oldest are dropped and the client is told "
              "how many.",
          .example = "64",
          .min = 1,
          .max = 100000},
      Field{.key = "stall_timeout",
            .type = FieldType::duration,
            .default_value = Node::string("10s"),
            .doc = "A client whose queue is full and who reads nothing for this long is disconnected.",
            .example = "\"30s\"",
            .min_duration = std::chrono::milliseconds(10)},
      Field{.key = "idle_timeout",
            .type = FieldType::duration,
            .default_value = Node::string("5min"),
            .doc = "A connection with no traffic (WebSocket: no answer to pings) for this long is closed.",
            .example = "\"1min\"",
            .min_duration = std::chrono::seconds(1)},
  };
}

void build_device(TableSchema& s, const DeviceTypeRegistry& registry) {
  s.name = "device";
  s.doc = "A named device: an instance of a device type bound to the board's resources.";
  Field type{.key = "type",
             .type = FieldType::choice,
             .required = true,
             .doc = "The device type; it decides the other keys (below).",
             .example = "\"digital_out\""};
  for (const DeviceType* t : registry.types()) {
    type.choices.push_back(t->name);
    s.variants.push_back(Variant{t->name, t->doc, &t->params});
    if (!t->board_params.fields.empty())
      s.alternate_variants.push_back(Variant{t->name, t->doc, &t->board_params});
  }
  s.fields = {std::move(type), description_field("device"),
              reference_field("board", RefKind::board,
                              "A remote board (`[boards.NAME]`, a Pico) the device is on: its other keys are "
                              "then those of its type on a board (`pin` instead of `chip` and `line`, ...). "
                              "Absent: the daemon's own board.",
                              "\"pico1\"", false)};
  s.tag_key = "type";
  s.alternate_key = "board";
  s.alternate_what = "on a board";
}

void build_board(TableSchema& s) {
  s.name = "board";
  s.doc =
      "A remote board: a Raspberry Pi Pico running aiopi-pico, on a serial port "
      "(docs/design/pico-tether.md). "
      "Devices with `board = \"NAME\"` are opened on it when the link comes up and again after the Pico "
      "restarts; while the link is lost they are in state `link_lost`.";
  s.fields = {
      Field{.key = "uart",
            .type = FieldType::string,
            .required = true,
            .doc = "The serial device the Pico's UART0 (GP0 TX, GP1 RX) is wired to: `/dev/serial0`, "
                   "`/dev/ttyAMA0`, a USB adapter (`/dev/ttyUSB0`), or a pseudo-terminal (`/dev/pts/N`).",
            .example = "\"/dev/serial0\"",
            .non_empty = true,
            .check =
                [](const Node& v, const std::string& path, Validator& val) {
                  if (v.as_string().starts_with('/')) return true;
                  val.error(v.where(), path, "must be an absolute path (starting with '/')");
                  return false;
                }},
      Field{.key = "baud",
            .type = FieldType::integer,
            .default_value = Node::integer(115200),
            .doc = "Bits per second (8N1); the Pico's firmware uses 115200.",
            .example = "115200",
            .check =
                [](const Node& v, const std::string& path, Validator& val) {
                  for (const std::int64_t b : {9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600})
                    if (v.as_int() == b) return true;
                  val.error(
                      v.where(), path,
                      std::to_string(v.as_int()) +
                          " is not a baud rate the tether uses (9600, 19200, 38400, 57600, 115200, 230400, "
                          "460800, 921600)");
                  return false;
                }},
      Field{.key = "timeout",
            .type = FieldType::duration,
            .default_value = Node::string("500ms"),
            .doc = "A request unanswered this long means the link is lost.",
            .example = "\"1s\"",
            .min_duration = std::chrono::milliseconds(10),
            .max_duration = std::chrono::seconds(60)},
      Field{.key = "heartbeat",
            .type = FieldType::duration,
            .default_value = Node::string("1s"),
            .doc =
                "How often the daemon asks `daemon.info` while the link is up (a restarted Pico is seen by "
                "its new `boot`).",
            .example = "\"5s\"",
            .min_duration = std::chrono::milliseconds(10),
            .max_duration = std::chrono::hours(1)},
      description_field("board"),
  };
}

void build_event(TableSchema& s) {
  s.name = "event";
  s.doc =
      "A named event (an aiopi `Event`): set by a device condition, by the `set_event` action or through the "
      "API, cleared by `clear_event`. Tasks can start on it and wait for it. With `device`, exactly one "
      "condition key of that device's type (see each type's conditions) says when it is raised.";
  s.fields = {
      reference_field("device", RefKind::device, "The device whose condition raises the event.", "\"button\"",
                      false),
      Field{.key = "persistent",
            .type = FieldType::boolean,
            .default_value = Node::boolean(false),
            .doc = "Its state (set or clear) is saved in the state directory and restored at start.",
            .example = "true"},
      description_field("event"),
  };
  s.open = true;  // the condition's keys depend on the device's type: checked once devices are known
}

TableSchema action_variant(std::string name, std::vector<Field> fields) {
  TableSchema s;
  s.name = "action '" + name + "'";
  s.fields = std::move(fields);
  return s;
}

void build_action(ConfigSchema& c) {
  TableSchema& s = c.action;
  s.name = "action";
  s.doc = "One step of a task: an inline table whose verb key says what it does.";
  s.tag_by_presence = true;

  auto add = [&](Verb verb, std::string doc, std::vector<Field> fields, TableCheck check = {}) {
    c.owned.push_back(
        std::make_unique<TableSchema>(action_variant(std::string(verb_name(verb)), std::move(fields))));
    c.owned.back()->check = std::move(check);
    s.variants.push_back(Variant{std::string(verb_name(verb)), std::move(doc), c.owned.back().get()});
  };
  const auto duration = [](std::string key, std::string doc, std::string example, bool required) {
    return Field{.key = std::move(key),
                 .type = FieldType::duration,
                 .required = required,
                 .doc = std::move(doc),
                 .example = std::move(example)};
  };
  auto action_list = std::make_shared<Field>(Field{.type = FieldType::table, .table = &c.action});

  add(Verb::set, "Write a value to an output.",
      {reference_field("set", RefKind::device, "The output device.", "\"led\""),
       Field{.key = "value",
             .type = FieldType::custom,
             .required = true,
             .doc =
                 "`true`/`false` for a digital output, the duty cycle 0.0 to 1.0 for PWM, an integer for a "
                 "register, a text for a character display (its lines go to successive rows).",
             .example = "true",
             .type_name = "boolean, number or string",
             .check =
                 [](const Node& v, const std::string& path, Validator& val) {
                   if (v.is(Node::Kind::boolean) || v.is_number() || v.is(Node::Kind::string)) return true;
                   val.type_error(v, "a boolean, a number or a text", path);
                   return false;
                 }},
       Field{.key = "register",
             .type = FieldType::string,
             .doc = "The register written (register devices only).",
             .example = "\"out\"",
             .non_empty = true},
       Field{.key = "row",
             .type = FieldType::integer,
             .doc = "The display row the text's first line goes to (character displays only; 0 when absent).",
             .example = "1",
             .min = 0.0,
             .max = 3.0}});
  add(Verb::toggle, "Invert a digital output.",
      {reference_field("toggle", RefKind::device, "The digital output.", "\"led\"")});
  add(Verb::pulse, "Make a digital output active for a while, then inactive.",
      {reference_field("pulse", RefKind::device, "The digital output.", "\"buzzer\""),
       duration("duration", "How long it stays active.", "\"200ms\"", true)});
  add(Verb::sleep, "Wait.", {duration("sleep", "How long.", "\"500ms\"", true)});
  add(Verb::set_event, "Set an event (tasks that start on it start).",
      {reference_field("set_event", RefKind::event, "The event.", "\"door_open\"")});
  add(Verb::clear_event, "Clear an event.",
      {reference_field("clear_event", RefKind::event, "The event.", "\"door_open\"")});
  add(Verb::wait_event,
      "Wait until an event is set; with a timeout, run `on_timeout` if it is not, then go on.",
      {reference_field("wait_event", RefKind::event, "The event.", "\"door_closed\""),
       duration("timeout", "Give up after this long (no limit when absent).", "\"30s\"", false),
       Field{.key = "on_timeout",
             .type = FieldType::list,
             .doc = "Actions run when the timeout expires (before the task goes on with its next action).",
             .example = "[{ log = \"door still open\", level = \"warn\" }]",
             .element = action_list}},
      [](const Node& table, const std::string& path, Validator& v) {
        if (table.contains("on_timeout") && !table.contains("timeout")) {
          v.error(table.find_member("on_timeout")->key_where, join_key(path, "on_timeout"),
                  "'on_timeout' needs a 'timeout'");
        }
      });
  add(Verb::start, "Start a task (nothing happens if it is running).",
      {reference_field("start", RefKind::task, "The task.", "\"report\"")});
  add(Verb::cancel, "Cancel a task's run in progress (its cleanup runs).",
      {reference_field("cancel", RefKind::task, "The task.", "\"blink\"")});
  add(Verb::log, "Write a message to the log.",
      {Field{.key = "log",
             .type = FieldType::string,
             .required = true,
             .doc = "The message.",
             .example = "\"button pressed\""},
       Field{.key = "level",
             .type = FieldType::choice,
             .default_value = Node::string("info"),
             .doc = "Its level.",
             .example = "\"warn\"",
             .choices = log_level_names()}});
  add(Verb::publish, "Publish a message on a topic (API subscribers; MQTT later).",
      {Field{.key = "publish",
             .type = FieldType::string,
             .required = true,
             .doc = "The topic.",
             .example = "\"alarms\"",
             .non_empty = true},
       Field{.key = "message",
             .type = FieldType::string,
             .required = true,
             .doc = "The message.",
             .example = "\"door open\""}});
}

bool check_start_trigger(const Node& v, const std::string& path, Validator& val) {
  if (!v.is(Node::Kind::string)) {
    val.type_error(v, "a string (\"boot\" or \"event NAME\")", path);
    return false;
  }
  const std::string& text = v.as_string();
  if (text == "boot") return true;
  if (text.starts_with("event ")) {
    std::size_t begin = 6;
    while (begin < text.size() && text[begin] == ' ')
      ++begin;
    const std::string name = text.substr(begin);
    if (name.empty() || !is_bare_key(name)) {
      val.error_in_string(v, begin, path, "expected an event name after 'event'");
      return false;
    }
    val.add_reference(RefKind::event, Node::string(name, location_in_string(v, begin)), path);
    return true;
  }
  if (text == "event") {
    val.error_in_string(v, text.size(), path, "expected an event name after 'event'");
    return false;
  }
  if (text == "schedule") {
    val.error(
        v.where(), path,
        "\"schedule\" is not a start trigger: a schedule starts a task by naming it (schedules.NAME.task)");
    return false;
  }
  if (text == "api") {
    val.error(v.where(), path, "\"api\" is not a start trigger: every task can be started through the API");
    return false;
  }
  std::string message = "unknown start trigger " + toml_string(text) + " (\"boot\" or \"event NAME\")";
  if (text.size() <= 6 && closest(text, {"boot"}))
    message = "unknown start trigger " + toml_string(text) + " (did you mean 'boot'?)";
  val.error(v.where(), path, std::move(message));
  return false;
}

void build_task(TableSchema& s, const TableSchema& action) {
  s.name = "task";
  s.doc =
      "A named behaviour: a list of actions run in order, as a real aiopi task (with a name, state and run "
      "count). Started at boot, by events, by schedules, by `start` actions or through the API.";
  s.fields = {
      description_field("task"),
      Field{.key = "actions",
            .type = FieldType::list,
            .required = true,
            .doc = "What the task does, in order (see Actions).",
            .example = "[{ toggle = \"led\" }, { sleep = \"500ms\" }]",
            .non_empty = true,
            .element = std::make_shared<Field>(Field{.type = FieldType::table, .table = &action})},
      Field{.key = "repeat",
            .type = FieldType::custom,
            .default_value = Node::boolean(false),
            .doc = "`false`: run the actions once; `true`: again and again until cancelled; N: N times.",
            .example = "true",
            .type_name = "boolean or integer (at least 1)",
            .check =
                [](const Node& v, const std::string& path, Validator& val) {
                  if (v.is(Node::Kind::boolean)) return true;
                  if (v.is(Node::Kind::integer)) {
                    if (v.as_int() >= 1 && v.as_int() <= 4'294'967'295) return true;
                    val.error(v.where(), path,
                              std::to_string(v.as_int()) + " is not in the range 1 to 4294967295");
                    return false;
                  }
                  val.type_error(v, "a boolean or an integer", path);
                  return false;
                }},
      Field{.key = "start",
            .type = FieldType::list,
            .default_value = Node::array(),
            .doc = "When it starts by itself: `\"boot\"` (once the devices are open) and/or `\"event NAME\"` "
                   "(each "
                   "time the event is set).",
            .example = "[\"boot\", \"event button_pressed\"]",
            .element = std::make_shared<Field>(Field{.type = FieldType::custom,
                                                     .type_name = "\"boot\" or \"event NAME\"",
                                                     .check = check_start_trigger}),
            .single_allowed = true},
  };
}

void check_schedule(const Node& table, const std::string& path, Validator& v) {
  const bool has_cron = table.contains("cron"), has_at = table.contains("at");
  if (has_cron == has_at) {
    v.error(has_at ? table.find_member("at")->key_where : table.where(), path,
            has_cron ? "'cron' and 'at' cannot both be given" : "missing key 'cron' or 'at' (when it fires)");
  }
  if (table.contains("days") && !has_at) {
    v.error(table.find_member("days")->key_where, join_key(path, "days"),
            "'days' goes with 'at' (cron strings have their own day fields)");
  }
  const bool has_task = table.contains("task"), has_actions = table.contains("actions");
  if (has_task == has_actions) {
    v.error(has_actions ? table.find_member("actions")->key_where : table.where(), path,
            has_task ? "'task' and 'actions' cannot both be given"
                     : "missing key 'task' or 'actions' (what it does)");
  }
  if (has_at && !has_cron) {
    std::vector<TimeOfDay> times;
    for (const Node& t : table.find("at")->items())
      times.push_back(time_of_day_value(t));
    const Node* days = table.find("days");
    const auto text = schedule_times_to_keyvalue(times, days ? std::string_view(days->as_string()) : "");
    if (!text) {
      v.error(table.find("at")->where(), join_key(path, "at"), text.error().message);
      return;
    }
    const auto spec = aiopi::cron::parse_keyvalue(*text);
    if (!spec) {
      const aiopi::cron::ParseError& e = spec.error();
      const std::size_t days_at = days_offset_in_keyvalue(*text);
      if (days && e.offset >= days_at) {
        v.error_in_string(*days, e.offset - days_at, join_key(path, "days"),
                          "bad days: " + std::string(e.message));
      } else {
        v.error(table.find("at")->where(), join_key(path, "at"), "bad times: " + std::string(e.message));
      }
    }
  }
}

void build_schedule(TableSchema& s, const TableSchema& action) {
  s.name = "schedule";
  s.doc =
      "Starts a task, or runs inline actions, at calendar times (lib/cron; docs/scheduling.md). Exactly one "
      "of `cron` and `at`, and one of `task` and `actions`.";
  s.fields = {
      description_field("schedule"),
      Field{
          .key = "cron",
          .type = FieldType::cron,
          .doc =
              "When: 5 fields (`min hour mday month wday`), 6 (seconds first), `@daily` etc., or the seed's "
              "key=value form (`\"hrs=4 mins=10 wday=mon\"`; defaults secs=0 mins=0 hrs=3).",
          .example = "\"0 */5 * * * *\""},
      Field{
          .key = "at",
          .type = FieldType::list,
          .doc =
              "When, as times of day (24 h). Several times must combine every hour with every minute listed "
              "(`[\"07:30\", \"19:30\"]`).",
          .example = "\"07:30\"",
          .element = std::make_shared<Field>(Field{.type = FieldType::time_of_day}),
          .single_allowed = true},
      Field{
          .key = "days",
          .type = FieldType::string,
          .doc =
              "With `at`: the days of the week, as names, ranges and lists (`mon-fri`, `sat,sun`). Every day "
              "when absent.",
          .example = "\"mon-fri\"",
          .non_empty = true},
      Field{.key = "time_zone",
            .type = FieldType::time_zone,
            .doc = "The zone the times are in.",
            .example = "\"Europe/London\"",
            .default_doc = "the daemon's `time_zone`"},
      reference_field("task", RefKind::task, "The task started at each fire.", "\"report\"", false),
      Field{.key = "actions",
            .type = FieldType::list,
            .doc = "Inline actions run at each fire instead of a task (they run as a task named after the "
                   "schedule).",
            .example = "[{ pulse = \"buzzer\", duration = \"1s\" }]",
            .non_empty = true,
            .element = std::make_shared<Field>(Field{.type = FieldType::table, .table = &action})},
      Field{.key = "missed",
            .type = FieldType::choice,
            .default_value = Node::string("skip"),
            .doc =
                "Fire times missed (clock stepped, machine asleep, daemon down with persisted state): `skip` "
                "them, or `run_once` now for all of them.",
            .example = "\"run_once\"",
            .choices = {"skip", "run_once"}},
      Field{.key = "missed_tolerance",
            .type = FieldType::duration,
            .default_value = Node::string("60s"),
            .doc = "A fire this late still counts as on time.",
            .example = "\"5m\""},
      Field{.key = "overlap",
            .type = FieldType::choice,
            .default_value = Node::string("skip"),
            .doc =
                "A fire while the previous run still goes: `skip` it, `queue` one run, or `cancel_previous`.",
            .example = "\"queue\"",
            .choices = {"skip", "queue", "cancel_previous"}},
      Field{.key = "jitter",
            .type = FieldType::duration,
            .default_value = Node::string("0s"),
            .doc = "Each fire is delayed by a random 0 to this much (spreads load from many machines).",
            .example = "\"30s\""},
      Field{.key = "enabled",
            .type = FieldType::boolean,
            .default_value = Node::boolean(true),
            .doc = "`false` keeps the schedule declared but never firing (the API can enable it).",
            .example = "false"},
  };
  s.check = check_schedule;
}

Field section(std::string_view key, FieldType type, const TableSchema* table, std::string doc) {
  return Field{.key = std::string(key),
               .type = type,
               .default_value = Node::table(),
               .doc = std::move(doc),
               .table = table};
}

}  // namespace

std::unique_ptr<ConfigSchema> make_config_schema(const DeviceTypeRegistry& registry) {
  auto c = std::make_unique<ConfigSchema>();
  build_daemon(c->daemon);
  build_api(c->api);
  build_board(c->board);
  build_device(c->device, registry);
  build_event(c->event);
  build_action(*c);
  build_task(c->task, c->action);
  build_schedule(c->schedule, c->action);
  c->root.name = "configuration";
  c->root.fields = {
      section(kDaemonSection, FieldType::table, &c->daemon, "How the daemon runs."),
      section(kApiSection, FieldType::table, &c->api, "The remote API."),
      section(kBoardsSection, FieldType::map, &c->board, "`[boards.NAME]`: remote boards (a Pico)."),
      section(kDevicesSection, FieldType::map, &c->device, "`[devices.NAME]`: the devices."),
      section(kEventsSection, FieldType::map, &c->event, "`[events.NAME]`: the events."),
      section(kTasksSection, FieldType::map, &c->task, "`[tasks.NAME]`: the tasks."),
      section(kSchedulesSection, FieldType::map, &c->schedule, "`[schedules.NAME]`: the schedules."),
  };
  return c;
}

}  // namespace aiopid::config
