// Finding an I2C bus on Linux — by number ("1"), node ("i2c-1", "/dev/i2c-1") or adapter name
// ("bcm2835 (i2c@7e804000)", what /sys/class/i2c-dev/i2c-N/name says; bus numbers change between boots and
// models, names do not) — and the messages a user sees when it is not there or not theirs to open.
//
//   auto bus = os_linux::find_i2c_bus("aiopi-test-i2c");
//   // not found: "I2C bus 'aiopi-test-i2c' not found; buses here: i2c-0 [SMBus stub driver] (...)"
//
// The /sys and /dev roots are parameters, so tests build a fake tree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aiopi/linux/open_result.hpp"

namespace aiopi::os_linux {

/// Where sysfs and the device nodes are (a fake tree in tests).
struct I2cRoots {
  std::string sys = "/sys";
  std::string dev = "/dev";
};

/// One bus: its number, its adapter's name and its device node.
struct I2cBusInfo {
  int number = -1;
  std::string name;      // the adapter's name ("" when sysfs did not say)
  std::string dev_path;  // <dev>/i2c-N
};

/// The buses i2c-dev offers (<sys>/class/i2c-dev/i2c-N), in number order.
std::vector<I2cBusInfo> list_i2c_buses(const I2cRoots& roots = {});

/// The adapters the kernel has (<sys>/bus/i2c/devices/i2c-N), with or without the i2c-dev module that makes
/// them /dev nodes.
std::vector<I2cBusInfo> list_i2c_adapters(const I2cRoots& roots = {});

/// "i2c-1 [bcm2835 (i2c@7e804000)], i2c-20 [fef04500.i2c]": buses as a message lists them.
std::string describe_i2c_buses(const std::vector<I2cBusInfo>& buses);

/// Which bus `what` names: a number, "i2c-N", a path (a "/dev/" prefix is taken relative to roots.dev), or
/// an adapter name (an exact match, else the one name that starts with `what`). Not found (kind not_found):
/// a message naming what was asked and listing the buses here — or, when there are none, how to enable I2C
/// (raspi-config / dtparam=i2c_arm=on, modprobe i2c-dev). Two names matching: invalid_argument.
OpenResult<I2cBusInfo> find_i2c_bus(std::string_view what, const I2cRoots& roots = {});

/// The error for a bus that was found but did not open: `failed_call` ("open", "I2C_FUNCS") failed with
/// `sys_errno`. EACCES / EPERM name the `i2c` group that grants access; ENOENT lists the buses here; ENOTTY
/// says the node is not an I2C adapter.
OpenError i2c_open_error(std::string_view what, const I2cBusInfo& bus, int sys_errno, const char* failed_call,
                         const I2cRoots& roots = {});

}  // namespace aiopi::os_linux
