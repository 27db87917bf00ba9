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

#include "aiopi/drivers/nmea_parser.hpp"
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
        parser_(aiopi::drivers::NmeaParser::Config{.local_offset_h = local_offset,
                                                   .cb_mask = aiopi::drivers::nmea::ALL}) {
    parser_.set_fix_callback([this](std::uint8_t type) { parsed(type); });
    reader_ = loop.create_task(read(), "gps");
    if (simulated) receiver_ = loop.create_task(simulate(), "sim_gps");
  }

  std::vector<Reading> readings() const override {
    std::vector<Reading> out{
        {"latitude", {}, "°"},          {"longitude", {}, "°"}, {"altitude", {}, "m"},
        {"speed", {}, "km/h"},          {"course", {}, "°"},    {"satellites_in_use", {}, ""},
        {"satellites_in_view", {}, ""}, {"hdop", {}, ""},       {"utc", {}, ""}};
    if (parser_.fix_time_us() >= 0) {
      out[0].value = parser_.latitude().signed_degrees();
      out[1].value = parser_.longitude().signed_degrees();
    }
    if (have_altitude_) out[2].value = parser_.altitude();
    if (have_motion_) {
      out[3].value = parser_.speed(aiopi::drivers::SpeedUnit::KPH);
      out[4].value = parser_.course();
    }
    if (have_gga_) {
      out[5].value = static_cast<std::int64_t>(parser_.satellites_in_use());
      out[7].value = parser_.hdop();
    }
    if (have_gsv_) out[6].value = static_cast<std::int64_t>(parser_.satellites_in_view());
    if (parser_.epoch_time() != 0) out[8].value = utc_text();
    return out;
  }

  aiopi::Task<> stop() override {
    co_await finish(receiver_);
    co_await finish(reader_);
  }

 private:
  std::string utc_text() const {
    const std::int64_t t = parser_.epoch_time();
    const auto ymd = aiopi::drivers::civil::civil_from_days(aiopi::drivers::civil::floor_div(t, 86400));
    const std::int64_t s = t - aiopi::drivers::civil::floor_div(t, 86400) * 86400;
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", ymd.year, ymd.month, ymd.day,
                  static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
    return text;
  }

  void parsed(std::uint8_t type) {
    namespace nmea = aiopi::drivers::nmea;
    changed_ = true;
    if (type == nmea::RMC || type == nmea::VTG) have_motion_ = true;
    if (type == nmea::GGA) {
      have_gga_ = true;
      if (parser_.fix_quality() > 0) have_altitude_ = true;
    }
    if (type == nmea::GSV && parser_.satellite_set_complete()) have_gsv_ = true;
    // A valid position: RMC with status A, GLL with A, GGA with a fix (the parser stamps it now).
    if ((type == nmea::RMC || type == nmea::GLL || type == nmea::GGA) && parser_.fix_time_us() == now_us_) {
      fix_pending_ = true;
      fix_at_ = now_us_;
    }
  }

  aiopi::Task<> read() {
    std::array<std::uint8_t, 256> buf{};
    for (;;) {
      auto got = co_await uart_->reader().read(buf);
      if (!got) {
        read_outcome(got.error().what);
        co_return;
      }
      if (got->empty()) {
        read_outcome("the port closed");
        co_return;
      }
      now_us_ = std::chrono::duration_cast<std::chrono::microseconds>(loop_.now().time_since_epoch()).count();
      changed_ = false;
      fix_pending_ = false;
      parser_.feed(std::span<const std::uint8_t>(got->data(), got->size()), now_us_);
      if (changed_) sink_.driver_readings();
      if (fix_pending_) {
        sink_.driver_event(DriverEvent{"fix",
                                       {{"latitude", parser_.latitude().signed_degrees(), "°"},
                                        {"longitude", parser_.longitude().signed_degrees(), "°"}},
                                       at_us(fix_at_)});
      }
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
  aiopi::drivers::NmeaParser parser_;
  aiopi::TaskHandle<> reader_;
  aiopi::TaskHandle<> receiver_;
  std::int64_t now_us_ = 0;
  std::int64_t fix_at_ = 0;
  bool changed_ = false;
  bool fix_pending_ = false;
  bool have_motion_ = false;
  bool have_gga_ = false;
  bool have_altitude_ = false;
  bool have_gsv_ = false;
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
