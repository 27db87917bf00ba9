// Internal: bounded text output into a caller's buffer, snprintf-style (counts what did not fit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace aiopi::cron::detail {

class TextWriter {
 public:
  explicit TextWriter(std::span<char> out) noexcept : out_(out) {}

  void put(char c) noexcept {
    if (length_ + 1 < out_.size()) out_[length_] = c;
    ++length_;
  }
  void put(std::string_view text) noexcept {
    for (const char c : text)
      put(c);
  }
  /// Decimal, at least `width` digits (zero padded), '-' for negatives.
  void put_int(std::int64_t value, int width = 1) noexcept {
    std::uint64_t magnitude =
        value < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    if (value < 0) put('-');
    char digits[20];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + magnitude % 10);
      magnitude /= 10;
    } while (magnitude != 0);
    for (int i = n; i < width; ++i)
      put('0');
    while (n > 0)
      put(digits[--n]);
  }
  /// NUL-terminates (truncating if needed) and returns the full length the text would have.
  std::size_t finish() noexcept {
    if (!out_.empty()) out_[length_ < out_.size() ? length_ : out_.size() - 1] = '\0';
    return length_;
  }

 private:
  std::span<char> out_;
  std::size_t length_ = 0;
};

}  // namespace aiopi::cron::detail
