#include "aiopi/pico/devices.hpp"

#include <utility>

namespace aiopi::pico {

namespace {
std::int64_t now_us(Loop& loop) noexcept {
  return loop.now().time_since_epoch().count();
}
}  // namespace

const char* to_string(DeviceType type) noexcept {
  switch (type) {
    case DeviceType::digital_out:
      return "digital_out";
    case DeviceType::digital_in:
      return "digital_in";
    case DeviceType::pwm:
      return "pwm";
    case DeviceType::adc:
      return "adc";
    case DeviceType::pushbutton:
      return "pushbutton";
    case DeviceType::htu21d:
      return "htu21d";
  }
  return "unknown";
}

const char* to_string(Direction direction) noexcept {
  switch (direction) {
    case Direction::input:
      return "input";
    case Direction::output:
      return "output";
    case Direction::sensor:
      return "sensor";
  }
  return "unknown";
}

std::optional<DeviceType> device_type_named(JsonValue type) noexcept {
  for (DeviceType t : {DeviceType::digital_out, DeviceType::digital_in, DeviceType::pwm, DeviceType::adc,
                       DeviceType::pushbutton, DeviceType::htu21d})
    if (type.equals(to_string(t))) return t;
  return std::nullopt;
}

// ---- Notifier
JsonWriter& Notifier::begin(std::string_view device, std::string_view what, std::int64_t mono_us) noexcept {
  writer_.clear();
  writer_.begin_object().key("jsonrpc").str("2.0").key("method").str("notify").key("params").begin_object();
  writer_.key("topic").begin_string().string_part("device.").string_part(device).string_part(".");
  writer_.string_part(what).end_string();
  writer_.key("mono_us").integer(mono_us).key("data");
  return writer_;
}

void Notifier::end() noexcept {
  writer_.end_object().end_object().raw("\n");
  if (!writer_.ok()) {
    ++oversized_;
    return;
  }
  sink_.send_line(writer_.text());
}

// ---- Device
bool Device::set(JsonValue, RpcError& err) {
  err.fail(rpc_code::kNotAllowed)
      .add("devices.set: '")
      .add(name_)
      .add("' is an ")
      .add(to_string(direction()));
  return false;
}

void Device::set_failing(const char* what, std::int64_t mono_us) noexcept {
  if ((what == nullptr) == (error_ == nullptr)) {
    error_ = what;  // the same state; keep the latest reason
    return;
  }
  error_ = what;
  JsonWriter& w = notifier_.begin(name_, "state", mono_us);
  w.begin_object().key("state").str(what != nullptr ? "failing" : "open");
  if (what != nullptr) w.key("error").str(what);
  w.end_object();
  notifier_.end();
}

// ---- digital_out
void DigitalOutDevice::write_value(JsonWriter& w) {
  hal::IoResult<bool> v = out_->get();
  if (v) {
    w.boolean(*v);
  } else {
    w.null();
  }
}

bool DigitalOutDevice::set(JsonValue value, RpcError& err) {
  std::optional<bool> level = value.as_bool();
  if (!level) {
    err.fail(rpc_code::kInvalidParams).add("value: a digital_out takes true or false");
    return false;
  }
  hal::IoResult<void> r = out_->set(*level);
  if (!r) {
    err.fail(rpc_code::kNotOpen).add("devices.set: ").add(r.error().what);
    return false;
  }
  return true;
}

// ---- digital_in
DigitalInDevice::DigitalInDevice(std::string_view name, Notifier& n, Board& board, hal::DigitalInput& in,
                                 Loop& loop)
    : Device(name, n), in_(board, in) {
  if (in.config().edges != hal::EdgeMode::none) watcher_ = loop.create_task(watch(), "pico digital_in");
}

DigitalInDevice::~DigitalInDevice() {
  // The watcher waits on the input's edge queue: it must be gone before the board takes the input back.
  if (!watcher_ || watcher_.done()) return;
  TaskBase& t = watcher_.base();
  if (t.loop_ptr() != nullptr) t.loop().unwind_now(t);
}

Task<> DigitalInDevice::watch() {
  for (;;) {
    hal::IoResult<hal::EdgeEvent> e = co_await in_->next_edge();
    if (!e) co_return;  // the line was released
    const bool level = e->edge == hal::Edge::rising;
    JsonWriter& w = notifier().begin(name(), "edge", e->timestamp_us);
    w.begin_object().key("level").boolean(level).key("edge").str(hal::to_string(e->edge)).end_object();
    notifier().end();
  }
}

void DigitalInDevice::write_value(JsonWriter& w) {
  hal::IoResult<bool> v = in_->value();
  if (v) {
    w.boolean(*v);
  } else {
    w.null();
  }
}

// ---- pwm
void PwmDevice::write_value(JsonWriter& w) {
  const std::uint64_t period = pwm_->period_ns();
  const double duty = !pwm_->enabled() || period == 0
                          ? 0.0
                          : static_cast<double>(pwm_->duty_ns()) / static_cast<double>(period);
  w.number(duty, 4);
}

bool PwmDevice::set(JsonValue value, RpcError& err) {
  std::optional<double> duty = value.as_number();
  if (!duty || !(*duty >= 0.0 && *duty <= 1.0)) {
    err.fail(rpc_code::kInvalidParams).add("value: a pwm takes a duty from 0 to 1");
    return false;
  }
  const std::uint64_t period = pwm_->period_ns();
  hal::IoResult<void> r =
      pwm_->set_duty_ns(static_cast<std::uint64_t>(*duty * static_cast<double>(period) + 0.5));
  if (r) r = pwm_->enable(true);
  if (!r) {
    err.fail(rpc_code::kNotOpen).add("devices.set: ").add(r.error().what);
    return false;
  }
  return true;
}

// ---- adc
void AdcDevice::write_value(JsonWriter& w) {
  hal::IoResult<std::uint16_t> raw = adc_->read_u16();
  if (!raw) {
    set_failing(raw.error().what, now_us(loop_));
    w.null();
    return;
  }
  set_failing(nullptr, now_us(loop_));
  w.number(static_cast<double>(*raw) * vref_ / 65535.0, 4);
}

void AdcDevice::write_reading(JsonWriter& w) {
  w.key("value");
  write_value(w);
  w.key("unit").str("V");
}

// ---- pushbutton
PushbuttonDevice::PushbuttonDevice(std::string_view name, Notifier& n, Board& board, hal::DigitalInput& pin,
                                   const drivers::ButtonConfig& config, Loop& loop)
    : Device(name, n), pin_(board, pin), button_(pin, config) {
  button_.set_observer([this](const drivers::ButtonReport& r) { on_event(r); });
  button_.start(loop);
}

void PushbuttonDevice::on_event(const drivers::ButtonReport& report) noexcept {
  JsonWriter& w = notifier().begin(name(), drivers::to_string(report.event), report.t_us);
  w.begin_object().key("pressed").boolean(report.pressed).end_object();
  notifier().end();
}

void PushbuttonDevice::write_value(JsonWriter& w) {
  w.boolean(button_.pressed());
}

// ---- htu21d
Htu21dDevice::Htu21dDevice(std::string_view name, Notifier& n, Board& board, hal::I2cBus& bus,
                           const drivers::HTU21DConfig& config, Loop& loop)
    : Device(name, n), bus_(board, bus), htu_(bus, config) {
  htu_.set_observer([this](const drivers::HTU21DReport& r) { on_report(r); });
  htu_.start(loop);
}

void Htu21dDevice::on_report(const drivers::HTU21DReport& report) noexcept {
  if (report.kind == drivers::HTU21DReport::Kind::error) {
    set_failing(report.error.what, report.timestamp_us);
    return;
  }
  set_failing(nullptr, report.timestamp_us);
  JsonWriter& w = notifier().begin(name(), "value", report.timestamp_us);
  w.begin_object()
      .key("temperature")
      .number(static_cast<double>(report.temperature_c), 2)
      .key("humidity")
      .number(static_cast<double>(report.humidity_rh), 2)
      .end_object();
  notifier().end();
}

void Htu21dDevice::write_value(JsonWriter& w) {
  std::optional<float> t = htu_.temperature();
  std::optional<float> h = htu_.humidity();
  if (!t || !h) {
    w.null();
    return;
  }
  w.begin_object()
      .key("temperature")
      .number(static_cast<double>(*t), 2)
      .key("humidity")
      .number(static_cast<double>(*h), 2)
      .end_object();
}

void Htu21dDevice::write_reading(JsonWriter& w) {
  w.key("value");
  write_value(w);
  w.key("unit")
      .begin_object()
      .key("temperature")
      .str(
          "\xC2\xB0"
          "C")
      .key("humidity")
      .str("%RH")
      .end_object();
}

}  // namespace aiopi::pico
