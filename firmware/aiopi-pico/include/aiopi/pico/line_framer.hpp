// LineFramer: cuts the tether's byte stream into lines (docs/design/pico-tether.md, "Framing"). A line is at
// most kMaxLine bytes including its '\n'; a '\r' right before the '\n' is dropped. A longer line is discarded
// up to its '\n' and reported once as overlong, so the server can answer it with -32600. Bytes after the last
// '\n' at the end of the stream are not a line.
//
//   LineFramer framer;
//   while (!bytes.empty()) {
//     LineFramer::Event e;
//     bytes = bytes.subspan(framer.feed(bytes, e));
//     if (e.kind == LineFramer::Kind::line) handle(e.line);   // valid until the next feed()
//   }
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace aiopi::pico {

class LineFramer {
 public:
  /// The longest line, '\n' included.
  static constexpr std::size_t kMaxLine = 512;

  enum class Kind : unsigned char { none, line, overlong };
  struct Event {
    Kind kind = Kind::none;
    std::string_view line{};  // Kind::line: the line without "\r\n"
  };

  /// Takes bytes of `in` up to and including the first '\n' (or all of them); returns how many. `out` is
  /// the line (or overlong report) that '\n' ended, Kind::none if none did.
  std::size_t feed(std::span<const std::uint8_t> in, Event& out) noexcept;

  /// Bytes of a line not yet ended.
  std::size_t partial() const noexcept { return len_; }
  bool discarding() const noexcept { return discarding_; }
  /// Lines discarded for being too long.
  std::uint32_t overlong_count() const noexcept { return overlong_; }

 private:
  std::array<char, kMaxLine - 1> buf_{};
  std::size_t len_ = 0;
  bool discarding_ = false;
  std::uint32_t overlong_ = 0;
};

}  // namespace aiopi::pico
