// Loading a whole configuration: the typed Config, conf.d merge rules, cross checks, a device type registered
// from outside (as drivers will), --print-config round trips and the generated reference.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "aiopi/cron/parse.hpp"
#include "aiopid/config/builtin_device_types.hpp"
#include "aiopid/config/config_schema.hpp"
#include "aiopid/config/load.hpp"
#include "aiopid/config/print.hpp"
#include "aiopid/config/reference.hpp"

namespace aiopid::config {
namespace {

using namespace std::chrono_literals;

class Load : public ::testing::Test {
 protected:
  DeviceTypeRegistry registry = builtin_device_registry();

  LoadResult load(std::vector<SourceText> files) { return load_config_texts(files, registry); }

  Config ok(std::vector<SourceText> files) {
    LoadResult r = load(std::move(files));
    EXPECT_TRUE(r.config.has_value()) << r.diagnostics.to_string();
    return r.config ? std::move(*r.config) : Config{};
  }

  std::string errors(std::vector<SourceText> files) {
    LoadResult r = load(std::move(files));
    EXPECT_FALSE(r.config.has_value());
    return r.diagnostics.to_string();
  }
};

constexpr const char* kBlinker = R"(
[daemon]
board = "sim"
time_zone = "Europe/Berlin"

[devices.led]
type = "digital_out"
chip = "sim"
line = 17

[devices.button]
type = "digital_in"
chip = "sim"
line = 4
debounce = "20ms"

[events.pressed]
device = "button"
edge = "falling"
persistent = true

[tasks.blink]
start = ["boot", "event pressed"]
repeat = 3
actions = [
  { toggle = "led" },
  { pulse = "led", duration = "250ms" },
  { set = "led", value = true },
  { wait_event = "pressed", timeout = "5s", on_timeout = [ { log = "no press", level = "warn" } ] },
  { publish = "leds", message = "done" },
]

[schedules.mornings]
at = "07:30"
days = "mon-fri"
task = "blink"
overlap = "cancel_previous"
jitter = "10s"
)";

TEST_F(Load, BuildsTheTypedConfig) {
  const Config c = ok({{"main.toml", kBlinker}});
  EXPECT_EQ(c.daemon.board, Board::sim);
  EXPECT_EQ(c.daemon.log_level, LogLevel::info);
  EXPECT_EQ(c.daemon.state_dir, "/var/lib/aiopi");
  EXPECT_FALSE(c.daemon.profile_tasks);

  ASSERT_EQ(c.devices.size(), 2u);
  EXPECT_EQ(c.devices[0].name, "led");
  EXPECT_EQ(c.devices[0].type->name, "digital_out");
  EXPECT_EQ(c.devices[0].params.get_int("line", -1), 17);
  EXPECT_EQ(*c.devices[0].params.get_string("drive"), "push_pull");  // default filled in
  EXPECT_EQ(c.devices[0].where.line, 6u);
  EXPECT_EQ(*c.devices[1].params.get_string("edges"), "both");

  const EventConfig* pressed = c.find_event("pressed");
  ASSERT_NE(pressed, nullptr);
  EXPECT_TRUE(pressed->persistent);
  ASSERT_TRUE(pressed->source.has_value());
  EXPECT_EQ(pressed->source->device, "button");
  EXPECT_EQ(pressed->source->condition, "edge");
  EXPECT_EQ(*pressed->source->params.get_string("edge"), "falling");

  const TaskConfig* blink = c.find_task("blink");
  ASSERT_NE(blink, nullptr);
  EXPECT_TRUE(blink->start_at_boot);
  EXPECT_EQ(blink->start_events, std::vector<std::string>{"pressed"});
  EXPECT_EQ(blink->runs, 3u);
  EXPECT_FALSE(blink->repeat_forever);
  ASSERT_EQ(blink->actions.size(), 5u);
  EXPECT_EQ(blink->actions[0].verb, Verb::toggle);
  EXPECT_EQ(blink->actions[0].target, "led");
  EXPECT_EQ(blink->actions[1].verb, Verb::pulse);
  EXPECT_EQ(blink->actions[1].duration, 250ms);
  EXPECT_EQ(blink->actions[2].value, ActionValue{true});
  const Action& wait = blink->actions[3];
  EXPECT_EQ(wait.verb, Verb::wait_event);
  EXPECT_EQ(wait.timeout, std::optional<Duration>{5s});
  ASSERT_EQ(wait.on_timeout.size(), 1u);
  EXPECT_EQ(wait.on_timeout[0].verb, Verb::log);
  EXPECT_EQ(wait.on_timeout[0].message, "no press");
  EXPECT_EQ(wait.on_timeout[0].level, LogLevel::warn);
  EXPECT_EQ(blink->actions[4].target, "leds");
  EXPECT_EQ(blink->actions[4].message, "done");

  const ScheduleConfig* mornings = c.find_schedule("mornings");
  ASSERT_NE(mornings, nullptr);
  EXPECT_EQ(mornings->when, "secs=0 mins=30 hrs=7 wday=mon-fri");
  EXPECT_EQ(mornings->spec, *aiopi::cron::parse_keyvalue("secs=0 mins=30 hrs=7 wday=mon-fri"));
  EXPECT_EQ(mornings->time_zone, "Europe/Berlin");  // the daemon's zone
  EXPECT_EQ(mornings->task, "blink");
  EXPECT_EQ(mornings->overlap, aiopi::cron::OverlapPolicy::cancel_previous);
  EXPECT_EQ(mornings->missed, aiopi::cron::MissedPolicy::skip);
  EXPECT_EQ(mornings->jitter, 10s);
  EXPECT_EQ(mornings->missed_tolerance, 60s);
  EXPECT_TRUE(mornings->enabled);
}

TEST_F(Load, CronSchedulesParseBothForms) {
  const Config c = ok({{"main.toml", R"(
[tasks.t]
actions = [ { log = "x" } ]
[schedules.cron]
cron = "0 */5 * * * *"
time_zone = "+05:45"
task = "t"
[schedules.keywords]
cron = "hrs=4 mins=10 wday=mon"
actions = [ { start = "t" } ]
)"}});
  EXPECT_EQ(c.schedules[0].spec, *aiopi::cron::parse_cron("0 */5 * * * *"));
  EXPECT_EQ(c.schedules[0].time_zone, "+05:45");
  EXPECT_EQ(c.schedules[1].spec, *aiopi::cron::parse_keyvalue("hrs=4 mins=10 wday=mon"));
  EXPECT_EQ(c.schedules[1].time_zone, "local");
  ASSERT_EQ(c.schedules[1].actions.size(), 1u);
  EXPECT_EQ(c.schedules[1].actions[0].verb, Verb::start);
}

TEST_F(Load, FragmentsOverrideDaemonSettingsAndAddNamedThings) {
  const Config c = ok({{"main.toml",
                        "[daemon]\nboard = \"sim\"\nlog_level = \"info\"\n"
                        "[devices.a]\ntype = \"digital_out\"\nchip = \"sim\"\nline = 1\n"},
                       {"conf.d/10.toml",
                        "[daemon]\nlog_level = \"debug\"\n"
                        "[devices.b]\ntype = \"digital_out\"\nchip = \"sim\"\nline = 2\n"},
                       {"conf.d/20.toml", "[daemon]\nlog_level = \"trace\"\n"}});
  EXPECT_EQ(c.daemon.log_level, LogLevel::trace);  // the last file wins
  EXPECT_EQ(c.daemon.board, Board::sim);           // untouched settings stay
  ASSERT_EQ(c.devices.size(), 2u);
  EXPECT_EQ(c.devices[0].name, "a");
  EXPECT_EQ(c.devices[1].name, "b");
  EXPECT_EQ(c.devices[1].where.file->path, "conf.d/10.toml");
  EXPECT_EQ(c.files, (std::vector<std::string>{"main.toml", "conf.d/10.toml", "conf.d/20.toml"}));
}

TEST_F(Load, ANameDefinedInTwoFilesNamesBothPlaces) {
  EXPECT_EQ(errors({{"main.toml", "[events.e]\n"}, {"conf.d/10.toml", "\n[events.e]\npersistent = true\n"}}),
            "conf.d/10.toml:2:9: error: events.e: event 'e' is already defined at main.toml:1:9\n");
}

TEST_F(Load, EveryFileIsCheckedEvenAfterASyntaxError) {
  EXPECT_EQ(
      errors({{"main.toml", "[daemon\n"},
              {"conf.d/10.toml", "[daemon]\nboard = \"pi\"\n"},
              {"conf.d/20.toml", "[tasks.t]\nactions = [ { sleep = \"1 s\" }, { sleep = 5 } ]\n"}}),
      "main.toml:1:8: error: syntax error in table header: expected ']', saw '\\n'\n"
      "conf.d/10.toml:2:9: error: daemon.board: \"pi\" is not one of linux, sim\n"
      "conf.d/20.toml:2:42: error: tasks.t.actions[1].sleep: expected a duration: a string with a unit, "
      "such as \"250ms\", found an integer\n");
}

TEST_F(Load, ErrorsOfInvalidThingsDoNotCascade) {
  // The device is invalid (bad bias), so the event and the task that use it are not checked against it, and
  // "unknown device" is not reported for a device that exists but has errors.
  EXPECT_EQ(errors({{"main.toml", R"([devices.b]
type = "digital_in"
chip = "sim"
line = 3
bias = "up"
[events.e]
device = "b"
edge = "rising"
[tasks.t]
actions = [ { set = "b", value = true } ]
)"}}),
            "main.toml:5:8: error: devices.b.bias: \"up\" is not one of as_is, off, pull_up, pull_down\n");
}

TEST_F(Load, ConfDFilesAreTheTomlFilesBesideTheMainFileInNameOrder) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "aiopid_conf_d_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "conf.d" / "sub.toml");
  for (const char* name :
       {"20-b.toml", "10-a.toml", "README", ".hidden.toml", "30-c.toml.dpkg-old", "9-z.toml"}) {
    std::ofstream(dir / "conf.d" / name) << "\n";
  }
  const std::string main = (dir / "aiopid.toml").string();
  EXPECT_EQ(conf_d_files(main), (std::vector<std::string>{(dir / "conf.d" / "10-a.toml").string(),
                                                          (dir / "conf.d" / "20-b.toml").string(),
                                                          (dir / "conf.d" / "9-z.toml").string()}));
  std::ofstream(main) << "[daemon]\nboard = \"sim\"\n";
  const LoadResult r = load_config(main, registry);
  ASSERT_TRUE(r.config) << r.diagnostics.to_string();
  EXPECT_EQ(r.config->files.size(), 4u);
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(conf_d_files("aiopid.toml").empty() || std::filesystem::exists("conf.d"));
}

TEST_F(Load, ADeviceTypeRegisteredFromOutsideIsValidatedLikeTheBuiltIns) {
  // What a driver will do: register its type with its own parameter schema.
  auto buzzer = std::make_unique<DeviceType>();
  buzzer->name = "piezo_buzzer";
  buzzer->doc = "A piezo buzzer on a PWM pin.";
  buzzer->params.name = "device type 'piezo_buzzer'";
  buzzer->params.fields = {
      Field{.key = "pin", .type = FieldType::integer, .required = true, .min = 0.0},
      Field{.key = "tone", .type = FieldType::number, .default_value = Node::floating(2000.0)}};
  buzzer->output = OutputKind::boolean;
  buzzer->pulsable = true;
  ASSERT_TRUE(registry.add(std::move(buzzer)));
  auto taken = std::make_unique<DeviceType>();
  taken->name = "pwm";
  EXPECT_FALSE(registry.add(std::move(taken)));  // the name is taken

  const Config c = ok({{"main.toml",
                        "[devices.bz]\ntype = \"piezo_buzzer\"\npin = 5\n"
                        "[tasks.beep]\nactions = [ { pulse = \"bz\", duration = \"1s\" } ]\n"}});
  EXPECT_EQ(c.devices[0].params.get_number("tone", 0), 2000.0);
  EXPECT_EQ(errors({{"main.toml", "[devices.bz]\ntype = \"piezo_buzzer\"\npin = 5\ntonne = 1\n"}}),
            "main.toml:4:1: error: devices.bz: unknown key 'tonne' (did you mean 'tone'?)\n");

  const auto schema = make_config_schema(registry);
  EXPECT_NE(config_reference_markdown(*schema, registry).find("#### `type = \"piezo_buzzer\"`"),
            std::string::npos);
}

TEST_F(Load, DiagnosticsFormat) {
  auto file = std::make_shared<SourceFile>();
  file->path = "/etc/aiopi/aiopid.toml";
  EXPECT_EQ(format(Diagnostic{Location{file, 3, 5}, "devices.led.line", "bad"}),
            "/etc/aiopi/aiopid.toml:3:5: error: devices.led.line: bad");
  EXPECT_EQ(format(Diagnostic{Location{file, 3, 5}, "", "syntax error"}),
            "/etc/aiopi/aiopid.toml:3:5: error: syntax error");
  EXPECT_EQ(format(Diagnostic{Location{file, 0, 0}, "", "cannot read the file"}),
            "/etc/aiopi/aiopid.toml: error: cannot read the file");
}

// ------------------------------------------------------------------------------------- --print-config

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(Load, PrintedConfigLoadsToTheSameDocument) {
  for (const char* name :
       {"config/aiopid.toml", "config/examples/raspberry-pi-gpio.toml", "config/examples/sensors.toml",
        "config/examples/gps-logger.toml", "config/examples/schedules.toml"}) {
    SCOPED_TRACE(name);
    const Config first = ok({{name, read_file(std::string(AIOPI_SOURCE_DIR) + "/" + name)}});
    const std::string printed = print_config(first);
    const Config second = ok({{"printed.toml", printed}});
    // Same values in the same order (the daemon section first in the printed form).
    for (const char* section : {"daemon", "devices", "events", "tasks", "schedules"}) {
      EXPECT_TRUE(first.document.find(section)->same_value(*second.document.find(section))) << section;
    }
    EXPECT_EQ(first.devices.size(), second.devices.size());
    EXPECT_EQ(first.schedules.size(), second.schedules.size());
    for (std::size_t i = 0; i < first.schedules.size(); ++i) {
      EXPECT_EQ(first.schedules[i].spec, second.schedules[i].spec);
    }
  }
}

TEST_F(Load, PrintShowsWhereEachThingCameFrom) {
  const Config c = ok({{"main.toml", "[devices.led]\ntype = \"digital_out\"\nline = \"GPIO4\"\n"}});
  const std::string printed = print_config(c);
  EXPECT_NE(printed.find("#   main.toml\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("[devices.led]  # main.toml:1:10\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("board = \"linux\"\n"), std::string::npos) << printed;  // defaults are shown
}

// ------------------------------------------------------------------------------------------ reference

void expect_documented(const std::string& reference, const TableSchema& schema) {
  for (const Field& f : schema.fields) {
    EXPECT_NE(reference.find("| `" + f.key + "` |"), std::string::npos) << schema.name << "." << f.key;
    EXPECT_FALSE(f.doc.empty()) << schema.name << "." << f.key << " has no doc string";
    EXPECT_FALSE(f.example.empty()) << schema.name << "." << f.key << " has no example";
  }
}

TEST_F(Load, TheReferenceDocumentsEveryKeyWithADocAndAnExample) {
  const auto schema = make_config_schema(registry);
  const std::string reference = config_reference_markdown(*schema, registry);
  expect_documented(reference, schema->daemon);
  expect_documented(reference, schema->device);
  expect_documented(reference, schema->event);
  expect_documented(reference, schema->task);
  expect_documented(reference, schema->schedule);
  for (const Variant& v : schema->action.variants)
    expect_documented(reference, *v.schema);
  for (const DeviceType* t : registry.types()) {
    expect_documented(reference, t->params);
    for (const Variant& v : t->conditions.variants)
      expect_documented(reference, *v.schema);
    for (const auto& owned : t->owned) {
      if (owned->name == "register") expect_documented(reference, *owned);
    }
  }
}

}  // namespace
}  // namespace aiopid::config
