#include "serial_ports.hpp"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace aiopi::tools {
namespace {

std::string join(std::string_view dir, std::string_view name) {
  std::string p(dir);
  if (p.empty() || p.back() != '/') p += '/';
  p += name;
  return p;
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string_view n = e->d_name;
      if (n != "." && n != "..") names.emplace_back(n);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string basename_of(std::string path) {
  while (!path.empty() && path.back() == '/')
    path.pop_back();
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string link_target(const std::string& path) {
  char buf[PATH_MAX];
  const ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

std::string real_path(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) != nullptr ? std::string(buf) : std::string();
}

/// The driver of the device behind a tty: the device's own, or — under the serial core's "port" and "ctrl"
/// devices of newer kernels (serial-base) — the UART's, further up.
std::string driver_of(const std::string& tty_dir) {
  std::string dev = real_path(join(tty_dir, "device"));
  for (int up = 0; up < 3 && !dev.empty(); ++up) {
    const std::string driver = basename_of(link_target(join(dev, "driver")));
    if (!driver.empty() && driver != "port" && driver != "ctrl") return driver;
    dev = dev.substr(0, dev.rfind('/'));
  }
  return {};
}

}  // namespace

std::vector<SerialPort> list_serial_ports(std::string_view sys_root, std::string_view dev_root) {
  std::vector<SerialPort> ports;
  const std::string tty_class = join(sys_root, "class/tty");
  for (const std::string& name : entries(tty_class)) {
    const std::string dir = join(tty_class, name);
    if (access(join(dir, "device").c_str(), F_OK) != 0) continue;  // virtual: tty*, pty, console
    std::string type;
    if (std::ifstream in(join(dir, "type")); in && std::getline(in, type) && type == "0") continue;
    SerialPort p;
    p.name = name;
    p.dev = join(dev_root, name);
    p.driver = driver_of(dir);
    ports.push_back(std::move(p));
  }
  // Aliases: /dev/serial0 and /dev/serial1 on a Pi, /dev/serial/by-id for USB adapters.
  std::vector<std::string> alias_paths;
  for (const std::string& n : entries(std::string(dev_root)))
    if (n.starts_with("serial") && n != "serial") alias_paths.push_back(join(dev_root, n));
  for (const std::string& n : entries(join(dev_root, "serial/by-id")))
    alias_paths.push_back(join(dev_root, "serial/by-id/" + n));
  for (const std::string& alias : alias_paths) {
    const std::string target = basename_of(link_target(alias));
    for (SerialPort& p : ports)
      if (!target.empty() && target == p.name) p.aliases.push_back(alias);
  }
  return ports;
}

}  // namespace aiopi::tools
