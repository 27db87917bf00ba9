// GPS: micropython-async's AS_GPS and as_rwGPS.GPS in one class. A task reads the receiver's stream (a UART's
// StreamReader) into an NmeaParser (the readings, counters and fix callback are the parser's, see
// nmea_parser.hpp); data_received() and get_satellite_data() wait for fresh data; with a StreamWriter the
// PMTK commands of MTK3329/MTK3339 receivers (baud rate, update interval, sentences, restarts, queries) are
// sent with their checksums, and the replies (version, enabled sentences, antenna) are parsed.
//
//   hal::Uart& uart = ...;                                   // 9600 baud for an MTK receiver
//   drivers::GPS gps(uart, {.local_offset_h = 1});
//   gps.set_observer([](const drivers::GpsReport& r) { log("%s %.6f %.6f", to_string(r.event), r.latitude,
//                                                          r.longitude); });
//   gps.start();                                             // on the current loop
//   co_await gps.data_received({.position = true, .date = true});
//   auto s = gps.latitude_string(drivers::CoordFormat::DD);
//   co_await gps.update_interval(200);                       // PMTK220,200 (read/write GPS only)
//
// Lifetime: start() creates the reader task (its frame is the only allocation); deinit() or the destructor
// cancels it and wakes every waiter (data_received gives false, get_satellite_data IoErrc::closed), so the
// GPS may be destroyed at any time except from inside one of its own callbacks. The stream must outlive the
// GPS. When the stream ends (EOF or an error) the task ends, stream_error() says why and waiters are woken.
#pragma once

#include <coroutine>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "aiopi/detail/inplace_function.hpp"
#include "aiopi/detail/wait_list.hpp"
#include "aiopi/drivers/gps_report.hpp"
#include "aiopi/drivers/nmea_parser.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/hal/stream.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"

namespace aiopi::drivers {

/// The groups data_received() waits for (as_GPS's keyword arguments).
struct DataGroups {
  bool position = false;  // RMC, GLL, or GGA with a fix
  bool course = false;    // RMC or VTG, and a position sentence too
  bool date = false;      // RMC
  bool altitude = false;  // GGA with a fix
};

/// The fixed commands of as_rwGPS (its constants, same values).
enum class GpsCommand : std::uint8_t {
  HOT_START = 1,          // PMTK101
  WARM_START = 2,         // PMTK102
  COLD_START = 3,         // PMTK103
  FULL_COLD_START = 4,    // PMTK104: factory reset (baud rate, update rate, sentences)
  STANDBY = 5,            // PMTK161,0
  DEFAULT_SENTENCES = 6,  // PMTK314,-1
  VERSION = 7,            // PMTK605 -> PMTK705 reply
  ENABLE = 8,             // PMTK414 -> PMTK514 reply
  ANTENNA = 9,            // PGCMD,33,1 -> periodic PGTOP replies
  NO_ANTENNA = 10,        // PGCMD,33,0
};

/// How often each sentence is sent (0 off, N every N fixes; MTK's range is 0..5): PMTK314 / PMTK514.
struct SentenceRates {
  int gll = 0;
  int rmc = 1;
  int vtg = 1;
  int gga = 1;
  int gsa = 1;
  int gsv = 5;
  int chan = 0;  // PMTKCHN, channel status
  friend bool operator==(const SentenceRates&, const SentenceRates&) = default;
};

/// The replies a read/write GPS hands its message callback (as_rwGPS's msg_cb first element).
enum class GpsMessage : std::uint8_t { version, enabled, antenna, other };
constexpr const char* to_string(GpsMessage m) noexcept {
  switch (m) {
    case GpsMessage::version:
      return "version";
    case GpsMessage::enabled:
      return "enabled";
    case GpsMessage::antenna:
      return "antenna";
    case GpsMessage::other:
      return "other";
  }
  return "unknown";
}

/// Antenna status of a PGTOP reply (as_rwGPS's `antenna`).
enum class GpsAntenna : std::uint8_t { unknown = 0, fault = 1, internal = 2, external = 3 };

class GPS : public NmeaParser {
 public:
  using Config = NmeaParser::Config;
  using Observer = InplaceFunction<void(const GpsReport&)>;
  /// `kind` and the reply's fields (f[0] is e.g. "PMTK705"); for other, any PMTK sentence not handled.
  using MessageCallback = InplaceFunction<void(GpsMessage kind, const NmeaFields& fields)>;

  /// Read-only (AS_GPS): commands fail with IoErrc::unsupported.
  explicit GPS(hal::StreamReader& reader, const Config& config = {}) noexcept;
  /// Read/write (as_rwGPS's GPS).
  GPS(hal::StreamReader& reader, hal::StreamWriter& writer, const Config& config = {}) noexcept;
  explicit GPS(hal::ByteStream& stream, const Config& config = {}) noexcept
      : GPS(stream.reader(), stream.writer(), config) {}
  GPS(const GPS&) = delete;
  GPS& operator=(const GPS&) = delete;
  ~GPS();

  /// Starts the reader task on the current loop (Loop::get()). Idempotent while it runs.
  void start();
  /// Stops the reader task and wakes every waiter. start() may be called again.
  void deinit() noexcept;
  bool running() const noexcept { return task_ && !task_.done() && !stopping_; }
  /// Why the stream ended (kind closed for an EOF), kind ok while it has not.
  const hal::IoError& stream_error() const noexcept { return stream_error_; }

  /// The observer hook: a GpsEvent::fix report after each position sentence whose type is in `fix_mask`
  /// (default RMC: one a second), a GpsEvent::satellites report after each complete GSV set.
  void set_observer(Observer observer, std::uint8_t fix_mask = nmea::RMC) noexcept {
    observer_ = std::move(observer);
    observer_mask_ = fix_mask;
  }
  /// as_rwGPS's msg_cb: PMTK705 (version), PMTK514 (enabled), PGTOP (antenna) and any other PMTK reply.
  void set_message_callback(MessageCallback cb) noexcept { msg_cb_ = std::move(cb); }
  /// The parser's unsupported-sentence hook, for sentences GPS itself does not handle (not PMTK / PGTOP).
  void set_unsupported_hook(SentenceHook hook) noexcept { user_hook_ = std::move(hook); }

  /// The readings now, as the observer gets them (GPS_Timer's reports use it too).
  GpsReport make_report(GpsEvent event, std::uint8_t type, std::int64_t t_us) const noexcept;

  /// Milliseconds since the last valid position on the loop clock, -1 if none yet.
  std::int64_t time_since_fix() const noexcept;

  // ---- awaitables ---------------------------------------------------------------------------------------
  /// Waits until each requested group has been received since the call: `bool ok = co_await
  /// gps.data_received({.position = true});` true when they have, false if the GPS stopped first.
  class [[nodiscard]] DataReceivedOp : private WaitNode {
   public:
    DataReceivedOp(GPS& gps, DataGroups want) noexcept;
    DataReceivedOp(const DataReceivedOp&) = delete;
    DataReceivedOp& operator=(const DataReceivedOp&) = delete;
    bool await_ready() const noexcept { return gps_ == nullptr || done(); }
    void await_suspend(std::coroutine_handle<> h);
    bool await_resume() const noexcept { return gps_ != nullptr && done(); }

   private:
    friend GPS;
    bool done() const noexcept;
    GPS* gps_;
    DataGroups want_;
    std::uint32_t position_, course_, date_, altitude_;
  };
  DataReceivedOp data_received(DataGroups want) noexcept { return DataReceivedOp(*this, want); }

  /// Waits for a complete GSV set received after the call and gives the satellite table (valid until the
  /// next GSV sentence); IoErrc::closed if the GPS stopped first. Never completes if the receiver sends no
  /// GSV (wrap it in wait_for).
  class [[nodiscard]] SatelliteDataOp : private WaitNode {
   public:
    explicit SatelliteDataOp(GPS& gps) noexcept;
    SatelliteDataOp(const SatelliteDataOp&) = delete;
    SatelliteDataOp& operator=(const SatelliteDataOp&) = delete;
    bool await_ready() const noexcept { return gps_ == nullptr; }
    void await_suspend(std::coroutine_handle<> h);
    hal::IoResult<std::span<const SatelliteInfo>> await_resume() const noexcept;

   private:
    friend GPS;
    GPS* gps_;
    std::uint32_t sets_;
  };
  SatelliteDataOp get_satellite_data() noexcept { return SatelliteDataOp(*this); }

  // ---- read/write: PMTK commands ------------------------------------------------------------------------
  /// One command being queued: `hal::IoResult<void> r = co_await gps.baudrate(19200);` completes once the
  /// whole sentence is in the writer's buffer (waiting for room as needed); IoErrc::invalid_argument for a
  /// value as_rwGPS refuses, IoErrc::unsupported for a read-only GPS, the writer's error otherwise.
  class [[nodiscard]] CommandOp {
   public:
    static constexpr std::size_t kMaxBody = 96;
    CommandOp(hal::StreamWriter* writer, std::string_view body) noexcept;
    explicit CommandOp(hal::IoError refused) noexcept : refused_(refused) {}
    CommandOp(const CommandOp&) = delete;
    CommandOp& operator=(const CommandOp&) = delete;
    bool await_ready() noexcept { return !refused_.ok() || op_->await_ready(); }
    void await_suspend(std::coroutine_handle<> h) { op_->await_suspend(h); }
    hal::IoResult<void> await_resume() noexcept {
      if (!refused_.ok()) return refused_;
      return op_->await_resume();
    }
    /// The sentence as sent ("$PMTK220,200*2C\r\n"); empty when refused.
    std::string_view text() const noexcept { return text_; }

   private:
    FixedText<kMaxBody + 8> text_;
    hal::IoError refused_{};
    std::optional<hal::StreamWriter::WriteAllOp> op_;
  };

  /// PMTK251: 4800, 9600, 14400, 19200, 38400, 57600 or 115200. Re-open the UART at the new rate once the
  /// command has gone out (MTK firmware quirks: see docs/drivers.md).
  CommandOp baudrate(std::uint32_t value = 9600) noexcept;
  /// PMTK220: 100..10000 ms between fixes; remembered for GPS_Timer (update_interval_ms()).
  CommandOp update_interval(int ms = 1000) noexcept;
  /// PMTK314: how often each sentence is sent.
  CommandOp enable(const SentenceRates& rates = {}) noexcept;
  /// One of the fixed commands.
  CommandOp command(GpsCommand cmd) noexcept;
  /// Any sentence body ("PMTK220,1000"): '$', checksum and CR/LF are added.
  CommandOp send(std::string_view body) noexcept;

  /// The update interval last set with update_interval() (1000 until then).
  int update_interval_ms() const noexcept { return update_interval_ms_; }
  /// The PMTK705 reply's fields after the type, as sent ("AXN_2.10_3339_2012072601,5223,PA6H,1.0"), empty
  /// before one.
  std::string_view version() const noexcept { return version_; }
  /// The PMTK514 reply (sentence rates), if one arrived.
  const SentenceRates* enabled() const noexcept { return have_enabled_ ? &enabled_ : nullptr; }
  GpsAntenna antenna() const noexcept { return antenna_; }

 private:
  using NmeaParser::set_parsed_hook;

  Task<> run();
  void on_parsed(std::uint8_t type) noexcept;
  bool on_unsupported(const NmeaFields& fields) noexcept;
  void report(GpsEvent event, std::uint8_t type) noexcept;
  void wake_all() noexcept;
  void install_hooks() noexcept;

  hal::StreamReader& reader_;
  hal::StreamWriter* writer_;
  Loop* loop_ = nullptr;
  TaskHandle<void> task_;
  bool stopping_ = false;
  hal::IoError stream_error_{};

  Observer observer_;
  std::uint8_t observer_mask_ = nmea::RMC;
  MessageCallback msg_cb_;
  SentenceHook user_hook_;

  // What data_received() counts.
  std::uint32_t position_n_ = 0;
  std::uint32_t course_n_ = 0;
  std::uint32_t date_n_ = 0;
  std::uint32_t altitude_n_ = 0;
  WaitList<> data_waiters_;
  WaitList<> satellite_waiters_;

  int update_interval_ms_ = 1000;
  FixedText<80> version_;
  SentenceRates enabled_{};
  bool have_enabled_ = false;
  GpsAntenna antenna_ = GpsAntenna::unknown;
};

}  // namespace aiopi::drivers
