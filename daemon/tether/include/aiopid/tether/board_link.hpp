// One remote board's link (docs/design/pico-tether.md, "Link"): the serial port opened raw at the board's
// baud, `daemon.info` (the Pico's boot and uptime: the clock offset, half the round trip), `devices.open` for
// each of its devices, then `daemon.info` every `heartbeat`. A request unanswered within `timeout`, or a
// port that fails, is a link loss: every device of the board is reported `link_lost`, pending requests fail,
// and the link is tried again after 0.5 s, doubling to 8 s — one warning per loss, one line on recovery.
// A changed `boot` (the Pico restarted) opens every device again. Lines starting with '#' are logged (a
// `#panic:` at warn). The Pico's notifications reach the sink with their times mapped onto the loop's clock.
// An adc only answers when asked: while it is open on the board the link reads it every `poll` (the value
// goes to the sink, which checks its thresholds), as the runtime polls an adc of its own board.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/event.hpp"
#include "aiopi/hal/uart.hpp"
#include "aiopi/loop.hpp"
#include "aiopi/task.hpp"
#include "aiopi/task_handle.hpp"
#include "aiopid/config/config.hpp"
#include "aiopid/runtime/remote_board.hpp"
#include "aiopid/tether/line_framer.hpp"
#include "aiopid/tether/messages.hpp"

namespace aiopid::tether {

/// The outcome of one request: the Pico's answer, or why there is none.
struct Answer {
  bool ok = false;
  bool timed_out = false;  ///< no answer within the board's timeout (the link is then lost)
  Json result;
  int code = 0;         ///< the Pico's error code (0: no answer at all)
  std::string message;  ///< the Pico's error message, or why there was no answer
};

class BoardLink {
 public:
  BoardLink(aiopi::Loop& loop, config::BoardConfig board);
  ~BoardLink();
  BoardLink(const BoardLink&) = delete;
  BoardLink& operator=(const BoardLink&) = delete;

  [[nodiscard]] const config::BoardConfig& board() const noexcept { return board_; }
  /// Where device reports go (null: nowhere).
  void attach(runtime::RemoteBoardSink* sink) noexcept { sink_ = sink; }
  /// The board's devices. While the link is up, removed devices are closed on the board and new or changed
  /// ones opened; otherwise they are opened at the next link-up.
  void set_devices(std::vector<config::DeviceConfig> devices);
  [[nodiscard]] bool has_device(std::string_view name) const noexcept;

  /// Starts the link (its task on the loop).
  void start();
  /// Sends the writes already queued (each waited for up to the timeout), then stops the link and closes
  /// the port.
  aiopi::Task<> stop();

  /// `devices.set` of a device of this board (not waited for; the board's refusal is logged). Dropped while
  /// the device is not open on the board: its open reports the value the board has, and the runtime writes
  /// its own back then.
  void write(std::string device, Json value);
  /// `devices.read` of a device of this board: the reading, also reported to the sink.
  aiopi::Task<runtime::ReadResult> read(std::string device);

  [[nodiscard]] bool up() const noexcept { return up_; }
  /// Links lost since the start (a failed first attempt counts).
  [[nodiscard]] std::uint64_t losses() const noexcept { return losses_; }
  /// Times the link came up.
  [[nodiscard]] std::uint64_t connects() const noexcept { return connects_; }
  /// The Pico's `boot` at the last daemon.info.
  [[nodiscard]] std::optional<std::int64_t> boot() const noexcept { return boot_; }
  /// Pico µs (`mono_us`) → the loop's clock, by the offset measured at the last daemon.info.
  [[nodiscard]] aiopi::TimePoint board_time(std::int64_t mono_us) const noexcept;

 private:
  struct Pending {
    aiopi::Event done;
    Answer answer;
  };

  aiopi::Task<> run();
  /// Opens the port and does the handshake; "" when the link is up, else why not.
  aiopi::Task<std::string> connect();
  /// Heartbeats until the link is lost; why.
  aiopi::Task<std::string> serve();
  aiopi::Task<> close_port();
  aiopi::Task<> read_loop();
  /// daemon.info: the clock offset and `boot`. Sets `rebooted` when the boot changed.
  aiopi::Task<Answer> info(bool& rebooted);
  /// devices.open of every device (until none changed meanwhile); "" or why the link was lost.
  aiopi::Task<std::string> open_all();
  aiopi::Task<Answer> open_device(config::DeviceConfig device);
  aiopi::Task<> open_one(config::DeviceConfig device);
  aiopi::Task<> close_device(std::string name);
  aiopi::Task<> send_write(std::string device, Json value);
  /// Reads the adc `name` every `every` while it stays the poller `serial` of that name and reachable.
  aiopi::Task<> poll(std::string name, aiopi::Duration every, std::uint64_t serial);
  /// Starts polling `d` if it is an adc (replacing a poller it had).
  void start_polling(const config::DeviceConfig& d);
  /// No more polls of `name`: a sleeping poller is cancelled, one in a read ends after it (a read is never
  /// cut short: its request would stay pending).
  void stop_polling(std::string_view name);
  void stop_all_polling();
  aiopi::Task<Answer> request(std::string method, Json params);
  void lose(std::string why);
  void fail_pending(const std::string& why);
  void handle_line(const FramedLine& line);
  void handle_notification(const Notification& n);
  void track(aiopi::TaskHandle<> task);
  [[nodiscard]] const config::DeviceConfig* device(std::string_view name) const noexcept;
  /// The port is open, the link not lost, and the device open on the board: a request about it can go.
  [[nodiscard]] bool reachable(std::string_view device) const noexcept;

  aiopi::Loop& loop_;
  config::BoardConfig board_;
  runtime::RemoteBoardSink* sink_ = nullptr;
  std::vector<config::DeviceConfig> devices_;
  bool devices_changed_ = false;  ///< set_devices() during a handshake: open_all goes round again

  std::unique_ptr<aiopi::hal::Uart> port_;
  LineFramer framer_;
  aiopi::TaskHandle<> runner_, reader_;
  std::vector<std::string> open_on_board_;       ///< opened since the port was opened (or the Pico restarted)
  std::vector<aiopi::TaskHandle<>> side_tasks_;  ///< writes, opens, closes after a set_devices, and polls
  struct Poller {
    aiopi::TaskHandle<> task;
    std::uint64_t serial = 0;
    bool reading = false;  ///< in a devices.read (not cancelled then)
  };
  std::map<std::string, Poller, std::less<>> pollers_;  ///< the adcs polled now, by name
  std::uint64_t next_poller_ = 0;
  std::map<std::int64_t, std::shared_ptr<Pending>> pending_;
  std::int64_t next_id_ = 0;
  aiopi::Event lost_;
  std::string lost_why_;
  bool up_ = false;
  bool stopping_ = false;
  std::uint64_t losses_ = 0, connects_ = 0;
  std::optional<std::int64_t> boot_;
  std::int64_t offset_us_ = 0;  ///< loop µs = Pico µs + offset
};

}  // namespace aiopid::tether
