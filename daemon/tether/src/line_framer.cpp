#include "aiopid/tether/line_framer.hpp"

namespace aiopid::tether {

std::vector<FramedLine> LineFramer::feed(std::string_view bytes) {
  std::vector<FramedLine> out;
  for (const char c : bytes) {
    if (c == '\n') {
      if (discarding_) {
        out.push_back(FramedLine{{}, true});
      } else {
        if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
        if (!partial_.empty()) out.push_back(FramedLine{std::move(partial_), false});
      }
      partial_.clear();
      discarding_ = false;
      continue;
    }
    if (discarding_) continue;
    // kMaxLine counts the '\n': a line may hold kMaxLine - 1 bytes before it.
    if (partial_.size() + 1 >= kMaxLine) {
      partial_.clear();
      discarding_ = true;
      continue;
    }
    partial_.push_back(c);
  }
  return out;
}

void LineFramer::reset() noexcept {
  partial_.clear();
  discarding_ = false;
}

}  // namespace aiopid::tether
