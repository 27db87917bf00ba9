// The tether's framing: lines cut at '\n' whatever the chunks, "\r\n" accepted, blank lines skipped, an
// over-long line dropped once up to its '\n' with the next line intact.
#include "aiopid/tether/line_framer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace aiopid::tether {
namespace {

std::vector<std::string> texts(const std::vector<FramedLine>& lines) {
  std::vector<std::string> out;
  for (const FramedLine& l : lines)
    out.push_back(l.over_long ? "<over-long>" : l.text);
  return out;
}

TEST(LineFramer, CutsLinesWhateverTheChunks) {
  LineFramer f;
  EXPECT_TRUE(f.feed("{\"id\":1,").empty());
  EXPECT_EQ(f.pending(), 8u);
  EXPECT_EQ(texts(f.feed("\"result\":1}\n{\"id\":2")), (std::vector<std::string>{"{\"id\":1,\"result\":1}"}));
  EXPECT_EQ(texts(f.feed("}\n")), (std::vector<std::string>{"{\"id\":2}"}));
  EXPECT_EQ(f.pending(), 0u);
}

TEST(LineFramer, DropsTheCarriageReturnAndSkipsBlankLines) {
  LineFramer f;
  EXPECT_EQ(texts(f.feed("a\r\n\n\r\nb\n")), (std::vector<std::string>{"a", "b"}));
}

TEST(LineFramer, TheLongestLineFitsAndOneByteMoreIsDroppedUpToItsNewline) {
  LineFramer f;
  const std::string longest(LineFramer::kMaxLine - 1, 'x');  // 511 bytes + '\n' = 512
  EXPECT_EQ(texts(f.feed(longest + "\n")), (std::vector<std::string>{longest}));
  const std::string too_long(LineFramer::kMaxLine, 'y');
  // Fed in pieces: reported once, at its '\n'; the line after it is whole.
  EXPECT_TRUE(f.feed(too_long.substr(0, 300)).empty());
  EXPECT_TRUE(f.feed(too_long.substr(300) + "zzz").empty());
  EXPECT_EQ(texts(f.feed("\nnext\n")), (std::vector<std::string>{"<over-long>", "next"}));
}

TEST(LineFramer, ResetForgetsAPartialLine) {
  LineFramer f;
  (void)f.feed("half a li");
  f.reset();
  EXPECT_EQ(texts(f.feed("ne\n")), (std::vector<std::string>{"ne"}));
}

}  // namespace
}  // namespace aiopid::tether
