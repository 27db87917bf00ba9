// aiopid_notify against a real NOTIFY_SOCKET: a unix datagram socket the test binds (a path and the abstract
// namespace), receiving exactly the datagrams systemd would.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "aiopid/notify/notifier.hpp"

namespace {

using aiopid::notify::Notifier;
using namespace std::chrono_literals;

// A bound datagram socket standing in for systemd's notification socket.
class FakeSystemd {
 public:
  explicit FakeSystemd(bool abstract) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string id = "aiopid-notify-test-" + std::to_string(getpid()) + (abstract ? "-abstract" : "");
    socklen_t length = 0;
    if (abstract) {
      name_ = "@" + id;
      std::memcpy(address.sun_path + 1, id.data(), id.size());
      length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + id.size());
    } else {
      name_ = (std::string(::testing::TempDir()) + id);
      std::memcpy(address.sun_path, name_.data(), name_.size());
      length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size() + 1);
      ::unlink(name_.c_str());
    }
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0;
  }
  ~FakeSystemd() {
    if (fd_ >= 0) ::close(fd_);
    if (name_.front() == '/') ::unlink(name_.c_str());
  }
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] const std::string& name() const { return name_; }

  // The next datagram; "<timeout>" if none arrives within a generous safety net.
  std::string receive() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) return "<timeout>";
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n < 0 ? "<error>" : std::string(buffer, static_cast<std::size_t>(n));
  }
  // Whether a datagram is waiting (it was all sent synchronously, so no waiting is needed).
  bool pending() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
  std::string name_;
};

void expect_lifecycle(FakeSystemd& systemd) {
  Notifier notifier(systemd.name(), 10s);
  ASSERT_TRUE(notifier.enabled());
  EXPECT_FALSE(notifier.ready());
  EXPECT_EQ(systemd.receive(), "READY=1");
  EXPECT_FALSE(notifier.status("3 devices, 5 tasks\nnext run 07:30"));
  EXPECT_EQ(systemd.receive(), "STATUS=3 devices, 5 tasks next run 07:30");
  EXPECT_FALSE(notifier.watchdog());
  EXPECT_EQ(systemd.receive(), "WATCHDOG=1");

  const std::uint64_t before = aiopid::notify::monotonic_usec();
  EXPECT_FALSE(notifier.reloading());
  const std::uint64_t after = aiopid::notify::monotonic_usec();
  const std::string reload = systemd.receive();
  const std::string prefix = "RELOADING=1\nMONOTONIC_USEC=";
  ASSERT_EQ(reload.substr(0, prefix.size()), prefix) << reload;
  const std::uint64_t stamp = std::stoull(reload.substr(prefix.size()));
  EXPECT_GE(stamp, before);
  EXPECT_LE(stamp, after);

  EXPECT_FALSE(notifier.stopping());
  EXPECT_EQ(systemd.receive(), "STOPPING=1");
  EXPECT_FALSE(systemd.pending());
}

TEST(Notifier, SendsEachMessageToAPathSocket) {
  FakeSystemd systemd(false);
  ASSERT_TRUE(systemd.ok());
  expect_lifecycle(systemd);
}

TEST(Notifier, SendsEachMessageToAnAbstractSocket) {
  FakeSystemd systemd(true);
  ASSERT_TRUE(systemd.ok());
  expect_lifecycle(systemd);
}

TEST(Notifier, ReadsTheEnvironment) {
  FakeSystemd systemd(true);
  ASSERT_TRUE(systemd.ok());
  ::setenv("NOTIFY_SOCKET", systemd.name().c_str(), 1);
  ::setenv("WATCHDOG_USEC", "4000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  Notifier notifier = Notifier::from_environment();
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");
  ::unsetenv("WATCHDOG_PID");
  EXPECT_EQ(notifier.socket(), systemd.name());
  EXPECT_EQ(notifier.watchdog_timeout(), std::chrono::microseconds(4s));
  EXPECT_EQ(notifier.watchdog_interval(), std::chrono::microseconds(2s));
  EXPECT_FALSE(notifier.ready());
  EXPECT_EQ(systemd.receive(), "READY=1");
}

TEST(Notifier, IsANoOpWithoutNotifySocket) {
  ::unsetenv("NOTIFY_SOCKET");
  ::setenv("WATCHDOG_USEC", "4000000", 1);
  Notifier notifier = Notifier::from_environment();
  ::unsetenv("WATCHDOG_USEC");
  EXPECT_FALSE(notifier.enabled());
  EXPECT_FALSE(notifier.ready());
  EXPECT_FALSE(notifier.status("x"));
  EXPECT_FALSE(notifier.watchdog());
  EXPECT_FALSE(notifier.reloading());
  EXPECT_FALSE(notifier.stopping());
  EXPECT_EQ(notifier.watchdog_interval(), std::nullopt);  // nobody to ping
}

TEST(Notifier, ReportsASocketNobodyListensOn) {
  Notifier notifier("@aiopid-notify-test-nobody-" + std::to_string(getpid()), std::nullopt);
  EXPECT_EQ(notifier.ready(), std::errc::connection_refused);
  Notifier relative("relative/path", std::nullopt);
  EXPECT_EQ(relative.ready(), std::errc::invalid_argument);
}

TEST(Notifier, MovesItsSocket) {
  FakeSystemd systemd(true);
  ASSERT_TRUE(systemd.ok());
  Notifier first(systemd.name(), std::nullopt);
  EXPECT_FALSE(first.ready());
  Notifier second = std::move(first);
  EXPECT_FALSE(second.watchdog());
  EXPECT_EQ(systemd.receive(), "READY=1");
  EXPECT_EQ(systemd.receive(), "WATCHDOG=1");
}

TEST(WatchdogTimeout, FollowsSdWatchdogEnabled) {
  using aiopid::notify::watchdog_timeout_from;
  EXPECT_EQ(watchdog_timeout_from("10000000", nullptr, 42), std::chrono::microseconds(10s));
  EXPECT_EQ(watchdog_timeout_from("10000000", "42", 42), std::chrono::microseconds(10s));
  EXPECT_EQ(watchdog_timeout_from("10000000", "43", 42), std::nullopt);  // another process's watchdog
  EXPECT_EQ(watchdog_timeout_from(nullptr, nullptr, 42), std::nullopt);
  EXPECT_EQ(watchdog_timeout_from("0", nullptr, 42), std::nullopt);
  EXPECT_EQ(watchdog_timeout_from("", nullptr, 42), std::nullopt);
  EXPECT_EQ(watchdog_timeout_from("10s", nullptr, 42), std::nullopt);
  EXPECT_EQ(watchdog_timeout_from("-5", nullptr, 42), std::nullopt);
  EXPECT_EQ(watchdog_timeout_from("10000000", "x", 42), std::nullopt);
}

}  // namespace
