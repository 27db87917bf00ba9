// Reading and writing one sysfs / configfs attribute (gpio-sim's pull and value files, i2c-stub's module
// parameters), shared by the kernel test programs.
#pragma once

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

namespace aiopi::kernel_testing {

/// The first line of the attribute, without its newline; nullopt when it cannot be read.
inline std::optional<std::string> read_attr(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

/// Writes `text` to the attribute; false when the kernel refused it.
inline bool write_attr(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace aiopi::kernel_testing
