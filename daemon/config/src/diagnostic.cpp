#include "aiopid/config/diagnostic.hpp"

#include <algorithm>
#include <utility>

namespace aiopid::config {

std::string format(const Diagnostic& d) {
  std::string line = d.where.to_string();
  line += ": error: ";
  if (!d.path.empty()) {
    line += d.path;
    line += ": ";
  }
  line += d.message;
  return line;
}

void Diagnostics::error(Location where, std::string path, std::string message) {
  list_.push_back(Diagnostic{std::move(where), std::move(path), std::move(message)});
}

void Diagnostics::sort() {
  std::stable_sort(list_.begin(), list_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.where < b.where; });
  // Exact repeats (the same reference checked twice, say) say nothing new.
  const auto same = [](const Diagnostic& a, const Diagnostic& b) {
    return a.where.file == b.where.file && a.where.line == b.where.line && a.where.column == b.where.column &&
           a.path == b.path && a.message == b.message;
  };
  list_.erase(std::unique(list_.begin(), list_.end(), same), list_.end());
}

std::string Diagnostics::to_string() const {
  std::string text;
  for (const Diagnostic& d : list_) {
    text += format(d);
    text += '\n';
  }
  return text;
}

}  // namespace aiopid::config
