// Small helpers for sysfs attribute files (one short value per file), shared by the IIO ADC and PWM
// backends. Failures are errnos (0 = success), so callers can name the group or the overlay a user needs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aiopi::os_linux::sysfs {

/// `dir` + "/" + `name`.
std::string join(std::string_view dir, std::string_view name);

/// Reads a small file whole, without the trailing newline: 0 and `out`, or an errno.
int read_text(const std::string& path, std::string& out);
/// Writes `text` to a file in one write() (as sysfs wants): 0 or an errno.
int write_text(const std::string& path, std::string_view text);
/// Reads the value again from an fd kept open (sysfs regenerates it on every read at offset 0).
int pread_text(int fd, std::string& out);

bool exists(const std::string& path);
bool is_dir(const std::string& path);
/// The entries of a directory (without . and ..), sorted; empty when it cannot be read.
std::vector<std::string> list_dir(const std::string& path);
/// The last component of the target of symlink `path`, or empty.
std::string link_basename(const std::string& path);

/// Decimal integer, surrounding white space allowed.
bool parse_int(std::string_view text, std::int64_t& out);
bool parse_uint(std::string_view text, std::uint64_t& out);
/// Decimal number as IIO writes scales ("0.125000000", "3").
bool parse_double(std::string_view text, double& out);
/// `prefix` followed by a decimal number and then `suffix` ("in_voltage" 3 "_raw"): true and the number.
bool match_numbered(std::string_view name, std::string_view prefix, std::string_view suffix,
                    unsigned& number);

/// "Permission denied", ... (strerror).
std::string errno_text(int err);

}  // namespace aiopi::os_linux::sysfs
