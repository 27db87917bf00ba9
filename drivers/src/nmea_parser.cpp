// NmeaParser: line assembly, checks, and the six sentence parsers (the rules are at the top of the header and
// in docs/drivers.md). Numbers are parsed by hand (no strtod, no locale, no errno), into locals first: a
// sentence either updates every reading it carries or none.
#include "aiopi/drivers/nmea_parser.hpp"

#include <cstdint>
#include <string_view>

namespace aiopi::drivers {

namespace {

constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
constexpr bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/// Digits only, at least one, at most 9.
bool parse_uint(std::string_view s, int& out) noexcept {
  if (s.empty() || s.size() > 9) return false;
  int v = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

/// [+-]digits[.digits] (or [+-].digits): at least one digit. Digits beyond 18 significant ones are ignored.
bool parse_decimal(std::string_view s, double& out) noexcept {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  std::uint64_t mantissa = 0;
  int significant = 0;
  int fraction_digits = 0;
  int ignored_int_digits = 0;
  bool any_digit = false;
  bool point = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (point) return false;
      point = true;
      continue;
    }
    if (!is_digit(c)) return false;
    any_digit = true;
    if (significant < 18) {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      if (mantissa != 0) ++significant;
      if (point) ++fraction_digits;
    } else if (!point) {
      ++ignored_int_digits;
    }
  }
  if (!any_digit) return false;
  double v = static_cast<double>(mantissa);
  double scale = 1;
  for (int k = 0; k < fraction_digits; ++k)
    scale *= 10;
  v /= scale;  // one correctly rounded division: 30.4421 comes out as the double nearest 30.4421
  for (int k = 0; k < ignored_int_digits; ++k)
    v *= 10;
  out = negative ? -v : v;
  return true;
}

/// A number field that may be empty (then `fallback`).
bool parse_decimal_or(std::string_view s, double fallback, double& out) noexcept {
  if (s.empty()) {
    out = fallback;
    return true;
  }
  return parse_decimal(s, out);
}

/// -1 for an empty field (as_GPS's None), else a non-negative integer.
bool parse_optional_int(std::string_view s, std::int16_t& out) noexcept {
  if (s.empty()) {
    out = -1;
    return true;
  }
  int v = 0;
  if (!parse_uint(s, v) || v > 32767) return false;
  out = static_cast<std::int16_t>(v);
  return true;
}

/// ddmm.mmmm (latitude, 2 degree digits) or dddmm.mmmm (longitude, 3) and its hemisphere letter.
bool parse_coordinate(std::string_view value, std::string_view hemi, std::size_t degree_digits, char pos,
                      char neg, Coordinate& out) noexcept {
  if (value.size() <= degree_digits || hemi.size() != 1 || (hemi[0] != pos && hemi[0] != neg)) return false;
  int degrees = 0;
  double minutes = 0;
  if (!parse_uint(value.substr(0, degree_digits), degrees)) return false;
  const std::string_view min_text = value.substr(degree_digits);
  if (min_text[0] == '+' || min_text[0] == '-' || !parse_decimal(min_text, minutes)) return false;
  out = Coordinate{degrees, minutes, hemi[0]};
  return true;
}

struct TimeOfDay {
  int h = 0, m = 0, s = 0, ms = 0;
};

/// hhmmss[.sss]
bool parse_time(std::string_view t, TimeOfDay& out) noexcept {
  if (t.size() < 6) return false;
  TimeOfDay r;
  if (!parse_uint(t.substr(0, 2), r.h) || !parse_uint(t.substr(2, 2), r.m) ||
      !parse_uint(t.substr(4, 2), r.s))
    return false;
  if (r.h > 23 || r.m > 59 || r.s > 60) return false;  // 60: a leap second
  if (t.size() > 6) {
    if (t[6] != '.') return false;
    int scale = 100;
    for (std::size_t i = 7; i < t.size(); ++i) {
      if (!is_digit(t[i])) return false;
      r.ms += (t[i] - '0') * scale;
      scale /= 10;
    }
  }
  out = r;
  return true;
}

/// ddmmyy, two-digit years meaning 2000..2099.
bool parse_date(std::string_view d, civil::Ymd& out) noexcept {
  int day = 0, month = 0, yy = 0;
  if (d.size() != 6 || !parse_uint(d.substr(0, 2), day) || !parse_uint(d.substr(2, 2), month) ||
      !parse_uint(d.substr(4, 2), yy))
    return false;
  if (month < 1 || month > 12 || day < 1 || day > civil::days_in_month(2000 + yy, month)) return false;
  out = {2000 + yy, month, day};
  return true;
}

constexpr const char* kCompass[16] = {"N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
                                      "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"};
constexpr const char* kMonths[12] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};

}  // namespace

Dms Coordinate::dms() const noexcept {
  int whole = static_cast<int>(minutes);
  int seconds = static_cast<int>((minutes - whole) * 60.0 + 0.5);
  if (seconds >= 60) {
    seconds -= 60;
    ++whole;
  }
  return {degrees, whole, seconds, hemisphere};
}

NmeaParser::NmeaParser(const Config& config) noexcept
    : cb_mask_(config.cb_mask), full_check_(config.full_check), battery_(config.battery) {
  set_local_offset(config.local_offset_h);
}

void NmeaParser::set_local_offset(double hours) noexcept {
  const double s = hours * 3600.0;
  local_offset_s_ = static_cast<std::int32_t>(s < 0 ? s - 0.5 : s + 0.5);
}

// ---- line assembly ----------------------------------------------------------------------------------------

void NmeaParser::feed(std::span<const std::uint8_t> bytes, std::int64_t now_us) noexcept {
  now_us_ = now_us;
  for (const std::uint8_t b : bytes) {
    const char c = static_cast<char>(b);
    if (c == '$') {
      // A new sentence: whatever came before it on this line was not one.
      if ((in_sentence_ && !too_long_) || junk_) ++counters_.malformed;
      if (in_sentence_ && too_long_) ++counters_.overflows;
      in_sentence_ = true;
      too_long_ = false;
      junk_ = false;
      line_[0] = '$';
      len_ = 1;
    } else if (c == '\n') {
      end_line();
    } else if (in_sentence_) {
      if (len_ < line_.size()) {
        line_[len_++] = c;
      } else {
        too_long_ = true;
      }
    } else if (!is_blank(c)) {
      junk_ = true;
    }
  }
}

void NmeaParser::parse_line(std::string_view line, std::int64_t now_us) noexcept {
  in_sentence_ = false;
  too_long_ = false;
  junk_ = false;
  len_ = 0;
  feed(line, now_us);
  end_line();
}

void NmeaParser::end_line() noexcept {
  if (in_sentence_) {
    if (too_long_) {
      ++counters_.overflows;
    } else {
      handle_sentence(len_);
    }
  } else if (junk_) {
    ++counters_.malformed;
  }
  in_sentence_ = false;
  too_long_ = false;
  junk_ = false;
  len_ = 0;
}

// ---- checks and dispatch ----------------------------------------------------------------------------------

void NmeaParser::handle_sentence(std::size_t size) noexcept {
  while (size > 0 && is_blank(line_[size - 1]))
    --size;
  if (size == 0) return;
  if (size > kMaxSentence) {
    ++counters_.overflows;
    return;
  }
  const std::string_view line(line_.data(), size);
  const std::size_t star = line.find('*');
  if (star == std::string_view::npos) {
    ++counters_.malformed;
    return;
  }
  if (full_check_) {
    for (char c : line) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 10 || u > 126) {
        ++counters_.malformed;
        return;
      }
    }
    std::uint8_t sum = 0;
    for (std::size_t i = 1; i < star; ++i)
      sum ^= static_cast<std::uint8_t>(line[i]);
    const std::string_view given = line.substr(star + 1);
    const int hi = given.size() == 2 ? hex_value(given[0]) : -1;
    const int lo = given.size() == 2 ? hex_value(given[1]) : -1;
    if (hi < 0 || lo < 0 || sum != hi * 16 + lo) {
      ++counters_.crc_fails;
      return;
    }
  }
  ++counters_.clean_sentences;

  // Split the body ("GPRMC,...") at the commas; fields past kMaxFields are not kept.
  const std::string_view body = line.substr(1, star - 1);
  fields_.text_ = body.data();
  fields_.size_ = body.size();
  fields_.count_ = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= body.size(); ++i) {
    if (i == body.size() || body[i] == ',') {
      if (fields_.count_ < NmeaFields::kMaxFields) {
        fields_.start_[fields_.count_] = static_cast<std::uint8_t>(start);
        fields_.end_[fields_.count_] = static_cast<std::uint8_t>(i);
        ++fields_.count_;
      }
      start = i + 1;
    }
  }

  // Any talker: the type field starts with 'G' and ends in one of the six types.
  std::uint8_t type = 0;
  const std::string_view id = fields_[0];
  if (id.size() >= 4 && id[0] == 'G') {
    const std::string_view t = id.substr(id.size() - 3);
    if (t == "RMC") type = nmea::RMC;
    if (t == "GLL") type = nmea::GLL;
    if (t == "VTG") type = nmea::VTG;
    if (t == "GGA") type = nmea::GGA;
    if (t == "GSA") type = nmea::GSA;
    if (t == "GSV") type = nmea::GSV;
  }
  if (type == 0) {
    if (!unsupported_hook_ || unsupported_hook_(fields_)) {
      ++counters_.parsed_sentences;
      ++counters_.unsupported_sentences;
    }
    return;
  }
  if (!parse(type)) {
    ++counters_.rejected;
    return;
  }
  ++counters_.parsed_sentences;
  if ((cb_mask_ & type) != 0 && fix_cb_) fix_cb_(type);
  if (parsed_hook_) parsed_hook_(type);
}

bool NmeaParser::parse(std::uint8_t type) noexcept {
  switch (type) {
    case nmea::RMC:
      return parse_rmc();
    case nmea::GLL:
      return parse_gll();
    case nmea::VTG:
      return parse_vtg();
    case nmea::GGA:
      return parse_gga();
    case nmea::GSA:
      return parse_gsa();
    case nmea::GSV:
      return parse_gsv();
    default:
      return false;
  }
}

// ---- the sentences ----------------------------------------------------------------------------------------

bool NmeaParser::parse_rmc() noexcept {
  const NmeaFields& f = fields_;
  TimeOfDay t;
  civil::Ymd d{};
  const bool have_time = parse_time(f[1], t) && parse_date(f[9], d);
  auto commit_time = [&] {
    epoch_time_ = civil::days_from_civil(d.year, d.month, d.day) * 86400 + t.h * 3600 + t.m * 60 + t.s;
    msecs_ = t.ms;
    have_time_ = true;
    rmc_read_us_ = now_us_;
    ++rmc_count_;
  };
  if (battery_ && have_time) commit_time();
  if (f[2] != "A" || !have_time) return false;
  Coordinate lat, lon;
  double speed = 0, course = 0, magvar = 0;
  if (!parse_coordinate(f[3], f[4], 2, 'N', 'S', lat) || !parse_coordinate(f[5], f[6], 3, 'E', 'W', lon) ||
      !parse_decimal(f[7], speed) || !parse_decimal_or(f[8], 0, course) ||
      !parse_decimal_or(f[10], 0, magvar))
    return false;
  if (f[11] == "W") magvar = -magvar;
  if (!battery_) commit_time();
  lat_ = lat;
  lon_ = lon;
  speed_knots_ = speed;
  course_ = course;
  magvar_ = magvar;
  set_fix_time();
  return true;
}

bool NmeaParser::parse_gll() noexcept {
  const NmeaFields& f = fields_;
  Coordinate lat, lon;
  if (f[6] != "A" || !parse_coordinate(f[1], f[2], 2, 'N', 'S', lat) ||
      !parse_coordinate(f[3], f[4], 3, 'E', 'W', lon))
    return false;
  lat_ = lat;
  lon_ = lon;
  set_fix_time();
  return true;
}

bool NmeaParser::parse_vtg() noexcept {
  const NmeaFields& f = fields_;
  double course = 0, speed = 0;
  if (!parse_decimal(f[1], course) || !parse_decimal(f[5], speed)) return false;
  course_ = course;
  speed_knots_ = speed;
  return true;
}

bool NmeaParser::parse_gga() noexcept {
  const NmeaFields& f = fields_;
  int quality = 0, in_use = 0;
  double hdop = 0;
  if (!parse_uint(f[6], quality) || !parse_uint(f[7], in_use) || !parse_decimal(f[8], hdop)) return false;
  Coordinate lat, lon;
  double altitude = 0, geoid = 0;
  if (quality != 0 &&
      (!parse_coordinate(f[2], f[3], 2, 'N', 'S', lat) || !parse_coordinate(f[4], f[5], 3, 'E', 'W', lon) ||
       !parse_decimal(f[9], altitude) || !parse_decimal(f[11], geoid)))
    return false;
  fix_quality_ = quality;
  satellites_in_use_ = in_use;
  hdop_ = hdop;
  if (quality != 0) {
    lat_ = lat;
    lon_ = lon;
    altitude_ = altitude;
    geoid_height_ = geoid;
    set_fix_time();
  }
  return true;
}

bool NmeaParser::parse_gsa() noexcept {
  const NmeaFields& f = fields_;
  int fix_type = 0;
  if (!parse_uint(f[2], fix_type) || fix_type < 2) return false;
  std::array<std::uint16_t, kMaxUsed> used{};
  std::size_t count = 0;
  for (std::size_t i = 3; i < 3 + kMaxUsed; ++i) {
    if (f[i].empty()) break;
    int prn = 0;
    if (!parse_uint(f[i], prn) || prn > 65535) return false;
    used[count++] = static_cast<std::uint16_t>(prn);
  }
  double pdop = 0, hdop = 0, vdop = 0;
  if (!parse_decimal(f[15], pdop) || !parse_decimal(f[16], hdop) || !parse_decimal(f[17], vdop)) return false;
  used_ = used;
  used_count_ = count;
  pdop_ = pdop;
  hdop_ = hdop;
  vdop_ = vdop;
  return true;
}

bool NmeaParser::parse_gsv() noexcept {
  const NmeaFields& f = fields_;
  int total = 0, number = 0, in_view = 0;
  if (!parse_uint(f[1], total) || !parse_uint(f[2], number) || !parse_uint(f[3], in_view) || total < 1 ||
      number < 1 || number > total)
    return false;
  // Every group of four present in this sentence (as_GPS miscounts the last sentence's groups when the
  // number in view is a multiple of 4 and reads none: not reproduced). A trailing signal-ID field (NMEA 4.10)
  // is not a group.
  std::array<SatelliteInfo, 4> group{};
  std::size_t groups = 0;
  for (std::size_t g = 0; g < 4; ++g) {
    const std::size_t base = 4 + 4 * g;
    if (base + 1 >= f.size()) break;  // no group left: at most a signal-ID field
    if (f[base].empty()) continue;
    int prn = 0;
    SatelliteInfo s;
    if (!parse_uint(f[base], prn) || prn > 65535 || !parse_optional_int(f[base + 1], s.elevation) ||
        !parse_optional_int(f[base + 2], s.azimuth) || !parse_optional_int(f[base + 3], s.snr))
      return false;
    s.prn = static_cast<std::uint16_t>(prn);
    group[groups++] = s;
  }
  if (number == 1) sat_count_ = 0;
  for (std::size_t g = 0; g < groups; ++g) {
    std::size_t i = 0;
    while (i < sat_count_ && sats_[i].prn != group[g].prn)
      ++i;
    if (i == sat_count_) {
      if (sat_count_ == sats_.size()) continue;
      ++sat_count_;
    }
    sats_[i] = group[g];
  }
  satellites_in_view_ = in_view;
  gsv_in_sequence_ = number == 1 || (gsv_in_sequence_ && total == gsv_total_ && number == gsv_last_ + 1);
  gsv_total_ = total;
  gsv_last_ = number;
  if (satellite_set_complete()) ++gsv_sets_;
  return true;
}

// ---- derived readings -------------------------------------------------------------------------------------

double NmeaParser::speed(SpeedUnit units) const noexcept {
  switch (units) {
    case SpeedUnit::KPH:
      return speed_knots_ * 1.852;
    case SpeedUnit::MPH:
      return speed_knots_ * 1.151;
    case SpeedUnit::KNOT:
      break;
  }
  return speed_knots_;
}

GpsText NmeaParser::speed_string(SpeedUnit units) const noexcept {
  GpsText s;
  s.append_fixed(speed(units), 2);
  switch (units) {
    case SpeedUnit::KPH:
      s.append(" km/h");
      break;
    case SpeedUnit::MPH:
      s.append(" mph");
      break;
    case SpeedUnit::KNOT:
      s.append(" knots");
      break;
  }
  return s;
}

const char* NmeaParser::compass_direction() const noexcept {
  double c = course_;
  while (c < 0)
    c += 360;
  const auto sector = static_cast<unsigned>((c + 11.25) / 22.5);
  return kCompass[sector % 16];
}

GpsText NmeaParser::coord_string(const Coordinate& c, CoordFormat format) const noexcept {
  GpsText s;
  switch (format) {
    case CoordFormat::DD:
      s.append_fixed(c.decimal_degrees(), 6).append("\xC2\xB0 ").push_back(c.hemisphere);
      break;
    case CoordFormat::DMS: {
      const Dms d = c.dms();
      s.append_uint(static_cast<std::uint64_t>(d.degrees)).append("\xC2\xB0 ");
      s.append_uint(static_cast<std::uint64_t>(d.minutes)).append("' ");
      s.append_uint(static_cast<std::uint64_t>(d.seconds)).append("\" ").push_back(d.hemisphere);
      break;
    }
    case CoordFormat::DM:
      s.append_uint(static_cast<std::uint64_t>(c.degrees)).append("\xC2\xB0 ");
      s.append_fixed(c.minutes, 4).append("' ").push_back(c.hemisphere);
      break;
    case CoordFormat::KML:
      s.append_fixed(c.signed_degrees(), 6);
      break;
  }
  return s;
}

Hms NmeaParser::utc() const noexcept {
  if (!have_time_) return {};
  const std::int64_t sod = epoch_time_ - civil::floor_div(epoch_time_, 86400) * 86400;
  return {static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60)};
}

std::int64_t NmeaParser::local_seconds_of_day() const noexcept {
  const std::int64_t t = local_epoch();
  return t - civil::floor_div(t, 86400) * 86400;
}

Hms NmeaParser::local_time() const noexcept {
  if (!have_time_) return {};
  const std::int64_t sod = local_seconds_of_day();
  return {static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60)};
}

civil::Ymd NmeaParser::local_ymd() const noexcept {
  if (!have_time_) return {0, 0, 0};
  return civil::civil_from_days(civil::floor_div(local_epoch(), 86400));
}

Dmy NmeaParser::date() const noexcept {
  if (!have_time_) return {};
  const civil::Ymd d = local_ymd();
  return {d.day, d.month, d.year - 2000};
}

GpsText NmeaParser::time_string(bool local) const noexcept {
  const Hms t = local ? local_time() : utc();
  GpsText s;
  s.append_uint(static_cast<std::uint64_t>(t.hours), 2).push_back(':');
  s.append_uint(static_cast<std::uint64_t>(t.minutes), 2).push_back(':');
  s.append_uint(static_cast<std::uint64_t>(t.seconds), 2);
  return s;
}

GpsText NmeaParser::date_string(DateFormat format) const noexcept {
  const Dmy d = date();
  const auto day = static_cast<std::uint64_t>(d.day);
  const auto month = static_cast<std::uint64_t>(d.month);
  const auto year = static_cast<std::uint64_t>(d.year < 0 ? 0 : d.year);
  GpsText s;
  switch (format) {
    case DateFormat::MDY:
      s.append_uint(month, 2).push_back('/').append_uint(day, 2).push_back('/').append_uint(year % 100, 2);
      break;
    case DateFormat::DMY:
      s.append_uint(day, 2).push_back('/').append_uint(month, 2).push_back('/').append_uint(year % 100, 2);
      break;
    case DateFormat::LONG: {
      if (d.month < 1 || d.month > 12) break;
      const char* suffix = "th";
      if (d.day == 1 || d.day == 21 || d.day == 31) suffix = "st";
      if (d.day == 2 || d.day == 22) suffix = "nd";
      if (d.day == 3 || d.day == 23) suffix = "rd";
      s.append(kMonths[d.month - 1]).push_back(' ');
      if (d.day < 10) s.push_back(' ');
      s.append_uint(day).append(suffix).append(", ").append_uint(2000 + year);
      break;
    }
  }
  return s;
}

}  // namespace aiopi::drivers
