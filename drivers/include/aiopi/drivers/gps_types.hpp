// The value types of the GPS driver (nmea_parser.hpp, gps.hpp, gps_timer.hpp): micropython-async's as_GPS
// constants, a coordinate, a time of day, a date, one satellite of a GSV table, short text in a fixed buffer,
// and the proleptic Gregorian calendar arithmetic the local time and date are computed with.
//
//   GpsText s = gps.latitude_string(CoordFormat::DD);   // "51.507368° N", no allocation
//   std::puts(s.c_str());
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace aiopi::drivers {

/// as_GPS's sentence-type bits (a fix callback's mask and argument), and its data groups.
namespace nmea {
inline constexpr std::uint8_t RMC = 1;
inline constexpr std::uint8_t GLL = 2;
inline constexpr std::uint8_t VTG = 4;
inline constexpr std::uint8_t GGA = 8;
inline constexpr std::uint8_t GSA = 16;
inline constexpr std::uint8_t GSV = 32;
inline constexpr std::uint8_t ALL = RMC | GLL | VTG | GGA | GSA | GSV;

/// The name of one type bit ("RMC"...), "" for anything else.
constexpr const char* to_string(std::uint8_t type) noexcept {
  switch (type) {
    case RMC:
      return "RMC";
    case GLL:
      return "GLL";
    case VTG:
      return "VTG";
    case GGA:
      return "GGA";
    case GSA:
      return "GSA";
    case GSV:
      return "GSV";
    default:
      return "";
  }
}
}  // namespace nmea

/// Coordinate formats of latitude_string() / longitude_string() (as_GPS's DD, DMS, DM, KML).
enum class CoordFormat : std::uint8_t { DD = 1, DMS = 2, DM = 3, KML = 4 };
/// Speed units (as_GPS's KPH, MPH, KNOT).
enum class SpeedUnit : std::uint8_t { KPH = 10, MPH = 11, KNOT = 12 };
/// Date formats of date_string() (as_GPS's MDY, DMY, LONG).
enum class DateFormat : std::uint8_t { MDY = 20, DMY = 21, LONG = 22 };

/// Short text in an inline buffer (always NUL-terminated): what the *_string() functions return.
template <std::size_t N>
class FixedText {
 public:
  constexpr FixedText() noexcept = default;
  std::string_view view() const noexcept { return {buf_.data(), size_}; }
  operator std::string_view() const noexcept { return view(); }  // NOLINT: text is text
  const char* c_str() const noexcept { return buf_.data(); }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  static constexpr std::size_t capacity() noexcept { return N; }

  /// Appends what fits (the rest is cut off).
  FixedText& append(std::string_view s) noexcept {
    for (char c : s)
      push_back(c);
    return *this;
  }
  FixedText& push_back(char c) noexcept {
    if (size_ < N) {
      buf_[size_++] = c;
      buf_[size_] = '\0';
    }
    return *this;
  }
  /// `v` in decimal, at least `width` digits (zero-padded).
  FixedText& append_uint(std::uint64_t v, int width = 1) noexcept;
  /// `v` with `decimals` digits after the point, rounded half away from zero (no printf: the RP2040's
  /// small C library may lack floating-point formatting).
  FixedText& append_fixed(double v, int decimals) noexcept;
  void clear() noexcept {
    size_ = 0;
    buf_[0] = '\0';
  }

  friend bool operator==(const FixedText& a, std::string_view b) noexcept { return a.view() == b; }

 private:
  std::array<char, N + 1> buf_{};
  std::size_t size_ = 0;
};

/// The text type of the GPS API.
using GpsText = FixedText<40>;

/// Degrees, minutes and whole seconds (as_GPS's DMS form).
struct Dms {
  int degrees = 0;
  int minutes = 0;
  int seconds = 0;
  char hemisphere = 'N';
  friend bool operator==(const Dms&, const Dms&) = default;
};

/// A latitude or longitude as the receiver sends it: whole degrees, decimal minutes, hemisphere (N, S, E, W).
/// as_GPS keeps this form (DM) and derives the others.
struct Coordinate {
  int degrees = 0;
  double minutes = 0;
  char hemisphere = 'N';

  /// Unsigned decimal degrees (DD), with hemisphere() saying which side.
  double decimal_degrees() const noexcept { return degrees + minutes / 60.0; }
  /// Decimal degrees, negative south and west (KML, and what maps want).
  double signed_degrees() const noexcept {
    return hemisphere == 'S' || hemisphere == 'W' ? -decimal_degrees() : decimal_degrees();
  }
  /// Degrees, minutes, rounded seconds (DMS). A rounding to 60 s carries into the minutes.
  Dms dms() const noexcept;
};

/// A time of day.
struct Hms {
  int hours = 0;
  int minutes = 0;
  int seconds = 0;
  friend bool operator==(const Hms&, const Hms&) = default;
};

/// A date as as_GPS gives it: day, month, two-digit year (year - 2000).
struct Dmy {
  int day = 0;
  int month = 0;
  int year = 0;
  friend bool operator==(const Dmy&, const Dmy&) = default;
};

/// One satellite of the GSV table; elevation, azimuth and SNR are -1 where the receiver left them empty
/// (as_GPS's None).
struct SatelliteInfo {
  std::uint16_t prn = 0;
  std::int16_t elevation = -1;  // degrees
  std::int16_t azimuth = -1;    // degrees
  std::int16_t snr = -1;        // dB-Hz
  friend bool operator==(const SatelliteInfo&, const SatelliteInfo&) = default;
};

/// Calendar arithmetic on the proleptic Gregorian calendar (leap years: every 4th, not every 100th, every
/// 400th), exact for any year; days are counted from 1970-01-01.
namespace civil {
constexpr bool is_leap(int y) noexcept {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
constexpr int days_in_month(int y, int m) noexcept {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[(m - 1) % 12];
}
/// Days since 1970-01-01 of y-m-d (m 1..12, d 1..31).
constexpr std::int64_t days_from_civil(int y, int m, int d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
struct Ymd {
  int year;
  int month;
  int day;
  friend bool operator==(const Ymd&, const Ymd&) = default;
};
/// The date of a day number of days_from_civil().
constexpr Ymd civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0)), m, d};
}
/// Floor division of seconds into days (negative times count back from 1970).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}
}  // namespace civil

// ---- FixedText ------------------------------------------------------------------------------------------
template <std::size_t N>
FixedText<N>& FixedText<N>::append_uint(std::uint64_t v, int width) noexcept {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int i = n; i < width; ++i)
    push_back('0');
  while (n > 0)
    push_back(digits[--n]);
  return *this;
}

template <std::size_t N>
FixedText<N>& FixedText<N>::append_fixed(double v, int decimals) noexcept {
  std::uint64_t scale = 1;
  for (int i = 0; i < decimals; ++i)
    scale *= 10;
  const bool negative = v < 0;
  const double magnitude = negative ? -v : v;
  const auto scaled = static_cast<std::uint64_t>(magnitude * static_cast<double>(scale) + 0.5);
  if (negative && scaled != 0) push_back('-');
  append_uint(scaled / scale);
  if (decimals > 0) {
    push_back('.');
    append_uint(scaled % scale, decimals);
  }
  return *this;
}

}  // namespace aiopi::drivers
