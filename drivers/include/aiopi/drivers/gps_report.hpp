// What GPS's observer hook receives (gps.hpp): the event and a snapshot of the readings, so that a daemon or
// a logger needs nothing else from the driver.
#pragma once

#include <cstdint>

namespace aiopi::drivers {

/// The events of the GPS driver, named as the daemon's events.
enum class GpsEvent : unsigned char {
  fix,         // a position sentence (RMC, GLL, or GGA with a fix) of a type in the observer's mask parsed
  satellites,  // a GSV set completed
  pps,  // GPS_Timer: a PPS edge was dated (t_us is the edge, utc_epoch_s / utc_ms the second it starts)
};

/// "fix", "satellites", "pps".
constexpr const char* to_string(GpsEvent e) noexcept {
  switch (e) {
    case GpsEvent::fix:
      return "fix";
    case GpsEvent::satellites:
      return "satellites";
    case GpsEvent::pps:
      return "pps";
  }
  return "unknown";
}

/// One event with the readings after it (the latest of each, whichever sentence brought it).
struct GpsReport {
  GpsEvent event;
  /// When the bytes that completed the sentence were read, in µs on the loop clock.
  std::int64_t t_us;
  /// The sentence type bit (nmea::RMC...) that caused the report.
  std::uint8_t sentence;
  /// Decimal degrees, negative south / west.
  double latitude;
  double longitude;
  /// Metres above mean sea level (GGA).
  double altitude;
  /// Speed over ground in knots, course over ground in degrees true.
  double speed_knots;
  double course;
  double hdop;
  int satellites_in_use;
  int satellites_in_view;
  /// GGA fix quality (0 none, 1 GPS, 2 DGPS...), -1 before the first GGA.
  int fix_quality;
  /// Unix seconds (UTC) and milliseconds of the last valid RMC's date and time; 0 before one.
  std::int64_t utc_epoch_s;
  int utc_ms;
};

}  // namespace aiopi::drivers
