// Finding an I2C bus by number, node, path or adapter name, and the messages when it is missing or not ours
// to open — on a fake /sys and /dev tree.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "aiopi/linux/i2c_bus.hpp"
#include "aiopi/linux/i2c_lookup.hpp"
#include "aiopi/linux/linux_backend.hpp"

namespace aiopi::os_linux {
namespace {

namespace fs = std::filesystem;
using hal::IoErrc;

/// The message contains `part` (gmock's HasSubstr without the gmock dependency).
::testing::AssertionResult Contains(const std::string& message, const std::string& part) {
  if (message.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' is not in: " << message;
}

/// A temporary root with sys/ and dev/ under it, removed afterwards.
class I2cFakeRoot : public ::testing::Test {
 protected:
  fs::path dir;
  I2cRoots roots;

  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "aiopi-i2c-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir = tmpl;
    roots.sys = (dir / "sys").string();
    roots.dev = (dir / "dev").string();
    fs::create_directories(roots.sys);
    fs::create_directories(roots.dev);
  }
  void TearDown() override { fs::remove_all(dir); }

  static void write_file(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  /// A bus as i2c-dev shows it: the sysfs class entry (with its name) and a node in /dev.
  void add_bus(int n, const std::string& name, bool node = true) {
    write_file(fs::path(roots.sys) / "class/i2c-dev" / ("i2c-" + std::to_string(n)) / "name", name + "\n");
    add_adapter(n, name);
    if (node) write_file(fs::path(roots.dev) / ("i2c-" + std::to_string(n)), "");
  }
  /// An adapter the kernel has, with or without i2c-dev.
  void add_adapter(int n, const std::string& name) {
    write_file(fs::path(roots.sys) / "bus/i2c/devices" / ("i2c-" + std::to_string(n)) / "name", name + "\n");
  }
};

TEST_F(I2cFakeRoot, ListsBusesInNumberOrderWithTheirNames) {
  add_bus(20, "fef04500.i2c");
  add_bus(1, "bcm2835 (i2c@7e804000)");
  const auto buses = list_i2c_buses(roots);
  ASSERT_EQ(buses.size(), 2u);
  EXPECT_EQ(buses[0].number, 1);
  EXPECT_EQ(buses[0].name, "bcm2835 (i2c@7e804000)");
  EXPECT_EQ(buses[0].dev_path, roots.dev + "/i2c-1");
  EXPECT_EQ(buses[1].number, 20);
  EXPECT_EQ(describe_i2c_buses(buses), "i2c-1 [bcm2835 (i2c@7e804000)], i2c-20 [fef04500.i2c]");
}

TEST_F(I2cFakeRoot, FindsABusByNumberNodePathOrName) {
  add_bus(1, "bcm2835 (i2c@7e804000)");
  add_bus(3, "SMBus stub driver");
  for (const char* what : {"1", "i2c-1", "/dev/i2c-1", "bcm2835 (i2c@7e804000)", "bcm2835"}) {
    auto found = find_i2c_bus(what, roots);
    ASSERT_TRUE(found.ok()) << what << ": " << found.error().message;
    EXPECT_EQ(found->number, 1) << what;
    EXPECT_EQ(found->name, "bcm2835 (i2c@7e804000)") << what;
    EXPECT_EQ(found->dev_path, roots.dev + "/i2c-1") << what;
  }
  auto stub = find_i2c_bus("SMBus stub", roots);
  ASSERT_TRUE(stub.ok());
  EXPECT_EQ(stub->number, 3);
}

TEST_F(I2cFakeRoot, AnExactNameWinsOverPrefixesAndTwoPrefixesAreAmbiguous) {
  add_bus(1, "aiopi");
  add_bus(2, "aiopi-test-i2c");
  add_bus(3, "aiopi-test-i2c-2");
  auto exact = find_i2c_bus("aiopi", roots);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->number, 1);
  auto ambiguous = find_i2c_bus("aiopi-test", roots);
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ambiguous.error().error.kind, IoErrc::invalid_argument);
  EXPECT_TRUE(Contains(ambiguous.error().message, "ambiguous"));
  EXPECT_TRUE(Contains(ambiguous.error().message, "i2c-2 [aiopi-test-i2c]"));
  EXPECT_TRUE(Contains(ambiguous.error().message, "i2c-3 [aiopi-test-i2c-2]"));
}

TEST_F(I2cFakeRoot, AMissingBusNamesWhatWasAskedAndListsTheBusesHere) {
  add_bus(1, "bcm2835 (i2c@7e804000)");
  add_bus(20, "fef04500.i2c");
  for (const char* what : {"sensor-bus", "7", "/dev/i2c-7"}) {
    auto found = find_i2c_bus(what, roots);
    ASSERT_FALSE(found.ok()) << what;
    const OpenError& e = found.error();
    EXPECT_EQ(e.error.kind, IoErrc::not_found);
    EXPECT_TRUE(Contains(e.message, std::string("'") + what + "' not found"));
    EXPECT_TRUE(Contains(e.message, "i2c-1 [bcm2835 (i2c@7e804000)], i2c-20 [fef04500.i2c]"));
  }
}

TEST_F(I2cFakeRoot, WithNoBusAtAllTheMessageSaysHowToEnableI2c) {
  auto found = find_i2c_bus("1", roots);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().error.kind, IoErrc::not_found);
  EXPECT_TRUE(Contains(found.error().message, "no I2C buses"));
  EXPECT_TRUE(Contains(found.error().message, "raspi-config"));
  EXPECT_TRUE(Contains(found.error().message, "dtparam=i2c_arm=on"));
}

TEST_F(I2cFakeRoot, AdaptersWithoutI2cDevSayToLoadIt) {
  add_adapter(1, "bcm2835 (i2c@7e804000)");
  auto found = find_i2c_bus("bcm2835 (i2c@7e804000)", roots);
  ASSERT_FALSE(found.ok());
  EXPECT_TRUE(Contains(found.error().message, "modprobe i2c-dev"));
  EXPECT_TRUE(Contains(found.error().message, "i2c-1 [bcm2835 (i2c@7e804000)]"));
}

TEST_F(I2cFakeRoot, PermissionDeniedNamesTheI2cGroup) {
  add_bus(1, "bcm2835 (i2c@7e804000)");
  auto found = find_i2c_bus("1", roots);
  ASSERT_TRUE(found.ok());
  const OpenError e = i2c_open_error("1", *found, EACCES, "open", roots);
  EXPECT_EQ(e.error.kind, IoErrc::permission);
  EXPECT_EQ(e.error.sys_errno, EACCES);
  EXPECT_TRUE(Contains(e.message, "'1'"));
  EXPECT_TRUE(Contains(e.message, "bcm2835 (i2c@7e804000)"));
  EXPECT_TRUE(Contains(e.message, "permission denied"));
  EXPECT_TRUE(Contains(e.message, "'i2c' group"));
  EXPECT_TRUE(Contains(e.message, "usermod -aG i2c"));
}

TEST_F(I2cFakeRoot, OpeningANodeWithoutPermissionGivesThatMessage) {
  add_bus(1, "bcm2835 (i2c@7e804000)");
  ::chmod((roots.dev + "/i2c-1").c_str(), 0600);
  ::chmod(dir.c_str(), 0755);
  // Root opens any node, so the open runs in a child that drops to an unprivileged user when it is root.
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(out[0]);
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(2);
    if (::geteuid() != 0)
      ::chmod((roots.dev + "/i2c-1").c_str(), 0);  // not root from the start: our own node
    LinuxBackend backend;
    Loop loop(backend);
    auto bus = LinuxI2cBus::open(loop, "1", roots);
    const std::string text =
        bus.ok() ? std::string("opened")
                 : std::string(hal::to_string(bus.error().error.kind)) + "|" + bus.error().message;
    [[maybe_unused]] auto n = ::write(out[1], text.data(), text.size());
    ::_exit(0);
  }
  ::close(out[1]);
  std::string text;
  char buf[512];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;)
    text.append(buf, static_cast<std::size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child could not drop privileges";
  EXPECT_TRUE(Contains(text, "permission|"));
  EXPECT_TRUE(
      Contains(text, "I2C bus '1' (" + roots.dev + "/i2c-1 [bcm2835 (i2c@7e804000)]): permission denied"));
  EXPECT_TRUE(Contains(text, "'i2c' group"));
}

TEST_F(I2cFakeRoot, ANodeThatIsNotAnAdapterIsSaidToBeSo) {
  add_bus(1, "bcm2835 (i2c@7e804000)");  // the node is a plain file: I2C_FUNCS fails with ENOTTY
  LinuxBackend backend;
  Loop loop(backend);
  auto bus = LinuxI2cBus::open(loop, "bcm2835", roots);
  ASSERT_FALSE(bus.ok());
  EXPECT_EQ(bus.error().error.kind, IoErrc::invalid_argument);
  EXPECT_EQ(bus.error().error.sys_errno, ENOTTY);
  EXPECT_TRUE(Contains(bus.error().message, "not an I2C adapter"));
  EXPECT_TRUE(Contains(bus.error().message, "I2C_FUNCS"));
}

TEST_F(I2cFakeRoot, ABusSysfsListsWithoutANodeSaysTheNodeIsMissing) {
  add_bus(1, "bcm2835 (i2c@7e804000)", /*node=*/false);
  LinuxBackend backend;
  Loop loop(backend);
  auto bus = LinuxI2cBus::open(loop, "1", roots);
  ASSERT_FALSE(bus.ok());
  EXPECT_EQ(bus.error().error.kind, IoErrc::not_found);
  EXPECT_TRUE(Contains(bus.error().message, "no device node"));
  EXPECT_TRUE(Contains(bus.error().message, roots.dev + "/i2c-1"));
}

TEST_F(I2cFakeRoot, OpeningAMissingBusListsTheBusesHere) {
  add_bus(1, "bcm2835 (i2c@7e804000)");
  LinuxBackend backend;
  Loop loop(backend);
  auto bus = LinuxI2cBus::open(loop, "aiopi-test-i2c", roots);
  ASSERT_FALSE(bus.ok());
  EXPECT_EQ(bus.error().error.kind, IoErrc::not_found);
  EXPECT_TRUE(Contains(bus.error().message, "'aiopi-test-i2c' not found; buses here: i2c-1 [bcm2835"));
}

TEST(I2cLookup, AnEmptyNameIsInvalid) {
  auto found = find_i2c_bus("");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().error.kind, IoErrc::invalid_argument);
}

}  // namespace
}  // namespace aiopi::os_linux
