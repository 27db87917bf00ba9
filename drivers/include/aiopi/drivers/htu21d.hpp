// HTU21D (and Si7021) temperature and humidity sensor on an I2C bus, after micropython-async's htu21d_mc:
// a background task measures temperature then humidity every read_delay, and keeps the latest values in
// temperature() / humidity(); read() is a one-shot measurement. A NACK or a bad CRC is an error value.
//
//   drivers::HTU21D htu(bus);                        // address 0x40, a reading every 10 s
//   htu.start();
//   co_await htu;                                    // the first pair of values is in
//   printf("%.2f C %.2f %%RH\n", *htu.temperature(), *htu.humidity());
//   hal::IoResult<drivers::HTU21DReading> r = co_await htu.read();   // one-shot, whenever you like
//
// A measurement is: write the command byte (0xE3 temperature / 0xE5 humidity, "hold master"), wait for the
// conversion, read three bytes (MSB, LSB, CRC). The read is a separate transfer after the wait, so a master
// that cannot stretch the clock well (the Raspberry Pi's) never has to; a register-map device whose
// registers 0xE3.. and 0xE5.. hold the bytes answers the same way. Measurements of the background task and
// of read() never interleave on the bus (a lock orders them).
#pragma once

#include <cstdint>
#include <optional>

#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/event.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/hal/i2c.hpp"
#include "aiopi/lock.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi::drivers {

/// The chip's commands (datasheet).
namespace htu21d_cmd {
inline constexpr std::uint8_t kTemperatureHold = 0xE3;
inline constexpr std::uint8_t kHumidityHold = 0xE5;
inline constexpr std::uint8_t kTemperatureNoHold = 0xF3;
inline constexpr std::uint8_t kHumidityNoHold = 0xF5;
inline constexpr std::uint8_t kWriteUserRegister = 0xE6;
inline constexpr std::uint8_t kReadUserRegister = 0xE7;
inline constexpr std::uint8_t kSoftReset = 0xFE;
}  // namespace htu21d_cmd

/// The CRC-8 the chip appends to a measurement: polynomial x^8 + x^5 + x^4 + 1 (0x31), initial value 0, over
/// the MSB then the LSB. The datasheet's example: 0x00DC -> 0x79; 0x683A -> 0x7C; 0x4E85 -> 0x6B.
constexpr std::uint8_t htu21d_crc8(std::uint8_t msb, std::uint8_t lsb) noexcept {
  std::uint8_t crc = 0;
  for (std::uint8_t byte : {msb, lsb}) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit)
      crc = static_cast<std::uint8_t>((crc & 0x80) != 0 ? (crc << 1) ^ 0x31 : crc << 1);
  }
  return crc;
}

/// °C from a raw temperature word (the two status bits are cleared first): −46.85 + 175.72·S/65536.
constexpr float htu21d_temperature_c(std::uint16_t raw) noexcept {
  return -46.85f + 175.72f * static_cast<float>(raw & 0xFFFC) / 65536.0f;
}
/// %RH from a raw humidity word (status bits cleared): −6 + 125·S/65536. Not clamped to 0..100, as the seed.
constexpr float htu21d_humidity_rh(std::uint16_t raw) noexcept {
  return -6.0f + 125.0f * static_cast<float>(raw & 0xFFFC) / 65536.0f;
}

struct HTU21DConfig {
  std::uint16_t address = 0x40;
  /// Pause between two cycles of the background task (the seed's read_delay=10, in seconds).
  std::uint32_t read_delay_ms = 10'000;
  /// Wait between the command and the read (the seed's 60 ms; the datasheet's longest conversion is 50 ms).
  std::uint32_t conversion_ms = 60;
  /// true: commands 0xE3 / 0xE5 ("hold master"); false: 0xF3 / 0xF5 (the seed's "no hold master").
  bool hold_master = true;
};

/// One measurement of both quantities.
struct HTU21DReading {
  float temperature_c;
  float humidity_rh;
};

/// What the background task reports to the observer after each cycle.
struct HTU21DReport {
  enum class Kind : unsigned char { reading, error };
  Kind kind;
  std::int64_t timestamp_us;  // loop clock, when the cycle ended
  float temperature_c;        // valid for Kind::reading
  float humidity_rh;          // valid for Kind::reading
  hal::IoError error;         // valid for Kind::error
};

constexpr const char* to_string(HTU21DReport::Kind kind) noexcept {
  return kind == HTU21DReport::Kind::reading ? "reading" : "error";
}

class HTU21D {
 public:
  using Observer = InplaceFunction<void(const HTU21DReport&)>;

  /// Starts the background task at once when constructed inside a running loop (as the seed); elsewhere call
  /// start(loop) / start(). read() measures once, whether the task runs or not.
  explicit HTU21D(hal::I2cBus& bus, const HTU21DConfig& config = {});
  HTU21D(const HTU21D&) = delete;
  HTU21D& operator=(const HTU21D&) = delete;
  ~HTU21D() { deinit(); }

  /// Starts the background task on the current loop (a no-op while it runs): temperature, humidity, report,
  /// sleep read_delay_ms, again. A failed cycle keeps the previous values, sets last_error() and reports
  /// Kind::error; the next cycle tries again.
  void start(Loop& loop);
  void start() { start(Loop::get()); }
  /// Stops the background task at once (unwinds it). start() may follow. Also allowed from inside the
  /// observer, which may even destroy the driver (the task then ends when the observer returns).
  void deinit() noexcept;
  bool running() const noexcept;

  /// The latest values of the background task, empty until its first good cycle (the seed's None).
  std::optional<float> temperature() const noexcept { return temperature_; }
  std::optional<float> humidity() const noexcept { return humidity_; }
  /// The error of the latest cycle (kind ok when it succeeded).
  const hal::IoError& last_error() const noexcept { return last_error_; }
  /// Cycles that succeeded / failed since construction.
  std::uint32_t good_cycles() const noexcept { return good_cycles_; }
  std::uint32_t failed_cycles() const noexcept { return failed_cycles_; }

  /// `co_await htu;` returns once the first pair of values is in (the seed's `await htu`).
  Event::Awaiter operator co_await() noexcept { return ready_.wait(); }
  /// Set once the first cycle succeeded.
  Event& ready() noexcept { return ready_; }

  /// Called after every cycle of the background task (one for the daemon; replaces the previous one).
  void set_observer(Observer observer) noexcept { observer_ = std::move(observer); }

  /// One-shot measurements (they wait for a cycle of the background task that is on the bus).
  Task<hal::IoResult<HTU21DReading>> read();
  Task<hal::IoResult<float>> read_temperature();
  Task<hal::IoResult<float>> read_humidity();
  /// The user register (command 0xE7; 0x02 after power-on). Also a presence check.
  Task<hal::IoResult<std::uint8_t>> user_register();
  /// The raw word of one measurement (`command` 0xE3/0xE5/0xF3/0xF5), CRC checked, status bits kept.
  Task<hal::IoResult<std::uint16_t>> measure_raw(std::uint8_t command);

  const HTU21DConfig& config() const noexcept { return config_; }

 private:
  Task<> run();
  Task<hal::IoResult<std::uint16_t>> measure_locked(std::uint8_t command);
  std::uint8_t temperature_command() const noexcept;
  std::uint8_t humidity_command() const noexcept;

  hal::I2cBus& bus_;
  HTU21DConfig config_;
  Lock bus_lock_;
  Event ready_;
  Observer observer_;
  TaskHandle<void> task_;
  bool* stop_flag_ = nullptr;  // in the running task's frame: set by a deinit() from inside the observer
  std::optional<float> temperature_;
  std::optional<float> humidity_;
  hal::IoError last_error_{};
  std::uint32_t good_cycles_ = 0;
  std::uint32_t failed_cycles_ = 0;
};

}  // namespace aiopi::drivers
