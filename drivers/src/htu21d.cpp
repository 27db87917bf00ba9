#include "aiopi/drivers/htu21d.hpp"

#include <array>
#include <chrono>
#include <span>

#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"

namespace aiopi::drivers {

namespace {
constexpr const char* kCrcFail = "HTU21D: CRC mismatch in a measurement (bad data from the sensor)";
}  // namespace

std::uint8_t HTU21D::temperature_command() const noexcept {
  return config_.hold_master ? htu21d_cmd::kTemperatureHold : htu21d_cmd::kTemperatureNoHold;
}
std::uint8_t HTU21D::humidity_command() const noexcept {
  return config_.hold_master ? htu21d_cmd::kHumidityHold : htu21d_cmd::kHumidityNoHold;
}

HTU21D::HTU21D(hal::I2cBus& bus, const HTU21DConfig& config) : bus_(bus), config_(config) {
  if (Loop* loop = Loop::current(); loop != nullptr && loop->is_running()) start(*loop);
}

void HTU21D::start(Loop& loop) {
  if (running()) return;
  task_ = loop.create_task(run(), "htu21d");
}

void HTU21D::deinit() noexcept {
  if (task_ && !task_.done()) {
    Loop& loop = task_.base().loop();
    if (loop.current_task() == &task_.base()) {
      // From inside the observer: the task cannot unwind itself; it ends as soon as the observer returns.
      if (stop_flag_ != nullptr) *stop_flag_ = true;
    } else {
      loop.unwind_now(task_.base());
    }
  }
  stop_flag_ = nullptr;
  task_ = TaskHandle<void>();
}

bool HTU21D::running() const noexcept {
  return task_ && !task_.done();
}

Task<hal::IoResult<std::uint16_t>> HTU21D::measure_locked(std::uint8_t command) {
  const std::array<std::uint8_t, 1> cmd{command};
  {
    hal::IoResult<void> w = co_await bus_.write(config_.address, cmd);
    if (!w) co_return w.error();
  }
  if (config_.conversion_ms != 0) co_await sleep(std::chrono::milliseconds(config_.conversion_ms));
  std::array<std::uint8_t, 3> in{};
  {
    hal::IoResult<void> r = co_await bus_.read(config_.address, in);
    if (!r) co_return r.error();
  }
  if (htu21d_crc8(in[0], in[1]) != in[2]) co_return hal::io_error(hal::IoErrc::io, kCrcFail);
  co_return static_cast<std::uint16_t>((in[0] << 8) | in[1]);
}

Task<hal::IoResult<std::uint16_t>> HTU21D::measure_raw(std::uint8_t command) {
  LockGuard guard = co_await bus_lock_;
  co_return co_await measure_locked(command);
}

Task<hal::IoResult<float>> HTU21D::read_temperature() {
  hal::IoResult<std::uint16_t> raw = co_await measure_raw(temperature_command());
  if (!raw) co_return raw.error();
  co_return htu21d_temperature_c(*raw);
}

Task<hal::IoResult<float>> HTU21D::read_humidity() {
  hal::IoResult<std::uint16_t> raw = co_await measure_raw(humidity_command());
  if (!raw) co_return raw.error();
  co_return htu21d_humidity_rh(*raw);
}

Task<hal::IoResult<HTU21DReading>> HTU21D::read() {
  LockGuard guard = co_await bus_lock_;
  hal::IoResult<std::uint16_t> t = co_await measure_locked(temperature_command());
  if (!t) co_return t.error();
  hal::IoResult<std::uint16_t> h = co_await measure_locked(humidity_command());
  if (!h) co_return h.error();
  co_return HTU21DReading{htu21d_temperature_c(*t), htu21d_humidity_rh(*h)};
}

Task<hal::IoResult<std::uint8_t>> HTU21D::user_register() {
  LockGuard guard = co_await bus_lock_;
  const std::array<std::uint8_t, 1> cmd{htu21d_cmd::kReadUserRegister};
  std::array<std::uint8_t, 1> in{};
  hal::IoResult<void> r = co_await bus_.write_read(config_.address, cmd, in);
  if (!r) co_return r.error();
  co_return in[0];
}

Task<> HTU21D::run() {
  bool stopped = false;
  stop_flag_ = &stopped;
  for (;;) {
    hal::IoResult<HTU21DReading> r = co_await read();
    HTU21DReport report{};
    report.timestamp_us = Loop::running().now().time_since_epoch().count();
    if (r) {
      temperature_ = r->temperature_c;
      humidity_ = r->humidity_rh;
      last_error_ = hal::IoError{};
      ++good_cycles_;
      report.kind = HTU21DReport::Kind::reading;
      report.temperature_c = r->temperature_c;
      report.humidity_rh = r->humidity_rh;
      ready_.set();
    } else {
      last_error_ = r.error();
      ++failed_cycles_;
      report.kind = HTU21DReport::Kind::error;
      report.error = r.error();
    }
    if (observer_) {
      observer_(report);
      if (stopped) co_return;  // `this` may be gone
    }
    co_await sleep(std::chrono::milliseconds(config_.read_delay_ms));
  }
}

}  // namespace aiopi::drivers
