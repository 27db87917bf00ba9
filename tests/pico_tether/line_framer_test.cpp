// The tether's framing: lines, "\r\n", the 512-byte limit and discarding of longer lines, lines split across
// reads.
#include "aiopi/pico/line_framer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aiopi::pico {
namespace {

/// Feeds `text` in chunks of `chunk` bytes; lines as text, overlong ones as "<overlong>".
std::vector<std::string> frame(LineFramer& f, const std::string& text, std::size_t chunk = 1000) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < text.size(); at += chunk) {
    const std::string piece = text.substr(at, chunk);
    std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(piece.data()), piece.size());
    while (!bytes.empty()) {
      LineFramer::Event e;
      bytes = bytes.subspan(f.feed(bytes, e));
      if (e.kind == LineFramer::Kind::line) out.emplace_back(e.line);
      if (e.kind == LineFramer::Kind::overlong) out.emplace_back("<overlong>");
    }
  }
  return out;
}

TEST(LineFramer, CutsLinesAndDropsTheCarriageReturnBeforeTheNewline) {
  LineFramer f;
  EXPECT_EQ(frame(f, "one\ntwo\r\n\nthr\ree\r\r\nfour"),
            (std::vector<std::string>{"one", "two", "", "thr\ree\r"}));
  EXPECT_EQ(f.partial(), 4u);  // "four" waits for its newline
}

TEST(LineFramer, LinesSplitAcrossReadsAreJoined) {
  LineFramer f;
  const std::string text = "{\"id\":1}\n{\"id\":2}\r\n";
  for (std::size_t chunk : {1u, 2u, 3u, 7u}) {
    LineFramer g;
    EXPECT_EQ(frame(g, text, chunk), (std::vector<std::string>{"{\"id\":1}", "{\"id\":2}"})) << chunk;
  }
}

TEST(LineFramer, A512ByteLineIsTheLongestAccepted) {
  LineFramer f;
  const std::string longest(511, 'x');  // + '\n' = 512 bytes
  EXPECT_EQ(frame(f, longest + "\n"), (std::vector<std::string>{longest}));
  const std::string with_cr = std::string(510, 'y') + "\r\n";
  EXPECT_EQ(frame(f, with_cr), (std::vector<std::string>{std::string(510, 'y')}));
  EXPECT_EQ(f.overlong_count(), 0u);
}

TEST(LineFramer, ALongerLineIsDiscardedToItsNewlineAndReportedOnce) {
  for (std::size_t chunk : {1u, 100u, 5000u}) {
    LineFramer f;
    const std::string too_long(512, 'z');  // + '\n' = 513 bytes
    const std::string huge(3000, 'h');
    EXPECT_EQ(frame(f, "a\n" + too_long + "\nb\n" + huge + "\r\nc\n", chunk),
              (std::vector<std::string>{"a", "<overlong>", "b", "<overlong>", "c"}))
        << chunk;
    EXPECT_EQ(f.overlong_count(), 2u);
    EXPECT_FALSE(f.discarding());
  }
}

TEST(LineFramer, FeedStopsAfterEachLine) {
  LineFramer f;
  const std::string text = "ab\ncd\n";
  std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  LineFramer::Event e;
  EXPECT_EQ(f.feed(bytes, e), 3u);
  EXPECT_EQ(e.kind, LineFramer::Kind::line);
  EXPECT_EQ(e.line, "ab");
  EXPECT_EQ(f.feed(bytes.subspan(3), e), 3u);
  EXPECT_EQ(e.line, "cd");
  EXPECT_EQ(f.feed(bytes.subspan(6), e), 0u);
  EXPECT_EQ(e.kind, LineFramer::Kind::none);
}

}  // namespace
}  // namespace aiopi::pico
