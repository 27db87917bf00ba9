#include "aiopid/runtime/journal_sink.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <utility>

namespace aiopid::runtime {
namespace {

// UTF-8 continuation bytes are 10xxxxxx: cutting before one would split a character.
bool is_continuation(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xC0u) == 0x80u;
}

void write_all(int fd, std::string_view text) noexcept {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to say it
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

int journal_priority(spdlog::level::level_enum level) noexcept {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return 7;  // LOG_DEBUG
    case spdlog::level::info:
      return 6;  // LOG_INFO
    case spdlog::level::warn:
      return 4;  // LOG_WARNING
    case spdlog::level::err:
      return 3;  // LOG_ERR
    case spdlog::level::critical:
      return 2;  // LOG_CRIT
    case spdlog::level::off:
    case spdlog::level::n_levels:
      break;
  }
  return 6;
}

void append_journal_field(std::string& entry, std::string_view name, std::string_view value) {
  entry.append(name);
  if (value.find('\n') == std::string_view::npos) {
    entry += '=';
    entry.append(value);
  } else {
    // journald reads the length as little-endian whatever the host is; spell it out byte by byte.
    entry += '\n';
    auto size = static_cast<std::uint64_t>(value.size());
    for (int i = 0; i < 8; ++i) {
      entry += static_cast<char>(size & 0xFFu);
      size >>= 8;
    }
    entry.append(value);
  }
  entry += '\n';
}

std::string_view journal_message_text(std::string_view message, std::size_t limit, std::string& storage) {
  if (message.size() <= limit) return message;
  std::size_t keep = limit;
  while (keep > 0 && is_continuation(message[keep]))
    --keep;
  storage.assign(message.substr(0, keep));
  storage += " [… ";
  storage += std::to_string(message.size() - keep);
  storage += " more bytes cut]";
  return storage;
}

JournalSink::JournalSink(std::string identifier, std::string socket_path)
    : identifier_(std::move(identifier)), socket_path_(std::move(socket_path)) {}

JournalSink::~JournalSink() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalSink::sink_it_(const spdlog::details::log_msg& msg) {
  // The payload alone: the journal stamps each entry with its own time, and PRIORITY carries the level.
  const std::string_view message = journal_message_text(
      std::string_view(msg.payload.data(), msg.payload.size()), journal_message_limit, cut_);

  entry_.clear();
  append_journal_field(entry_, "MESSAGE", message);
  append_journal_field(entry_, "PRIORITY", std::to_string(journal_priority(msg.level)));
  append_journal_field(entry_, "SYSLOG_IDENTIFIER", identifier_);
  append_journal_field(entry_, "TID", std::to_string(msg.thread_id));
  if (!msg.source.empty()) {
    append_journal_field(entry_, "CODE_FILE", msg.source.filename);
    append_journal_field(entry_, "CODE_LINE", std::to_string(msg.source.line));
    if (msg.source.funcname != nullptr) append_journal_field(entry_, "CODE_FUNC", msg.source.funcname);
  }

  if (const int error = send_entry(); error != 0) {
    send_failures_.fetch_add(1, std::memory_order_relaxed);
    last_error_.store(error, std::memory_order_relaxed);
    write_to_stderr(msg, message);
  }
}

int JournalSink::send_entry() noexcept {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path_.empty() || socket_path_.front() != '/' ||
      socket_path_.size() >= sizeof(address.sun_path)) {
    return EINVAL;
  }
  std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size() + 1);

  if (fd_ < 0) {
    // Non-blocking: a full journald queue must cost this record, not stall the loop thread.
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) return errno;
  }
  for (;;) {
    const ssize_t sent = ::sendto(fd_, entry_.data(), entry_.size(), MSG_NOSIGNAL,
                                  reinterpret_cast<const sockaddr*>(&address), length);
    if (sent >= 0) return 0;
    if (errno != EINTR) return errno;
  }
}

void JournalSink::write_to_stderr(const spdlog::details::log_msg& msg, std::string_view message) noexcept {
  // "<N>" is the syslog priority prefix journald honours on a stream (a unit's stderr), so the line keeps its
  // level when it lands in the journal after all.
  char prefix[] = "<6>";
  prefix[1] = static_cast<char>('0' + journal_priority(msg.level));
  write_all(STDERR_FILENO, prefix);
  write_all(STDERR_FILENO, message);
  write_all(STDERR_FILENO, "\n");
}

}  // namespace aiopid::runtime
