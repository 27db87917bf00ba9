// What only the Linux byte streams do: the termios UART (opening, its errors and messages, the settings
// reaching the tty, a hang-up mid-read) and TCP with asyncio's names (open_connection, start_server, an echo
// server with 100 concurrent clients). Pseudo-terminals and loopback sockets; no timing is asserted.
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "aiopi/linux/tcp_connection.hpp"
#include "aiopi/linux/tcp_server.hpp"
#include "stream_linux_boards.hpp"

namespace aiopi::hal_testing {
namespace {

using hal::IoErrc;
namespace fs = std::filesystem;

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::string text(const hal::IoResult<std::span<std::uint8_t>>& r) {
  return r.ok() ? std::string(hal::as_text(*r)) : std::string("<error: ") + r.error().what + ">";
}

class LinuxStreams : public ::testing::Test {
 protected:
  os_linux::LinuxBackend backend;
  Loop loop{backend};
  int master = -1;
  std::string slave;
  void SetUp() override {
    slave = PtyUartBoard::open_pty(master);
    ASSERT_FALSE(slave.empty());
  }
  void TearDown() override {
    if (master >= 0) ::close(master);
  }
  template <class T>
  T run(Task<T> main) {
    return loop.run_until_complete(std::move(main));
  }
};

// ---- opening a UART
// -------------------------------------------------------------------------------------------

TEST_F(LinuxStreams, AMissingDeviceIsNotFoundAndTheMessageListsThePortsThatExist) {
  auto u = os_linux::Uart::open(loop, "/dev/ttyNOPE9");
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().error.kind, IoErrc::not_found);
  EXPECT_EQ(u.error().error.sys_errno, ENOENT);
  const std::string& m = u.error().message;
  EXPECT_TRUE(contains(m, "UART '/dev/ttyNOPE9' not found")) << m;
  EXPECT_TRUE(contains(m, "serial ports here: ") || contains(m, "there are no serial ports here")) << m;
}

TEST_F(LinuxStreams, TheListOfPortsFoldsRunsAndFollowsTheSerialLinks) {
  const fs::path dir = fs::temp_directory_path() / ("aiopi-dev-" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (const char* name : {"ttyS0", "ttyS1", "ttyS2", "ttyS3", "ttyS10", "ttyUSB0", "ttyAMA0", "ttyACM1",
                           "ttyACM0", "tty0", "console", "ttyprintk"})
    std::ofstream(dir / name).put('x');
  fs::create_symlink("ttyAMA0", dir / "serial0");
  const std::vector<std::string> ports = os_linux::list_serial_ports(dir.string());
  EXPECT_EQ(ports, (std::vector<std::string>{"ttyACM0", "ttyACM1", "ttyAMA0", "ttyS0", "ttyS1", "ttyS2",
                                             "ttyS3", "ttyS10", "ttyUSB0", "serial0 -> ttyAMA0"}));
  EXPECT_EQ(os_linux::describe_serial_ports(ports),
            "ttyACM0, ttyACM1, ttyAMA0, ttyS0-ttyS3, ttyS10, ttyUSB0, serial0 -> ttyAMA0");
  const std::string missing = os_linux::uart_open_message("/dev/ttyUSB3", ENOENT, dir.string());
  EXPECT_EQ(
      missing,
      "UART '/dev/ttyUSB3' not found; serial ports here: ttyACM0, ttyACM1, ttyAMA0, ttyS0-ttyS3, ttyS10, "
      "ttyUSB0, serial0 -> ttyAMA0");
  fs::remove_all(dir);
  const fs::path empty = fs::temp_directory_path() / ("aiopi-empty-" + std::to_string(getpid()));
  fs::create_directories(empty);
  const std::string none = os_linux::uart_open_message("serial0", ENOENT, empty.string());
  EXPECT_TRUE(contains(none, "UART '/dev/serial0' not found, and there are no serial ports here")) << none;
  EXPECT_TRUE(contains(none, "enable_uart=1")) << none;
  fs::remove_all(empty);
}

TEST_F(LinuxStreams, PermissionDeniedNamesTheGroupThatGrantsAccess) {
  const std::string m = os_linux::uart_open_message("/dev/ttyAMA0", EACCES);
  EXPECT_TRUE(contains(m, "permission denied")) << m;
  EXPECT_TRUE(contains(m, "group grants access to serial ports")) << m;
  EXPECT_TRUE(contains(m, "usermod -aG")) << m;
  EXPECT_TRUE(contains(os_linux::uart_open_message("/dev/ttyNONE", EACCES), "'dialout'"))
      << "a device that does not say: dialout, the group Debian gives serial ports";
  EXPECT_TRUE(contains(os_linux::uart_open_message("/dev/ttyS0", EBUSY), "another program has it open"));
}

TEST_F(LinuxStreams, AnInvalidBaudRateOrFieldIsAClearError) {
  auto u = os_linux::Uart::open(loop, slave, {.baud = 12345});
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().error.kind, IoErrc::invalid_argument);
  EXPECT_TRUE(contains(u.error().message, "12345 baud is not supported; use one of 50, 75, 110"))
      << u.error().message;
  EXPECT_TRUE(contains(u.error().message, "115200")) << u.error().message;
  auto bits = os_linux::Uart::open(loop, slave, {.data_bits = 9});
  ASSERT_FALSE(bits.ok());
  EXPECT_TRUE(contains(bits.error().message, "data bits must be 5, 6, 7 or 8")) << bits.error().message;
  auto notty = os_linux::Uart::open(loop, "/dev/null");
  ASSERT_FALSE(notty.ok());
  EXPECT_EQ(notty.error().error.kind, IoErrc::invalid_argument);
  EXPECT_TRUE(contains(notty.error().message, "is not a serial port")) << notty.error().message;
}

TEST_F(LinuxStreams, TheSettingsReachTheTty) {
  auto u =
      os_linux::Uart::open(loop, slave, {.baud = 9600, .stop_bits = 2, .flow = hal::FlowControl::rtscts});
  ASSERT_TRUE(u.ok()) << u.error().message;
  termios t{};
  ASSERT_EQ(tcgetattr(u->fd(), &t), 0);
  EXPECT_EQ(cfgetospeed(&t), static_cast<speed_t>(B9600));
  EXPECT_EQ(cfgetispeed(&t), static_cast<speed_t>(B9600));
  EXPECT_TRUE(t.c_cflag & CSTOPB);
  EXPECT_TRUE(t.c_cflag & CRTSCTS);
  EXPECT_FALSE(t.c_lflag & (ICANON | ECHO | ISIG)) << "raw mode";
  EXPECT_FALSE(t.c_oflag & OPOST);
  EXPECT_EQ(t.c_cc[VMIN], 1);
  // A pty keeps 8 data bits and no parity whatever is asked (its driver masks them); a real UART takes them.
  ASSERT_TRUE(u->set_config({.baud = 115200, .flow = hal::FlowControl::xonxoff}).ok());
  ASSERT_EQ(tcgetattr(u->fd(), &t), 0);
  EXPECT_EQ(cfgetospeed(&t), static_cast<speed_t>(B115200));
  EXPECT_TRUE(t.c_iflag & IXON);
  EXPECT_TRUE(t.c_iflag & IXOFF);
  EXPECT_FALSE(t.c_cflag & CRTSCTS);
  EXPECT_FALSE(t.c_cflag & CSTOPB);
  auto bad = u->set_config({.baud = 12345});
  EXPECT_EQ(bad.error().kind, IoErrc::invalid_argument);
  EXPECT_EQ(u->config().baud, 115200u) << "a refused setting changes nothing";
  EXPECT_EQ(u->path(), slave);
}

// TIOCEXCL keeps a second open() out except for root; the advisory lock (flock) keeps out root as well.
TEST_F(LinuxStreams, ASecondOpenOfAnExclusivePortIsBusy) {
  {
    auto first = os_linux::Uart::open(loop, slave);
    ASSERT_TRUE(first.ok()) << first.error().message;
    auto second = os_linux::Uart::open(loop, slave);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().error.kind, IoErrc::busy);
    EXPECT_NE(
        second.error().message.find("'" + slave + "' is busy: another program has it open (find it with: "),
        std::string::npos)
        << second.error().message;
  }
  auto again = os_linux::Uart::open(loop, slave);
  EXPECT_TRUE(again.ok()) << "closing the first frees the port: " << again.error().message;
}

TEST_F(LinuxStreams, APortLockedByAnotherProgramIsBusy) {
  // Held as flock(1) or another aiopid would hold it.
  const int other = ::open(slave.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(other, 0);
  ASSERT_EQ(::flock(other, LOCK_EX | LOCK_NB), 0);
  auto u = os_linux::Uart::open(loop, slave);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().error.kind, IoErrc::busy);
  EXPECT_NE(u.error().message.find("is busy"), std::string::npos) << u.error().message;
  ::close(other);
  auto after = os_linux::Uart::open(loop, slave);
  EXPECT_TRUE(after.ok()) << "the lock went with the other program's file: " << after.error().message;
}

TEST_F(LinuxStreams, AnUnpluggedUartEndsTheReadingTaskCleanly) {
  auto u = os_linux::Uart::open(loop, slave, {.baud = 115200});
  ASSERT_TRUE(u.ok()) << u.error().message;
  std::vector<std::string> lines;
  hal::IoError end{};
  auto reader = [&]() -> Task<> {
    std::array<std::uint8_t, 64> buf;
    for (;;) {
      auto l = co_await u->reader().readline(buf);
      if (!l) {
        end = l.error();
        co_return;
      }
      if (l->empty()) co_return;
      lines.emplace_back(hal::as_text(*l));
    }
  };
  auto main_task = [&]() -> Task<> {
    auto t = create_task(reader());
    write_all_fd(master, "$GPGGA,1\r\n", false);
    CO_ASSERT(co_await eventually([&] { return lines.size() == 1; }));
    write_all_fd(master, "$GPRMC,par", false);
    CO_ASSERT(co_await eventually([&] { return u->reader().buffered() == 10; }));
    ::close(master);  // unplugged in the middle of a line
    master = -1;
    co_await t;
    auto w = u->writer().write("x");
    if (w.ok()) {  // the write may be queued before the writer learns of the hang-up
      u->writer().set_write_buffer_limits(0);
      w = co_await u->writer().drain();
    }
    EXPECT_EQ(w.error().kind, IoErrc::closed);
  };
  run(main_task());
  EXPECT_EQ(lines, (std::vector<std::string>{"$GPGGA,1\r\n", "$GPRMC,par"}))
      << "the bytes before the hang-up are delivered";
  EXPECT_EQ(end.kind, IoErrc::closed);
  EXPECT_TRUE(contains(end.what, "hung up")) << end.what;
}

// ---- TCP
// ----------------------------------------------------------------------------------------------------

TEST_F(LinuxStreams, ARefusedConnectionSaysNothingListensThere) {
  // A port that was free a moment ago: bind, read the number, close.
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(s);
  const std::uint16_t port = ntohs(addr.sin_port);
  auto main_task = [&]() -> Task<> {
    auto c = co_await os_linux::open_connection("127.0.0.1", port);
    CO_ASSERT(!c.ok());
    EXPECT_EQ(c.error().error.kind, IoErrc::not_found);
    EXPECT_EQ(c.error().error.sys_errno, ECONNREFUSED);
    EXPECT_TRUE(contains(c.error().message, "TCP connection to 127.0.0.1:" + std::to_string(port)))
        << c.error().message;
    EXPECT_TRUE(contains(c.error().message, "nothing listens there")) << c.error().message;
  };
  run(main_task());
}

TEST_F(LinuxStreams, AServerOnPortZeroReportsItsPortAndClosesWhenItsClientsAreDone) {
  std::string greeting;
  auto hello = [](hal::StreamReader& r, hal::StreamWriter& w) -> Task<> {
    std::array<std::uint8_t, 32> buf;
    auto name = co_await r.readline(buf);
    if (!name || name->empty()) co_return;
    (void)w.write("hello, ");
    (void)w.write(*name);
  };
  auto main_task = [&]() -> Task<> {
    auto server = co_await os_linux::start_server(hello, "localhost", 0);
    CO_ASSERT(server.ok());
    EXPECT_TRUE(server->is_serving());
    EXPECT_NE(server->port(), 0);
    auto c = co_await os_linux::open_connection("localhost", server->port());
    CO_ASSERT(c.ok());
    CO_ASSERT(c->writer().write("pi\n").ok());
    std::array<std::uint8_t, 32> buf;
    auto line = co_await c->reader().readline(buf);
    CO_ASSERT(line.ok());
    greeting = hal::as_text(*line);
    EXPECT_EQ(text(co_await c->reader().read(buf)), "") << "the handler returned: the server closed";
    server->close();
    EXPECT_FALSE(server->is_serving());
    co_await server->wait_closed();
    EXPECT_EQ(server->clients(), 0u);
    EXPECT_EQ(server->accepted(), 1u);
    auto refused = co_await os_linux::open_connection("127.0.0.1", server->port());
    EXPECT_FALSE(refused.ok()) << "nothing listens after close()";
  };
  run(main_task());
  EXPECT_EQ(greeting, "hello, pi\n");
}

TEST_F(LinuxStreams, AnEchoServerServesOneHundredConcurrentClients) {
  constexpr int kClients = 100;
  auto echo = [](hal::StreamReader& r, hal::StreamWriter& w) -> Task<> {
    std::array<std::uint8_t, 512> buf;
    for (;;) {
      auto got = co_await r.read(buf);
      if (!got || got->empty()) co_return;
      auto sent = co_await w.write_all(*got);
      if (!sent) co_return;
    }
  };
  int verified = 0;
  auto client = [&](std::uint16_t port, int id) -> Task<> {
    auto c = co_await os_linux::open_connection("127.0.0.1", port, {.buffers = {.rx = 1024, .tx = 1024}});
    CO_ASSERT(c.ok());
    std::string mine;
    for (int i = 0; i < 300; ++i)
      mine += "client " + std::to_string(id) + " line " + std::to_string(i) + "\n";
    auto reader = [&]() -> Task<std::string> {
      std::string got;
      std::array<std::uint8_t, 256> buf;
      while (got.size() < mine.size()) {
        auto part = co_await c->reader().read(buf);
        if (!part || part->empty()) break;
        got += hal::as_text(*part);
      }
      co_return got;
    };
    auto echoed = create_task(reader());
    auto sent = co_await c->writer().write_all(mine);
    EXPECT_TRUE(sent.ok());
    std::string got = co_await echoed;
    if (got == mine) ++verified;
    EXPECT_EQ(got.size(), mine.size()) << "client " << id;
    c->writer().close();
    auto closed = co_await c->writer().wait_closed();
    EXPECT_TRUE(closed.ok());
  };
  auto main_task = [&]() -> Task<> {
    auto server = co_await os_linux::start_server(echo, "127.0.0.1", 0);
    CO_ASSERT(server.ok());
    std::vector<Task<>> clients;
    for (int id = 0; id < kClients; ++id)
      clients.push_back(client(server->port(), id));
    co_await gather(std::move(clients));
    EXPECT_EQ(server->accepted(), static_cast<std::uint64_t>(kClients));
    server->close();
    auto done = co_await wait_for(server->wait_closed(), 10s);  // a safety net only
    EXPECT_FALSE(done.timed_out()) << "every handler ended after its client closed";
  };
  run(main_task());
  EXPECT_EQ(verified, kClients);
}

TEST_F(LinuxStreams, DestroyingAServerUnwindsItsHandlers) {
  int unwound = 0;
  struct Probe {
    int* n;
    ~Probe() { ++*n; }
  };
  auto stuck = [&](hal::StreamReader& r, hal::StreamWriter&) -> Task<> {
    Probe p{&unwound};
    std::array<std::uint8_t, 8> buf;
    (void)co_await r.readexactly(buf);  // the client never sends
  };
  auto main_task = [&]() -> Task<> {
    auto server = co_await os_linux::start_server(stuck, "127.0.0.1", 0);
    CO_ASSERT(server.ok());
    auto c1 = co_await os_linux::open_connection("127.0.0.1", server->port());
    auto c2 = co_await os_linux::open_connection("127.0.0.1", server->port());
    CO_ASSERT(c1.ok() && c2.ok());
    CO_ASSERT(co_await eventually([&] { return server->clients() == 2; }));
    server.take().reset();
    EXPECT_EQ(unwound, 2) << "no handler outlives the server";
    std::array<std::uint8_t, 8> buf;
    auto end = co_await c1->reader().read(buf);
    EXPECT_TRUE(!end.ok() || end->empty()) << "the connection went with its handler";
  };
  run(main_task());
}

TEST_F(LinuxStreams, CloseClientsCancelsTheHandlersAndWaitClosedReturns) {
  auto stuck = [](hal::StreamReader& r, hal::StreamWriter&) -> Task<> {
    std::array<std::uint8_t, 8> buf;
    (void)co_await r.readexactly(buf);
  };
  auto main_task = [&]() -> Task<> {
    auto server = co_await os_linux::start_server(stuck, "127.0.0.1", 0);
    CO_ASSERT(server.ok());
    auto c = co_await os_linux::open_connection("127.0.0.1", server->port());
    CO_ASSERT(c.ok());
    CO_ASSERT(co_await eventually([&] { return server->clients() == 1; }));
    server->close();
    auto still = co_await wait_for(server->wait_closed(), 20ms);
    EXPECT_TRUE(still.timed_out()) << "a handler is still running";
    EXPECT_EQ(server->close_clients(), 1u);
    co_await server->wait_closed();
    EXPECT_EQ(server->clients(), 0u);
  };
  run(main_task());
}

TEST_F(LinuxStreams, AnAddressInUseIsBusy) {
  auto main_task = [&]() -> Task<> {
    auto nop = [](hal::StreamReader&, hal::StreamWriter&) -> Task<> { co_return; };
    auto first = co_await os_linux::start_server(nop, "127.0.0.1", 0);
    CO_ASSERT(first.ok());
    auto second = co_await os_linux::start_server(nop, "127.0.0.1", first->port());
    CO_ASSERT(!second.ok());
    EXPECT_EQ(second.error().error.kind, IoErrc::busy);
    EXPECT_TRUE(contains(second.error().message, "address already in use")) << second.error().message;
  };
  run(main_task());
}

}  // namespace
}  // namespace aiopi::hal_testing
