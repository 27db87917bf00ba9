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
  const std::string longest(LineFramer::kMaxLine - 1, 'x');  // + '\n' = kMaxLine
  EXPECT_EQ(texts(f.feed(longest + "\n")), (std::vector<std::string>{longest}));
  const std::string too_long(LineFramer::kMaxLine, 'y');
  // Fed in pieces: reported once, at its '\n'; the line after it is whole.
  EXPECT_TRUE(f.feed(too_long.substr(0, 300)).empty());
  EXPECT_TRUE(f.feed(too_long.substr(300) + "zzz").empty());
  EXPECT_EQ(texts(f.feed("\nnext\n")), (std::vector<std::string>{"<over-long>", "next"}));
}

// The Pico's reply to devices.list holds one object per open device (docs/design/pico-tether.md, "Framing"):
// six devices are ~700 bytes, and a daemon that dropped them could never reconnect to a Pico still holding
// them.
TEST(LineFramer, APicoReplyBeyondTheRequestLimitOf512BytesIsWhole) {
  LineFramer f;
  std::string list = R"({"jsonrpc":"2.0","id":2,"result":[)";
  for (int i = 0; i < 16; ++i) {
    if (i > 0) list += ',';
    list += R"({"name":"device_)" + std::to_string(i) +
            R"(","type":"pushbutton","direction":"input","state":"open","value":false,"params":{"pin":)" +
            std::to_string(i + 2) + R"(,"active_low":true,"debounce_ms":50,"long_press_ms":1000}})";
  }
  list += "]}";
  ASSERT_GT(list.size(), 2000u);
  EXPECT_EQ(texts(f.feed(list + "\r\n")), (std::vector<std::string>{list}));
}

TEST(LineFramer, ResetForgetsAPartialLine) {
  LineFramer f;
  (void)f.feed("half a li");
  f.reset();
  EXPECT_EQ(texts(f.feed("ne\n")), (std::vector<std::string>{"ne"}));
}

}  // namespace
}  // namespace aiopid::tether
