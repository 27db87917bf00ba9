// Checks of the kernel test rig itself (tools/kernel-tests), through raw kernel interfaces only, no aiopi
// code: when one of these fails, the backend tests' failures say nothing about aiopi. Runs inside the qemu
// guest, where /init has loaded gpio-sim (chip `aiopi-sim0`, lines `sim0`..`sim7`), i2c-stub (chip at 0x40),
// i2c-dev and the project's test modules.
#include <fcntl.h>
#include <linux/gpio.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "sysfs_attr.hpp"

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSimLabel = "aiopi-sim0";
constexpr unsigned kSimLines = 8;
constexpr std::string_view kStubAdapterPrefix = "SMBus stub driver";
constexpr std::uint8_t kStubAddr = 0x40;
constexpr std::string_view kTestAdapterName = "aiopi-test-i2c";
constexpr std::string_view kTestAdapterModule = "aiopi_i2c_test";

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_;
};

std::string errno_text() {
  return std::strerror(errno);
}

using aiopi::kernel_testing::read_attr;
using aiopi::kernel_testing::write_attr;

std::vector<fs::path> entries_starting_with(const fs::path& dir, std::string_view prefix) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename().string().starts_with(prefix)) found.push_back(e.path());
  }
  return found;
}

struct GpioChip {
  fs::path dev;      // /dev/gpiochipN
  std::string name;  // gpiochipN, also the device's name in sysfs
  gpiochip_info info{};
};

// Every chip's label, for messages that say what exists.
std::string chip_labels() {
  std::string labels;
  for (const auto& dev : entries_starting_with("/dev", "gpiochip")) {
    Fd fd(::open(dev.c_str(), O_RDWR | O_CLOEXEC));
    gpiochip_info info{};
    if (fd.valid() && ::ioctl(fd.get(), GPIO_GET_CHIPINFO_IOCTL, &info) == 0)
      labels += dev.string() + "=" + info.label + " ";
  }
  return labels.empty() ? "(no /dev/gpiochip*)" : labels;
}

std::optional<GpioChip> chip_by_label(std::string_view label) {
  for (const auto& dev : entries_starting_with("/dev", "gpiochip")) {
    Fd fd(::open(dev.c_str(), O_RDWR | O_CLOEXEC));
    GpioChip chip{dev, dev.filename().string()};
    if (fd.valid() && ::ioctl(fd.get(), GPIO_GET_CHIPINFO_IOCTL, &chip.info) == 0 && chip.info.label == label)
      return chip;
  }
  return std::nullopt;
}

// gpio-sim's per-line attributes (pull, value) live on the chip's device.
fs::path sim_line_dir(const GpioChip& chip, unsigned offset) {
  return fs::path("/sys/bus/gpio/devices") / chip.name / ("sim_gpio" + std::to_string(offset));
}

// Requests one line through the v1 uAPI (what libgpiod 1.6 uses); an invalid Fd when the kernel refuses.
Fd request_line(const GpioChip& chip, unsigned offset, std::uint32_t flags, std::uint8_t value = 0) {
  Fd chip_fd(::open(chip.dev.c_str(), O_RDWR | O_CLOEXEC));
  if (!chip_fd.valid()) return Fd(-1);
  gpiohandle_request req{};
  req.lineoffsets[0] = offset;
  req.lines = 1;
  req.flags = flags;
  req.default_values[0] = value;
  std::strncpy(req.consumer_label, "rig_kernel_test", sizeof req.consumer_label - 1);
  if (::ioctl(chip_fd.get(), GPIO_GET_LINEHANDLE_IOCTL, &req) != 0) return Fd(-1);
  return Fd(req.fd);
}

std::optional<int> line_value(const Fd& line) {
  gpiohandle_data data{};
  if (::ioctl(line.get(), GPIOHANDLE_GET_LINE_VALUES_IOCTL, &data) != 0) return std::nullopt;
  return data.values[0];
}

// /dev/i2c-N of the first adapter whose name starts with prefix.
std::optional<fs::path> i2c_bus_by_name(std::string_view prefix) {
  for (const auto& dir : entries_starting_with("/sys/class/i2c-dev", "i2c-")) {
    auto name = read_attr(dir / "name");
    if (name && name->starts_with(prefix)) return fs::path("/dev") / dir.filename();
  }
  return std::nullopt;
}

std::string i2c_bus_names() {
  std::string names;
  for (const auto& dir : entries_starting_with("/sys/class/i2c-dev", "i2c-"))
    names += dir.filename().string() + "=\"" + read_attr(dir / "name").value_or("?") + "\" ";
  return names.empty() ? "(no /sys/class/i2c-dev/*)" : names;
}

bool module_loaded(std::string_view module) {
  std::ifstream in("/proc/modules");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(module) && line.size() > module.size() && line[module.size()] == ' ') return true;
  }
  return false;
}

int smbus(int fd, std::uint8_t read_write, std::uint8_t command, int size, i2c_smbus_data* data) {
  i2c_smbus_ioctl_data args{};
  args.read_write = read_write;
  args.command = command;
  args.size = static_cast<std::uint32_t>(size);
  args.data = data;
  return ::ioctl(fd, I2C_SMBUS, &args);
}

TEST(RigGpioSim, ChipWithTheLabelHasEightNamedLines) {
  auto chip = chip_by_label(kSimLabel);
  ASSERT_TRUE(chip) << "no GPIO chip labelled " << kSimLabel << "; chips: " << chip_labels();
  EXPECT_EQ(chip->info.lines, kSimLines);
  Fd fd(::open(chip->dev.c_str(), O_RDWR | O_CLOEXEC));
  ASSERT_TRUE(fd.valid()) << chip->dev << ": " << errno_text();
  for (unsigned i = 0; i < chip->info.lines; ++i) {
    gpioline_info info{};
    info.line_offset = i;
    ASSERT_EQ(::ioctl(fd.get(), GPIO_GET_LINEINFO_IOCTL, &info), 0) << "line " << i << ": " << errno_text();
    EXPECT_STREQ(info.name, ("sim" + std::to_string(i)).c_str()) << "line " << i;
    EXPECT_EQ(info.flags & GPIOLINE_FLAG_KERNEL, 0u) << "line " << i << " is in use by " << info.consumer;
  }
}

TEST(RigGpioSim, ConfigfsShowsTheChipLive) {
  auto chip = chip_by_label(kSimLabel);
  ASSERT_TRUE(chip) << "chips: " << chip_labels();
  bool found = false;
  for (const auto& dev : entries_starting_with("/sys/kernel/config/gpio-sim", "")) {
    if (read_attr(dev / "bank0" / "label") != kSimLabel) continue;
    found = true;
    EXPECT_EQ(read_attr(dev / "live"), "1") << dev;
    EXPECT_EQ(read_attr(dev / "bank0" / "num_lines"), std::to_string(kSimLines)) << dev;
    EXPECT_EQ(read_attr(dev / "bank0" / "chip_name"), chip->name) << dev;
  }
  EXPECT_TRUE(found) << "no /sys/kernel/config/gpio-sim/*/bank0/label reads " << kSimLabel;
}

TEST(RigGpioSim, EveryLineHasPullAndValueFilesAtTheirDefaults) {
  auto chip = chip_by_label(kSimLabel);
  ASSERT_TRUE(chip) << "chips: " << chip_labels();
  for (unsigned i = 0; i < kSimLines; ++i) {
    const fs::path dir = sim_line_dir(*chip, i);
    EXPECT_EQ(read_attr(dir / "pull"), "pull-down") << dir;
    EXPECT_EQ(read_attr(dir / "value"), "0") << dir;
  }
}

TEST(RigGpioSim, PullDrivesAnInputAndAnOutputShowsInValue) {
  auto chip = chip_by_label(kSimLabel);
  ASSERT_TRUE(chip) << "chips: " << chip_labels();
  const fs::path in_dir = sim_line_dir(*chip, 3);
  {
    Fd in = request_line(*chip, 3, GPIOHANDLE_REQUEST_INPUT);
    ASSERT_TRUE(in.valid()) << "request line 3 as input: " << errno_text();
    ASSERT_TRUE(write_attr(in_dir / "pull", "pull-up")) << in_dir;
    EXPECT_EQ(line_value(in), 1);
    ASSERT_TRUE(write_attr(in_dir / "pull", "pull-down")) << in_dir;
    EXPECT_EQ(line_value(in), 0);
  }
  const fs::path out_dir = sim_line_dir(*chip, 5);
  {
    Fd out = request_line(*chip, 5, GPIOHANDLE_REQUEST_OUTPUT, 1);
    ASSERT_TRUE(out.valid()) << "request line 5 as output: " << errno_text();
    EXPECT_EQ(read_attr(out_dir / "value"), "1");
  }
  // Released: the line follows its pull again, so later programs find every line at its default.
  EXPECT_EQ(read_attr(out_dir / "value"), "0");
}

TEST(RigI2cStub, BusIsFoundByNameAndByteDataRoundTrips) {
  auto bus = i2c_bus_by_name(kStubAdapterPrefix);
  ASSERT_TRUE(bus) << "no I2C adapter named \"" << kStubAdapterPrefix << "...\"; buses: " << i2c_bus_names();
  Fd fd(::open(bus->c_str(), O_RDWR | O_CLOEXEC));
  ASSERT_TRUE(fd.valid()) << *bus << ": " << errno_text();
  unsigned long funcs = 0;
  ASSERT_EQ(::ioctl(fd.get(), I2C_FUNCS, &funcs), 0) << errno_text();
  EXPECT_EQ(funcs & I2C_FUNC_SMBUS_BYTE_DATA, static_cast<unsigned long>(I2C_FUNC_SMBUS_BYTE_DATA));
  ASSERT_EQ(::ioctl(fd.get(), I2C_SLAVE, kStubAddr), 0) << errno_text();

  constexpr std::uint8_t kReg = 0x7e;
  i2c_smbus_data data{};
  data.byte = 0xa5;
  ASSERT_EQ(smbus(fd.get(), I2C_SMBUS_WRITE, kReg, I2C_SMBUS_BYTE_DATA, &data), 0) << errno_text();
  data.byte = 0;
  ASSERT_EQ(smbus(fd.get(), I2C_SMBUS_READ, kReg, I2C_SMBUS_BYTE_DATA, &data), 0) << errno_text();
  EXPECT_EQ(data.byte, 0xa5);
  // Put the register back so later programs find the chip as loaded (all zero).
  data.byte = 0;
  EXPECT_EQ(smbus(fd.get(), I2C_SMBUS_WRITE, kReg, I2C_SMBUS_BYTE_DATA, &data), 0) << errno_text();
}

TEST(RigI2cTestAdapter, ExistsWhenItsModuleIsLoaded) {
  if (!module_loaded(kTestAdapterModule))
    GTEST_SKIP() << kTestAdapterModule << " is not loaded (tests/kernel/modules/ has no such module yet)";
  auto bus = i2c_bus_by_name(kTestAdapterName);
  ASSERT_TRUE(bus) << "no I2C adapter named \"" << kTestAdapterName << "\"; buses: " << i2c_bus_names();
  Fd fd(::open(bus->c_str(), O_RDWR | O_CLOEXEC));
  ASSERT_TRUE(fd.valid()) << *bus << ": " << errno_text();
  unsigned long funcs = 0;
  ASSERT_EQ(::ioctl(fd.get(), I2C_FUNCS, &funcs), 0) << errno_text();
  EXPECT_NE(funcs & I2C_FUNC_I2C, 0u) << "the test adapter should offer raw transfers (I2C_RDWR)";
}

}  // namespace
