#include "aiopi/pico/device_table.hpp"

#include <initializer_list>
#include <new>

namespace aiopi::pico {

// ---- params
/// The params object of a devices.open, read one named param at a time; every failure names the param.
class DeviceTable::Params {
 public:
  explicit Params(JsonValue object) noexcept : object_(object) {}

  /// Params is an object (or absent) and has no member outside `known`.
  bool only(std::initializer_list<std::string_view> known, DeviceType type, RpcError& err) const {
    if (!object_) return true;
    if (!object_.is_object()) {
      err.fail(rpc_code::kInvalidParams).add("params: must be an object");
      return false;
    }
    for (JsonValue::Cursor c = object_.items(); c.next();) {
      bool found = false;
      for (std::string_view k : known)
        if (c.key().equals(k)) found = true;
      if (!found) {
        err.fail(rpc_code::kInvalidParams).add("params: unknown param ").add(c.key().raw()).add(" for type ");
        err.add(to_string(type));
        return false;
      }
    }
    return true;
  }

  bool boolean(std::string_view name, bool& out, RpcError& err) const {
    JsonValue v = object_.find(name);
    if (!v) return true;
    std::optional<bool> b = v.as_bool();
    if (!b) return bad(name, "must be true or false", err);
    out = *b;
    return true;
  }

  /// An integer in [min, max]; `required` or left at its default.
  bool integer(std::string_view name, std::int64_t& out, std::int64_t min, std::int64_t max, bool required,
               RpcError& err) const {
    JsonValue v = object_.find(name);
    if (!v) return required ? bad(name, "is required", err) : true;
    std::optional<std::int64_t> i = v.as_int();
    if (!i || *i < min || *i > max) {
      err.fail(rpc_code::kInvalidParams)
          .add(name)
          .add(": must be an integer from ")
          .add(min)
          .add(" to ")
          .add(max);
      return false;
    }
    out = *i;
    return true;
  }

  bool number(std::string_view name, double& out, double min, double max, RpcError& err) const {
    JsonValue v = object_.find(name);
    if (!v) return true;
    std::optional<double> d = v.as_number();
    if (!d || !(*d > min && *d <= max)) return bad(name, "must be a number in range", err);
    out = *d;
    return true;
  }

  /// One of `choices` (its index in `out`).
  bool choice(std::string_view name, int& out, std::initializer_list<const char*> choices,
              RpcError& err) const {
    JsonValue v = object_.find(name);
    if (!v) return true;
    int i = 0;
    for (const char* c : choices) {
      if (v.equals(c)) {
        out = i;
        return true;
      }
      ++i;
    }
    err.fail(rpc_code::kInvalidParams).add(name).add(": must be one of");
    for (const char* c : choices)
      err.add(" ").add(c);
    return false;
  }

 private:
  static bool bad(std::string_view name, std::string_view why, RpcError& err) {
    err.fail(rpc_code::kInvalidParams).add(name).add(": ").add(why);
    return false;
  }
  JsonValue object_;
};

/// A checked devices.open request, ready to be built.
struct DeviceTable::Spec {
  DeviceType type = DeviceType::digital_out;
  std::uint32_t pins = 0;
  unsigned pin = 0;  // digital_out, digital_in, pwm, pushbutton
  unsigned sda = 0;
  unsigned scl = 0;
  unsigned channel = 0;
  hal::OutputConfig output{};
  hal::InputConfig input{};
  std::uint32_t frequency = 1000;
  double vref = 3.3;
  drivers::ButtonConfig button{};
  drivers::HTU21DConfig htu{};
};

namespace {
constexpr std::uint32_t kI2cFrequency = 100'000;  // standard mode: what every HTU21D board takes
constexpr hal::Bias kBiases[] = {hal::Bias::as_is, hal::Bias::off, hal::Bias::pull_up, hal::Bias::pull_down};
constexpr hal::EdgeMode kEdges[] = {hal::EdgeMode::none, hal::EdgeMode::rising, hal::EdgeMode::falling,
                                    hal::EdgeMode::both};
}  // namespace

bool DeviceTable::claim_pin(std::string_view param, unsigned pin, const Slot* replacing, Spec& spec,
                            RpcError& err) {
  const std::uint32_t bit = std::uint32_t{1} << pin;
  if (pin == kTetherTx || pin == kTetherRx) {
    err.fail(rpc_code::kInvalidParams).add(param).add(": GP").add(pin).add(" is the tether's UART0 ");
    err.add(pin == kTetherTx ? "TX" : "RX");
    return false;
  }
  if ((spec.pins & bit) != 0) {
    err.fail(rpc_code::kInvalidParams).add(param).add(": GP").add(pin).add(" is used twice by this device");
    return false;
  }
  for (const Slot& s : slots_) {
    if (s.device == nullptr || &s == replacing || (s.pins & bit) == 0) continue;
    err.fail(rpc_code::kInvalidParams).add(param).add(": GP").add(pin).add(" is in use by '");
    err.add(s.name_view()).add("'");
    return false;
  }
  spec.pins |= bit;
  return true;
}

bool DeviceTable::parse(Params& p, const Slot* replacing, Spec& spec, RpcError& err) {
  std::int64_t v = 0;
  auto pin = [&](std::string_view name, unsigned& out) {
    if (!p.integer(name, v, 0, kPinCount - 1, true, err)) return false;
    out = static_cast<unsigned>(v);
    return claim_pin(name, out, replacing, spec, err);
  };
  int bias = -1;
  int index = -1;
  switch (spec.type) {
    case DeviceType::digital_out: {
      if (!p.only({"pin", "initial", "active_low", "drive"}, spec.type, err)) return false;
      if (!pin("pin", spec.pin)) return false;
      if (!p.boolean("initial", spec.output.initial, err)) return false;
      if (!p.boolean("active_low", spec.output.active_low, err)) return false;
      if (!p.choice("drive", index, {"push_pull", "open_drain"}, err)) return false;
      spec.output.drive = index == 1 ? hal::Drive::open_drain : hal::Drive::push_pull;
      return true;
    }
    case DeviceType::digital_in: {
      if (!p.only({"pin", "bias", "active_low", "edges"}, spec.type, err)) return false;
      if (!pin("pin", spec.pin)) return false;
      if (!p.choice("bias", bias, {"as_is", "off", "pull_up", "pull_down"}, err)) return false;
      if (!p.boolean("active_low", spec.input.active_low, err)) return false;
      index = 3;
      if (!p.choice("edges", index, {"none", "rising", "falling", "both"}, err)) return false;
      spec.input.bias = bias < 0 ? hal::Bias::as_is : kBiases[bias];
      spec.input.edges = kEdges[index];
      return true;
    }
    case DeviceType::pwm: {
      if (!p.only({"pin", "frequency"}, spec.type, err)) return false;
      if (!pin("pin", spec.pin)) return false;
      v = 1000;
      if (!p.integer("frequency", v, 1, 62'500'000, false, err)) return false;
      spec.frequency = static_cast<std::uint32_t>(v);
      return true;
    }
    case DeviceType::adc: {
      if (!p.only({"channel", "vref"}, spec.type, err)) return false;
      if (!p.integer("channel", v, 0, 4, true, err)) return false;
      spec.channel = static_cast<unsigned>(v);
      // Channels 0-3 are GP26-29; channel 4, the temperature sensor, has no pin.
      if (spec.channel < 4 && !claim_pin("channel", 26 + spec.channel, replacing, spec, err)) return false;
      return p.number("vref", spec.vref, 0.0, 10.0, err);
    }
    case DeviceType::pushbutton: {
      if (!p.only(
              {"pin", "active_low", "bias", "debounce_ms", "long_press_ms", "double_click_ms", "suppress"},
              spec.type, err))
        return false;
      if (!pin("pin", spec.pin)) return false;
      spec.input.active_low = true;
      if (!p.boolean("active_low", spec.input.active_low, err)) return false;
      bias = 2;
      if (!p.choice("bias", bias, {"as_is", "off", "pull_up", "pull_down"}, err)) return false;
      spec.input.bias = kBiases[bias];
      spec.input.edges = hal::EdgeMode::both;
      v = 50;
      if (!p.integer("debounce_ms", v, 0, 10'000, false, err)) return false;
      spec.button.debounce_ms = v;
      v = 1000;
      if (!p.integer("long_press_ms", v, 1, 86'400'000, false, err)) return false;
      spec.button.long_press_ms = v;
      v = 400;
      if (!p.integer("double_click_ms", v, 1, 86'400'000, false, err)) return false;
      spec.button.double_click_ms = v;
      if (!p.boolean("suppress", spec.button.suppress, err)) return false;
      spec.button.sense =
          false;  // logical levels: active_low is applied by the line, so released reads false
      return true;
    }
    case DeviceType::htu21d: {
      if (!p.only({"sda", "scl", "address", "period_ms"}, spec.type, err)) return false;
      if (!pin("sda", spec.sda) || !pin("scl", spec.scl)) return false;
      v = 64;
      if (!p.integer("address", v, 0, 127, false, err)) return false;
      spec.htu.address = static_cast<std::uint16_t>(v);
      v = 5000;
      if (!p.integer("period_ms", v, 1, 86'400'000, false, err)) return false;
      spec.htu.read_delay_ms = static_cast<std::uint32_t>(v);
      return true;
    }
  }
  return false;
}

Device* DeviceTable::build(Slot& slot, const Spec& spec, RpcError& err) {
  const std::string_view name = slot.name_view();
  void* at = slot.storage.data();
  auto refused = [&](std::string_view param, const hal::IoError& e) -> Device* {
    err.fail(rpc_code::kInvalidParams).add(param).add(": ").add(e.what);
    return nullptr;
  };
  switch (spec.type) {
    case DeviceType::digital_out: {
      hal::IoResult<hal::DigitalOutput*> out = board_.open_output(spec.pin, spec.output);
      if (!out) return refused("pin", out.error());
      return new (at) DigitalOutDevice(name, notifier_, board_, **out);
    }
    case DeviceType::digital_in: {
      hal::IoResult<hal::DigitalInput*> in = board_.open_input(spec.pin, spec.input);
      if (!in) return refused("pin", in.error());
      return new (at) DigitalInDevice(name, notifier_, board_, **in, loop_);
    }
    case DeviceType::pwm: {
      hal::IoResult<hal::PwmOutput*> pwm = board_.open_pwm(spec.pin);
      if (!pwm) return refused("pin", pwm.error());
      hal::IoResult<void> r = (*pwm)->set_freq(spec.frequency);
      if (r) r = (*pwm)->set_duty_ns(0);
      if (r) r = (*pwm)->enable(true);
      if (!r) {
        board_.close(**pwm);
        return refused("frequency", r.error());
      }
      return new (at) PwmDevice(name, notifier_, board_, **pwm);
    }
    case DeviceType::adc: {
      hal::IoResult<hal::AdcChannel*> adc = board_.open_adc(spec.channel);
      if (!adc) return refused("channel", adc.error());
      return new (at) AdcDevice(name, notifier_, board_, **adc, spec.vref, loop_);
    }
    case DeviceType::pushbutton: {
      hal::IoResult<hal::DigitalInput*> in = board_.open_input(spec.pin, spec.input);
      if (!in) return refused("pin", in.error());
      return new (at) PushbuttonDevice(name, notifier_, board_, **in, spec.button, loop_);
    }
    case DeviceType::htu21d: {
      hal::IoResult<hal::I2cBus*> bus = board_.open_i2c(spec.sda, spec.scl, kI2cFrequency);
      if (!bus) return refused("sda/scl", bus.error());
      return new (at) Htu21dDevice(name, notifier_, board_, **bus, spec.htu, loop_);
    }
  }
  return nullptr;
}

// ---- the table
Device* DeviceTable::open(JsonValue name, JsonValue type, JsonValue params, RpcError& err) {
  std::array<char, kMaxName> decoded{};
  std::optional<std::size_t> len = name.decode(decoded);
  if (!name.is_string()) {
    err.fail(rpc_code::kInvalidParams).add("name: a string is required");
    return nullptr;
  }
  if (!len || *len == 0) {
    err.fail(rpc_code::kInvalidParams)
        .add("name: must be 1 to ")
        .add(static_cast<int>(kMaxName))
        .add(" bytes");
    return nullptr;
  }
  for (std::size_t i = 0; i < *len; ++i) {
    const unsigned char c = static_cast<unsigned char>(decoded[i]);
    if (c < 0x20 || c == 0x7F) {
      err.fail(rpc_code::kInvalidParams).add("name: control characters are not allowed");
      return nullptr;
    }
  }
  const std::string_view wanted(decoded.data(), *len);
  std::optional<DeviceType> t = device_type_named(type);
  if (!t) {
    err.fail(rpc_code::kInvalidParams).add("type: unknown device type");
    if (type.is_string()) err.add(" ").add(type.raw());
    return nullptr;
  }
  Slot* replacing = nullptr;
  Slot* free_slot = nullptr;
  for (Slot& s : slots_) {
    if (s.device != nullptr && s.name_view() == wanted) replacing = &s;
    if (s.device == nullptr && free_slot == nullptr) free_slot = &s;
  }
  Spec spec;
  spec.type = *t;
  Params p(params);
  if (!parse(p, replacing, spec, err)) return nullptr;
  Slot* slot = replacing != nullptr ? replacing : free_slot;
  if (slot == nullptr) {
    err.fail(rpc_code::kInvalidParams).add("name: no free slot (").add(static_cast<int>(kMaxDevices));
    err.add(" devices open)");
    return nullptr;
  }
  if (replacing != nullptr) free(*replacing);
  for (std::size_t i = 0; i < *len; ++i)
    slot->name[i] = decoded[i];
  slot->name_len = static_cast<std::uint8_t>(*len);
  Device* d = build(*slot, spec, err);
  if (d == nullptr) {
    slot->name_len = 0;
    return nullptr;
  }
  slot->device = d;
  slot->pins = spec.pins;
  return d;
}

void DeviceTable::free(Slot& slot) noexcept {
  if (slot.device == nullptr) return;
  Device* d = slot.device;
  slot.device = nullptr;
  slot.pins = 0;
  d->~Device();
  slot.name_len = 0;
}

bool DeviceTable::close(std::string_view name, RpcError& err) {
  for (Slot& s : slots_) {
    if (s.device != nullptr && s.name_view() == name) {
      free(s);
      return true;
    }
  }
  err.fail(rpc_code::kNoSuchDevice).add("no such device: '").add(name).add("'");
  return false;
}

void DeviceTable::close_all() noexcept {
  for (Slot& s : slots_)
    free(s);
}

Device* DeviceTable::find(std::string_view name) noexcept {
  for (Slot& s : slots_)
    if (s.device != nullptr && s.name_view() == name) return s.device;
  return nullptr;
}

std::size_t DeviceTable::size() const noexcept {
  std::size_t n = 0;
  for (const Slot& s : slots_)
    if (s.device != nullptr) ++n;
  return n;
}

std::uint32_t DeviceTable::pins_in_use() const noexcept {
  std::uint32_t pins = 0;
  for (const Slot& s : slots_)
    pins |= s.pins;
  return pins;
}

void DeviceTable::describe(Device& device, JsonWriter& w) {
  w.begin_object()
      .key("name")
      .str(device.name())
      .key("type")
      .str(to_string(device.type()))
      .key("direction")
      .str(to_string(device.direction()));
  // The value first: reading it may change the state (an ADC that fails now).
  std::array<char, 96> value_buf;
  JsonWriter value(value_buf);
  device.write_value(value);
  w.key("state").str(device.failing() ? "failing" : "open");
  w.key("value").raw_value(value.ok() ? value.text() : "null");
  if (device.failing()) w.key("error").str(device.error());
  w.end_object();
}

}  // namespace aiopi::pico
