// GPS: the reader task, the waiters of data_received / get_satellite_data, the observer, and the PMTK
// commands and replies of a read/write receiver.
#include "aiopi/drivers/gps.hpp"

#include <array>
#include <chrono>

namespace aiopi::drivers {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool parse_small_int(std::string_view s, int& out) noexcept {
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 6) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = negative ? -v : v;
  return true;
}

std::int64_t now_us(Loop* loop) noexcept {
  Loop* l = loop != nullptr ? loop : Loop::current();
  return l != nullptr ? l->now().time_since_epoch().count() : 0;
}

}  // namespace

GPS::GPS(hal::StreamReader& reader, const Config& config) noexcept
    : NmeaParser(config), reader_(reader), writer_(nullptr) {
  install_hooks();
}

GPS::GPS(hal::StreamReader& reader, hal::StreamWriter& writer, const Config& config) noexcept
    : NmeaParser(config), reader_(reader), writer_(&writer) {
  install_hooks();
}

GPS::~GPS() {
  deinit();
}

void GPS::install_hooks() noexcept {
  set_parsed_hook([this](std::uint8_t type) { on_parsed(type); });
  NmeaParser::set_unsupported_hook([this](const NmeaFields& f) { return on_unsupported(f); });
}

void GPS::start() {
  if (running()) return;
  loop_ = &Loop::get();
  stopping_ = false;
  stream_error_ = {};
  task_ = loop_->create_task(run(), "gps");
}

void GPS::deinit() noexcept {
  stopping_ = true;
  // From inside our own callback the task is the running one and cannot be cancelled: it sees stopping_
  // when the callback returns.
  if (task_ && !task_.done()) task_.cancel();
  wake_all();
}

Task<> GPS::run() {
  std::array<std::uint8_t, 128> buf;
  for (;;) {
    hal::StreamReader::Result r = co_await reader_.read(buf);
    if (stopping_) co_return;
    if (!r) {
      stream_error_ = r.error();
      break;
    }
    if (r->empty()) {
      stream_error_ = hal::io_error(hal::IoErrc::closed, "GPS: the receiver's stream ended (EOF)");
      break;
    }
    feed(*r, now_us(loop_));
    if (stopping_) co_return;
  }
  wake_all();
}

std::int64_t GPS::time_since_fix() const noexcept {
  return time_since_fix_ms(now_us(loop_));
}

// ---- the parser's hooks
// -------------------------------------------------------------------------------------

void GPS::on_parsed(std::uint8_t type) noexcept {
  bool position = false;
  switch (type) {
    case nmea::RMC:
      ++position_n_;
      ++date_n_;
      ++course_n_;
      position = true;
      break;
    case nmea::GLL:
      ++position_n_;
      position = true;
      break;
    case nmea::VTG:
      ++course_n_;
      break;
    case nmea::GGA:
      if (fix_quality() != 0) {
        ++position_n_;
        ++altitude_n_;
        position = true;
      }
      break;
    default:
      break;
  }
  // Wake the data_received() waiters whose groups have all arrived; the others wait on.
  if (!data_waiters_.empty()) {
    WaitList<> pending;
    pending.splice_back(data_waiters_);
    while (!pending.empty()) {
      auto& op = static_cast<DataReceivedOp&>(pending.pop_front());
      if (op.done()) {
        op.task->loop().make_ready(*op.task);
      } else {
        data_waiters_.push_back(op);
      }
    }
  }
  const bool set_complete = type == nmea::GSV && satellite_set_complete();
  if (set_complete) {
    while (!satellite_waiters_.empty()) {
      auto& op = static_cast<SatelliteDataOp&>(satellite_waiters_.pop_front());
      op.task->loop().make_ready(*op.task);
    }
  }
  if (observer_) {
    if (position && (type & observer_mask_) != 0) report(GpsEvent::fix, type);
    if (set_complete) report(GpsEvent::satellites, type);
  }
}

GpsReport GPS::make_report(GpsEvent event, std::uint8_t type, std::int64_t t_us) const noexcept {
  GpsReport r{};
  r.event = event;
  r.t_us = t_us;
  r.sentence = type;
  r.latitude = latitude().signed_degrees();
  r.longitude = longitude().signed_degrees();
  r.altitude = altitude();
  r.speed_knots = speed();
  r.course = course();
  r.hdop = hdop();
  r.satellites_in_use = satellites_in_use();
  r.satellites_in_view = satellites_in_view();
  r.fix_quality = fix_quality();
  r.utc_epoch_s = epoch_time();
  r.utc_ms = msecs();
  return r;
}

void GPS::report(GpsEvent event, std::uint8_t type) noexcept {
  observer_(make_report(event, type, now_us(loop_)));
}

bool GPS::on_unsupported(const NmeaFields& f) noexcept {
  const std::string_view id = f[0];
  if (id == "PMTK705") {
    version_.clear();
    const std::string_view text = f.text();
    if (text.size() > id.size() + 1) version_.append(text.substr(id.size() + 1));
    if (msg_cb_) msg_cb_(GpsMessage::version, f);
    return true;
  }
  if (id == "PMTK514") {
    SentenceRates r;
    int* const slots[] = {&r.gll, &r.rmc, &r.vtg, &r.gga, &r.gsa, &r.gsv};
    bool ok = true;
    for (std::size_t i = 0; i < 6; ++i)
      ok = ok && parse_small_int(f[i + 1], *slots[i]);
    ok = ok && parse_small_int(f[19], r.chan);
    if (ok) {
      enabled_ = r;
      have_enabled_ = true;
      if (msg_cb_) msg_cb_(GpsMessage::enabled, f);
    }
    return true;
  }
  if (id == "PGTOP") {
    int a = 0;
    if (parse_small_int(f[2], a) && a >= 0 && a <= 3) {
      antenna_ = static_cast<GpsAntenna>(a);
      if (msg_cb_) msg_cb_(GpsMessage::antenna, f);
    }
    return true;
  }
  if (id.substr(0, 4) == "PMTK") {
    if (msg_cb_) msg_cb_(GpsMessage::other, f);
    return true;
  }
  return !user_hook_ || user_hook_(f);
}

void GPS::wake_all() noexcept {
  while (!data_waiters_.empty()) {
    auto& op = static_cast<DataReceivedOp&>(data_waiters_.pop_front());
    op.gps_ = nullptr;
    op.task->loop().make_ready(*op.task);
  }
  while (!satellite_waiters_.empty()) {
    auto& op = static_cast<SatelliteDataOp&>(satellite_waiters_.pop_front());
    op.gps_ = nullptr;
    op.task->loop().make_ready(*op.task);
  }
}

// ---- awaitables
// ---------------------------------------------------------------------------------------------

GPS::DataReceivedOp::DataReceivedOp(GPS& gps, DataGroups want) noexcept
    : gps_(gps.running() ? &gps : nullptr),
      want_(want),
      position_(gps.position_n_),
      course_(gps.course_n_),
      date_(gps.date_n_),
      altitude_(gps.altitude_n_) {}

bool GPS::DataReceivedOp::done() const noexcept {
  if (gps_ == nullptr) return false;
  const bool position = gps_->position_n_ != position_;
  if (want_.position && !position) return false;
  if (want_.course && !(gps_->course_n_ != course_ && position)) return false;
  if (want_.date && gps_->date_n_ == date_) return false;
  if (want_.altitude && gps_->altitude_n_ == altitude_) return false;
  return true;
}

void GPS::DataReceivedOp::await_suspend(std::coroutine_handle<> h) {
  task = &Loop::running().suspend_current(h);
  gps_->data_waiters_.push_back(*this);
}

GPS::SatelliteDataOp::SatelliteDataOp(GPS& gps) noexcept
    : gps_(gps.running() ? &gps : nullptr), sets_(gps.satellite_sets()) {
  gps.reset_satellite_progress();  // as_GPS: always wait for a fresh set
}

void GPS::SatelliteDataOp::await_suspend(std::coroutine_handle<> h) {
  task = &Loop::running().suspend_current(h);
  gps_->satellite_waiters_.push_back(*this);
}

hal::IoResult<std::span<const SatelliteInfo>> GPS::SatelliteDataOp::await_resume() const noexcept {
  if (gps_ == nullptr)
    return hal::io_error(hal::IoErrc::closed,
                         "get_satellite_data: the GPS stopped (deinit, or the stream ended)");
  return gps_->satellite_data();
}

// ---- commands
// -----------------------------------------------------------------------------------------------

GPS::CommandOp::CommandOp(hal::StreamWriter* writer, std::string_view body) noexcept {
  if (writer == nullptr) {
    refused_ = hal::io_error(hal::IoErrc::unsupported, "GPS command: this GPS was made without a writer");
    return;
  }
  if (body.size() > kMaxBody) {
    refused_ = hal::io_error(hal::IoErrc::invalid_argument, "GPS command: the sentence is too long");
    return;
  }
  std::uint8_t sum = 0;
  for (char c : body)
    sum ^= static_cast<std::uint8_t>(c);
  text_.push_back('$');
  text_.append(body);
  text_.push_back('*');
  text_.push_back(kHex[sum >> 4]);
  text_.push_back(kHex[sum & 15]);
  text_.append("\r\n");
  op_.emplace(*writer, hal::as_bytes(text_.view()));
}

GPS::CommandOp GPS::send(std::string_view body) noexcept {
  return CommandOp(writer_, body);
}

GPS::CommandOp GPS::baudrate(std::uint32_t value) noexcept {
  switch (value) {
    case 4800:
    case 9600:
    case 14400:
    case 19200:
    case 38400:
    case 57600:
    case 115200:
      break;
    default:
      return CommandOp(
          hal::io_error(hal::IoErrc::invalid_argument,
                        "GPS baudrate: not one of 4800, 9600, 14400, 19200, 38400, 57600, 115200"));
  }
  FixedText<24> body;
  body.append("PMTK251,").append_uint(value);
  return CommandOp(writer_, body.view());
}

GPS::CommandOp GPS::update_interval(int ms) noexcept {
  if (ms < 100 || ms > 10000)
    return CommandOp(
        hal::io_error(hal::IoErrc::invalid_argument, "GPS update_interval: not in 100..10000 ms"));
  if (writer_ != nullptr) update_interval_ms_ = ms;
  FixedText<24> body;
  body.append("PMTK220,").append_uint(static_cast<std::uint64_t>(ms));
  return CommandOp(writer_, body.view());
}

GPS::CommandOp GPS::enable(const SentenceRates& r) noexcept {
  const int rates[] = {r.gll, r.rmc, r.vtg, r.gga, r.gsa, r.gsv, r.chan};
  for (int v : rates)
    if (v < 0 || v > 5)
      return CommandOp(hal::io_error(hal::IoErrc::invalid_argument, "GPS enable: a rate is not in 0..5"));
  FixedText<64> body;
  body.append("PMTK314");
  for (int i = 0; i < 6; ++i)
    body.push_back(',').append_uint(static_cast<std::uint64_t>(rates[i]));
  for (int i = 0; i < 12; ++i)
    body.append(",0");
  body.push_back(',').append_uint(static_cast<std::uint64_t>(r.chan));
  return CommandOp(writer_, body.view());
}

GPS::CommandOp GPS::command(GpsCommand cmd) noexcept {
  switch (cmd) {
    case GpsCommand::HOT_START:
      return send("PMTK101");
    case GpsCommand::WARM_START:
      return send("PMTK102");
    case GpsCommand::COLD_START:
      return send("PMTK103");
    case GpsCommand::FULL_COLD_START:
      return send("PMTK104");
    case GpsCommand::STANDBY:
      return send("PMTK161,0");
    case GpsCommand::DEFAULT_SENTENCES:
      return send("PMTK314,-1");
    case GpsCommand::VERSION:
      return send("PMTK605");
    case GpsCommand::ENABLE:
      return send("PMTK414");
    case GpsCommand::ANTENNA:
      return send("PGCMD,33,1");
    case GpsCommand::NO_ANTENNA:
      return send("PGCMD,33,0");
  }
  return CommandOp(hal::io_error(hal::IoErrc::invalid_argument, "GPS command: unknown command"));
}

}  // namespace aiopi::drivers
