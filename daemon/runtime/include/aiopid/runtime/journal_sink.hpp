#pragma once
// An spdlog sink that writes each record to journald in its native protocol: one datagram per record on the
// AF_UNIX datagram socket /run/systemd/journal/socket, carrying MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, TID
// and, when the record knows where it was logged, CODE_FILE / CODE_LINE / CODE_FUNC.
//
// Spoken here rather than through libsystemd's sd_journal_send (as daemon/notify does for sd_notify): the
// protocol is systemd's documented, stable interface, and libsystemd pulls ~0.8 MB of resident libraries
// (libgcrypt, libzstd, liblzma, liblz4, libcap...) into a daemon that only ever sends these datagrams.
//
// Logging never blocks and never throws on the journal's account: the socket is non-blocking, and a record
// journald does not take (not running, queue full, too big) is counted and written to stderr instead, with a
// "<N>" syslog priority prefix (which journald's stream reader understands, since a unit's stderr usually
// goes to the journal too).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "spdlog/common.h"
#include "spdlog/details/log_msg.h"
#include "spdlog/sinks/base_sink.h"

namespace aiopid::runtime {

/// journald's socket for native entries.
inline constexpr std::string_view journal_socket_path = "/run/systemd/journal/socket";

/// The longest MESSAGE sent, in bytes; a longer one is cut (at a UTF-8 boundary) and marked. Well under the
/// socket's send buffer (net.core.wmem_default, 208 KiB on Linux) so no datagram is refused for its size.
inline constexpr std::size_t journal_message_limit = 48 * 1024;

/// syslog's priority (0 emerg ... 7 debug) for an spdlog level: trace and debug 7, info 6, warn 4, err 3,
/// critical 2.
int journal_priority(spdlog::level::level_enum level) noexcept;

/// Appends one field to a native-protocol entry: `NAME=value\n`, or, when the value holds a newline, the
/// binary form `NAME\n`, the value's length as 64-bit little-endian, the value, `\n`. `name` must be a valid
/// journal field name (upper-case letters, digits, '_'; not starting with '_').
void append_journal_field(std::string& entry, std::string_view name, std::string_view value);

/// `message` as sent: itself, or, past `limit` bytes, its first bytes up to a UTF-8 character boundary
/// followed by a marker saying how much was cut.
std::string_view journal_message_text(std::string_view message, std::size_t limit, std::string& storage);

class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  /// Sends to `socket_path` (an absolute filesystem path; tests give their own) as `identifier`
  /// (SYSLOG_IDENTIFIER).
  explicit JournalSink(std::string identifier = "aiopid",
                       std::string socket_path = std::string(journal_socket_path));
  ~JournalSink() override;
  JournalSink(const JournalSink&) = delete;
  JournalSink& operator=(const JournalSink&) = delete;

  /// Records journald did not take (each went to stderr instead).
  [[nodiscard]] std::uint64_t send_failures() const noexcept {
    return send_failures_.load(std::memory_order_relaxed);
  }
  /// errno of the latest failure (0 = none yet).
  [[nodiscard]] int last_error() const noexcept { return last_error_.load(std::memory_order_relaxed); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  // 0 when sent, else errno.
  int send_entry() noexcept;
  void write_to_stderr(const spdlog::details::log_msg& msg, std::string_view message) noexcept;

  std::string identifier_;
  std::string socket_path_;
  int fd_ = -1;        // unbound, non-blocking AF_UNIX datagram socket, opened on the first record
  std::string entry_;  // the datagram being built; kept to reuse its capacity
  std::string cut_;    // a truncated message
  std::atomic<std::uint64_t> send_failures_{0};
  std::atomic<int> last_error_{0};
};

}  // namespace aiopid::runtime
