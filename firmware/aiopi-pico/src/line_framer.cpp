#include "aiopi/pico/line_framer.hpp"

namespace aiopi::pico {

std::size_t LineFramer::feed(std::span<const std::uint8_t> in, Event& out) noexcept {
  out = Event{};
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = static_cast<char>(in[i]);
    if (c == '\n') {
      if (discarding_) {
        discarding_ = false;
        ++overlong_;
        out.kind = Kind::overlong;
      } else {
        std::size_t n = len_;
        if (n != 0 && buf_[n - 1] == '\r') --n;
        out.kind = Kind::line;
        out.line = std::string_view(buf_.data(), n);
      }
      len_ = 0;
      return i + 1;
    }
    if (discarding_) continue;
    if (len_ == buf_.size()) {  // no room left for this byte and the '\n': the line is too long
      discarding_ = true;
      len_ = 0;
      continue;
    }
    buf_[len_++] = c;
  }
  return in.size();
}

}  // namespace aiopi::pico
