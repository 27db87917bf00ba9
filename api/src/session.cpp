#include "aiopid/api/session.hpp"

#include <algorithm>

#include "aiopid/api/topic_pattern.hpp"

namespace aiopid::api {

std::size_t Session::subscribe(const std::vector<std::string>& patterns, int log_level) {
  std::lock_guard lock(mutex_);
  for (const std::string& p : patterns) {
    if (std::find(patterns_.begin(), patterns_.end(), p) == patterns_.end()) patterns_.push_back(p);
  }
  if (log_level >= 0) log_level_ = log_level;
  return patterns_.size();
}

std::size_t Session::unsubscribe(const std::vector<std::string>& patterns) {
  std::lock_guard lock(mutex_);
  if (patterns.empty()) {
    patterns_.clear();
  } else {
    std::erase_if(patterns_, [&](const std::string& p) {
      return std::find(patterns.begin(), patterns.end(), p) != patterns.end();
    });
  }
  return patterns_.size();
}

bool Session::wants(std::string_view topic) const {
  const std::optional<int> level = log_level_of_topic(topic);
  std::lock_guard lock(mutex_);
  if (level && *level < log_level_) return false;
  return std::any_of(patterns_.begin(), patterns_.end(),
                     [&](const std::string& p) { return topic_matches(p, topic); });
}

std::vector<std::string> Session::patterns() const {
  std::lock_guard lock(mutex_);
  return patterns_;
}

int Session::log_level() const {
  std::lock_guard lock(mutex_);
  return log_level_;
}

}  // namespace aiopid::api
