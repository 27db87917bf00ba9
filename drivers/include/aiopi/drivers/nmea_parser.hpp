// NmeaParser: micropython-async's as_GPS parser without the stream. Fed bytes in any chunking, it assembles
// NMEA-0183 sentences in a fixed buffer, checks them (characters, checksum, length), parses RMC, GLL, VTG,
// GGA, GSA and GSV from any talker (GP, GL, GN, GA, GB...) and keeps the latest readings, the GSV satellite
// table and the counters. GPS (gps.hpp) runs one on a stream; a test or a program with its own input feeds
// one directly (as_GPS's "test mode").
//
//   NmeaParser p({.local_offset_h = 1});
//   p.set_fix_callback([&](std::uint8_t type) { if (type == nmea::RMC) log(p.latitude_string()); },
//                      nmea::RMC | nmea::GGA);
//   p.feed("$GPRMC,083559.00,A,5130.4421,N,00007.6540,W,3.21,47.50,150624,,,A*78\r\n");
//
// Input: a sentence starts at '$' and ends at '\n' (the '\r' and trailing blanks are stripped). A '$' inside
// a sentence starts a new one (the unfinished one is counted malformed): a receiver that restarts mid-line
// costs one sentence, not two. Bytes outside a sentence are garbage (a line of them counts malformed once).
// A sentence longer than 76 characters is dropped and counted in overflows; the buffer never grows.
//
// Checks (Config::full_check, as_GPS's FULL_CHECK): every character in ASCII 10..126 (else malformed), a '*'
// followed by exactly two hex digits equal to the XOR of the characters between '$' and '*' (else
// crc_fails). Then clean_sentences counts it. A supported sentence that parses (see docs/drivers.md for the
// rules of each) updates the readings, counts in parsed_sentences and calls the fix callback when its type
// bit is in the mask; one that does not parse (void status, an empty or bad number, a bad hemisphere) is
// ignored. Any other sentence goes to the unsupported-sentence hook (default: accept), counted in
// parsed_sentences and unsupported_sentences when the hook accepts it.
//
// Nothing allocates: the line buffer, the field table and the satellite table are members (~770 bytes
// on the RP2040). Times: epoch_time() is Unix seconds (UTC) of the last valid RMC; local time and date add
// local_offset_h, with day, month and year rolling over correctly (leap years included). Two-digit years are
// 2000..2099, as the receivers mean them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/drivers/gps_types.hpp"

namespace aiopi::drivers {

/// The comma-separated fields of one sentence, '$' and "*hh" removed (field 0 is the talker and type,
/// e.g. "GPGGA"); views into the parser's line buffer, valid during the call they are passed to.
class NmeaFields {
 public:
  static constexpr std::size_t kMaxFields = 40;

  std::size_t size() const noexcept { return count_; }
  /// Field `i`, or "" past the end (a missing trailing field reads as an empty one).
  std::string_view operator[](std::size_t i) const noexcept {
    return i < count_ ? std::string_view(text_ + start_[i], end_[i] - start_[i]) : std::string_view();
  }
  /// The sentence between '$' and '*' (fields and commas).
  std::string_view text() const noexcept { return {text_, size_}; }

 private:
  friend class NmeaParser;
  const char* text_ = "";
  std::size_t size_ = 0;
  std::size_t count_ = 0;
  std::array<std::uint8_t, kMaxFields> start_{};
  std::array<std::uint8_t, kMaxFields> end_{};
};

/// The parser's counters (as_GPS's four, and three it did not keep).
struct NmeaCounters {
  std::uint32_t crc_fails = 0;              // checksum wrong or not two hex digits
  std::uint32_t clean_sentences = 0;        // passed the checks
  std::uint32_t parsed_sentences = 0;       // supported and parsed, or accepted by the unsupported hook
  std::uint32_t unsupported_sentences = 0;  // accepted by the unsupported hook
  std::uint32_t overflows = 0;              // longer than 76 characters, dropped
  std::uint32_t malformed = 0;              // no '*', a bad character, cut short by a '$', or garbage
  std::uint32_t rejected = 0;               // clean and supported but not parsed (void status, bad field)
};

class NmeaParser {
 public:
  /// The longest sentence taken, '$' to checksum, without CR/LF (as_GPS's limit).
  static constexpr std::size_t kMaxSentence = 76;
  /// Entries of the GSV table (satellites in view of one set; more are dropped).
  static constexpr std::size_t kMaxSatellites = 32;
  /// PRNs of the GSA "satellites used" list.
  static constexpr std::size_t kMaxUsed = 12;

  struct Config {
    /// Hours added to UTC for local time and date (e.g. -5.5).
    double local_offset_h = 0;
    /// Sentence types whose successful parse calls the fix callback (as_GPS's cb_mask).
    std::uint8_t cb_mask = nmea::RMC;
    /// Check characters and checksums (as_GPS's FULL_CHECK).
    bool full_check = true;
    /// as_GPS's `battery`: an RMC updates date and time even with status V (a receiver on backup power).
    bool battery = false;
  };

  /// Called after a supported sentence parsed, when its type bit is in the mask (as_GPS's fix_cb; bind
  /// anything else in the lambda's captures).
  using FixCallback = InplaceFunction<void(std::uint8_t type)>;
  /// Called with every clean sentence of an unsupported type (as_GPS's parse hook); true counts it parsed.
  using SentenceHook = InplaceFunction<bool(const NmeaFields&)>;
  /// Called after every supported sentence parsed (whatever the mask): GPS's own bookkeeping.
  using ParsedHook = InplaceFunction<void(std::uint8_t type)>;

  explicit NmeaParser(const Config& config) noexcept;
  NmeaParser() noexcept : NmeaParser(Config{}) {}
  NmeaParser(const NmeaParser&) = delete;
  NmeaParser& operator=(const NmeaParser&) = delete;

  // ---- input --------------------------------------------------------------------------------------------
  /// Takes received bytes (any chunking); complete sentences are handled before it returns. `now_us` (the
  /// loop clock) stamps fixes for time_since_fix_ms().
  void feed(std::span<const std::uint8_t> bytes, std::int64_t now_us = 0) noexcept;
  void feed(std::string_view text, std::int64_t now_us = 0) noexcept {
    feed(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
         now_us);
  }
  /// Handles one complete line (with or without its CR/LF) as if fed; a partial line fed before is dropped.
  void parse_line(std::string_view line, std::int64_t now_us = 0) noexcept;

  // ---- callbacks and settings ----------------------------------------------------------------------------
  void set_fix_callback(FixCallback cb, std::uint8_t cb_mask) noexcept {
    fix_cb_ = std::move(cb);
    cb_mask_ = cb_mask;
  }
  void set_fix_callback(FixCallback cb) noexcept { fix_cb_ = std::move(cb); }
  void set_cb_mask(std::uint8_t mask) noexcept { cb_mask_ = mask; }
  std::uint8_t cb_mask() const noexcept { return cb_mask_; }
  void set_unsupported_hook(SentenceHook hook) noexcept { unsupported_hook_ = std::move(hook); }
  void set_parsed_hook(ParsedHook hook) noexcept { parsed_hook_ = std::move(hook); }
  void set_local_offset(double hours) noexcept;
  double local_offset() const noexcept { return static_cast<double>(local_offset_s_) / 3600.0; }
  /// The local offset in seconds (hours rounded to the second).
  std::int32_t local_offset_s() const noexcept { return local_offset_s_; }
  void set_full_check(bool on) noexcept { full_check_ = on; }
  bool full_check() const noexcept { return full_check_; }

  // ---- position and motion ------------------------------------------------------------------------------
  /// Latitude (DM form; decimal_degrees(), dms(), signed_degrees() give the others).
  const Coordinate& latitude() const noexcept { return lat_; }
  const Coordinate& longitude() const noexcept { return lon_; }
  /// "51.507368° N" (DD), "51° 30' 27\" N" (DMS), "51° 30.4421' N" (DM), "51.507368" / "-0.127567" (KML).
  GpsText latitude_string(CoordFormat format = CoordFormat::DM) const noexcept {
    return coord_string(lat_, format);
  }
  GpsText longitude_string(CoordFormat format = CoordFormat::DM) const noexcept {
    return coord_string(lon_, format);
  }
  /// Speed over ground in `units` (knots by default, as as_GPS's code does).
  double speed(SpeedUnit units = SpeedUnit::KNOT) const noexcept;
  /// "5.94 km/h", "3.69 mph", "3.21 knots".
  GpsText speed_string(SpeedUnit units = SpeedUnit::KPH) const noexcept;
  /// Course over ground, degrees true.
  double course() const noexcept { return course_; }
  /// One of the 16 compass points ("N", "NNE", ... "NNW") of course(), 22.5° sectors centred on each.
  const char* compass_direction() const noexcept;
  /// Metres above mean sea level / the geoid's height above the ellipsoid (GGA with a fix).
  double altitude() const noexcept { return altitude_; }
  double geoid_height() const noexcept { return geoid_height_; }
  /// Magnetic variation in degrees, west negative (RMC fields 10/11; 0 when the receiver sends none).
  double magvar() const noexcept { return magvar_; }

  // ---- satellites ---------------------------------------------------------------------------------------
  int satellites_in_use() const noexcept { return satellites_in_use_; }
  int satellites_in_view() const noexcept { return satellites_in_view_; }
  /// PRNs of the satellites used for the fix (GSA).
  std::span<const std::uint16_t> satellites_used() const noexcept { return {used_.data(), used_count_}; }
  double pdop() const noexcept { return pdop_; }
  double hdop() const noexcept { return hdop_; }
  double vdop() const noexcept { return vdop_; }
  /// The GSV table: the first sentence of a set replaces it, the others add to it (a PRN seen again is
  /// updated).
  std::span<const SatelliteInfo> satellite_data() const noexcept { return {sats_.data(), sat_count_}; }
  /// The last GSV sentence completed a set whose sentences 1..total all arrived, in order.
  bool satellite_set_complete() const noexcept { return gsv_in_sequence_ && gsv_last_ == gsv_total_; }
  /// Complete GSV sets received so far.
  std::uint32_t satellite_sets() const noexcept { return gsv_sets_; }
  /// Forgets the progress of the GSV set being received, so that only a set starting after this call can
  /// complete (as_GPS's get_satellite_data resets it to wait for a fresh set).
  void reset_satellite_progress() noexcept { gsv_in_sequence_ = false; }

  // ---- time ---------------------------------------------------------------------------------------------
  /// Unix seconds (UTC) of the last valid RMC's date and time; 0 before the first one.
  std::int64_t epoch_time() const noexcept { return epoch_time_; }
  /// The fractional part of the RMC's time, in milliseconds.
  int msecs() const noexcept { return msecs_; }
  /// RMCs with date and time taken so far (the PPS timer's "is there a new one").
  std::uint32_t rmc_count() const noexcept { return rmc_count_; }
  /// The last RMC's date and time as Unix milliseconds (UTC), and the loop time (µs) it was read at.
  std::int64_t rmc_utc_ms() const noexcept { return epoch_time_ * 1000 + msecs_; }
  std::int64_t rmc_read_us() const noexcept { return rmc_read_us_; }
  /// The RMC's UTC time of day; its local time of day and local date (two-digit year); zeros before one.
  Hms utc() const noexcept;
  Hms local_time() const noexcept;
  Dmy date() const noexcept;
  /// Local calendar date with the full year (zeros before the first RMC).
  civil::Ymd local_ymd() const noexcept;
  /// Seconds since local midnight of the last RMC (the PPS timer's base).
  std::int64_t local_seconds_of_day() const noexcept;
  /// "hh:mm:ss" local (or UTC).
  GpsText time_string(bool local = true) const noexcept;
  /// "06/15/24" (MDY), "15/06/24" (DMY), "June 15th, 2024" (LONG; the day is two wide: "January  1st, 2025").
  GpsText date_string(DateFormat format = DateFormat::MDY) const noexcept;

  /// The loop time (µs) of the last valid position, or -1 if none yet.
  std::int64_t fix_time_us() const noexcept { return fix_time_us_; }
  /// Milliseconds since the last valid position, or -1 if none yet.
  std::int64_t time_since_fix_ms(std::int64_t now_us) const noexcept {
    return fix_time_us_ < 0 ? -1 : (now_us - fix_time_us_) / 1000;
  }
  /// The GGA's fix quality (0 none, 1 GPS, 2 DGPS, ...), -1 before the first GGA.
  int fix_quality() const noexcept { return fix_quality_; }

  // ---- counters -----------------------------------------------------------------------------------------
  const NmeaCounters& counters() const noexcept { return counters_; }
  std::uint32_t crc_fails() const noexcept { return counters_.crc_fails; }
  std::uint32_t clean_sentences() const noexcept { return counters_.clean_sentences; }
  std::uint32_t parsed_sentences() const noexcept { return counters_.parsed_sentences; }
  std::uint32_t unsupported_sentences() const noexcept { return counters_.unsupported_sentences; }

 private:
  static constexpr std::size_t kLineBuffer = 82;  // NMEA's own limit; room for trailing blanks before CR/LF

  void end_line() noexcept;
  void handle_sentence(std::size_t size) noexcept;
  bool parse(std::uint8_t type) noexcept;
  bool parse_rmc() noexcept;
  bool parse_gll() noexcept;
  bool parse_vtg() noexcept;
  bool parse_gga() noexcept;
  bool parse_gsa() noexcept;
  bool parse_gsv() noexcept;
  void set_fix_time() noexcept { fix_time_us_ = now_us_; }
  GpsText coord_string(const Coordinate& c, CoordFormat format) const noexcept;
  std::int64_t local_epoch() const noexcept { return epoch_time_ + local_offset_s_; }

  // Line assembly.
  std::array<char, kLineBuffer> line_{};
  std::size_t len_ = 0;
  bool in_sentence_ = false;
  bool too_long_ = false;
  bool junk_ = false;
  NmeaFields fields_;
  std::int64_t now_us_ = 0;

  // Settings and hooks.
  std::int32_t local_offset_s_ = 0;
  std::uint8_t cb_mask_;
  bool full_check_;
  bool battery_;
  FixCallback fix_cb_;
  SentenceHook unsupported_hook_;
  ParsedHook parsed_hook_;

  // Readings.
  Coordinate lat_{0, 0, 'N'};
  Coordinate lon_{0, 0, 'W'};
  double speed_knots_ = 0;
  double course_ = 0;
  double altitude_ = 0;
  double geoid_height_ = 0;
  double magvar_ = 0;
  double pdop_ = 0;
  double hdop_ = 0;
  double vdop_ = 0;
  std::int64_t epoch_time_ = 0;
  std::int64_t fix_time_us_ = -1;
  std::uint32_t rmc_count_ = 0;
  std::int64_t rmc_read_us_ = 0;
  int msecs_ = 0;
  int fix_quality_ = -1;
  int satellites_in_use_ = 0;
  int satellites_in_view_ = 0;
  std::array<std::uint16_t, kMaxUsed> used_{};
  std::size_t used_count_ = 0;
  std::array<SatelliteInfo, kMaxSatellites> sats_{};
  std::size_t sat_count_ = 0;
  int gsv_total_ = 0;
  int gsv_last_ = 0;
  std::uint32_t gsv_sets_ = 0;
  bool gsv_in_sequence_ = false;
  bool have_time_ = false;

  NmeaCounters counters_;
};

}  // namespace aiopi::drivers
