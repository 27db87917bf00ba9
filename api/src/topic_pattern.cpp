#include "aiopid/api/topic_pattern.hpp"

#include <array>

namespace aiopid::api {
namespace {

bool is_pattern_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '*';
}

/// The first segment of `s` and what follows its dot (`rest` is empty after the last segment; `more` says
/// whether a dot was there, so "a." and "a" differ).
struct Split {
  std::string_view head;
  std::string_view rest;
  bool more;
};
Split split_first(std::string_view s) noexcept {
  const auto dot = s.find('.');
  if (dot == std::string_view::npos) return {s, {}, false};
  return {s.substr(0, dot), s.substr(dot + 1), true};
}

/// Glob within one segment: `*` matches any run of characters. Greedy with one backtrack point, linear in
/// practice.
bool glob_segment(std::string_view pattern, std::string_view text) noexcept {
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

/// `pattern` and `topic` are what is left of each (no segments left: `done`).
bool match_segments(std::string_view pattern, bool pattern_done, std::string_view topic,
                    bool topic_done) noexcept {
  while (!pattern_done) {
    const Split p = split_first(pattern);
    if (p.head == "**") {
      // Zero segments, then one more each time.
      while (true) {
        if (match_segments(p.rest, !p.more, topic, topic_done)) return true;
        if (topic_done) return false;
        const Split t = split_first(topic);
        topic = t.rest;
        topic_done = !t.more;
      }
    }
    if (topic_done) return false;
    const Split t = split_first(topic);
    if (!glob_segment(p.head, t.head)) return false;
    pattern = p.rest;
    pattern_done = !p.more;
    topic = t.rest;
    topic_done = !t.more;
  }
  return topic_done;
}

constexpr std::array<std::string_view, 6> kLevelNames = {"trace", "debug", "info",
                                                         "warn",  "error", "critical"};

}  // namespace

std::optional<std::string> topic_pattern_error(std::string_view pattern) {
  if (pattern.empty()) return "a pattern cannot be empty";
  if (pattern.size() > kMaxPatternLength)
    return "a pattern has at most " + std::to_string(kMaxPatternLength) + " characters";
  std::size_t segments = 0;
  bool previous_double = false;
  std::string_view rest = pattern;
  bool more = true;
  while (more) {
    const Split s = split_first(rest);
    rest = s.rest;
    more = s.more;
    ++segments;
    if (s.head.empty()) return "empty segment (two dots in a row, or a dot at an end)";
    for (char c : s.head) {
      if (!is_pattern_char(c))
        return "'" + std::string(1, c) + "' is not allowed (letters, digits, '_', '-', '*' and '.')";
    }
    const bool is_double = s.head == "**";
    if (!is_double && s.head.find("**") != std::string_view::npos)
      return "'**' must be a whole segment (\"" + std::string(s.head) + "\")";
    if (is_double && previous_double) return "'**.**' is the same as '**'";
    previous_double = is_double;
  }
  if (segments > kMaxPatternSegments)
    return "a pattern has at most " + std::to_string(kMaxPatternSegments) + " segments";
  return std::nullopt;
}

bool topic_matches(std::string_view pattern, std::string_view topic) noexcept {
  if (match_segments(pattern, pattern.empty(), topic, topic.empty())) return true;
  const Split kind = split_first(topic);
  return kind.more && match_segments(pattern, pattern.empty(), kind.rest, false);
}

std::optional<int> log_level_from_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

std::string_view log_level_name(int level) noexcept {
  if (level < 0 || level >= static_cast<int>(kLevelNames.size())) return "info";
  return kLevelNames[static_cast<std::size_t>(level)];
}

std::optional<int> log_level_of_topic(std::string_view topic) noexcept {
  constexpr std::string_view kPrefix = "log.";
  if (topic.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  return log_level_from_name(topic.substr(kPrefix.size()));
}

}  // namespace aiopid::api
