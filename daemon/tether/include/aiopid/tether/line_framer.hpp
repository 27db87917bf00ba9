// The tether's framing (docs/design/pico-tether.md, "Framing"): bytes from the UART cut into lines at '\n', a
// '\r' before it dropped, blank lines skipped. A line is at most kMaxLine bytes including its '\n'; a longer
// one is discarded up to its '\n' and reported once as over-long, so one garbled line never swallows the
// next. No I/O: the link feeds it what the port delivered.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aiopid::tether {

struct FramedLine {
  std::string text;        ///< without '\n' and a '\r' before it; empty when over_long
  bool over_long = false;  ///< a line longer than kMaxLine was discarded here
};

class LineFramer {
 public:
  /// The protocol's limit for lines from the Pico, '\n' included (a devices.list of a full device table runs
  /// to several kB; the 512-byte limit is for lines the daemon sends).
  static constexpr std::size_t kMaxLine = 8192;

  /// The lines completed by `bytes`, in order (a partial line is kept for the next call).
  std::vector<FramedLine> feed(std::string_view bytes);
  /// Forgets a partial line (the port was closed and opened again).
  void reset() noexcept;
  /// Bytes of the partial line held.
  [[nodiscard]] std::size_t pending() const noexcept { return partial_.size(); }

 private:
  std::string partial_;
  bool discarding_ = false;  ///< in an over-long line, until its '\n'
};

}  // namespace aiopid::tether
