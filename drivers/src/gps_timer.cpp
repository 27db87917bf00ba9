// GPS_Timer: dating PPS edges from the RMC before them, and the time of day between edges.
#include "aiopi/drivers/gps_timer.hpp"

namespace aiopi::drivers {

namespace {
constexpr std::int64_t kUsPerDay = 86'400'000'000;

std::int64_t floor_mod(std::int64_t a, std::int64_t b) noexcept {
  return a - civil::floor_div(a, b) * b;
}
}  // namespace

void GPS_Timer::start() {
  if (running()) return;
  loop_ = &Loop::get();
  stopping_ = false;
  error_ = {};
  task_ = loop_->create_task(run(), "gps_timer");
}

void GPS_Timer::deinit() noexcept {
  stopping_ = true;
  if (task_ && !task_.done()) task_.cancel();
}

Task<> GPS_Timer::run() {
  for (;;) {
    hal::IoResult<hal::EdgeEvent> e = co_await pps_.next_edge();
    if (stopping_) co_return;
    if (!e) {
      error_ = e.error();
      co_return;
    }
    if (e->edge == hal::Edge::rising) on_rising_edge(e->timestamp_us);
    if (stopping_) co_return;
  }
}

void GPS_Timer::on_rising_edge(std::int64_t t_us) noexcept {
  const std::uint32_t rmc = gps_.rmc_count();
  if (rmc == 0 || rmc == last_rmc_) {  // nothing to date it from, or no new RMC since the last edge
    ++skipped_;
    return;
  }
  last_rmc_ = rmc;
  // PPS edges start whole UTC seconds. An RMC read before the edge describes a time in the second before it
  // (at any update interval: 083559.80 at 5 Hz, 083559.00 at 1 Hz or every 2 s), so the edge starts the next
  // second. An RMC read after the edge (this task ran late) was sent after it, in the second it starts.
  std::int64_t utc_ms = civil::floor_div(gps_.rmc_utc_ms(), 1000) * 1000;
  if (gps_.rmc_read_us() <= t_us) utc_ms += 1000;
  pps_utc_ms_ = utc_ms;
  acquired_us_ = t_us;
  ++dated_;
  ready_.set();
  if (pps_cb_) pps_cb_();
  if (observer_) {
    GpsReport r = gps_.make_report(GpsEvent::pps, 0, t_us);
    r.utc_epoch_s = civil::floor_div(utc_ms, 1000);
    r.utc_ms = static_cast<int>(floor_mod(utc_ms, 1000));
    observer_(r);
  }
}

std::int64_t GPS_Timer::now_us() const noexcept {
  Loop* l = loop_ != nullptr ? loop_ : Loop::current();
  return l != nullptr ? l->now().time_since_epoch().count() : 0;
}

std::int64_t GPS_Timer::utc_us(std::int64_t now_us) const noexcept {
  return pps_utc_ms_ * 1000 + (now_us - acquired_us_);
}
std::int64_t GPS_Timer::utc_us() const noexcept {
  return utc_us(now_us());
}

std::int64_t GPS_Timer::local_us(std::int64_t now_us) const noexcept {
  return utc_us(now_us) + std::int64_t{gps_.local_offset_s()} * 1'000'000;
}

std::int64_t GPS_Timer::get_ms(std::int64_t now_us) const noexcept {
  return floor_mod(local_us(now_us), kUsPerDay) / 1000;
}
std::int64_t GPS_Timer::get_ms() const noexcept {
  return get_ms(now_us());
}

GPS_Timer::TSplit GPS_Timer::get_t_split(std::int64_t now_us) const noexcept {
  const std::int64_t us = floor_mod(local_us(now_us), kUsPerDay);
  const std::int64_t s = us / 1'000'000;
  return {static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60), static_cast<int>(s % 60),
          static_cast<std::int32_t>(us % 1'000'000)};
}
GPS_Timer::TSplit GPS_Timer::get_t_split() const noexcept {
  return get_t_split(now_us());
}

civil::Ymd GPS_Timer::local_date(std::int64_t now_us) const noexcept {
  return civil::civil_from_days(civil::floor_div(local_us(now_us), kUsPerDay));
}
civil::Ymd GPS_Timer::local_date() const noexcept {
  return local_date(now_us());
}

}  // namespace aiopi::drivers
