// The device types of the drivers (drivers/, docs/drivers.md): declared as data like the built-in ones. A
// driver's events are chosen in an event table by `on = "EVENT"`; its readings (with units) are what the API
// reads. The keys follow the drivers' Config structs with their defaults; durations are written as the rest
// of the file writes them ("50ms", "1s").
#include "aiopid/config/driver_device_types.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "aiopid/config/builtin_device_types.hpp"
#include "aiopid/config/device_fields.hpp"
#include "aiopid/config/duration.hpp"
#include "aiopid/config/key_path.hpp"
#include "aiopid/config/validator.hpp"

namespace aiopid::config {
namespace {

constexpr Duration ms(std::int64_t n) {
  return Duration{n * 1000};
}

/// `line` renamed (`line_a`, `rs`) with its own doc.
Field named_line_field(const char* key, const char* doc, const char* example) {
  Field f = line_field();
  f.key = key;
  f.doc = doc;
  f.example = example;
  return f;
}

Field duration_field(const char* key, const char* default_text, const char* doc, const char* example,
                     Duration min, Duration max) {
  return Field{.key = key,
               .type = FieldType::duration,
               .default_value = Node::string(default_text),
               .doc = doc,
               .example = example,
               .min_duration = min,
               .max_duration = max};
}

Field debounce_field(const char* what) {
  return duration_field("debounce", "50ms",
                        (std::string("After a change the line is ignored this long, then read again (contact "
                                     "bounce shorter than this is ignored); ") +
                         what)
                            .c_str(),
                        "\"20ms\"", ms(1), ms(1000));
}

/// The `on = "EVENT"` condition: the driver's events by name, with extra filter keys.
void add_on_condition(DeviceType& t, std::vector<std::string> events, const std::vector<Field>& extra = {}) {
  TableSchema s;
  s.name = "condition 'on'";
  std::string list;
  for (const std::string& e : events)
    list += (list.empty() ? "`" : ", `") + e + "`";
  s.fields = {Field{.key = "on",
                    .type = FieldType::choice,
                    .required = true,
                    .doc = "Raised on this event of the device (" + list + ").",
                    .example = "\"" + events.front() + "\"",
                    .choices = std::move(events)}};
  for (const Field& f : extra)
    s.fields.push_back(f);
  t.conditions.name = "condition";
  t.conditions.tag_by_presence = true;
  t.conditions.variants.push_back(Variant{"on", "an event of the device", &t.own(std::move(s))});
}

/// `above` / `below` on one of the named numeric readings.
void add_reading_thresholds(DeviceType& t, std::vector<std::string> readings, const char* value_doc) {
  const std::string example = "\"" + readings.front() + "\"";
  add_threshold_conditions(t,
                           {Field{.key = "reading",
                                  .type = FieldType::choice,
                                  .required = true,
                                  .doc = "The reading compared.",
                                  .example = example,
                                  .choices = std::move(readings)}},
                           value_doc);
}

Field sim_every_field(const char* key, const char* doc) {
  return Field{
      .key = key, .type = FieldType::duration, .doc = doc, .example = "\"10s\"", .min_duration = ms(200)};
}

std::vector<ResourceClaim> lines_claim(const Node& params, const std::string& path,
                                       const std::vector<std::string>& keys) {
  std::vector<ResourceClaim> out;
  for (const std::string& key : keys) {
    const Node* line = params.find(key);
    if (line == nullptr) continue;
    Node single = Node::table();
    if (const Node* chip = params.find("chip")) single.append("chip", chip->where(), *chip);
    single.append("line", line->where(), *line);
    for (ResourceClaim c : gpio_line_claim(single, path)) {
      c.path = join_key(path, key);
      out.push_back(std::move(c));
    }
  }
  return out;
}

/// A list of GPIO lines (`rows`, `cols` of a keypad): offsets or names.
Field line_list_field(const char* key, const char* doc, const char* example) {
  auto element = std::make_shared<Field>(line_field());
  return Field{.key = key,
               .type = FieldType::list,
               .required = true,
               .doc = doc,
               .example = example,
               .non_empty = true,
               .element = element};
}

std::vector<ResourceClaim> line_list_claim(const Node& params, const std::string& path,
                                           const std::vector<std::string>& keys) {
  std::vector<ResourceClaim> out;
  for (const std::string& key : keys) {
    const Node* list = params.find(key);
    if (list == nullptr || !list->is(Node::Kind::array)) continue;
    std::size_t i = 0;
    for (const Node& line : list->items()) {
      Node single = Node::table();
      if (const Node* chip = params.find("chip")) single.append("chip", chip->where(), *chip);
      single.append("line", line.where(), line);
      for (ResourceClaim c : gpio_line_claim(single, path)) {
        c.path = join_key(path, key) + "[" + std::to_string(i) + "]";
        out.push_back(std::move(c));
      }
      ++i;
    }
  }
  return out;
}

/// A device with several lines needs `chip` when any is an offset.
void check_chip_for_offsets(const Node& table, const std::string& path, Validator& v,
                            const std::vector<std::string>& keys) {
  if (table.contains("chip")) return;
  for (const std::string& key : keys) {
    const Node* n = table.find(key);
    if (n == nullptr) continue;
    const bool offset =
        n->is(Node::Kind::integer) || (n->is(Node::Kind::array) && !n->items().empty() &&
                                       std::any_of(n->items().begin(), n->items().end(),
                                                   [](const Node& x) { return x.is(Node::Kind::integer); }));
    if (offset) {
      v.error(table.where(), path,
              "missing key 'chip': a line given by offset needs its chip (a line name such as \"GPIO17\" "
              "does not)");
      return;
    }
  }
}

Duration duration_of(const Node& table, const char* key, Duration fallback) {
  const std::string* text = table.get_string(key);
  if (text == nullptr) return fallback;
  auto parsed = parse_duration(*text);
  return parsed ? *parsed : fallback;
}

/// The timing keys of a button-like device: double_click must be shorter than long_press.
void check_button_times(const Node& table, const std::string& path, Validator& v) {
  const Duration dbl = duration_of(table, "double_click", ms(400));
  const Duration lng = duration_of(table, "long_press", ms(1000));
  if (dbl >= lng) {
    const Node* n = table.find("double_click");
    v.error(n ? n->where() : table.where(), join_key(path, "double_click"),
            "double_click (" + format_duration(dbl) + ") must be shorter than long_press (" +
                format_duration(lng) + ")");
  }
}

Field sim_press_for_field() {
  return duration_field("sim_press_for", "100ms",
                        "Board `sim` only: how long each simulated press lasts (longer than `long_press` "
                        "makes a long press).",
                        "\"2s\"", ms(20), ms(60'000));
}

// ------------------------------------------------------------------------------------------- pushbutton

std::unique_ptr<DeviceType> pushbutton() {
  auto t = std::make_unique<DeviceType>();
  t->name = "pushbutton";
  t->doc =
      "A push button on a GPIO line (the Pushbutton or EButton driver, docs/drivers.md): press, release, "
      "double click and long press, with the seed's `suppress` mode. Reading: `pressed`.";
  t->params.name = "device type 'pushbutton'";
  t->params.fields = {
      chip_field(),
      line_field(),
      bias_field("as_is"),
      Field{.key = "sense",
            .type = FieldType::choice,
            .default_value = Node::string("auto"),
            .doc = "The electrical level of the released button: `low` (a button to 3V3 with a pull-down), "
                   "`high` (to ground with a pull-up), or `auto`: the level read at the start is taken as "
                   "released.",
            .example = "\"high\"",
            .choices = {"auto", "low", "high"}},
      debounce_field("the press itself is reported at its first edge."),
      Field{.key = "model",
            .type = FieldType::choice,
            .default_value = Node::string("pushbutton"),
            .doc = "The driver: `pushbutton` (the seed's Pushbutton: with `suppress`, only `release` is held "
                   "back) or `ebutton` (EButton: with `suppress`, a short press reports `press` and "
                   "`release` together once `double_click` has passed). docs/drivers.md has both tables.",
            .example = "\"ebutton\"",
            .choices = {"pushbutton", "ebutton"}},
      duration_field("long_press", "1s", "A press held this long raises `long`.", "\"2s\"", ms(10),
                     ms(3'600'000)),
      duration_field("double_click", "400ms",
                     "A second press this soon after the first raises `double` (shorter than `long_press`).",
                     "\"300ms\"", ms(10), ms(60'000)),
      Field{.key = "suppress",
            .type = FieldType::boolean,
            .default_value = Node::boolean(false),
            .doc = "`release` is not raised after a double click or a long press, and after a short press "
                   "only once `double_click` has passed without a second press.",
            .example = "true"},
      sim_every_field("sim_press_every",
                      "Board `sim` only (ignored on `linux`): the simulated button is pressed this often "
                      "(`sim_clicks` times, `sim_press_for` each), starting one period after the device "
                      "opens. None when absent."),
      sim_press_for_field(),
      Field{.key = "sim_clicks",
            .type = FieldType::integer,
            .default_value = Node::integer(1),
            .doc = "Board `sim` only: presses per simulated gesture, 100 ms apart (2 = a double click).",
            .example = "2",
            .min = 1.0,
            .max = 3.0},
  };
  t->params.check = [](const Node& table, const std::string& path, Validator& v) {
    check_chip_for_offset(table, path, v);
    check_button_times(table, path, v);
  };
  t->claims = gpio_line_claim;
  add_on_condition(*t, {"press", "release", "double", "long"});
  return t;
}

// ----------------------------------------------------------------------------------------------- switch

std::unique_ptr<DeviceType> switch_type() {
  auto t = std::make_unique<DeviceType>();
  t->name = "switch";
  t->doc =
      "A switch or contact on a GPIO line (the Switch driver), debounced: events `close` and `open`. "
      "Reading: "
      "`closed`.";
  t->params.name = "device type 'switch'";
  t->params.fields = {
      chip_field(),
      line_field(),
      bias_field("pull_up"),
      Field{.key = "open_level",
            .type = FieldType::choice,
            .default_value = Node::string("high"),
            .doc = "The electrical level of the open switch: `high` (a switch to ground with a pull-up, the "
                   "seed's default) or `low`.",
            .example = "\"low\"",
            .choices = {"high", "low"}},
      debounce_field("the line is sampled every debounce period."),
      Field{.key = "model",
            .type = FieldType::choice,
            .default_value = Node::string("switch"),
            .doc =
                "The driver: `switch` (the seed's Switch) or `eswitch` (ESwitch, its Event-only form); the "
                "daemon sees the same events from both.",
            .example = "\"eswitch\"",
            .choices = {"switch", "eswitch"}},
      sim_every_field("sim_press_every",
                      "Board `sim` only (ignored on `linux`): the simulated switch is closed this often for "
                      "`sim_press_for`. None when absent."),
      sim_press_for_field(),
  };
  t->params.check = check_chip_for_offset;
  t->claims = gpio_line_claim;
  add_on_condition(*t, {"close", "open"});
  return t;
}

// ---------------------------------------------------------------------------------------------- encoder

std::unique_ptr<DeviceType> encoder() {
  auto t = std::make_unique<DeviceType>();
  t->name = "encoder";
  t->doc =
      "A quadrature rotary encoder on two GPIO lines (the Encoder driver): its `position`, divided, limited "
      "and wrapped as the seed does; event `change` (with the position and the delta).";
  t->params.name = "device type 'encoder'";
  t->params.fields = {
      chip_field(),
      named_line_field("line_a", "The encoder's A (x) line: offset or name.", "17"),
      named_line_field("line_b", "The encoder's B (y) line: offset or name.", "18"),
      bias_field("as_is"),
      Field{.key = "initial",
            .type = FieldType::integer,
            .default_value = Node::integer(0),
            .doc = "The position at the start.",
            .example = "50"},
      Field{.key = "div",
            .type = FieldType::integer,
            .default_value = Node::integer(1),
            .doc = "Quadrature edges per position step (4 for most detented knobs).",
            .example = "4",
            .min = 1.0,
            .max = 1024.0},
      Field{.key = "min",
            .type = FieldType::integer,
            .doc = "The lowest position (none when absent).",
            .example = "0"},
      Field{.key = "max",
            .type = FieldType::integer,
            .doc = "The highest position (none when absent).",
            .example = "100"},
      Field{.key = "wrap",
            .type = FieldType::integer,
            .doc = "The position is taken modulo this (0 to wrap - 1), after the limits. None when absent.",
            .example = "360",
            .min = 1.0},
      duration_field("delay", "100ms",
                     "Changes are reported at most this often (the seed's `delay`): intermediate positions "
                     "are skipped.",
                     "\"50ms\"", ms(0), ms(10'000)),
      sim_every_field("sim_step_every",
                      "Board `sim` only: the simulated knob turns one position (`div` quadrature edges) "
                      "clockwise this often. None when absent."),
  };
  t->params.check = [](const Node& table, const std::string& path, Validator& v) {
    check_chip_for_offsets(table, path, v, {"line_a", "line_b"});
    const Node* lo = table.find("min");
    const Node* hi = table.find("max");
    if (lo && hi && lo->as_int() > hi->as_int()) {
      v.error(
          lo->where(), join_key(path, "min"),
          "min (" + std::to_string(lo->as_int()) + ") is above max (" + std::to_string(hi->as_int()) + ")");
      return;
    }
    const std::int64_t initial = table.get_int("initial", 0);
    const Node* below = lo && initial < lo->as_int() ? lo : nullptr;
    const Node* above = hi && initial > hi->as_int() ? hi : nullptr;
    if (below || above) {
      // At `initial` when it was written, else at the limit it breaks (the default 0 has no place).
      const Node* n = table.find("initial");
      const bool written = n && n->where().from_file();
      const Node* at = written ? n : (below ? below : above);
      v.error(at->where(), join_key(path, written ? "initial" : (below ? "min" : "max")),
              "the initial position " + std::to_string(initial) + " is outside min .. max (set `initial`)");
    }
  };
  t->claims = [](const Node& params, const std::string& path) {
    return lines_claim(params, path, {"line_a", "line_b"});
  };
  add_on_condition(*t, {"change"});
  add_reading_thresholds(*t, {"position"}, "the position");
  return t;
}

// ----------------------------------------------------------------------------------------- adc_trigger

std::unique_ptr<DeviceType> adc_trigger() {
  auto t = std::make_unique<DeviceType>();
  t->name = "adc_trigger";
  t->doc =
      "An ADC channel watched against a window (the AADC driver): event `out_of_range` when the 16-bit value "
      "leaves [low, high], then `in_range` when it comes back (one event per crossing, not per poll). "
      "Readings: `value` (counts, 0 .. 65535), `in_range`.";
  t->params.name = "device type 'adc_trigger'";
  t->params.fields = {
      Field{.key = "device",
            .type = FieldType::string,
            .required = true,
            .doc = "IIO device: its name (`ads1015`) or `iio:deviceN`; `sim` on the simulated board (a "
                   "triangle wave, 20 s period).",
            .example = "\"ads1015\"",
            .non_empty = true},
      Field{.key = "channel",
            .type = FieldType::integer,
            .required = true,
            .doc = "Input channel (`in_voltageN_raw`).",
            .example = "0",
            .min = 0.0,
            .max = 255.0},
      Field{.key = "low",
            .type = FieldType::integer,
            .required = true,
            .doc = "The window's low bound (0 .. 65535, the 16-bit scale of `read_u16`).",
            .example = "10000",
            .min = 0.0,
            .max = 65535.0},
      Field{.key = "high",
            .type = FieldType::integer,
            .required = true,
            .doc = "The window's high bound.",
            .example = "50000",
            .min = 0.0,
            .max = 65535.0},
      duration_field("poll", "100ms", "How often the channel is read.", "\"20ms\"", ms(1), ms(3'600'000)),
  };
  t->params.check = [](const Node& table, const std::string& path, Validator& v) {
    if (table.get_int("low", 0) > table.get_int("high", 65535)) {
      const Node* n = table.find("low");
      v.error(n ? n->where() : table.where(), join_key(path, "low"), "low is above high");
    }
  };
  add_on_condition(*t, {"out_of_range", "in_range"});
  return t;
}

// ------------------------------------------------------------------------------- keypad, switch_array

std::vector<Field> matrix_fields() {
  return {
      chip_field(),
      line_list_field("rows", "The row lines (driven low one at a time, open drain, idle high).",
                      "[5, 6, 13, 19]"),
      line_list_field("cols", "The column lines (inputs with pull-ups; a pressed key reads low).",
                      "[12, 16, 20, 21]"),
      sim_every_field(
          "sim_key_every",
          "Board `sim` only (ignored on `linux`): a simulated matrix is wired behind the lines and "
          "key `sim_key` is pressed this often, `sim_press_for` each time, starting one period "
          "after the device opens. None when absent."),
      Field{.key = "sim_key",
            .type = FieldType::integer,
            .default_value = Node::integer(0),
            .doc = "Board `sim` only: the scan code of the simulated key (row x number of columns + column).",
            .example = "5",
            .min = 0.0,
            .max = 1023.0},
      sim_press_for_field(),
  };
}

/// `sim_key` must be a key of the matrix: a scan code below rows x cols.
void check_sim_key(const Node& table, const std::string& path, Validator& v) {
  const Node* key = table.find("sim_key");
  const Node* rows = table.find("rows");
  const Node* cols = table.find("cols");
  if (key == nullptr || rows == nullptr || cols == nullptr || key->kind() != Node::Kind::integer) return;
  const auto keys = static_cast<std::int64_t>(rows->items().size() * cols->items().size());
  if (key->as_int() >= keys)
    v.error(key->where(), join_key(path, "sim_key"),
            "sim_key " + std::to_string(key->as_int()) + " is not a key of this " +
                std::to_string(rows->items().size()) + " x " + std::to_string(cols->items().size()) +
                " matrix (scan codes 0.." + std::to_string(keys - 1) + ")");
}

void add_matrix_claims_and_checks(DeviceType& t) {
  t.claims = [](const Node& params, const std::string& path) {
    return line_list_claim(params, path, {"rows", "cols"});
  };
}

Field key_filter_field() {
  return Field{.key = "key",
               .type = FieldType::integer,
               .doc = "Only this scan code (none: any key).",
               .example = "3",
               .min = 0.0,
               .max = 1023.0};
}

std::unique_ptr<DeviceType> keypad() {
  auto t = std::make_unique<DeviceType>();
  t->name = "keypad";
  t->doc =
      "A crosspoint keypad (the Keyboard driver): event `press` with the scan code of each newly pressed key "
      "(`key` = row x number of columns + column, and its `row` and `col`). Reading: `last_key`.";
  t->params.name = "device type 'keypad'";
  t->params.fields = matrix_fields();
  t->params.fields.push_back(duration_field("debounce", "50ms", "The pause after a scan that saw a change.",
                                            "\"20ms\"", ms(1), ms(1000)));
  t->params.check = [](const Node& table, const std::string& path, Validator& v) {
    check_chip_for_offsets(table, path, v, {"rows", "cols"});
    check_sim_key(table, path, v);
  };
  add_matrix_claims_and_checks(*t);
  add_on_condition(*t, {"press"}, {key_filter_field()});
  return t;
}

std::unique_ptr<DeviceType> switch_array() {
  auto t = std::make_unique<DeviceType>();
  t->name = "switch_array";
  t->doc =
      "A crosspoint array of switches or buttons (the SwArray driver): events `close`, `open`, `long`, "
      "`double` with the key's scan code `key` (and its `row` and `col`). Reading: `last_key`.";
  t->params.name = "device type 'switch_array'";
  t->params.fields = matrix_fields();
  t->params.fields.push_back(
      Field{.key = "events",
            .type = FieldType::list,
            .default_value = Node::array(),
            .doc = "The events reported (the seed's `cfg`): any of `close`, `open`, "
                   "`long`, `double`; none listed = close and open.",
            .example = "[\"close\", \"long\", \"double\"]",
            .element = std::make_shared<Field>(
                Field{.type = FieldType::choice, .choices = {"close", "open", "long", "double"}}),
            .single_allowed = true});
  t->params.fields.push_back(Field{.key = "suppress",
                                   .type = FieldType::boolean,
                                   .default_value = Node::boolean(false),
                                   .doc = "The seed's SUPPRESS: `close` / `open` of a double click or a long "
                                          "press are not reported.",
                                   .example = "true"});
  t->params.fields.push_back(
      duration_field("debounce", "50ms", "Debounce time.", "\"20ms\"", ms(1), ms(1000)));
  t->params.fields.push_back(duration_field("long_press", "1s", "A key held this long raises `long`.",
                                            "\"2s\"", ms(10), ms(3'600'000)));
  t->params.fields.push_back(duration_field(
      "double_click", "400ms", "A second press this soon raises `double`.", "\"300ms\"", ms(10), ms(60'000)));
  t->params.check = [](const Node& table, const std::string& path, Validator& v) {
    check_chip_for_offsets(table, path, v, {"rows", "cols"});
    check_sim_key(table, path, v);
    check_button_times(table, path, v);
  };
  add_matrix_claims_and_checks(*t);
  add_on_condition(*t, {"close", "open", "long", "double"}, {key_filter_field()});
  return t;
}

// -------------------------------------------------------------------------------------------------- gps

std::unique_ptr<DeviceType> gps() {
  auto t = std::make_unique<DeviceType>();
  t->name = "gps";
  t->doc =
      "An NMEA-0183 GPS receiver on a serial port (the GPS driver). Readings: `latitude`, `longitude` (°, "
      "south and west negative), `altitude` (m), `speed` (km/h), `course` (°), `satellites_in_use`, "
      "`satellites_in_view`, `hdop`, `utc` (the fix's date and time). Events: `fix` on each valid RMC (once "
      "a "
      "second), `satellites` on each complete GSV set. On "
      "the simulated board a simulated port receives a fix every second.";
  t->params.name = "device type 'gps'";
  t->params.fields = uart_port_fields();
  t->params.fields.push_back(Field{.key = "local_offset",
                                   .type = FieldType::number,
                                   .default_value = Node::floating(0.0),
                                   .doc = "Hours added to UTC for the local time and date (e.g. -5.5).",
                                   .example = "1",
                                   .min = -14.0,
                                   .max = 14.0});
  t->claims = serial_port_claim;
  add_on_condition(*t, {"fix", "satellites"});
  add_reading_thresholds(*t, {"speed", "altitude", "latitude", "longitude", "satellites_in_use"},
                         "km/h, m, degrees or a count");
  return t;
}

// ----------------------------------------------------------------------------------------------- htu21d

std::unique_ptr<DeviceType> htu21d() {
  auto t = std::make_unique<DeviceType>();
  t->name = "htu21d";
  t->doc =
      "An HTU21D (or Si7021) temperature and humidity sensor on I2C (the HTU21D driver). Readings: "
      "`temperature` (°C), `humidity` (%RH), every `period`. Failed reads (CRC, NACK) are logged, shown as "
      "the "
      "device's error and retried every period. On the simulated board a simulated chip answers.";
  t->params.name = "device type 'htu21d'";
  t->params.fields = {
      i2c_bus_field(),
      Field{.key = "address",
            .type = FieldType::integer,
            .default_value = Node::integer(0x40),
            .doc = "7-bit device address.",
            .example = "0x40",
            .min = 8.0,
            .max = 119.0},
      duration_field("period", "10s", "Time between two measurements (the seed's `read_delay`).", "\"30s\"",
                     ms(200), ms(86'400'000)),
  };
  t->claims = i2c_address_claim;
  add_on_condition(*t, {"reading"});
  add_reading_thresholds(*t, {"temperature", "humidity"}, "°C or %RH");
  return t;
}

// ----------------------------------------------------------------------------------------------- nec_ir

std::unique_ptr<DeviceType> nec_ir() {
  auto t = std::make_unique<DeviceType>();
  t->name = "nec_ir";
  t->doc =
      "An NEC infrared remote receiver (a TSOP4838 or similar on a GPIO line; the NEC IR driver): event "
      "`code` with `data` (0..255) and `address`, `repeat` while a key is held, `error` with the seed's "
      "error "
      "code.";
  t->params.name = "device type 'nec_ir'";
  t->params.fields = {
      chip_field(),
      line_field(),
      bias_field("as_is"),
      Field{.key = "extended",
            .type = FieldType::boolean,
            .default_value = Node::boolean(true),
            .doc = "Accept 16-bit addresses; `false`: 8-bit addresses, checked against their complement "
                   "(a mismatch is an `error`).",
            .example = "true"},
      sim_every_field("sim_code_every",
                      "Board `sim` only: a simulated remote sends `sim_code` this often. None when absent."),
      Field{.key = "sim_code",
            .type = FieldType::integer,
            .default_value = Node::integer(0x40),
            .doc = "Board `sim` only: the data byte the simulated remote sends (address 0x00).",
            .example = "0x16",
            .min = 0.0,
            .max = 255.0},
  };
  t->params.check = check_chip_for_offset;
  t->claims = gpio_line_claim;
  add_on_condition(*t, {"code", "repeat", "error"},
                   {Field{.key = "data",
                          .type = FieldType::integer,
                          .doc = "Only this data byte (none: any).",
                          .example = "0x16",
                          .min = 0.0,
                          .max = 255.0},
                    Field{.key = "address",
                          .type = FieldType::integer,
                          .doc = "Only this address (none: any).",
                          .example = "0",
                          .min = 0.0,
                          .max = 65535.0}});
  return t;
}

// ---------------------------------------------------------------------------------------------- hd44780

std::unique_ptr<DeviceType> hd44780() {
  auto t = std::make_unique<DeviceType>();
  t->name = "hd44780";
  t->doc =
      "A character LCD with an HD44780 controller in 4-bit mode on six GPIO lines (the HD44780 driver). "
      "`set` "
      "writes text: `{ set = \"lcd\", value = \"Hello\", row = 1 }`; its lines go to successive rows, each "
      "padded "
      "or cut to `cols`. Readings: `row0`, `row1`, ... as shown.";
  t->params.name = "device type 'hd44780'";
  t->params.fields = {
      chip_field(),
      named_line_field("rs", "The RS (register select) line.", "7"),
      named_line_field("e", "The E (enable) line.", "8"),
      named_line_field("d4", "Data line D4.", "25"),
      named_line_field("d5", "Data line D5.", "24"),
      named_line_field("d6", "Data line D6.", "23"),
      named_line_field("d7", "Data line D7.", "18"),
      Field{.key = "cols",
            .type = FieldType::integer,
            .default_value = Node::integer(16),
            .doc = "Characters per row.",
            .example = "20",
            .min = 1.0,
            .max = 40.0},
      Field{.key = "rows",
            .type = FieldType::integer,
            .default_value = Node::integer(2),
            .doc = "Rows (1 to 4).",
            .example = "4",
            .min = 1.0,
            .max = 4.0},
  };
  t->params.check = [](const Node& table, const std::string& path, Validator& v) {
    check_chip_for_offsets(table, path, v, {"rs", "e", "d4", "d5", "d6", "d7"});
  };
  t->claims = [](const Node& params, const std::string& path) {
    return lines_claim(params, path, {"rs", "e", "d4", "d5", "d6", "d7"});
  };
  t->conditions.name = "condition";
  t->conditions.tag_by_presence = true;
  t->output = OutputKind::text;
  t->check_set = [](std::string_view device, const Node& params, const Node& action, const std::string& path,
                    Validator& v) {
    const Node* value = action.find("value");
    if (value == nullptr || !value->is(Node::Kind::string)) return;
    std::int64_t lines = 1;
    for (const char c : value->as_string())
      lines += c == '\n' ? 1 : 0;
    const std::int64_t rows = params.get_int("rows", 2);
    const std::int64_t row = action.get_int("row", 0);
    if (row + lines > rows) {
      const Node* at = action.find("row");
      v.error(at ? at->where() : value->where(), join_key(path, at ? "row" : "value"),
              "the text's " + std::to_string(lines) + " line(s) from row " + std::to_string(row) +
                  " do not fit device '" + std::string(device) + "' (" + std::to_string(rows) + " rows)");
    }
  };
  return t;
}

}  // namespace

void register_driver_device_types(DeviceTypeRegistry& registry) {
  registry.add(pushbutton());
  registry.add(switch_type());
  registry.add(encoder());
  registry.add(adc_trigger());
  registry.add(keypad());
  registry.add(switch_array());
  registry.add(gps());
  registry.add(htu21d());
  registry.add(nec_ir());
  registry.add(hd44780());
}

DeviceTypeRegistry aiopid_device_registry() {
  DeviceTypeRegistry registry;
  register_builtin_device_types(registry);
  register_driver_device_types(registry);
  return registry;
}

}  // namespace aiopid::config
