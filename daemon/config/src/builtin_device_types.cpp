// The built-in device types. Each is declared as data: its parameters, its event conditions, what `set`
// does, and the resources it holds. Names follow the HAL (lib/include/aiopi/hal/): Bias, EdgeMode, Drive.
#include "aiopid/config/builtin_device_types.hpp"

#include "aiopid/config/device_fields.hpp"

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "aiopid/config/key_path.hpp"
#include "aiopid/config/validator.hpp"

namespace aiopid::config {

std::string hex(std::int64_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02llx", static_cast<long long>(v));
  return buf;
}

// ------------------------------------------------------------------------------------ shared parameters

Field chip_field() {
  return Field{
      .key = "chip",
      .type = FieldType::string,
      .doc =
          "GPIO chip: its label (`pinctrl-bcm2711`, `pinctrl-rp1` on a Pi 5), name (`gpiochip0`) or path "
          "(`/dev/gpiochip0`); `sim` on the simulated board. Needed when `line` is an offset.",
      .example = "\"gpiochip0\"",
      .non_empty = true,
  };
}

Field line_field() {
  return Field{
      .key = "line",
      .type = FieldType::custom,
      .required = true,
      .doc = "The line: its offset on the chip (`17`) or its name (`\"GPIO17\"`, found on any chip).",
      .example = "17",
      .type_name = "integer (0 to 1023) or string",
      .check =
          [](const Node& v, const std::string& path, Validator& val) {
            if (v.is(Node::Kind::integer)) {
              if (v.as_int() >= 0 && v.as_int() <= 1023) return true;
              val.error(v.where(), path, std::to_string(v.as_int()) + " is not in the range 0 to 1023");
              return false;
            }
            if (v.is(Node::Kind::string)) {
              if (!v.as_string().empty()) return true;
              val.error(v.where(), path, "a line name cannot be empty");
              return false;
            }
            val.type_error(v, "a line offset (integer) or a line name (string)", path);
            return false;
          },
  };
}

Field bias_field(const char* default_bias) {
  return Field{.key = "bias",
               .type = FieldType::choice,
               .default_value = Node::string(default_bias),
               .doc = "Bias resistor: `as_is` leaves what the hardware or the previous user set.",
               .example = "\"pull_up\"",
               .choices = {"as_is", "off", "pull_up", "pull_down"}};
}

Field active_low_field() {
  return Field{.key = "active_low",
               .type = FieldType::boolean,
               .default_value = Node::boolean(false),
               .doc = "The line is active when low: values, edges and levels are logical (active = true).",
               .example = "true"};
}

/// A line given by offset needs its chip; a line given by name is looked up on every chip.
void check_chip_for_offset(const Node& table, const std::string& path, Validator& v) {
  const Node* line = table.find("line");
  if (line && line->is(Node::Kind::integer) && !table.contains("chip")) {
    v.error(table.where(), path,
            "missing key 'chip': a line given by offset needs its chip (a line name such as \"GPIO17\" does "
            "not)");
  }
}

std::vector<ResourceClaim> gpio_line_claim(const Node& params, const std::string& path) {
  const Node* line = params.find("line");
  if (!line) return {};
  const std::string* chip = params.get_string("chip");
  ResourceClaim c;
  c.where = line->where();
  c.path = join_key(path, "line");
  if (line->is(Node::Kind::integer)) {
    c.resource = "gpio|" + (chip ? *chip : std::string()) + "|" + std::to_string(line->as_int());
    c.what =
        "line " + std::to_string(line->as_int()) + " of GPIO chip '" + (chip ? *chip : std::string()) + "'";
  } else {
    // By name: the same name on the same (or an unnamed) chip is the same line.
    c.resource = "gpio-name|" + line->as_string();
    c.what = "GPIO line '" + line->as_string() + "'";
  }
  return {c};
}

Field threshold_field(const char* key, const char* doc) {
  return Field{.key = key, .type = FieldType::number, .required = true, .doc = doc, .example = "2.5"};
}

Field hysteresis_field() {
  return Field{
      .key = "hysteresis",
      .type = FieldType::number,
      .default_value = Node::floating(0.0),
      .doc = "The value must come back this far past the threshold before the event can be raised again.",
      .example = "0.1",
      .min = 0.0};
}

/// `above` / `below` conditions (analogue values), with extra fields (the register of a register device).
void add_threshold_conditions(DeviceType& t, const std::vector<Field>& extra, const char* value_doc) {
  for (const char* which : {"above", "below"}) {
    TableSchema s;
    s.name = std::string("condition '") + which + "'";
    s.fields = extra;
    s.fields.push_back(threshold_field(which, which[0] == 'a' ? "Raised when the value rises above this."
                                                              : "Raised when the value falls below this."));
    s.fields.push_back(hysteresis_field());
    const std::string doc = std::string("the value ") + (which[0] == 'a' ? "rises above" : "falls below") +
                            " a threshold (" + value_doc + ")";
    t.conditions.variants.push_back(Variant{which, doc, &t.own(std::move(s))});
  }
}

Field i2c_bus_field() {
  return Field{
      .key = "bus",
      .type = FieldType::custom,
      .required = true,
      .doc = "The bus: its number (`1` for `/dev/i2c-1`) or its adapter name; `sim` on the simulated board.",
      .example = "1",
      .type_name = "integer or string",
      .check = [](const Node& v, const std::string& path, Validator& val) {
        if (v.is(Node::Kind::integer)) {
          if (v.as_int() >= 0 && v.as_int() <= 1023) return true;
          val.error(v.where(), path, std::to_string(v.as_int()) + " is not in the range 0 to 1023");
          return false;
        }
        if (v.is(Node::Kind::string) && !v.as_string().empty()) return true;
        val.type_error(v, "a bus number (integer) or an adapter name (string)", path);
        return false;
      }};
}

std::vector<ResourceClaim> i2c_address_claim(const Node& params, const std::string& path) {
  const Node* bus = params.find("bus");
  const Node* address = params.find("address");
  if (!bus || !address) return {};
  const std::string bus_text =
      bus->is(Node::Kind::integer) ? std::to_string(bus->as_int()) : bus->as_string();
  return {ResourceClaim{"i2c|" + bus_text + "|" + std::to_string(address->as_int()),
                        "address " + hex(address->as_int()) + " on I2C bus " + bus_text, address->where(),
                        join_key(path, "address")}};
}

constexpr std::array<std::int64_t, 18> kBauds = {50,    75,    110,   134,    150,    200,
                                                 300,   600,   1200,  2400,   4800,   9600,
                                                 19200, 38400, 57600, 115200, 230400, 460800};
constexpr std::array<std::int64_t, 6> kFastBauds = {500000, 576000, 921600, 1000000, 2000000, 4000000};

std::vector<Field> uart_port_fields() {
  return {
      Field{
          .key = "port",
          .type = FieldType::string,
          .required = true,
          .doc =
              "The port: `/dev/serial0`, `/dev/ttyAMA0`, `/dev/ttyUSB0`. On the simulated board any name is "
              "a simulated port (`sim0`), except a pseudo-terminal (`/dev/pts/N`), which is opened for real "
              "(a test or `socat` plays the far end).",
          .example = "\"/dev/serial0\"",
          .non_empty = true},
      Field{.key = "baud",
            .type = FieldType::integer,
            .default_value = Node::integer(9600),
            .doc =
                "Bits per second: a standard rate (50 ... 460800, 500000, 576000, 921600, 1000000, 2000000, "
                "4000000).",
            .example = "115200",
            .check =
                [](const Node& v, const std::string& path, Validator& val) {
                  for (const std::int64_t b : kBauds)
                    if (v.as_int() == b) return true;
                  for (const std::int64_t b : kFastBauds)
                    if (v.as_int() == b) return true;
                  val.error(
                      v.where(), path,
                      std::to_string(v.as_int()) +
                          " is not a standard baud rate (e.g. 9600, 19200, 38400, 57600, 115200, 230400)");
                  return false;
                }},
      Field{.key = "data_bits",
            .type = FieldType::integer,
            .default_value = Node::integer(8),
            .doc = "Data bits per character.",
            .example = "7",
            .min = 5.0,
            .max = 8.0},
      Field{.key = "parity",
            .type = FieldType::choice,
            .default_value = Node::string("none"),
            .doc = "Parity bit.",
            .example = "\"even\"",
            .choices = {"none", "even", "odd"}},
      Field{.key = "stop_bits",
            .type = FieldType::integer,
            .default_value = Node::integer(1),
            .doc = "Stop bits.",
            .example = "2",
            .min = 1.0,
            .max = 2.0},
      Field{.key = "flow",
            .type = FieldType::choice,
            .default_value = Node::string("none"),
            .doc = "Flow control: hardware (`rtscts`) or software (`xonxoff`).",
            .example = "\"rtscts\"",
            .choices = {"none", "rtscts", "xonxoff"}},
  };
}

std::vector<ResourceClaim> serial_port_claim(const Node& params, const std::string& path) {
  const Node* port = params.find("port");
  if (!port) return {};
  return {ResourceClaim{"serial|" + port->as_string(), "serial port '" + port->as_string() + "'",
                        port->where(), join_key(path, "port")}};
}

namespace {

// ------------------------------------------------------------------------------------------- digital_in

std::unique_ptr<DeviceType> digital_in() {
  auto t = std::make_unique<DeviceType>();
  t->name = "digital_in";
  t->doc = "A GPIO input line with edge detection.";
  t->params.name = "device type 'digital_in'";
  t->params.fields = {
      chip_field(),
      line_field(),
      bias_field("as_is"),
      active_low_field(),
      Field{.key = "edges",
            .type = FieldType::choice,
            .default_value = Node::string("both"),
            .doc = "Which (logical) edges are detected; events can only use these.",
            .example = "\"falling\"",
            .choices = {"none", "rising", "falling", "both"}},
      Field{.key = "debounce",
            .type = FieldType::duration,
            .doc = "Ignore changes shorter than this (contact bounce). None when absent.",
            .example = "\"20ms\"",
            .min_duration = Duration{0},
            .max_duration = Duration{1'000'000}},
      // A stimulus for demos and tests of the simulated board; the Linux board ignores it (real buttons).
      Field{.key = "sim_press_every",
            .type = FieldType::duration,
            .doc = "Board `sim` only (ignored on `linux`): the simulated input is pressed (made active for "
                   "100 ms) this often, starting one period after the daemon starts. None when absent.",
            .example = "\"10s\"",
            .min_duration = Duration{200'000}},
  };
  t->params.check = check_chip_for_offset;
  t->claims = gpio_line_claim;

  TableSchema edge_schema;
  edge_schema.name = "condition 'edge'";
  edge_schema.fields = {Field{.key = "edge",
                              .type = FieldType::choice,
                              .required = true,
                              .doc = "Raised on this logical edge of the input.",
                              .example = "\"falling\"",
                              .choices = {"rising", "falling", "both"}}};
  t->conditions.name = "condition";
  t->conditions.tag_by_presence = true;
  t->conditions.variants.push_back(Variant{"edge", "an edge of the input", &t->own(std::move(edge_schema))});
  t->check_condition = [](std::string_view device, const Node& params, const Node& condition,
                          const std::string& path, Validator& v) {
    const Node* edge = condition.find("edge");
    const std::string* edges = params.get_string("edges");
    if (!edge || !edge->is(Node::Kind::string) || !edges) return;
    const std::string& want = edge->as_string();
    const bool detected = *edges == "both" || *edges == want;
    if (detected) return;
    std::string message = "device '" + std::string(device) + "' does not detect ";
    message += want == "both" ? "both edges" : want + " edges";
    message += " (its edges = " + toml_string(*edges) + ")";
    v.error(edge->where(), join_key(path, "edge"), std::move(message));
  };
  return t;
}

// ------------------------------------------------------------------------------------------ digital_out

std::unique_ptr<DeviceType> digital_out() {
  auto t = std::make_unique<DeviceType>();
  t->name = "digital_out";
  t->doc = "A GPIO output line. `set` takes `value = true | false`; `toggle` and `pulse` apply.";
  t->params.name = "device type 'digital_out'";
  t->params.fields = {
      chip_field(),
      line_field(),
      Field{.key = "initial",
            .type = FieldType::boolean,
            .default_value = Node::boolean(false),
            .doc = "Logical level set when the line is requested.",
            .example = "true"},
      Field{.key = "drive",
            .type = FieldType::choice,
            .default_value = Node::string("push_pull"),
            .doc = "How the line is driven (open drain / source where the board can).",
            .example = "\"open_drain\"",
            .choices = {"push_pull", "open_drain", "open_source"}},
      active_low_field(),
      Field{.key = "safe_state",
            .type = FieldType::boolean,
            .default_value = Node::boolean(false),
            .doc = "Logical level the output is driven to when the daemon stops (and before it exits on an "
                   "error).",
            .example = "false"},
  };
  t->params.check = check_chip_for_offset;
  t->claims = gpio_line_claim;
  t->conditions.name = "condition";
  t->conditions.tag_by_presence = true;
  t->output = OutputKind::boolean;
  t->pulsable = true;
  return t;
}

// -------------------------------------------------------------------------------------------------- pwm

std::unique_ptr<DeviceType> pwm() {
  auto t = std::make_unique<DeviceType>();
  t->name = "pwm";
  t->doc = "A PWM output (sysfs pwmchip on Linux). `set` takes the duty cycle, `value = 0.0 .. 1.0`.";
  t->params.name = "device type 'pwm'";
  t->params.fields = {
      Field{.key = "chip",
            .type = FieldType::string,
            .required = true,
            .doc = "PWM chip: `pwmchip0` or its path; `sim` on the simulated board.",
            .example = "\"pwmchip0\"",
            .non_empty = true},
      Field{.key = "channel",
            .type = FieldType::integer,
            .required = true,
            .doc = "Channel of the chip.",
            .example = "0",
            .min = 0.0,
            .max = 1023.0},
      Field{.key = "frequency",
            .type = FieldType::number,
            .default_value = Node::floating(1000.0),
            .doc = "Frequency in Hz.",
            .example = "25000",
            .min = 0.01,
            .max = 100'000'000.0},
      Field{.key = "duty",
            .type = FieldType::number,
            .default_value = Node::floating(0.0),
            .doc = "Duty cycle set when the channel is opened (0 = off, 1 = always on).",
            .example = "0.5",
            .min = 0.0,
            .max = 1.0},
      Field{.key = "polarity",
            .type = FieldType::choice,
            .default_value = Node::string("normal"),
            .doc = "`inversed` swaps the active and inactive parts of the period.",
            .example = "\"inversed\"",
            .choices = {"normal", "inversed"}},
      Field{.key = "safe_state",
            .type = FieldType::number,
            .default_value = Node::floating(0.0),
            .doc = "Duty cycle applied when the daemon stops.",
            .example = "0.0",
            .min = 0.0,
            .max = 1.0},
  };
  t->conditions.name = "condition";
  t->conditions.tag_by_presence = true;
  t->output = OutputKind::level;
  t->claims = [](const Node& params, const std::string& path) -> std::vector<ResourceClaim> {
    const std::string* chip = params.get_string("chip");
    const Node* channel = params.find("channel");
    if (!chip || !channel) return {};
    return {ResourceClaim{"pwm|" + *chip + "|" + std::to_string(channel->as_int()),
                          "channel " + std::to_string(channel->as_int()) + " of PWM chip '" + *chip + "'",
                          channel->where(), join_key(path, "channel")}};
  };
  return t;
}

// -------------------------------------------------------------------------------------------------- adc

std::unique_ptr<DeviceType> adc() {
  auto t = std::make_unique<DeviceType>();
  t->name = "adc";
  t->doc = "An ADC channel (IIO on Linux), read every `poll`. Raises events on thresholds.";
  t->params.name = "device type 'adc'";
  t->params.fields = {
      Field{.key = "device",
            .type = FieldType::string,
            .required = true,
            .doc = "IIO device: its name (`ads1015`) or `iio:deviceN`; `sim` on the simulated board.",
            .example = "\"ads1015\"",
            .non_empty = true},
      Field{.key = "channel",
            .type = FieldType::integer,
            .required = true,
            .doc = "Input channel (`in_voltageN_raw`).",
            .example = "0",
            .min = 0.0,
            .max = 255.0},
      Field{.key = "poll",
            .type = FieldType::duration,
            .default_value = Node::string("1s"),
            .doc = "How often the channel is read.",
            .example = "\"100ms\"",
            .min_duration = Duration{1000}},
      Field{.key = "scale",
            .type = FieldType::number,
            .doc = "Volts per raw count, overriding what the board reports. Without either, values are raw "
                   "counts.",
            .example = "0.000125",
            .min = 0.0},
  };
  t->conditions.name = "condition";
  t->conditions.tag_by_presence = true;
  add_threshold_conditions(*t, {}, "volts, or raw counts without a scale");
  return t;
}

// ---------------------------------------------------------------------------------- i2c_register_device

const Node* find_register(const Node& params, const std::string& name) {
  const Node* registers = params.find("registers");
  return registers ? registers->find(name) : nullptr;
}

std::unique_ptr<DeviceType> i2c_register_device() {
  auto t = std::make_unique<DeviceType>();
  t->name = "i2c_register_device";
  t->doc =
      "A device on an I2C bus seen as named registers. Readable registers are read every `poll` (for events "
      "and "
      "the API); `set` writes a writable one: `{ set = \"dac\", register = \"out\", value = 7 }`.";

  TableSchema register_schema;
  register_schema.name = "register";
  register_schema.doc = "One register of the device.";
  register_schema.fields = {
      Field{.key = "address",
            .type = FieldType::integer,
            .required = true,
            .doc = "Register address (the command byte).",
            .example = "0x05",
            .min = 0.0,
            .max = 255.0},
      Field{.key = "bytes",
            .type = FieldType::integer,
            .default_value = Node::integer(1),
            .doc = "Width: 1 (SMBus byte data) or 2 (word data).",
            .example = "2",
            .min = 1.0,
            .max = 2.0},
      Field{
          .key = "byte_order",
          .type = FieldType::choice,
          .default_value = Node::string("big"),
          .doc =
              "Order of the two bytes of a 2-byte register (`big`: most significant first, as most sensors).",
          .example = "\"little\"",
          .choices = {"big", "little"}},
      Field{.key = "signed",
            .type = FieldType::boolean,
            .default_value = Node::boolean(false),
            .doc = "The value is two's complement.",
            .example = "true"},
      Field{.key = "writable",
            .type = FieldType::boolean,
            .default_value = Node::boolean(false),
            .doc = "`set` may write it (raw values).",
            .example = "true"},
      Field{.key = "scale",
            .type = FieldType::number,
            .default_value = Node::floating(1.0),
            .doc = "The value events and the API see is the raw value times this (a TMP102's temperature "
                   "register: 0.00390625 gives degrees Celsius).",
            .example = "0.00390625"},
  };
  const TableSchema& reg_schema = t->own(std::move(register_schema));

  t->params.name = "device type 'i2c_register_device'";
  t->params.fields = {
      i2c_bus_field(),
      Field{.key = "address",
            .type = FieldType::integer,
            .required = true,
            .doc = "7-bit device address (0x08 to 0x77; the others are reserved).",
            .example = "0x48",
            .min = 8.0,
            .max = 119.0},
      Field{.key = "registers",
            .type = FieldType::map,
            .default_value = Node::table(),
            .doc = "The registers by name: `registers.temp = { address = 0x00, bytes = 2 }`.",
            .example = "{ temp = { address = 0x00, bytes = 2, signed = true } }",
            .table = &reg_schema},
      Field{.key = "poll",
            .type = FieldType::duration,
            .default_value = Node::string("1s"),
            .doc = "How often the readable registers are read.",
            .example = "\"500ms\"",
            .min_duration = Duration{1000}},
  };
  t->conditions.name = "condition";
  t->conditions.tag_by_presence = true;
  add_threshold_conditions(*t,
                           {Field{.key = "register",
                                  .type = FieldType::string,
                                  .required = true,
                                  .doc = "The register compared.",
                                  .example = "\"temp\"",
                                  .non_empty = true}},
                           "the register's value times its scale");
  t->output = OutputKind::register_value;

  t->claims = i2c_address_claim;
  t->check_condition = [](std::string_view device, const Node& params, const Node& condition,
                          const std::string& path, Validator& v) {
    const Node* name = condition.find("register");
    if (!name || !name->is(Node::Kind::string)) return;
    if (!find_register(params, name->as_string())) {
      v.error(name->where(), join_key(path, "register"),
              "device '" + std::string(device) + "' has no register '" + name->as_string() + "'");
    }
  };
  t->check_set = [](std::string_view device, const Node& params, const Node& action, const std::string& path,
                    Validator& v) {
    const Node* name = action.find("register");
    if (!name) {
      v.error(action.where(), path,
              "missing key 'register': device '" + std::string(device) + "' is written register by register");
      return;
    }
    const Node* reg = find_register(params, name->as_string());
    if (!reg) {
      v.error(name->where(), join_key(path, "register"),
              "device '" + std::string(device) + "' has no register '" + name->as_string() + "'");
      return;
    }
    if (!reg->get_bool("writable", false)) {
      v.error(name->where(), join_key(path, "register"),
              "register '" + name->as_string() + "' of device '" + std::string(device) +
                  "' is not writable (add writable = true to it)");
      return;
    }
    const Node* value = action.find("value");
    if (!value) return;
    if (!value->is(Node::Kind::integer)) {
      v.type_error(*value, "an integer (a register value)", join_key(path, "value"));
      return;
    }
    const std::int64_t bits = 8 * reg->get_int("bytes", 1);
    const bool is_signed = reg->get_bool("signed", false);
    const std::int64_t lo = is_signed ? -(std::int64_t{1} << (bits - 1)) : 0;
    const std::int64_t hi = is_signed ? (std::int64_t{1} << (bits - 1)) - 1 : (std::int64_t{1} << bits) - 1;
    if (value->as_int() < lo || value->as_int() > hi) {
      v.error(value->where(), join_key(path, "value"),
              std::to_string(value->as_int()) + " does not fit register '" + name->as_string() + "' (" +
                  std::to_string(lo) + " to " + std::to_string(hi) + ")");
    }
  };
  return t;
}

// ------------------------------------------------------------------------------------- uart_line_reader

std::unique_ptr<DeviceType> uart_line_reader() {
  auto t = std::make_unique<DeviceType>();
  t->name = "uart_line_reader";
  t->doc = "A serial port read line by line (GPS, a modem, another microcontroller). Raises events on lines.";
  t->params.name = "device type 'uart_line_reader'";
  t->params.fields = uart_port_fields();
  t->conditions.name = "condition";
  t->conditions.tag_by_presence = true;
  const std::array<std::pair<const char*, const char*>, 3> line_conditions = {{
      {"contains", "a line contains this text"},
      {"equals", "a line is exactly this text (without the line ending)"},
      {"starts_with", "a line starts with this text"},
  }};
  for (const auto& [key, doc] : line_conditions) {
    TableSchema s;
    s.name = std::string("condition '") + key + "'";
    s.fields = {Field{.key = key,
                      .type = FieldType::string,
                      .required = true,
                      .doc = std::string("Raised when ") + doc + ".",
                      .example = "\"$GPRMC\"",
                      .non_empty = true}};
    t->conditions.variants.push_back(Variant{key, doc, &t->own(std::move(s))});
  }
  t->claims = serial_port_claim;
  return t;
}

}  // namespace

void register_builtin_device_types(DeviceTypeRegistry& registry) {
  registry.add(digital_in());
  registry.add(digital_out());
  registry.add(pwm());
  registry.add(adc());
  registry.add(i2c_register_device());
  registry.add(uart_line_reader());
}

DeviceTypeRegistry builtin_device_registry() {
  DeviceTypeRegistry registry;
  register_builtin_device_types(registry);
  return registry;
}

}  // namespace aiopid::config
