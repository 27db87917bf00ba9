// The keys of the device types the Pico runs, as the tether protocol names them (docs/design/pico-tether.md,
// "Device types and params"): the daemon checks them here so that a wrong pin is a config error with its
// file:line:col, not a -32602 from the Pico at run time. Defaults are the protocol's.
#include "aiopid/config/board_device_types.hpp"

#include <array>

#include "aiopid/config/device_fields.hpp"
#include "aiopid/config/key_path.hpp"
#include "aiopid/config/validator.hpp"

namespace aiopid::config {
namespace {

/// The GPIO pins of the RP2040 that reach the Pico's header.
constexpr std::int64_t kLastPin = 29;
/// UART0 on GP0 / GP1: the tether itself.
bool tether_pin(std::int64_t pin) {
  return pin == 0 || pin == 1;
}

Field pin_field(const char* key, const char* doc) {
  return Field{.key = key,
               .type = FieldType::integer,
               .required = true,
               .doc = doc,
               .example = "15",
               .min = 0.0,
               .max = static_cast<double>(kLastPin),
               .check = [](const Node& v, const std::string& path, Validator& val) {
                 if (!tether_pin(v.as_int())) return true;
                 val.error(v.where(), path,
                           "GP" + std::to_string(v.as_int()) +
                               " is the tether's UART0 (GP0 TX, GP1 RX): choose another pin");
                 return false;
               }};
}

Field bool_field(const char* key, bool value, const char* doc) {
  return Field{.key = key,
               .type = FieldType::boolean,
               .default_value = Node::boolean(value),
               .doc = doc,
               .example = value ? "false" : "true"};
}

Field ms_field(const char* key, std::int64_t value, const char* doc, std::int64_t max, double min = 1.0) {
  return Field{.key = key,
               .type = FieldType::integer,
               .default_value = Node::integer(value),
               .doc = doc,
               .example = std::to_string(value * 2),
               .min = min,
               .max = static_cast<double>(max)};
}

Field board_bias_field(const char* default_bias) {
  Field f = bias_field(default_bias);
  f.doc = "The pin's pull resistor (`as_is`: as the Pico left it).";
  return f;
}

void digital_out(TableSchema& s) {
  s.fields = {
      pin_field("pin", "The Pico's GPIO (GP2 to GP29; GP0 and GP1 carry the tether)."),
      bool_field("initial", false, "Logical level set when the Pico opens the pin."),
      bool_field("active_low", false, "The pin is active when low: values are logical."),
      Field{.key = "drive",
            .type = FieldType::choice,
            .default_value = Node::string("push_pull"),
            .doc = "How the pin is driven.",
            .example = "\"open_drain\"",
            .choices = {"push_pull", "open_drain"}},
      bool_field("safe_state", false,
                 "Logical level the daemon sets on the Pico when it stops (if the link is up then)."),
  };
}

void digital_in(TableSchema& s) {
  s.fields = {
      pin_field("pin", "The Pico's GPIO (GP2 to GP29)."),
      board_bias_field("as_is"),
      bool_field("active_low", false, "The pin is active when low: values and edges are logical."),
      Field{.key = "edges",
            .type = FieldType::choice,
            .default_value = Node::string("both"),
            .doc = "Which (logical) edges the Pico reports; events can only use these.",
            .example = "\"falling\"",
            .choices = {"none", "rising", "falling", "both"}},
  };
}

void pwm(TableSchema& s) {
  s.fields = {
      pin_field("pin", "The Pico's GPIO (each pin has a PWM slice channel)."),
      Field{.key = "frequency",
            .type = FieldType::integer,
            .default_value = Node::integer(1000),
            .doc = "Frequency in Hz (a whole number, as the Pico takes it).",
            .example = "25000",
            .min = 1.0,
            .max = 62'500'000.0},
      Field{.key = "duty",
            .type = FieldType::number,
            .default_value = Node::floating(0.0),
            .doc = "Duty cycle the daemon sets once the Pico has opened the pin.",
            .example = "0.5",
            .min = 0.0,
            .max = 1.0},
      Field{.key = "safe_state",
            .type = FieldType::number,
            .default_value = Node::floating(0.0),
            .doc = "Duty cycle the daemon sets on the Pico when it stops (if the link is up then).",
            .example = "0.0",
            .min = 0.0,
            .max = 1.0},
  };
}

void adc(TableSchema& s) {
  s.fields = {
      Field{.key = "channel",
            .type = FieldType::integer,
            .required = true,
            .doc = "ADC input 0 to 3 (GP26 to GP29) or 4 (the RP2040's temperature sensor).",
            .example = "0",
            .min = 0.0,
            .max = 4.0},
      Field{.key = "vref",
            .type = FieldType::number,
            .default_value = Node::floating(3.3),
            .doc = "The ADC's reference voltage: readings are in volts of it.",
            .example = "3.0",
            .min = 0.1,
            .max = 5.0},
      // The daemon's own key: the Pico only reads when asked, so the link asks every `poll` (which is what
      // drives the thresholds, as for an adc on the daemon's board).
      Field{.key = "poll",
            .type = FieldType::duration,
            .default_value = Node::string("1s"),
            .doc = "How often the daemon reads the channel over the link (its value and thresholds follow).",
            .example = "\"250ms\"",
            .min_duration = Duration{1000}},
  };
}

void pushbutton(TableSchema& s) {
  s.fields = {
      pin_field("pin", "The Pico's GPIO the button is on."),
      bool_field("active_low", true,
                 "The button pulls the pin low when pressed (to ground, with a pull-up)."),
      board_bias_field("pull_up"),
      ms_field("debounce_ms", 50, "Contact bounce shorter than this is ignored (ms; 0: none).", 10'000, 0.0),
      ms_field("long_press_ms", 1000, "A press held this long raises `long` (ms).", 3'600'000),
      ms_field("double_click_ms", 400, "A second press this soon after the first raises `double` (ms).",
               60'000),
      bool_field("suppress", false,
                 "`release` is not raised after a double click or a long press, and after a short press only "
                 "once `double_click_ms` has passed without a second press."),
  };
  s.check = [](const Node& table, const std::string& path, Validator& v) {
    if (table.get_int("double_click_ms", 400) >= table.get_int("long_press_ms", 1000)) {
      const Node* d = table.find("double_click_ms");
      v.error(d ? d->where() : table.where(), join_key(path, "double_click_ms"),
              "must be shorter than long_press_ms");
    }
  };
}

void htu21d(TableSchema& s) {
  s.fields = {
      pin_field("sda", "The Pico's SDA pin: an I2C0 (GP4, GP8, ...) or I2C1 (GP2, GP6, ...) SDA."),
      pin_field("scl", "The Pico's SCL pin, of the same I2C block as `sda`."),
      Field{.key = "address",
            .type = FieldType::integer,
            .default_value = Node::integer(64),
            .doc = "7-bit device address.",
            .example = "0x40",
            .min = 8.0,
            .max = 119.0},
      ms_field("period_ms", 5000, "Time between two measurements (ms).", 86'400'000),
  };
  s.check = [](const Node& table, const std::string& path, Validator& v) {
    // RP2040 datasheet 2.19.2 (function select): GPn is I2C((n / 2) % 2), SDA when n is even, SCL when odd.
    const std::int64_t sda = table.get_int("sda", -1), scl = table.get_int("scl", -1);
    const Node* where = table.find("scl");
    if (sda % 2 != 0) {
      v.error(table.find("sda")->where(), join_key(path, "sda"),
              "GP" + std::to_string(sda) + " is not an SDA pin (SDA pins are even: GP2, GP4, ...)");
    } else if (scl % 2 != 1) {
      v.error(where->where(), join_key(path, "scl"),
              "GP" + std::to_string(scl) + " is not an SCL pin (SCL pins are odd: GP3, GP5, ...)");
    } else if ((sda / 2) % 2 != (scl / 2) % 2) {
      v.error(where->where(), join_key(path, "scl"),
              "GP" + std::to_string(scl) + " is an SCL of I2C" + std::to_string((scl / 2) % 2) + " but GP" +
                  std::to_string(sda) + " an SDA of I2C" + std::to_string((sda / 2) % 2) +
                  ": they must be of one block");
    }
  };
}

}  // namespace

void add_board_params(DeviceType& type) {
  TableSchema& s = type.board_params;
  const std::string& n = type.name;
  if (n == "digital_out")
    digital_out(s);
  else if (n == "digital_in")
    digital_in(s);
  else if (n == "pwm")
    pwm(s);
  else if (n == "adc")
    adc(s);
  else if (n == "pushbutton")
    pushbutton(s);
  else if (n == "htu21d")
    htu21d(s);
  else
    return;
  s.name = "device type '" + n + "' on a board";
}

std::vector<ResourceClaim> board_device_claims(std::string_view board, const Node& params,
                                               const std::string& path) {
  std::vector<ResourceClaim> out;
  const std::string b(board);
  for (const char* key : {"pin", "sda", "scl"}) {
    const Node* pin = params.find(key);
    if (!pin || !pin->is(Node::Kind::integer)) continue;
    out.push_back(ResourceClaim{"board|" + b + "|gp" + std::to_string(pin->as_int()),
                                "GP" + std::to_string(pin->as_int()) + " of board '" + b + "'", pin->where(),
                                join_key(path, key)});
  }
  const std::string* type = params.get_string("type");
  if (type && *type == "adc") {
    if (const Node* channel = params.find("channel"); channel && channel->is(Node::Kind::integer)) {
      const std::int64_t c = channel->as_int();
      // ADC inputs 0-3 are GP26-29 (RP2040 datasheet 4.9.1); 4 is the temperature sensor, no pin.
      out.push_back(ResourceClaim{
          c < 4 ? "board|" + b + "|gp" + std::to_string(26 + c) : "board|" + b + "|adc4",
          c < 4
              ? "GP" + std::to_string(26 + c) + " of board '" + b + "' (ADC input " + std::to_string(c) + ")"
              : "the temperature sensor of board '" + b + "'",
          channel->where(), join_key(path, "channel")});
    }
  }
  return out;
}

bool daemon_only_board_key(std::string_view key) noexcept {
  return key == "type" || key == "description" || key == "board" || key == "safe_state" || key == "duty" ||
         key == "poll";
}

Node board_open_params(const Node& params) {
  Node out = Node::table();
  for (const Node::Member& m : params.members())
    if (!daemon_only_board_key(m.key)) out.append(m.key, m.key_where, m.value);
  return out;
}

}  // namespace aiopid::config
