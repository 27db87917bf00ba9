#include "aiopid/config/load.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <utility>

#include "aiopi/cron/parse.hpp"
#include "aiopid/config/board_device_types.hpp"
#include "aiopid/config/config_schema.hpp"
#include "aiopid/config/device_fields.hpp"
#include "aiopid/config/key_path.hpp"
#include "aiopid/config/merge.hpp"
#include "aiopid/config/schedule_times.hpp"
#include "aiopid/config/suggest.hpp"
#include "aiopid/config/toml_reader.hpp"
#include "aiopid/config/validator.hpp"

namespace aiopid::config {

namespace fs = std::filesystem;

std::vector<std::string> conf_d_files(const std::string& main_path) {
  const fs::path parent = fs::path(main_path).parent_path();
  const fs::path dir = parent.empty() ? fs::path("conf.d") : parent / "conf.d";
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with('.') || !name.ends_with(".toml")) continue;
    std::error_code type_ec;
    if (it->is_directory(type_ec)) continue;
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::vector<std::string> paths;
  for (const std::string& name : names)
    paths.push_back((dir / name).string());
  return paths;
}

namespace {

/// A named table of a section, after validation.
struct Entry {
  std::string name;
  Node* node = nullptr;
  Location key_where;
  bool valid = false;
};

class Loader {
 public:
  explicit Loader(const DeviceTypeRegistry& registry)
      : registry_(registry), schema_(make_config_schema(registry)), validator_(diagnostics_) {}

  void add_text(std::string path, std::string text) {
    auto file = std::make_shared<SourceFile>();
    file->path = std::move(path);
    file->order = next_order_++;
    file->text = std::move(text);
    files_.push_back(file->path);
    if (auto root = read_toml(file, diagnostics_))
      merge_into(doc_, std::move(*root), schema_->root, diagnostics_);
  }

  void add_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      const int err = errno;
      auto file = std::make_shared<SourceFile>();
      file->path = path;
      file->order = next_order_++;
      files_.push_back(path);
      diagnostics_.error(
          Location{file, 0, 0}, "",
          std::string("cannot read the file: ") + (err != 0 ? std::strerror(err) : "unknown error"));
      return;
    }
    std::ostringstream text;
    text << in.rdbuf();
    add_text(path, text.str());
  }

  LoadResult finish();

 private:
  void validate_sections();
  std::vector<Entry>& section(std::string_view name) { return entries_[std::string(name)]; }
  const Entry* find(std::string_view section_name, std::string_view name) {
    for (const Entry& e : section(section_name))
      if (e.name == name) return &e;
    return nullptr;
  }
  const DeviceType* device_type(const Node& device) const {
    const std::string* type = device.get_string("type");
    return type ? registry_.find(*type) : nullptr;
  }

  void build_daemon(Config& config);
  void build_api(Config& config);
  void build_boards(Config& config);
  void build_devices(Config& config);
  void build_events(Config& config);
  void build_tasks(Config& config);
  void build_schedules(Config& config);
  std::vector<Action> build_actions(const Node& list, const std::string& path);
  void check_references();
  void check_claims(const Config& config);
  void check_cycles(const Config& config);

  const DeviceTypeRegistry& registry_;
  std::unique_ptr<ConfigSchema> schema_;
  Diagnostics diagnostics_;
  Validator validator_;
  Node doc_ = Node::table();
  std::vector<std::string> files_;
  std::uint32_t next_order_ = 0;
  std::map<std::string, std::vector<Entry>> entries_;
};

// ------------------------------------------------------------------------------------------ validation

void Loader::validate_sections() {
  for (const Field& f : schema_->root.fields) {
    if (!doc_.contains(f.key)) doc_.append(f.key, Location{}, Node::table());
  }
  validator_.reject_unknown_keys(doc_, schema_->root.keys(), "");
  validator_.validate_table(*doc_.find(kDaemonSection), schema_->daemon, std::string(kDaemonSection));
  validator_.validate_table(*doc_.find(kApiSection), schema_->api, std::string(kApiSection));
  for (const Field& f : schema_->root.fields) {
    if (f.type != FieldType::map) continue;
    Node* section_node = doc_.find(f.key);
    for (Node::Member& m : section_node->members()) {
      if (!validator_.check_name(m, f.key)) continue;
      section(f.key).push_back(Entry{m.key, &m.value, m.key_where, false});
    }
  }
  // Validate after collecting, so that the entries' addresses are final.
  for (const Field& f : schema_->root.fields) {
    if (f.type != FieldType::map) continue;
    for (Entry& e : section(f.key))
      e.valid = validator_.validate_table(*e.node, *f.table, join_key(f.key, e.name));
  }
}

// ---------------------------------------------------------------------------------------- typed config

Duration duration_of(const Node* n, Duration fallback) {
  if (!n || !n->is(Node::Kind::string)) return fallback;
  const auto d = parse_duration(n->as_string());
  return d ? *d : fallback;
}

void Loader::build_daemon(Config& config) {
  const Node& d = *doc_.find(kDaemonSection);
  if (const std::string* board = d.get_string("board"))
    config.daemon.board = *board == "sim" ? Board::sim : Board::os_linux;
  if (const std::string* dir = d.get_string("state_dir")) config.daemon.state_dir = *dir;
  if (const std::string* level = d.get_string("log_level")) {
    if (const auto l = parse_log_level(*level)) config.daemon.log_level = *l;
  }
  if (const std::string* zone = d.get_string("time_zone")) config.daemon.time_zone = *zone;
  config.daemon.profile_tasks = d.get_bool("profile_tasks", config.daemon.profile_tasks);
}

std::vector<std::string> strings_of(const Node* list) {
  std::vector<std::string> out;
  if (list == nullptr) return out;
  if (list->is(Node::Kind::string)) return {list->as_string()};  // single_allowed: one value without brackets
  if (!list->is(Node::Kind::array)) return out;
  for (const Node& item : list->items())
    if (item.is(Node::Kind::string)) out.push_back(item.as_string());
  return out;
}

void Loader::build_api(Config& config) {
  const Node& a = *doc_.find(kApiSection);
  ApiSettings& api = config.api;
  api.where = a.where();
  api.enabled = a.get_bool("enabled", api.enabled);
  if (const Node* listen = a.find("listen")) api.listen = strings_of(listen);
  api.port = static_cast<std::uint16_t>(a.get_int("port", api.port));
  if (const std::string* f = a.get_string("tokens_file")) api.tokens_file = *f;
  api.allowed_origins = strings_of(a.find("allowed_origins"));
  if (const std::string* f = a.get_string("tls_certificate")) api.tls_certificate = *f;
  if (const std::string* f = a.get_string("tls_key")) api.tls_key = *f;
  api.max_connections = static_cast<std::uint32_t>(a.get_int("max_connections", api.max_connections));
  api.max_message_bytes = static_cast<std::uint32_t>(a.get_int("max_message_bytes", api.max_message_bytes));
  api.requests_per_second = a.get_number("requests_per_second", api.requests_per_second);
  api.max_queued = static_cast<std::uint32_t>(a.get_int("max_queued", api.max_queued));
  api.stall_timeout = duration_of(a.find("stall_timeout"), api.stall_timeout);
  api.idle_timeout = duration_of(a.find("idle_timeout"), api.idle_timeout);
}

void Loader::build_boards(Config& config) {
  for (const Entry& e : section(kBoardsSection)) {
    if (!e.valid) continue;
    BoardConfig b;
    b.name = e.name;
    b.where = e.key_where;
    if (const std::string* text = e.node->get_string("description")) b.description = *text;
    if (const std::string* uart = e.node->get_string("uart")) b.uart = *uart;
    b.baud = static_cast<std::uint32_t>(e.node->get_int("baud", b.baud));
    b.timeout = duration_of(e.node->find("timeout"), b.timeout);
    b.heartbeat = duration_of(e.node->find("heartbeat"), b.heartbeat);
    config.boards.push_back(std::move(b));
  }
}

void Loader::build_devices(Config& config) {
  for (const Entry& e : section(kDevicesSection)) {
    if (!e.valid) continue;
    DeviceConfig d;
    d.name = e.name;
    d.where = e.key_where;
    d.type = device_type(*e.node);
    if (const std::string* text = e.node->get_string("description")) d.description = *text;
    if (const std::string* board = e.node->get_string("board")) d.board = *board;
    d.params = *e.node;
    config.devices.push_back(std::move(d));
  }
}

void Loader::build_events(Config& config) {
  const std::vector<std::string> base_keys = schema_->event.keys();
  for (const Entry& e : section(kEventsSection)) {
    const std::string path = join_key(kEventsSection, e.name);
    Node condition = Node::table(e.node->where());
    for (const Node::Member& m : e.node->members()) {
      if (!schema_->event.field(m.key)) condition.append(m.key, m.key_where, m.value);
    }
    const std::string* device_name = e.node->get_string("device");
    bool ok = e.valid;
    std::optional<EventSource> source;
    if (!device_name) {
      for (const Node::Member& m : condition.members()) {
        std::string message = "unknown key '" + m.key + "'" + did_you_mean(m.key, base_keys);
        if (message.find("did you mean") == std::string::npos)
          message += " (condition keys go with a 'device')";
        validator_.error(m.key_where, path, std::move(message));
        ok = false;
      }
    } else if (const Entry* device = find(kDevicesSection, *device_name); device && device->valid) {
      const DeviceType* type = device_type(*device->node);
      if (type->conditions.variants.empty()) {
        validator_.error(e.node->find("device")->where(), join_key(path, "device"),
                         "device '" + *device_name + "' (" + type->name + ") raises no events");
        ok = false;
      } else if (validator_.validate_table(condition, type->conditions, path)) {
        if (type->check_condition) {
          const std::size_t before = validator_.error_count();
          type->check_condition(*device_name, *device->node, condition, path, validator_);
          ok = ok && validator_.error_count() == before;
        }
        source = EventSource{*device_name, "", condition};
        for (const Variant& v : type->conditions.variants)
          if (condition.contains(v.tag)) source->condition = v.tag;
      } else {
        ok = false;
      }
    } else {
      ok = false;  // an unknown device is reported with the references; an invalid one with its own errors
    }
    if (!ok) continue;
    EventConfig ev;
    ev.name = e.name;
    ev.where = e.key_where;
    if (const std::string* text = e.node->get_string("description")) ev.description = *text;
    ev.persistent = e.node->get_bool("persistent", false);
    ev.source = std::move(source);
    config.events.push_back(std::move(ev));
  }
}

std::vector<Action> Loader::build_actions(const Node& list, const std::string& path) {
  std::vector<Action> actions;
  for (std::size_t i = 0; i < list.items().size(); ++i) {
    const Node& t = list.items()[i];
    const std::string action_path = join_index(path, i);
    Action a;
    a.where = t.where();
    for (const Verb v : all_verbs()) {
      if (t.contains(verb_name(v))) a.verb = v;
    }
    const Node& key = *t.find(verb_name(a.verb));
    if (key.is(Node::Kind::string)) a.target = key.as_string();
    switch (a.verb) {
      case Verb::set:
        if (const Node* value = t.find("value")) {
          if (value->is(Node::Kind::boolean)) a.value = value->as_bool();
          if (value->is(Node::Kind::integer)) a.value = value->as_int();
          if (value->is(Node::Kind::floating)) a.value = value->as_number();
          if (value->is(Node::Kind::string)) a.value = value->as_string();
        }
        a.row = t.get_int("row", 0);
        if (const std::string* reg = t.get_string("register")) a.register_name = *reg;
        break;
      case Verb::pulse:
        a.duration = duration_of(t.find("duration"), Duration{0});
        break;
      case Verb::sleep:
        a.target.clear();
        a.duration = duration_of(&key, Duration{0});
        break;
      case Verb::wait_event:
        if (const Node* timeout = t.find("timeout")) a.timeout = duration_of(timeout, Duration{0});
        if (const Node* more = t.find("on_timeout"))
          a.on_timeout = build_actions(*more, join_key(action_path, "on_timeout"));
        break;
      case Verb::log:
        a.message = a.target;
        a.target.clear();
        if (const std::string* level = t.get_string("level"))
          a.level = parse_log_level(*level).value_or(LogLevel::info);
        break;
      case Verb::publish:
        if (const std::string* message = t.get_string("message")) a.message = *message;
        break;
      case Verb::toggle:
      case Verb::set_event:
      case Verb::clear_event:
      case Verb::start:
      case Verb::cancel:
        break;
    }
    // Does the action fit its device?
    if (a.verb == Verb::set || a.verb == Verb::toggle || a.verb == Verb::pulse) {
      const Entry* device = find(kDevicesSection, a.target);
      const DeviceType* type = device && device->valid ? device_type(*device->node) : nullptr;
      const std::string key_path = join_key(action_path, verb_name(a.verb));
      if (type && a.verb != Verb::set && !type->pulsable) {
        validator_.error(key.where(), key_path,
                         "device '" + a.target + "' (" + type->name + ") cannot be " +
                             (a.verb == Verb::toggle ? "toggled" : "pulsed") + ": only digital outputs can");
      } else if (type && a.verb == Verb::set) {
        const Node* value = t.find("value");
        const Node* reg = t.find("register");
        const std::string value_path = join_key(action_path, "value");
        switch (type->output) {
          case OutputKind::none:
            validator_.error(key.where(), key_path,
                             "device '" + a.target + "' (" + type->name + ") is not an output");
            break;
          case OutputKind::boolean:
          case OutputKind::level:
            if (const Node::Member* row = t.find_member("row")) {
              validator_.error(row->key_where, join_key(action_path, "row"),
                               "device '" + a.target + "' (" + type->name + ") has no rows");
            }
            if (reg) {
              validator_.error(t.find_member("register")->key_where, join_key(action_path, "register"),
                               "device '" + a.target + "' (" + type->name + ") has no registers");
            }
            if (value && type->output == OutputKind::boolean && !value->is(Node::Kind::boolean)) {
              validator_.error(value->where(), value_path,
                               "device '" + a.target + "' (" + type->name + ") takes true or false");
            }
            if (value && type->output == OutputKind::level &&
                (!value->is_number() || value->as_number() < 0.0 || value->as_number() > 1.0)) {
              validator_.error(
                  value->where(), value_path,
                  "device '" + a.target + "' (" + type->name + ") takes a duty cycle from 0.0 to 1.0");
            }
            break;
          case OutputKind::register_value:
            if (type->check_set) type->check_set(a.target, *device->node, t, action_path, validator_);
            break;
          case OutputKind::text:
            if (reg) {
              validator_.error(t.find_member("register")->key_where, join_key(action_path, "register"),
                               "device '" + a.target + "' (" + type->name + ") has no registers");
            }
            if (value && !value->is(Node::Kind::string)) {
              validator_.error(value->where(), value_path,
                               "device '" + a.target + "' (" + type->name + ") takes a text");
            }
            if (type->check_set) type->check_set(a.target, *device->node, t, action_path, validator_);
            break;
        }
      }
    }
    actions.push_back(std::move(a));
  }
  return actions;
}

void Loader::build_tasks(Config& config) {
  for (const Entry& e : section(kTasksSection)) {
    if (!e.valid) continue;
    const std::string path = join_key(kTasksSection, e.name);
    TaskConfig task;
    task.name = e.name;
    task.where = e.key_where;
    if (const std::string* text = e.node->get_string("description")) task.description = *text;
    task.actions = build_actions(*e.node->find("actions"), join_key(path, "actions"));
    if (const Node* repeat = e.node->find("repeat")) {
      if (repeat->is(Node::Kind::boolean)) task.repeat_forever = repeat->as_bool();
      if (repeat->is(Node::Kind::integer)) task.runs = static_cast<std::uint32_t>(repeat->as_int());
    }
    if (const Node* start = e.node->find("start")) {
      for (const Node& trigger : start->items()) {
        const std::string& text = trigger.as_string();
        if (text == "boot") {
          task.start_at_boot = true;
        } else {
          std::size_t begin = 6;
          while (begin < text.size() && text[begin] == ' ')
            ++begin;
          task.start_events.push_back(text.substr(begin));
        }
      }
    }
    config.tasks.push_back(std::move(task));
  }
}

void Loader::build_schedules(Config& config) {
  for (Entry& e : section(kSchedulesSection)) {
    if (!e.valid) continue;
    const std::string path = join_key(kSchedulesSection, e.name);
    if (!e.node->contains("time_zone"))
      e.node->append("time_zone", Location{}, Node::string(config.daemon.time_zone));
    ScheduleConfig s;
    s.name = e.name;
    s.where = e.key_where;
    if (const std::string* text = e.node->get_string("description")) s.description = *text;
    if (const std::string* cron = e.node->get_string("cron")) {
      s.when = *cron;
    } else {
      std::vector<TimeOfDay> times;
      for (const Node& t : e.node->find("at")->items())
        times.push_back(time_of_day_value(t));
      const std::string* days = e.node->get_string("days");
      const auto text = schedule_times_to_keyvalue(times, days ? std::string_view(*days) : "");
      if (text) s.when = *text;
    }
    const auto spec = aiopi::cron::parse_spec(s.when);
    if (spec) s.spec = *spec;
    s.time_zone = *e.node->get_string("time_zone");
    if (const std::string* task = e.node->get_string("task")) s.task = *task;
    if (const Node* actions = e.node->find("actions"))
      s.actions = build_actions(*actions, join_key(path, "actions"));
    s.missed = *e.node->get_string("missed") == "run_once" ? aiopi::cron::MissedPolicy::run_once
                                                           : aiopi::cron::MissedPolicy::skip;
    s.missed_tolerance = duration_of(e.node->find("missed_tolerance"), aiopi::cron::kDefaultMissedTolerance);
    const std::string& overlap = *e.node->get_string("overlap");
    s.overlap = overlap == "queue"             ? aiopi::cron::OverlapPolicy::queue
                : overlap == "cancel_previous" ? aiopi::cron::OverlapPolicy::cancel_previous
                                               : aiopi::cron::OverlapPolicy::skip;
    s.jitter = duration_of(e.node->find("jitter"), Duration{0});
    s.enabled = e.node->get_bool("enabled", true);
    config.schedules.push_back(std::move(s));
  }
}

// --------------------------------------------------------------------------------------- cross checks

void Loader::check_references() {
  for (const Reference& r : validator_.references()) {
    const std::string_view section_name = r.kind == RefKind::device  ? kDevicesSection
                                          : r.kind == RefKind::event ? kEventsSection
                                          : r.kind == RefKind::board ? kBoardsSection
                                                                     : kTasksSection;
    if (find(section_name, r.name)) continue;
    std::vector<std::string> names;
    for (const Entry& e : section(section_name))
      names.push_back(e.name);
    std::string message = "unknown " + std::string(ref_kind_name(r.kind)) + " '" + r.name + "'";
    if (names.empty()) {
      message += " (no " + std::string(section_name) + " are defined)";
    } else {
      message += did_you_mean(r.name, names);
    }
    validator_.error(r.where, r.path, std::move(message));
  }
}

void Loader::check_claims(const Config& config) {
  struct Holder {
    std::string device;  ///< "device 'led'", "board 'pico1'"
    Location where;
  };
  std::map<std::string, Holder> held;
  // A board's serial port is held like a uart_line_reader's (the same key, so the two conflict).
  const Node* boards = doc_.find(kBoardsSection);
  for (const BoardConfig& b : config.boards) {
    const Node* board = boards ? boards->find(b.name) : nullptr;
    const Node* uart = board ? board->find("uart") : nullptr;
    if (!uart) continue;
    Node port = Node::table();
    port.append("port", Location{}, *uart);
    for (ResourceClaim c : serial_port_claim(port, join_key(kBoardsSection, b.name))) {
      c.path = join_key(join_key(kBoardsSection, b.name), "uart");
      const auto [it, inserted] = held.emplace(c.resource, Holder{"board '" + b.name + "'", c.where});
      if (!inserted)
        validator_.error(
            c.where, c.path,
            c.what + " is already used by " + it->second.device + " (" + it->second.where.to_string() + ")");
    }
  }
  for (const DeviceConfig& d : config.devices) {
    if (!d.type || (!d.type->claims && d.board.empty())) continue;
    const std::string path = join_key(kDevicesSection, d.name);
    for (const ResourceClaim& c :
         d.board.empty() ? d.type->claims(d.params, path) : board_device_claims(d.board, d.params, path)) {
      const auto [it, inserted] = held.emplace(c.resource, Holder{"device '" + d.name + "'", c.where});
      if (inserted) continue;
      validator_.error(
          c.where, c.path,
          c.what + " is already used by " + it->second.device + " (" + it->second.where.to_string() + ")");
    }
  }
}

void collect_edges(const std::vector<Action>& actions, const Config& config,
                   std::vector<std::pair<std::string, std::string>>& out) {
  // (target task, "via" text) for each start this action list can cause.
  for (const Action& a : actions) {
    if (a.verb == Verb::start) out.emplace_back(a.target, "");
    if (a.verb == Verb::set_event) {
      for (const TaskConfig& t : config.tasks) {
        for (const std::string& e : t.start_events)
          if (e == a.target) out.emplace_back(t.name, a.target);
      }
    }
    collect_edges(a.on_timeout, config, out);
  }
}

void Loader::check_cycles(const Config& config) {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> edges;
  for (const TaskConfig& t : config.tasks)
    collect_edges(t.actions, config, edges[t.name]);

  std::map<std::string, int> color;  // 0 unvisited, 1 on the stack, 2 done
  std::vector<std::string> stack;
  std::vector<std::string> via_stack;
  std::set<std::vector<std::string>> reported;
  const auto visit = [&](auto&& self, const std::string& task) -> void {
    color[task] = 1;
    stack.push_back(task);
    for (const auto& [next, via] : edges[task]) {
      if (!config.find_task(next)) continue;
      if (color[next] == 1) {
        const auto begin = std::find(stack.begin(), stack.end(), next);
        std::vector<std::string> cycle(begin, stack.end());
        std::vector<std::string> vias(via_stack.begin() + (begin - stack.begin()), via_stack.end());
        vias.push_back(via);
        // Report each cycle once, starting from the task written first.
        std::size_t first = 0;
        for (std::size_t i = 0; i < cycle.size(); ++i) {
          if (config.find_task(cycle[i])->where < config.find_task(cycle[first])->where) first = i;
        }
        std::rotate(cycle.begin(), cycle.begin() + static_cast<std::ptrdiff_t>(first), cycle.end());
        std::rotate(vias.begin(), vias.begin() + static_cast<std::ptrdiff_t>(first), vias.end());
        if (!reported.insert(cycle).second) continue;
        std::string text;
        for (std::size_t i = 0; i < cycle.size(); ++i) {
          text += cycle[i];
          text += vias[i].empty() ? " -> " : " -(event " + vias[i] + ")-> ";
        }
        text += cycle[0];
        const TaskConfig* head = config.find_task(cycle[0]);
        validator_.error(head->where, join_key(kTasksSection, head->name),
                         "tasks start each other in a cycle: " + text);
      } else if (color[next] == 0) {
        via_stack.push_back(via);
        self(self, next);
        via_stack.pop_back();
      }
    }
    stack.pop_back();
    color[task] = 2;
  };
  for (const TaskConfig& t : config.tasks) {
    if (color[t.name] == 0) visit(visit, t.name);
  }
}

LoadResult Loader::finish() {
  validate_sections();
  Config config;
  config.files = files_;
  build_daemon(config);
  build_api(config);
  build_boards(config);
  build_devices(config);
  build_events(config);
  build_tasks(config);
  build_schedules(config);
  check_references();
  check_claims(config);
  check_cycles(config);

  LoadResult result;
  diagnostics_.sort();
  result.diagnostics = std::move(diagnostics_);
  if (result.diagnostics.empty()) {
    config.document = std::move(doc_);
    // The devices' params were copied before schedules gained their effective zone; nothing else changed.
    result.config = std::move(config);
  }
  return result;
}

}  // namespace

LoadResult load_config(const std::string& main_path, const DeviceTypeRegistry& registry) {
  Loader loader(registry);
  loader.add_file(main_path);
  for (const std::string& path : conf_d_files(main_path))
    loader.add_file(path);
  return loader.finish();
}

LoadResult load_config_texts(const std::vector<SourceText>& files, const DeviceTypeRegistry& registry) {
  Loader loader(registry);
  for (const SourceText& f : files)
    loader.add_text(f.path, f.text);
  return loader.finish();
}

}  // namespace aiopid::config
