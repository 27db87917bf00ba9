#pragma once
// systemd's readiness protocol (sd_notify(3)): one datagram per notification, sent to the unix socket named
// by $NOTIFY_SOCKET ("@name" = abstract namespace). Without $NOTIFY_SOCKET (not started by systemd, or a
// Type= that is not notify) every call does nothing and succeeds.
//
// How the runtime uses it (one Notifier for the process, owned by main):
//
//   auto notifier = aiopid::notify::Notifier::from_environment();
//   ... open devices, start tasks ...
//   notifier.status("3 devices, 5 tasks, 2 schedules");
//   notifier.ready();                          // only once devices are open
//   if (auto every = notifier.watchdog_interval())   // WatchdogSec/2, or nullopt when systemd set none
//     spawn a loop task: forever { notifier.watchdog(); co_await sleep(*every); }   // from the loop itself
//   on SIGHUP:  notifier.reloading();  reload...;  notifier.status(why or summary);  notifier.ready();
//   on SIGTERM: notifier.stopping();   cancel tasks, safe states, save state, exit 0
//
// Errors are values (std::error_code, errno category); a failed notification is worth a log line, never
// fatal. The protocol is implemented here rather than through libsystemd: it is systemd's documented, stable
// interface (one datagram, "KEY=VALUE" lines), and it keeps the daemon free of a build dependency.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace aiopid::notify {

/// The watchdog period systemd asks for, from WATCHDOG_USEC and WATCHDOG_PID as sd_watchdog_enabled(3) reads
/// them: nullopt when WATCHDOG_USEC is unset, not a positive integer, or WATCHDOG_PID names another process.
/// `self` is this process's pid. (Pure function, so tests need no environment.)
std::optional<std::chrono::microseconds> watchdog_timeout_from(const char* watchdog_usec,
                                                               const char* watchdog_pid, long self) noexcept;

/// CLOCK_MONOTONIC now in microseconds (the MONOTONIC_USEC= systemd 252 wants beside RELOADING=1).
std::uint64_t monotonic_usec() noexcept;

class Notifier {
 public:
  /// Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID. Leaves the environment as it is.
  static Notifier from_environment();

  /// An explicit socket ("" = disabled) and watchdog timeout (what systemd's WatchdogSec= is; the ping
  /// interval is half of it).
  Notifier(std::string socket, std::optional<std::chrono::microseconds> watchdog_timeout);
  ~Notifier();
  Notifier(Notifier&& other) noexcept;
  Notifier& operator=(Notifier&& other) noexcept;
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  /// Whether notifications go anywhere (NOTIFY_SOCKET was set).
  [[nodiscard]] bool enabled() const noexcept { return !socket_.empty(); }
  /// The socket's name as given ("@..." for the abstract namespace).
  [[nodiscard]] const std::string& socket() const noexcept { return socket_; }

  /// systemd's WatchdogSec, when it asked for pings (and notifications are enabled).
  [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_timeout() const noexcept;
  /// How often to send watchdog(): half the timeout (as sd_watchdog_enabled(3) advises), nullopt = never.
  [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_interval() const noexcept;

  std::error_code ready() { return send("READY=1"); }
  /// One line shown by `systemctl status`; newlines are replaced by spaces (a newline would start a new key).
  std::error_code status(std::string_view line);
  std::error_code watchdog() { return send("WATCHDOG=1"); }
  /// RELOADING=1 with MONOTONIC_USEC=<now>, in one datagram. Send ready() when the reload is done.
  std::error_code reloading();
  std::error_code stopping() { return send("STOPPING=1"); }

  /// Any "KEY=VALUE\n..." message, sent as one datagram. No-op (success) when disabled.
  std::error_code send(std::string_view message);

 private:
  std::string socket_;
  std::optional<std::chrono::microseconds> watchdog_timeout_;
  int fd_ = -1;  // an unbound AF_UNIX datagram socket, opened on first send
};

}  // namespace aiopid::notify
