// The `gps` device type: its driver on the board's HAL objects (driver_support.hpp).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aiopi/drivers/gps.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/sleep.hpp"
#include "driver_support.hpp"

namespace aiopid::runtime::driver_support {
namespace {

using namespace std::chrono_literals;

// -------------------------------------------------------------------------------------------------- gps

/// "$BODY*hh\r\n" with the checksum of BODY.
std::string nmea_sentence(const std::string& body) {
  unsigned sum = 0;
  for (const char c : body)
    sum ^= static_cast<unsigned char>(c);
  char tail[8];
  std::snprintf(tail, sizeof tail, "*%02X\r\n", sum);
  return "$" + body + tail;
}

/// ddmm.mmmm,H (or dddmm.mmmm for a longitude).
std::string nmea_coordinate(double degrees, bool longitude) {
  const char hemisphere = longitude ? (degrees < 0 ? 'W' : 'E') : (degrees < 0 ? 'S' : 'N');
  degrees = std::fabs(degrees);
  const int whole = static_cast<int>(degrees);
  const double minutes = (degrees - whole) * 60.0;
  char text[32];
  std::snprintf(text, sizeof text, longitude ? "%03d%07.4f,%c" : "%02d%07.4f,%c", whole, minutes, hemisphere);
  return text;
}

class GpsDevice final : public DriverDeviceBase {
 public:
  GpsDevice(aiopi::Loop& loop, Board& board, std::unique_ptr<aiopi::hal::Uart> uart, double local_offset,
            bool simulated, DriverSink& sink)
      : DriverDeviceBase(sink),
        loop_(loop),
        board_(board),
        uart_(std::move(uart)),
        gps_(uart_->reader(), aiopi::drivers::GPS::Config{.local_offset_h = local_offset}) {
    // A fix report per valid RMC (one a second, the seed's default mask), a satellites report per GSV set.
    gps_.set_observer([this](const aiopi::drivers::GpsReport& r) { report(r); }, aiopi::drivers::nmea::RMC);
    gps_.start();
    if (simulated) receiver_ = loop.create_task(simulate(), "sim_gps");
  }

  std::vector<Reading> readings() const override {
    std::vector<Reading> out{
        {"latitude", {}, "°"},          {"longitude", {}, "°"}, {"altitude", {}, "m"},
        {"speed", {}, "km/h"},          {"course", {}, "°"},    {"satellites_in_use", {}, ""},
        {"satellites_in_view", {}, ""}, {"hdop", {}, ""},       {"utc", {}, ""}};
    if (gps_.fix_time_us() >= 0) {
      out[0].value = gps_.latitude().signed_degrees();
      out[1].value = gps_.longitude().signed_degrees();
    }
    if (gps_.fix_quality() > 0) out[2].value = gps_.altitude();
    if (gps_.rmc_count() > 0) {
      out[3].value = gps_.speed(aiopi::drivers::SpeedUnit::KPH);
      out[4].value = gps_.course();
    }
    if (gps_.fix_quality() >= 0) {
      out[5].value = static_cast<std::int64_t>(gps_.satellites_in_use());
      out[7].value = gps_.hdop();
    }
    if (gps_.satellite_sets() > 0) out[6].value = static_cast<std::int64_t>(gps_.satellites_in_view());
    if (gps_.epoch_time() != 0) out[8].value = utc_text();
    return out;
  }

  const std::string& error() const noexcept override {
    // The reader task ends with the stream (a port that closed or failed): that is the device's error.
    if (error_.empty() && !gps_.stream_error().ok()) stream_error_ = gps_.stream_error().what;
    return error_.empty() ? stream_error_ : error_;
  }

  aiopi::Task<> stop() override {
    co_await finish(receiver_);
    gps_.deinit();
  }

 private:
  std::string utc_text() const {
    const std::int64_t t = gps_.epoch_time();
    const std::int64_t day = aiopi::drivers::civil::floor_div(t, 86400);
    const auto ymd = aiopi::drivers::civil::civil_from_days(day);
    const std::int64_t s = t - day * 86400;
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", ymd.year, ymd.month, ymd.day,
                  static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
    return text;
  }

  void report(const aiopi::drivers::GpsReport& r) {
    sink_.driver_readings();
    if (r.event == aiopi::drivers::GpsEvent::fix) {
      sink_.driver_event(DriverEvent{
          "fix", {{"latitude", r.latitude, "°"}, {"longitude", r.longitude, "°"}}, at_us(r.t_us)});
    } else if (r.event == aiopi::drivers::GpsEvent::satellites) {
      sink_.driver_event(
          DriverEvent{"satellites",
                      {{"satellites_in_view", static_cast<std::int64_t>(r.satellites_in_view), ""}},
                      at_us(r.t_us)});
    }
  }

  /// The sim board's receiver: RMC, GGA and a GSV set every second, a position circling slowly around the
  /// Greenwich observatory (a 100 m circle every 10 minutes), the time from the loop's wall clock.
  aiopi::Task<> simulate() {
    for (;;) {
      co_await aiopi::sleep(1s);
      const std::int64_t wall = loop_.wall_now_us() / 1'000'000;
      const double angle = 2.0 * M_PI * static_cast<double>(wall % 600) / 600.0;
      const double lat = 51.4769 + 0.0009 * std::sin(angle);
      const double lon = -0.0005 + 0.0014 * std::cos(angle);
      const auto ymd = aiopi::drivers::civil::civil_from_days(aiopi::drivers::civil::floor_div(wall, 86400));
      const std::int64_t sod = wall - aiopi::drivers::civil::floor_div(wall, 86400) * 86400;
      char hms[16], dmy[16];
      std::snprintf(hms, sizeof hms, "%02d%02d%02d.00", static_cast<int>(sod / 3600),
                    static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
      std::snprintf(dmy, sizeof dmy, "%02d%02d%02d", ymd.day, ymd.month, ymd.year % 100);
      const double course = std::fmod(angle * 180.0 / M_PI + 90.0, 360.0);
      char motion[32];
      std::snprintf(motion, sizeof motion, "0.57,%.1f", course);  // ~1.05 km/h along the circle
      std::string text = nmea_sentence(std::string("GPRMC,") + hms + ",A," + nmea_coordinate(lat, false) +
                                       "," + nmea_coordinate(lon, true) + "," + motion + "," + dmy + ",,,A");
      text += nmea_sentence(std::string("GPGGA,") + hms + "," + nmea_coordinate(lat, false) + "," +
                            nmea_coordinate(lon, true) + ",1,08,0.95,46.0,M,45.4,M,,");
      text += nmea_sentence("GPGSV,2,1,08,02,45,120,41,05,38,291,42,12,64,105,45,15,22,048,37");
      text += nmea_sentence("GPGSV,2,2,08,18,11,318,33,24,56,176,44,25,31,236,40,29,09,072,30");
      board_.feed_simulated(*uart_, text);
    }
  }

  aiopi::Loop& loop_;
  Board& board_;
  std::unique_ptr<aiopi::hal::Uart> uart_;
  aiopi::drivers::GPS gps_;
  aiopi::TaskHandle<> receiver_;
  mutable std::string stream_error_;
};

}  // namespace

Opened<DriverDevice> open_gps(aiopi::Loop& loop, Board& board, const config::DeviceConfig& device,
                              DriverSink& sink) {
  auto uart = board.open_uart(loop, device);
  if (!uart) return {nullptr, std::move(uart.error)};
  return {std::make_unique<GpsDevice>(loop, board, std::move(uart.device),
                                      device.params.get_number("local_offset", 0.0),
                                      board.simulated_port(device), sink),
          {}};
}

}  // namespace aiopid::runtime::driver_support
