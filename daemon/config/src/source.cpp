#include "aiopid/config/source.hpp"

#include <tuple>

namespace aiopid::config {

std::string Location::to_string() const {
  if (!file) return "<default>";
  if (line == 0) return file->path;
  return file->path + ":" + std::to_string(line) + ":" + std::to_string(column);
}

bool operator<(const Location& a, const Location& b) noexcept {
  if (!a.file || !b.file) return a.file != nullptr && b.file == nullptr;
  return std::tuple(a.file->order, a.line, a.column) < std::tuple(b.file->order, b.line, b.column);
}

}  // namespace aiopid::config
