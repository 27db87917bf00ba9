#include "aiopid/notify/notifier.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace aiopid::notify {
namespace {

std::error_code errno_code(int e) {
  return {e, std::generic_category()};
}

// A whole string of decimal digits, no sign, no spaces; nullopt otherwise.
std::optional<std::uint64_t> parse_unsigned(const char* text) noexcept {
  if (text == nullptr || *text == '\0') return std::nullopt;
  std::uint64_t value = 0;
  const char* end = text + std::strlen(text);
  auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::chrono::microseconds> watchdog_timeout_from(const char* watchdog_usec,
                                                               const char* watchdog_pid, long self) noexcept {
  const auto usec = parse_unsigned(watchdog_usec);
  if (!usec || *usec == 0 || *usec > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  if (watchdog_pid != nullptr) {
    const auto pid = parse_unsigned(watchdog_pid);
    if (!pid || static_cast<long>(*pid) != self) return std::nullopt;  // meant for another process
  }
  return std::chrono::microseconds(static_cast<std::int64_t>(*usec));
}

std::uint64_t monotonic_usec() noexcept {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000u +
         static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
}

Notifier Notifier::from_environment() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  return Notifier(socket != nullptr ? socket : "",
                  watchdog_timeout_from(std::getenv("WATCHDOG_USEC"), std::getenv("WATCHDOG_PID"), getpid()));
}

Notifier::Notifier(std::string socket, std::optional<std::chrono::microseconds> watchdog_timeout)
    : socket_(std::move(socket)), watchdog_timeout_(watchdog_timeout) {}

Notifier::~Notifier() {
  if (fd_ >= 0) close(fd_);
}

Notifier::Notifier(Notifier&& other) noexcept
    : socket_(std::move(other.socket_)),
      watchdog_timeout_(other.watchdog_timeout_),
      fd_(std::exchange(other.fd_, -1)) {
  other.socket_.clear();
}

Notifier& Notifier::operator=(Notifier&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    socket_ = std::move(other.socket_);
    other.socket_.clear();
    watchdog_timeout_ = other.watchdog_timeout_;
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

std::optional<std::chrono::microseconds> Notifier::watchdog_timeout() const noexcept {
  if (!enabled()) return std::nullopt;
  return watchdog_timeout_;
}

std::optional<std::chrono::microseconds> Notifier::watchdog_interval() const noexcept {
  const auto timeout = watchdog_timeout();
  if (!timeout) return std::nullopt;
  return *timeout / 2;
}

std::error_code Notifier::status(std::string_view line) {
  std::string message = "STATUS=";
  for (char c : line)
    message += (c == '\n' || c == '\r') ? ' ' : c;
  return send(message);
}

std::error_code Notifier::reloading() {
  return send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()));
}

std::error_code Notifier::send(std::string_view message) {
  if (!enabled()) return {};
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  // "@name" is the abstract namespace: a leading NUL, and the length counts exactly the name's bytes.
  const bool abstract = socket_.front() == '@';
  if (socket_.size() >= sizeof(address.sun_path) || (socket_.front() != '/' && !abstract)) {
    return errno_code(EINVAL);
  }
  std::memcpy(address.sun_path, socket_.data(), socket_.size());
  if (abstract) address.sun_path[0] = '\0';
  const auto length =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_.size() + (abstract ? 0 : 1));

  if (fd_ < 0) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return errno_code(errno);
  }
  for (;;) {
    const ssize_t sent = ::sendto(fd_, message.data(), message.size(), MSG_NOSIGNAL,
                                  reinterpret_cast<const sockaddr*>(&address), length);
    if (sent >= 0) return {};
    if (errno != EINTR) return errno_code(errno);
  }
}

}  // namespace aiopid::notify
