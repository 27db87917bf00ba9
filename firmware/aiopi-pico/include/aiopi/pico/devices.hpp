// The device kinds of the tether (docs/design/pico-tether.md, "Device types and params"), each a Device the
// table constructs in place in one of its slots. A device owns the HAL objects the board lent it (a Lease
// hands each back when the device is destroyed, after everything that uses it) and reports its events
// through the Notifier as `device.NAME.WHAT` notifications.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "aiopi/drivers/htu21d.hpp"
#include "aiopi/drivers/pushbutton.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/pico/board.hpp"
#include "aiopi/pico/json_reader.hpp"
#include "aiopi/pico/json_writer.hpp"
#include "aiopi/pico/rpc_error.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi::pico {

enum class DeviceType : unsigned char { digital_out, digital_in, pwm, adc, pushbutton, htu21d };
enum class Direction : unsigned char { input, output, sensor };

const char* to_string(DeviceType type) noexcept;
const char* to_string(Direction direction) noexcept;
/// The type a `type` string names, or nothing.
std::optional<DeviceType> device_type_named(JsonValue type) noexcept;

/// Where notifications go: one complete line (with its '\n') at a time, sent or dropped, never waited on.
class LineSink {
 public:
  virtual void send_line(std::string_view line) noexcept = 0;

 protected:
  ~LineSink() = default;
};

/// Formats `{"jsonrpc":"2.0","method":"notify","params":{"topic":"device.NAME.WHAT","mono_us":T,"data":...}}`
/// into its own buffer and hands the line to the sink. Loop-local; one notification at a time:
///   JsonWriter& w = notifier.begin(name, "edge", t_us);
///   w.begin_object().key("level").boolean(true).end_object();
///   notifier.end();
class Notifier {
 public:
  static constexpr std::size_t kMaxLine = 512;

  explicit Notifier(LineSink& sink) noexcept : sink_(sink) {}
  JsonWriter& begin(std::string_view device, std::string_view what, std::int64_t mono_us) noexcept;
  /// Sends the line (or counts it as dropped when it overflowed the buffer).
  void end() noexcept;
  /// Notifications too long for the buffer.
  std::uint32_t oversized() const noexcept { return oversized_; }

 private:
  LineSink& sink_;
  std::array<char, kMaxLine> buf_{};
  JsonWriter writer_{buf_};
  std::uint32_t oversized_ = 0;
};

/// A HAL object lent by the board, handed back when the lease ends.
template <class T>
class Lease {
 public:
  Lease(Board& board, T& object) noexcept : board_(&board), object_(&object) {}
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease() { board_->close(*object_); }
  T& operator*() const noexcept { return *object_; }
  T* operator->() const noexcept { return object_; }

 private:
  Board* board_;
  T* object_;
};

/// What every device has: its name (in its slot), its state, the notifier.
class Device {
 public:
  Device(std::string_view name, Notifier& notifier) noexcept : name_(name), notifier_(notifier) {}
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  virtual ~Device() = default;

  virtual DeviceType type() const noexcept = 0;
  virtual Direction direction() const noexcept = 0;
  /// The value of the device object (a JSON value).
  virtual void write_value(JsonWriter& w) = 0;
  /// The members of a devices.read result after "name": "value" and, where there is one, "unit".
  virtual void write_reading(JsonWriter& w) {
    w.key("value");
    write_value(w);
  }
  /// devices.set; by default not allowed (-32005).
  virtual bool set(JsonValue value, RpcError& err);

  std::string_view name() const noexcept { return name_; }
  bool failing() const noexcept { return error_ != nullptr; }
  /// The failure while failing (a static string), null otherwise.
  const char* error() const noexcept { return error_; }

 protected:
  /// Enters (what != null) or leaves (null) the failing state; a change is notified as device.NAME.state.
  void set_failing(const char* what, std::int64_t mono_us) noexcept;
  Notifier& notifier() noexcept { return notifier_; }

 private:
  std::string_view name_;
  Notifier& notifier_;
  const char* error_ = nullptr;
};

class DigitalOutDevice final : public Device {
 public:
  DigitalOutDevice(std::string_view name, Notifier& n, Board& board, hal::DigitalOutput& out) noexcept
      : Device(name, n), out_(board, out) {}
  DeviceType type() const noexcept override { return DeviceType::digital_out; }
  Direction direction() const noexcept override { return Direction::output; }
  void write_value(JsonWriter& w) override;
  bool set(JsonValue value, RpcError& err) override;

 private:
  Lease<hal::DigitalOutput> out_;
};

/// A digital input; with edges, a task forwards each one as device.NAME.edge stamped with its IRQ time.
class DigitalInDevice final : public Device {
 public:
  DigitalInDevice(std::string_view name, Notifier& n, Board& board, hal::DigitalInput& in, Loop& loop);
  ~DigitalInDevice() override;
  DeviceType type() const noexcept override { return DeviceType::digital_in; }
  Direction direction() const noexcept override { return Direction::input; }
  void write_value(JsonWriter& w) override;

 private:
  Task<> watch();
  Lease<hal::DigitalInput> in_;
  TaskHandle<void> watcher_;
};

class PwmDevice final : public Device {
 public:
  PwmDevice(std::string_view name, Notifier& n, Board& board, hal::PwmOutput& pwm) noexcept
      : Device(name, n), pwm_(board, pwm) {}
  DeviceType type() const noexcept override { return DeviceType::pwm; }
  Direction direction() const noexcept override { return Direction::output; }
  void write_value(JsonWriter& w) override;
  bool set(JsonValue value, RpcError& err) override;

 private:
  Lease<hal::PwmOutput> pwm_;
};

class AdcDevice final : public Device {
 public:
  AdcDevice(std::string_view name, Notifier& n, Board& board, hal::AdcChannel& adc, double vref,
            Loop& loop) noexcept
      : Device(name, n), adc_(board, adc), vref_(vref), loop_(loop) {}
  DeviceType type() const noexcept override { return DeviceType::adc; }
  Direction direction() const noexcept override { return Direction::sensor; }
  void write_value(JsonWriter& w) override;
  void write_reading(JsonWriter& w) override;

 private:
  Lease<hal::AdcChannel> adc_;
  double vref_;
  Loop& loop_;
};

/// drivers::Pushbutton on an input; its observer hook turns press/release/long/double into notifications.
class PushbuttonDevice final : public Device {
 public:
  PushbuttonDevice(std::string_view name, Notifier& n, Board& board, hal::DigitalInput& pin,
                   const drivers::ButtonConfig& config, Loop& loop);
  DeviceType type() const noexcept override { return DeviceType::pushbutton; }
  Direction direction() const noexcept override { return Direction::input; }
  void write_value(JsonWriter& w) override;

 private:
  void on_event(const drivers::ButtonReport& report) noexcept;
  Lease<hal::DigitalInput> pin_;  // first: handed back after the button is gone
  drivers::Pushbutton button_;
};

/// drivers::HTU21D reading every period_ms; each reading is device.NAME.value, a failed cycle makes the
/// device failing (device.NAME.state) until the next good one.
class Htu21dDevice final : public Device {
 public:
  Htu21dDevice(std::string_view name, Notifier& n, Board& board, hal::I2cBus& bus,
               const drivers::HTU21DConfig& config, Loop& loop);
  DeviceType type() const noexcept override { return DeviceType::htu21d; }
  Direction direction() const noexcept override { return Direction::sensor; }
  void write_value(JsonWriter& w) override;
  void write_reading(JsonWriter& w) override;

 private:
  void on_report(const drivers::HTU21DReport& report) noexcept;
  Lease<hal::I2cBus> bus_;  // first: handed back after the driver is gone
  drivers::HTU21D htu_;
};

/// Room for the largest device, for the table's slots.
inline constexpr std::size_t kDeviceStorageSize = [] {
  std::size_t s = 0;
  for (std::size_t v : {sizeof(DigitalOutDevice), sizeof(DigitalInDevice), sizeof(PwmDevice),
                        sizeof(AdcDevice), sizeof(PushbuttonDevice), sizeof(Htu21dDevice)})
    s = v > s ? v : s;
  return s;
}();
inline constexpr std::size_t kDeviceStorageAlign = [] {
  std::size_t a = 0;
  for (std::size_t v : {alignof(DigitalOutDevice), alignof(DigitalInDevice), alignof(PwmDevice),
                        alignof(AdcDevice), alignof(PushbuttonDevice), alignof(Htu21dDevice)})
    a = v > a ? v : a;
  return a;
}();

}  // namespace aiopi::pico
