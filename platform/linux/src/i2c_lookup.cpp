#include "aiopi/linux/i2c_lookup.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace aiopi::os_linux {
namespace {

using hal::IoErrc;

/// "i2c-12" -> 12; anything else -> -1.
int bus_number_of(std::string_view node) {
  constexpr std::string_view kPrefix = "i2c-";
  if (node.substr(0, kPrefix.size()) != kPrefix) return -1;
  node.remove_prefix(kPrefix.size());
  if (node.empty() || node.size() > 6) return -1;
  int n = 0;
  for (char c : node) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

/// A plain number ("7") -> 7; anything else -> -1.
int plain_number(std::string_view s) {
  if (s.empty() || s.size() > 6) return -1;
  int n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (in) std::getline(in, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' '))
    line.pop_back();
  return line;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string dev_path_of(const I2cRoots& roots, int number) {
  return roots.dev + "/i2c-" + std::to_string(number);
}

/// The i2c-N entries of a sysfs directory, each with its name file read.
std::vector<I2cBusInfo> scan(const std::string& dir, const I2cRoots& roots) {
  std::vector<I2cBusInfo> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (const dirent* e = ::readdir(d)) {
    const int n = bus_number_of(e->d_name);
    if (n < 0) continue;
    I2cBusInfo info;
    info.number = n;
    info.name = read_line(dir + "/" + e->d_name + "/name");
    info.dev_path = dev_path_of(roots, n);
    out.push_back(std::move(info));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(),
            [](const I2cBusInfo& a, const I2cBusInfo& b) { return a.number < b.number; });
  return out;
}

std::string quoted(std::string_view s) {
  std::string q = "'";
  q += s;
  q += "'";
  return q;
}

std::string label(const I2cBusInfo& bus) {
  std::string s = bus.dev_path.empty() ? "i2c-" + std::to_string(bus.number) : bus.dev_path;
  if (!bus.name.empty()) s += " [" + bus.name + "]";
  return s;
}

constexpr const char* kHowToName = "name a bus by number (1), node (i2c-1, /dev/i2c-1) or adapter name";

/// The message for a bus that is not there: what exists instead, or how to make I2C exist.
OpenError not_found(std::string_view what, const I2cRoots& roots) {
  const std::vector<I2cBusInfo> buses = list_i2c_buses(roots);
  std::string msg = "I2C bus " + quoted(what) + " not found";
  if (!buses.empty()) {
    msg += "; buses here: " + describe_i2c_buses(buses) + " (" + kHowToName + ")";
    return open_error(IoErrc::not_found, std::move(msg), ENOENT, "I2C bus not found");
  }
  const std::vector<I2cBusInfo> adapters = list_i2c_adapters(roots);
  if (!adapters.empty()) {
    msg +=
        ": the kernel has I2C adapters (" + describe_i2c_buses(adapters) +
        ") but no /dev/i2c-* nodes, because the i2c-dev module is not loaded. Load it: sudo modprobe i2c-dev "
        "(and add i2c-dev to /etc/modules to load it at boot)";
  } else {
    msg +=
        ": this system has no I2C buses. On a Raspberry Pi, enable I2C: sudo raspi-config nonint do_i2c 0 "
        "(or "
        "add dtparam=i2c_arm=on to /boot/firmware/config.txt, /boot/config.txt before bookworm) and reboot. "
        "Elsewhere, load the adapter's driver and i2c-dev (sudo modprobe i2c-dev)";
  }
  return open_error(IoErrc::not_found, std::move(msg), ENOENT, "I2C bus not found");
}

std::vector<const I2cBusInfo*> by_name(const std::vector<I2cBusInfo>& buses, std::string_view what) {
  std::vector<const I2cBusInfo*> exact, prefix;
  for (const I2cBusInfo& b : buses) {
    if (b.name == what) {
      exact.push_back(&b);
    } else if (b.name.size() > what.size() && b.name.compare(0, what.size(), what) == 0) {
      prefix.push_back(&b);
    }
  }
  return exact.empty() ? prefix : exact;
}

}  // namespace

std::vector<I2cBusInfo> list_i2c_buses(const I2cRoots& roots) {
  return scan(roots.sys + "/class/i2c-dev", roots);
}

std::vector<I2cBusInfo> list_i2c_adapters(const I2cRoots& roots) {
  return scan(roots.sys + "/bus/i2c/devices", roots);
}

std::string describe_i2c_buses(const std::vector<I2cBusInfo>& buses) {
  std::string s;
  for (const I2cBusInfo& b : buses) {
    if (!s.empty()) s += ", ";
    s += "i2c-" + std::to_string(b.number);
    if (!b.name.empty()) s += " [" + b.name + "]";
  }
  return s;
}

OpenResult<I2cBusInfo> find_i2c_bus(std::string_view what, const I2cRoots& roots) {
  if (what.empty()) {
    return open_error(IoErrc::invalid_argument, std::string("I2C bus: no bus named; ") + kHowToName, EINVAL,
                      "I2C bus: no name");
  }
  const std::vector<I2cBusInfo> buses = list_i2c_buses(roots);

  // A number, a node name or a path: the bus by number, its name from sysfs when sysfs has it.
  int number = plain_number(what);
  std::string path;
  if (number < 0) number = bus_number_of(what);
  if (number < 0 && what.front() == '/') {
    constexpr std::string_view kDev = "/dev/";
    path = what.substr(0, kDev.size()) == kDev ? roots.dev + "/" + std::string(what.substr(kDev.size()))
                                               : std::string(what);
    const std::size_t slash = path.rfind('/');
    number = bus_number_of(std::string_view(path).substr(slash + 1));
  }
  if (number >= 0 || !path.empty()) {
    auto info = std::make_unique<I2cBusInfo>();
    info->number = number;
    info->dev_path = path.empty() ? dev_path_of(roots, number) : path;
    for (const I2cBusInfo& b : buses) {
      if (b.number == number) info->name = b.name;
    }
    // Listed by sysfs, or at least a node there (sysfs may be missing in a container).
    const bool listed =
        std::any_of(buses.begin(), buses.end(), [&](const I2cBusInfo& b) { return b.number == number; });
    if (!listed && !exists(info->dev_path)) return not_found(what, roots);
    return info;
  }

  // An adapter name.
  const std::vector<const I2cBusInfo*> matches = by_name(buses, what);
  if (matches.empty()) return not_found(what, roots);
  if (matches.size() > 1) {
    std::vector<I2cBusInfo> listed;
    for (const I2cBusInfo* m : matches)
      listed.push_back(*m);
    return open_error(IoErrc::invalid_argument,
                      "I2C bus " + quoted(what) + " is ambiguous: it names " + describe_i2c_buses(listed) +
                          "; give the whole adapter name or the bus number",
                      EINVAL, "I2C bus name ambiguous");
  }
  return std::make_unique<I2cBusInfo>(*matches.front());
}

OpenError i2c_open_error(std::string_view what, const I2cBusInfo& bus, int sys_errno, const char* failed_call,
                         const I2cRoots& roots) {
  const std::string asked = quoted(what) + (what == bus.dev_path ? "" : " (" + label(bus) + ")");
  switch (sys_errno) {
    case EACCES:
    case EPERM:
      return open_error(IoErrc::permission,
                        "I2C bus " + asked +
                            ": permission denied. Access to /dev/i2c-* is granted by the 'i2c' "
                            "group: sudo usermod -aG i2c $USER, then log in again (ls -l " +
                            bus.dev_path + " shows the node's group)",
                        sys_errno, "I2C bus: permission denied");
    case ENOENT: {
      const std::vector<I2cBusInfo> buses = list_i2c_buses(roots);
      const bool listed = std::any_of(buses.begin(), buses.end(),
                                      [&](const I2cBusInfo& b) { return b.number == bus.number; });
      if (!listed) return not_found(what, roots);
      return open_error(IoErrc::not_found,
                        "I2C bus " + asked + ": sysfs lists the bus but there is no device node " +
                            bus.dev_path + " (is /dev populated by udev? in a container, pass the device in)",
                        sys_errno, "I2C bus: no device node");
    }
    case ENODEV:
    case ENXIO:
      return not_found(what, roots);
    case ENOTTY:
    case EINVAL:
      return open_error(IoErrc::invalid_argument,
                        "I2C bus " + asked + ": not an I2C adapter (" + failed_call +
                            " failed: " + std::strerror(sys_errno) + ")",
                        sys_errno, "I2C bus: not an I2C adapter");
    case EBUSY:
      return open_error(IoErrc::busy,
                        "I2C bus " + asked + ": busy (" + failed_call + ": " + std::strerror(sys_errno) + ")",
                        sys_errno, "I2C bus: busy");
    default:
      return open_error(errc_from_errno(sys_errno),
                        "I2C bus " + asked + ": " + failed_call + " failed: " + std::strerror(sys_errno),
                        sys_errno, "I2C bus: open failed");
  }
}

}  // namespace aiopi::os_linux
