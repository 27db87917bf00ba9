// A plain-text table: a header row and left-aligned columns two spaces apart, widths from the widest cell (in
// UTF-8 code points). No colours: the output is the same on a terminal and in a pipe.
#pragma once

#include <string>
#include <vector>

namespace aiopictl {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

  /// A row with fewer cells than headers is padded with empty ones.
  void add_row(std::vector<std::string> cells);
  [[nodiscard]] std::size_t rows() const noexcept { return rows_.size(); }
  /// Every line ends in '\n'; trailing spaces are trimmed.
  [[nodiscard]] std::string render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

/// The width of a UTF-8 string in code points (what a terminal shows for the names and values here).
[[nodiscard]] std::size_t display_width(const std::string& text) noexcept;

}  // namespace aiopictl
