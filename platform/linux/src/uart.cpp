#include "aiopi/linux/uart.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

namespace aiopi::os_linux {

using hal::io_error;
using hal::IoErrc;

namespace {

struct BaudConstant {
  std::uint32_t baud;
  speed_t constant;
};

constexpr std::array<BaudConstant, 30> kBauds{{
    {50, B50},           {75, B75},           {110, B110},         {134, B134},         {150, B150},
    {200, B200},         {300, B300},         {600, B600},         {1200, B1200},       {1800, B1800},
    {2400, B2400},       {4800, B4800},       {9600, B9600},       {19200, B19200},     {38400, B38400},
    {57600, B57600},     {115200, B115200},   {230400, B230400},   {460800, B460800},   {500000, B500000},
    {576000, B576000},   {921600, B921600},   {1000000, B1000000}, {1152000, B1152000}, {1500000, B1500000},
    {2000000, B2000000}, {2500000, B2500000}, {3000000, B3000000}, {3500000, B3500000}, {4000000, B4000000},
}};

constexpr std::array<std::uint32_t, kBauds.size()> baud_numbers() {
  std::array<std::uint32_t, kBauds.size()> out{};
  for (std::size_t i = 0; i < kBauds.size(); ++i)
    out[i] = kBauds[i].baud;
  return out;
}
constexpr std::array<std::uint32_t, kBauds.size()> kBaudNumbers = baud_numbers();

const char* const kBadBaud =
    "UART: not a standard baud rate (use one of 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, "
    "4800, "
    "9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, "
    "2000000, 2500000, 3000000, 3500000, 4000000)";

bool find_speed(std::uint32_t baud, speed_t& out) {
  for (const BaudConstant& b : kBauds) {
    if (b.baud == baud) {
      out = b.constant;
      return true;
    }
  }
  return false;
}

/// Raw mode and `config` on the tty `fd`; nothing changes on failure.
hal::IoResult<void> apply(int fd, const hal::UartConfig& config) {
  if (auto ok = hal::validate(config); !ok) return ok;
  speed_t speed{};
  if (!find_speed(config.baud, speed)) return io_error(IoErrc::invalid_argument, kBadBaud);
  termios t{};
  if (tcgetattr(fd, &t) != 0) {
    const int err = errno;
    if (err == ENOTTY)
      return io_error(IoErrc::invalid_argument, "UART: not a serial port (not a terminal)", err);
    return io_error(IoErrc::io, "UART: reading the port's settings failed (tcgetattr)", err);
  }
  cfmakeraw(&t);
  t.c_cflag |= CLOCAL | CREAD;
  t.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
  switch (config.data_bits) {
    case 5:
      t.c_cflag |= CS5;
      break;
    case 6:
      t.c_cflag |= CS6;
      break;
    case 7:
      t.c_cflag |= CS7;
      break;
    default:
      t.c_cflag |= CS8;
      break;
  }
  if (config.parity != hal::Parity::none) t.c_cflag |= PARENB;
  if (config.parity == hal::Parity::odd) t.c_cflag |= PARODD;
  if (config.stop_bits == 2) t.c_cflag |= CSTOPB;
  t.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  if (config.flow == hal::FlowControl::rtscts) t.c_cflag |= CRTSCTS;
  if (config.flow == hal::FlowControl::xonxoff) {
    t.c_iflag |= IXON | IXOFF;
    t.c_cc[VSTART] = 0x11;  // DC1
    t.c_cc[VSTOP] = 0x13;   // DC3
  }
  // VMIN 1 / VTIME 0: with O_NONBLOCK a read with nothing to read is EAGAIN, so a read of 0 is a hang-up.
  // (VMIN 0 would make every empty read return 0.)
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  cfsetispeed(&t, speed);
  cfsetospeed(&t, speed);
  if (tcsetattr(fd, TCSANOW, &t) != 0)
    return io_error(IoErrc::io, "UART: the driver refused the settings (tcsetattr)", errno);
  return {};
}

/// "ttyUSB12" -> ("ttyUSB", 12); no trailing number -> (name, -1).
std::pair<std::string, long> split_number(const std::string& name) {
  std::size_t i = name.size();
  while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
    --i;
  if (i == name.size()) return {name, -1};
  return {name.substr(0, i), std::strtol(name.c_str() + i, nullptr, 10)};
}

bool is_serial_name(const std::string& name) {
  for (const char* prefix : {"ttyAMA", "ttyS", "ttyUSB", "ttyACM"}) {
    const std::size_t n = std::strlen(prefix);
    if (name.size() > n && name.compare(0, n, prefix) == 0 &&
        std::all_of(name.begin() + static_cast<std::ptrdiff_t>(n), name.end(),
                    [](char c) { return c >= '0' && c <= '9'; }))
      return true;
  }
  return false;
}

std::string group_of(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && st.st_gid != 0) {
    if (const group* g = getgrgid(st.st_gid)) return g->gr_name;
  }
  return "dialout";
}

std::string full_path(std::string_view path) {
  if (path.find('/') == std::string_view::npos) return "/dev/" + std::string(path);
  return std::string(path);
}

}  // namespace

// ---- listing ----------------------------------------------------------------------------------------------

std::vector<std::string> list_serial_ports(const std::string& dev_dir) {
  std::vector<std::string> ports;
  std::vector<std::string> links;
  if (DIR* d = opendir(dev_dir.c_str())) {
    while (const dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (is_serial_name(name)) {
        ports.push_back(name);
      } else if (name == "serial0" || name == "serial1") {
        char target[256];
        const std::string link = dev_dir + "/" + name;
        const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
        if (n > 0) {
          std::string t(target, static_cast<std::size_t>(n));
          const std::size_t slash = t.rfind('/');
          links.push_back(name + " -> " + (slash == std::string::npos ? t : t.substr(slash + 1)));
        } else {
          links.push_back(name);
        }
      }
    }
    closedir(d);
  }
  std::sort(ports.begin(), ports.end(),
            [](const std::string& a, const std::string& b) { return split_number(a) < split_number(b); });
  std::sort(links.begin(), links.end());
  ports.insert(ports.end(), links.begin(), links.end());
  return ports;
}

std::string describe_serial_ports(const std::vector<std::string>& ports) {
  std::string out;
  auto add = [&](const std::string& s) {
    if (!out.empty()) out += ", ";
    out += s;
  };
  for (std::size_t i = 0; i < ports.size();) {
    const auto [prefix, number] = split_number(ports[i]);
    std::size_t j = i + 1;
    if (number >= 0) {
      while (j < ports.size() &&
             split_number(ports[j]) == std::make_pair(prefix, number + static_cast<long>(j - i)))
        ++j;
    }
    if (j - i >= 3) {
      add(ports[i] + "-" + ports[j - 1]);
    } else {
      for (std::size_t k = i; k < j; ++k)
        add(ports[k]);
    }
    i = j;
  }
  return out;
}

std::string uart_open_message(std::string_view path_in, int err, const std::string& dev_dir) {
  const std::string path = full_path(path_in);
  const std::string who = "UART '" + path + "'";
  switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO: {
      const std::vector<std::string> ports = list_serial_ports(dev_dir);
      if (ports.empty())
        return who +
               " not found, and there are no serial ports here (looked for /dev/ttyAMA*, ttyS*, ttyUSB*, "
               "ttyACM*, serial0, serial1). On a Raspberry Pi, enable the UART: raspi-config > Interface "
               "Options > Serial Port (login shell: no, hardware: yes), or enable_uart=1 in "
               "/boot/firmware/config.txt, then reboot; a USB adapter shows up as ttyUSB0 or ttyACM0";
      return who + " not found; serial ports here: " + describe_serial_ports(ports);
    }
    case EACCES:
    case EPERM: {
      const std::string group = group_of(path);
      return who + ": permission denied; the '" + group +
             "' group grants access to serial ports: sudo usermod -aG " + group + " $USER, then log in again";
    }
    case EBUSY:
      return who + " is busy: another program has it open (find it with: fuser -v " + path + ")";
    default:
      return who + ": " + std::strerror(err);
  }
}

// ---- the UART ---------------------------------------------------------------------------------------------

std::span<const std::uint32_t> Uart::standard_bauds() noexcept {
  return kBaudNumbers;
}

Uart::Uart(Loop& loop, int fd, std::string path, const hal::UartConfig& config, const UartOptions& options)
    : path_(std::move(path)), config_(config), stream_(loop, fd, FdKind::tty, options.buffers) {}

OpenResult<Uart> Uart::open(Loop& loop, std::string_view path_in, const hal::UartConfig& config,
                            const UartOptions& options) {
  const std::string path = full_path(path_in);
  const std::string who = "UART '" + path + "'";
  if (LinuxBackend::of(loop) == nullptr)
    return open_error(IoErrc::unsupported, who + ": the loop does not run on the Linux backend (epoll)");
  if (auto ok = hal::validate(config); !ok)
    return open_error(IoErrc::invalid_argument, who + ": " + ok.error().what, 0, ok.error().what);
  speed_t speed{};
  if (!find_speed(config.baud, speed)) {
    std::string list;
    for (std::uint32_t b : kBaudNumbers)
      list += (list.empty() ? "" : ", ") + std::to_string(b);
    return open_error(IoErrc::invalid_argument,
                      who + ": " + std::to_string(config.baud) + " baud is not supported; use one of " + list,
                      0, kBadBaud);
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return open_error(errc_from_errno(err), uart_open_message(path, err), err, "UART open failed");
  }
  if (!isatty(fd)) {
    ::close(fd);
    return open_error(IoErrc::invalid_argument, who + " is not a serial port (not a terminal device)", ENOTTY,
                      "UART: not a serial port");
  }
  if (options.exclusive) {
    ioctl(fd, TIOCEXCL);  // a later open() fails with EBUSY, except for root
    // The kernel lets root past TIOCEXCL (two daemons as root in a container shared a port): an advisory lock
    // as well, which root does not bypass, so a second open by any program that also locks (another aiopid,
    // another Uart, flock(1)) is busy too. It goes with this open file: close() or the exit releases it.
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno == EWOULDBLOCK ? EBUSY : errno;
      ::close(fd);
      return open_error(errc_from_errno(err), uart_open_message(path, err), err, "UART open failed");
    }
  }
  if (auto ok = apply(fd, config); !ok) {
    ::close(fd);
    return open_error(ok.error().kind, who + ": " + ok.error().what, ok.error().sys_errno, ok.error().what);
  }
  return std::make_unique<Uart>(loop, fd, path, config, options);
}

hal::IoResult<void> Uart::set_config(const hal::UartConfig& config) {
  if (stream_.fd() < 0) return io_error(IoErrc::closed, "UART set_config: the port is closed");
  if (auto ok = apply(stream_.fd(), config); !ok) return ok;
  config_ = config;
  return {};
}

}  // namespace aiopi::os_linux
