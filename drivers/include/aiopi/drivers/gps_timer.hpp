// GPS_Timer: micropython-async's as_tGPS precision time (GPS_Timer and GPS_RWTimer in one: it works with a
// read-only or a read/write GPS). The receiver's PPS output marks the start of each UTC second to within
// ~10 ns; the RMC sentence that follows says which second it was. Each rising PPS edge is dated from the last
// RMC read before it (the edge starts the second after the RMC's time), and the
// edge's timestamp from the HAL (the kernel's, on Linux) anchors the loop clock to it, so that get_ms() and
// get_t_split() give the local time of day to the microsecond resolution of the loop clock at any moment.
//
//   hal::DigitalInput& pps = ...;                           // requested with EdgeMode::rising (or both)
//   drivers::GPS gps(uart);
//   drivers::GPS_Timer timer(gps, pps);
//   gps.start();
//   timer.start();
//   co_await timer.ready();                                 // the first PPS after the first RMC
//   drivers::GPS_Timer::TSplit t = timer.get_t_split();     // local h, m, s, µs
//
// Differences from as_tGPS (docs/drivers.md): the edge's own timestamp is used (not the time a handler ran);
// a midnight rollover is dated from the full date (as_tGPS skips that edge); the edge is the whole second
// after the RMC's time (as_tGPS adds the update interval, one second off for intervals above 1 s); an RMC
// read after the edge (the task ran late) is recognised by its read time; no RTC set/calibrate (Pyboard only
// there, and Linux has its own clock discipline). pps callback and observer run on the loop, not in an
// interrupt.
#pragma once

#include <cstdint>

#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/drivers/gps.hpp"
#include "aiopi/drivers/gps_report.hpp"
#include "aiopi/event.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi::drivers {

class GPS_Timer {
 public:
  /// as_tGPS's pps_cb (bind arguments in the captures); runs on the loop after each dated edge.
  using PpsCallback = InplaceFunction<void()>;
  using Observer = InplaceFunction<void(const GpsReport&)>;

  /// as_tGPS's get_t_split() list [h, m, s, µs], local time.
  struct TSplit {
    int hours = 0;
    int minutes = 0;
    int seconds = 0;
    std::int32_t us = 0;
    friend bool operator==(const TSplit&, const TSplit&) = default;
  };

  /// `pps` must detect rising edges (EdgeMode::rising or both); only rising ones are used.
  GPS_Timer(GPS& gps, hal::DigitalInput& pps) noexcept : gps_(gps), pps_(pps) {}
  GPS_Timer(const GPS_Timer&) = delete;
  GPS_Timer& operator=(const GPS_Timer&) = delete;
  ~GPS_Timer() { deinit(); }

  /// Starts the edge task on the current loop. Idempotent while it runs.
  void start();
  /// Stops the edge task (as_tGPS's close()); the time keeps running from the last dated edge.
  void deinit() noexcept;
  void close() noexcept { deinit(); }
  bool running() const noexcept { return task_ && !task_.done() && !stopping_; }
  /// Why the edge task ended (the line was released...), kind ok while it runs.
  const hal::IoError& error() const noexcept { return error_; }

  /// `co_await timer.ready();` until the first edge has been dated (as_tGPS polls every second).
  Event::Awaiter ready() noexcept { return ready_.wait(); }
  bool is_ready() const noexcept { return ready_.is_set(); }

  /// Milliseconds since local midnight, now (or at loop time `now_us`). Valid once ready.
  std::int64_t get_ms() const noexcept;
  std::int64_t get_ms(std::int64_t now_us) const noexcept;
  /// Local hours, minutes, seconds, microseconds, now (or at `now_us`).
  TSplit get_t_split() const noexcept;
  TSplit get_t_split(std::int64_t now_us) const noexcept;
  /// UTC as Unix microseconds, now (or at `now_us`).
  std::int64_t utc_us() const noexcept;
  std::int64_t utc_us(std::int64_t now_us) const noexcept;
  /// The local date now (or at `now_us`), rolling over at local midnight.
  civil::Ymd local_date() const noexcept;
  civil::Ymd local_date(std::int64_t now_us) const noexcept;

  /// The last dated edge: its loop-clock timestamp, and the UTC Unix milliseconds of the second it starts.
  std::int64_t acquired_us() const noexcept { return acquired_us_; }
  std::int64_t pps_utc_ms() const noexcept { return pps_utc_ms_; }
  /// Edges dated, and edges skipped (no RMC yet, or no new RMC since the previous edge).
  std::uint32_t pps_count() const noexcept { return dated_; }
  std::uint32_t skipped() const noexcept { return skipped_; }

  void set_pps_callback(PpsCallback cb) noexcept { pps_cb_ = std::move(cb); }
  /// A GpsEvent::pps report after each dated edge: t_us is the edge, utc_epoch_s / utc_ms the second it
  /// starts, the other fields the GPS's latest readings.
  void set_observer(Observer observer) noexcept { observer_ = std::move(observer); }

 private:
  Task<> run();
  void on_rising_edge(std::int64_t t_us) noexcept;
  std::int64_t now_us() const noexcept;
  std::int64_t local_us(std::int64_t now_us) const noexcept;

  GPS& gps_;
  hal::DigitalInput& pps_;
  Loop* loop_ = nullptr;
  TaskHandle<void> task_;
  bool stopping_ = false;
  hal::IoError error_{};
  std::int64_t pps_utc_ms_ = 0;
  std::int64_t acquired_us_ = 0;
  std::uint32_t last_rmc_ = 0;
  std::uint32_t dated_ = 0;
  std::uint32_t skipped_ = 0;
  Event ready_;
  PpsCallback pps_cb_;
  Observer observer_;
};

}  // namespace aiopi::drivers
