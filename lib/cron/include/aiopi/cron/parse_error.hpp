// What a parser reports instead of throwing: which field, which character, what is wrong.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace aiopi::cron {

struct ParseError {
  /// The field the error is in: "secs", "mins", "hrs", "mday", "month", "wday", "times", or "spec" when the
  /// problem is the text as a whole (wrong number of fields, unknown key, empty text), "time" for ISO 8601.
  std::string_view field;
  /// 0-based offset of the first offending character in the parsed text (== text.size() for "ends too
  /// early").
  std::size_t offset = 0;
  /// Number of offending characters (>= 1), for underlining.
  std::size_t length = 1;
  /// What is wrong (a static string).
  std::string_view message;

  /// 1-based column of the error, as editors count.
  [[nodiscard]] constexpr std::size_t column() const noexcept { return offset + 1; }

  friend constexpr bool operator==(const ParseError&, const ParseError&) = default;
};

/// Writes "column C (FIELD): MESSAGE" into `out` (truncated if too small, always NUL-terminated when out is
/// not empty). Returns the length of the full text (as snprintf does), excluding the NUL.
std::size_t format_error(const ParseError& error, std::span<char> out) noexcept;

/// Writes the two caret lines a terminal shows under an error:
///   "<text>\n" followed by spaces and '^' characters under the offending characters, then "\n".
/// Tabs in the text are kept in the caret line so the carets line up. Returns the full length, like
/// format_error.
std::size_t format_caret(const ParseError& error, std::string_view text, std::span<char> out) noexcept;

}  // namespace aiopi::cron
