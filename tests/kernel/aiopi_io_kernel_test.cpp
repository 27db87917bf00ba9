// The aiopi-io tool's commands against a real kernel (inside the qemu guest of tools/kernel-tests): GPIO on
// the gpio-sim chip `aiopi-sim0` (lines sim0..sim7, driven through the simulator's sysfs), I2C scans of
// i2c-stub (a chip at 0x40) and of the aiopi-test-i2c adapter (0x50, 0x51). The commands run in this process
// (aiopi::tools::aiopi_io_main) with stdout and stderr captured; `watch` and `set --hold` run in a child
// process, ended as a user would (Ctrl-C: SIGINT) or by --count.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "aiopi/linux/gpio_chip.hpp"
#include "aiopi_io.hpp"
#include "sysfs_attr.hpp"

namespace aiopi::kernel_testing {
namespace {

namespace fs = std::filesystem;
using os_linux::GpioChip;

constexpr const char* kLabel = "aiopi-sim0";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// What one aiopi-io command line gave.
struct ToolRun {
  int rc = -1;
  std::string out;
  std::string err;
};

/// Runs aiopi-io with `args` in this thread, capturing fds 1 and 2 (the process's) into files.
ToolRun run_tool(std::vector<std::string> args) {
  static int counter = 0;
  const int n = counter++;
  const std::string out_path = "/tmp/aiopi-io-" + std::to_string(n) + ".out";
  const std::string err_path = "/tmp/aiopi-io-" + std::to_string(n) + ".err";
  std::fflush(stdout);
  std::fflush(stderr);
  const int saved_out = dup(1);
  const int saved_err = dup(2);
  FILE* out = std::fopen(out_path.c_str(), "w");
  FILE* err = std::fopen(err_path.c_str(), "w");
  dup2(fileno(out), 1);
  dup2(fileno(err), 2);
  args.insert(args.begin(), "aiopi-io");
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  ToolRun r;
  r.rc = aiopi::tools::aiopi_io_main(static_cast<int>(args.size()), argv.data());
  std::fflush(stdout);
  std::fflush(stderr);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  std::fclose(out);
  std::fclose(err);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return r;
}

/// aiopi-io running in a child process (as from a shell), its stdout and stderr going to files.
struct Child {
  pid_t pid = -1;
  std::string out_path;
  std::string err_path;
};

Child start_tool(std::vector<std::string> args) {
  static int counter = 0;
  Child c;
  c.out_path = "/tmp/aiopi-io-child-" + std::to_string(counter) + ".out";
  c.err_path = "/tmp/aiopi-io-child-" + std::to_string(counter++) + ".err";
  std::fflush(stdout);
  std::fflush(stderr);
  c.pid = fork();
  if (c.pid == 0) {
    FILE* out = std::fopen(c.out_path.c_str(), "w");
    FILE* err = std::fopen(c.err_path.c_str(), "w");
    if (out == nullptr || err == nullptr) _exit(99);
    dup2(fileno(out), 1);
    dup2(fileno(err), 2);
    args.insert(args.begin(), "aiopi-io");
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = aiopi::tools::aiopi_io_main(static_cast<int>(args.size()), argv.data());
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(rc);
  }
  return c;
}

/// Waits (bounded) until the child has written `text` to its stderr: `watching ...` / `holding ...` come once
/// the request is complete. (The kernel shows a line as used before it has set up its edge interrupt or
/// driven its level, so "used" is not the moment to start toggling.)
bool wait_for_stderr(const Child& c, const std::string& text) {
  for (int i = 0; i < 10000; ++i) {
    if (slurp(c.err_path).find(text) != std::string::npos) return true;
    usleep(1000);
  }
  return false;
}

/// Waits for the child (bounded: it is killed after 20 s) and collects what it printed.
ToolRun finish(const Child& c) {
  ToolRun r;
  int status = 0;
  for (int i = 0; i < 20000; ++i) {
    if (waitpid(c.pid, &status, WNOHANG) == c.pid) break;
    if (i == 19999) {
      kill(c.pid, SIGKILL);
      waitpid(c.pid, &status, 0);
    }
    usleep(1000);
  }
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(c.out_path);
  r.err = slurp(c.err_path);
  fs::remove(c.out_path);
  fs::remove(c.err_path);
  return r;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

class AiopiIoKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = GpioChip::open(kLabel);
    ASSERT_TRUE(c.ok()) << c.error().message << " (run this program under tools/kernel-tests)";
    chip = c.take();
    sim_dir = fs::path("/sys/bus/gpio/devices") / chip->info().name;
    for (unsigned i = 0; i < 8; ++i)
      ASSERT_TRUE(pull(i, false));
  }
  void TearDown() override {
    if (chip)
      for (unsigned i = 0; i < 8; ++i)
        pull(i, false);
  }
  bool pull(unsigned offset, bool up) {
    return write_attr(sim_dir / ("sim_gpio" + std::to_string(offset)) / "pull", up ? "pull-up" : "pull-down");
  }
  std::optional<std::string> sim_value(unsigned offset) {
    return read_attr(sim_dir / ("sim_gpio" + std::to_string(offset)) / "value");
  }
  /// Waits (bounded) until line `offset` is (or is no longer) requested by someone.
  bool wait_until_used(unsigned offset, bool used = true) {
    for (int i = 0; i < 5000; ++i) {
      auto info = chip->line_info(offset);
      if (info && info->used == used) return true;
      usleep(1000);
    }
    return false;
  }

  std::unique_ptr<GpioChip> chip;
  fs::path sim_dir;
};

TEST_F(AiopiIoKernel, ChipsListsTheSimChip) {
  ToolRun r = run_tool({"chips"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(contains(r.out, chip->info().name + " [aiopi-sim0] (8 lines)")) << r.out;
}

TEST_F(AiopiIoKernel, LinesShowsNamesDirectionsAndWhoHoldsALine) {
  auto held = chip->request_output("sim4", {}, "holder");
  ASSERT_TRUE(held.ok()) << held.error().message;
  ToolRun r = run_tool({"lines", kLabel});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(contains(r.out, chip->info().name + " [aiopi-sim0] (8 lines)")) << r.out;
  EXPECT_TRUE(contains(r.out, "    0  sim0             input")) << r.out;
  EXPECT_TRUE(contains(r.out, "    4  sim4             output used by \"holder\"")) << r.out;
}

TEST_F(AiopiIoKernel, GetReadsTheLevelAndAppliesTheBiasAskedFor) {
  ASSERT_TRUE(pull(3, true));
  ToolRun high = run_tool({"get", kLabel, "sim3"});
  EXPECT_EQ(high.rc, 0) << high.err;
  EXPECT_EQ(high.out, "1\n");
  ASSERT_TRUE(pull(3, false));
  EXPECT_EQ(run_tool({"get", kLabel, "sim3"}).out, "0\n");
  EXPECT_EQ(run_tool({"get", kLabel, "sim3", "--active-low"}).out, "1\n");
  EXPECT_EQ(run_tool({"get", kLabel, "3", "--bias", "pull-up"}).out, "1\n")
      << "the pull-up asked for lifts it";
}

TEST_F(AiopiIoKernel, ALineInUseIsReportedWithItsConsumerAndExit1) {
  auto held = chip->request_output("sim5", {}, "holder");
  ASSERT_TRUE(held.ok());
  ToolRun r = run_tool({"set", kLabel, "sim5", "1"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_TRUE(contains(r.err, "is in use by 'holder'")) << r.err;
  ToolRun missing = run_tool({"get", kLabel, "GPIO17"});
  EXPECT_EQ(missing.rc, 1);
  EXPECT_TRUE(contains(missing.err, "GPIO line 'GPIO17' not found on")) << missing.err;
}

TEST_F(AiopiIoKernel, SetHoldDrivesTheLineUntilCtrlC) {
  Child tool = start_tool({"set", kLabel, "sim1", "1", "--hold"});
  ASSERT_GT(tool.pid, 0);
  EXPECT_TRUE(wait_for_stderr(tool, "holding 'sim1'"));
  EXPECT_EQ(sim_value(1), "1") << "driven high while held";
  kill(tool.pid, SIGINT);  // Ctrl-C
  ToolRun r = finish(tool);
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "holding 'sim1' (offset 1 of")) << r.err;
  EXPECT_TRUE(wait_until_used(1, false)) << "released on Ctrl-C";
}

TEST_F(AiopiIoKernel, WatchPrintsEdgesWithTimestampsAndSeq) {
  Child tool = start_tool({"watch", kLabel, "sim6", "both", "--count", "3"});
  ASSERT_GT(tool.pid, 0);
  EXPECT_TRUE(wait_for_stderr(tool, "watching 'sim6'"));
  for (bool level : {true, false, true})
    EXPECT_TRUE(pull(6, level));
  ToolRun r = finish(tool);
  EXPECT_EQ(r.rc, 0) << r.err;
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  ASSERT_EQ(lines.size(), 3u) << r.out << r.err;
  EXPECT_EQ(lines[0].rfind("       1  rising ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("       2  falling ", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("       3  rising ", 0), 0u) << lines[2];
  EXPECT_TRUE(contains(lines[1], " s  +")) << "the time since the previous edge: " << lines[1];
  EXPECT_FALSE(contains(r.out, "lost")) << r.out;
  EXPECT_TRUE(contains(r.err, "3 edges, 0 lost")) << r.err;
}

TEST_F(AiopiIoKernel, WatchEndsOnCtrlC) {
  Child tool = start_tool({"watch", kLabel, "sim6", "rising"});
  ASSERT_GT(tool.pid, 0);
  EXPECT_TRUE(wait_for_stderr(tool, "watching 'sim6'"));
  EXPECT_TRUE(pull(6, true));
  EXPECT_TRUE(pull(6, false));
  // The rising edge is printed before the line is given up; wait for it, then press Ctrl-C.
  for (int i = 0; i < 5000 && !contains(slurp(tool.out_path), "rising"); ++i)
    usleep(1000);
  kill(tool.pid, SIGINT);
  ToolRun r = finish(tool);
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out.rfind("       1  rising ", 0), 0u) << r.out;
  EXPECT_TRUE(contains(r.err, "1 edges, 0 lost")) << r.err;
  EXPECT_TRUE(wait_until_used(6, false)) << "released";
}

TEST_F(AiopiIoKernel, I2cBusesListsTheStubAndI2cScanFindsItsChip) {
  ToolRun buses = run_tool({"i2c-buses"});
  EXPECT_EQ(buses.rc, 0) << buses.err;
  EXPECT_TRUE(contains(buses.out, "SMBus stub driver")) << buses.out;
  ToolRun scan = run_tool({"i2c-scan", "SMBus stub driver"});
  EXPECT_EQ(scan.rc, 0) << scan.err;
  EXPECT_TRUE(contains(scan.out, "40: 40 -- -- --")) << scan.out;
  EXPECT_TRUE(contains(scan.out, "found: 0x40\n")) << scan.out;
}

TEST_F(AiopiIoKernel, I2cScanOfTheTestAdapterFindsItsTwoDevices) {
  ToolRun buses = run_tool({"i2c-buses"});
  if (!contains(buses.out, "aiopi-test-i2c")) GTEST_SKIP() << "the aiopi-test-i2c adapter is not loaded";
  ToolRun scan = run_tool({"i2c-scan", "aiopi-test-i2c"});
  EXPECT_EQ(scan.rc, 0) << scan.err;
  EXPECT_TRUE(contains(scan.out, "found: 0x50 0x51\n")) << scan.out;
}

}  // namespace
}  // namespace aiopi::kernel_testing
