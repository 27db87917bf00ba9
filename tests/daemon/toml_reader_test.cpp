// Reading TOML into the Node tree: members in the order written, values and positions, syntax errors at
// toml++'s position, and the characters toml++ 3.3 must never see (they reach undefined behaviour in it).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "aiopid/config/toml_reader.hpp"

namespace aiopid::config {
namespace {

struct Read {
  std::optional<Node> root;
  std::string errors;
};

Read read(const std::string& text) {
  auto file = std::make_shared<SourceFile>();
  file->path = "r.toml";
  file->text = text;
  Diagnostics d;
  Read r;
  r.root = read_toml(file, d);
  r.errors = d.to_string();
  return r;
}

TEST(TomlReader, MembersInTheOrderWrittenWithTheirPositions) {
  const Read r = read("zeta = 1\nalpha = \"x\"\n[middle]\nb = 07:30:00\na = [true, 2.5]\n");
  ASSERT_TRUE(r.root) << r.errors;
  const auto& m = r.root->members();
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].key, "zeta");
  EXPECT_EQ(m[1].key, "alpha");
  EXPECT_EQ(m[2].key, "middle");
  EXPECT_EQ(m[1].value.where().line, 2u);
  EXPECT_EQ(m[1].value.where().column, 9u);
  const Node& middle = m[2].value;
  EXPECT_EQ(middle.members()[0].key, "b");
  EXPECT_EQ(middle.members()[0].value.as_time(), (TimeOfDay{7, 30, 0}));
  const Node& a = *middle.find("a");
  ASSERT_EQ(a.items().size(), 2u);
  EXPECT_TRUE(a.items()[0].as_bool());
  EXPECT_EQ(a.items()[1].as_number(), 2.5);
}

TEST(TomlReader, DatesAreKeptAsTextForMessages) {
  const Read r = read("d = 2025-01-02\n");
  ASSERT_TRUE(r.root);
  EXPECT_EQ(r.root->find("d")->kind(), Node::Kind::date_time);
  EXPECT_EQ(r.root->find("d")->as_string(), "2025-01-02");
}

TEST(TomlReader, ASyntaxErrorIsReportedAtTomlPlusPlussPosition) {
  const Read r = read("a = 1\nb = \n");
  EXPECT_FALSE(r.root);
  EXPECT_EQ(r.errors, "r.toml:2:5: error: syntax error in key-value pair: expected value, saw '\\n'\n");
}

TEST(TomlReader, NonAsciiInStringsAndCommentsIsFine) {
  for (const char* text : {"a = \"K\xC3\xBC"
                           "che\"\n",
                           "# K\xC3\xBC"
                           "che\n",
                           "\"K\xC3\xBC"
                           "che\" = 1\n",
                           "a = '\xC3\xA9'\n", "a = \"\"\"\xC3\xA9\"\"\"\n", "a = \"\"\"x\\n\xC3\xA9\"\"\"\n",
                           "a = '''\\\n\xC3\xA9'''\n", "a = \"\\\"\xC3\xA9\"\n"}) {
    const Read r = read(text);
    EXPECT_TRUE(r.root) << text << ": " << r.errors;
  }
}

TEST(TomlReader, CharactersThatWouldReachUndefinedBehaviourInTomlPlusPlusAreSyntaxErrors) {
  EXPECT_EQ(
      read("K\xC3\xBC"
           "che = 1\n")
          .errors,
      "r.toml:1:2: error: syntax error: unexpected '\xC3\xBC' (U+00FC); outside strings and comments TOML "
      "allows ASCII only\n");
  EXPECT_EQ(
      read("a = 1\xC3\xA9\n").errors,
      "r.toml:1:6: error: syntax error: unexpected '\xC3\xA9' (U+00E9); outside strings and comments TOML "
      "allows ASCII only\n");
  EXPECT_EQ(
      read("a = \"\"\"ok\"\"\"\"\nb = \xCC\xAA\n").errors,
      "r.toml:2:5: error: syntax error: unexpected '\xCC\xAA' (U+032A); outside strings and comments TOML "
      "allows ASCII only\n");
  EXPECT_EQ(
      read("a = \xCC\n").errors,
      "r.toml:1:5: error: syntax error: unexpected byte 0xCC (not UTF-8); outside strings and comments TOML "
      "allows ASCII only\n");
  EXPECT_EQ(read("s = \"\"\"\\\n  \xC2\xA7\"\"\"\n").errors,
            "r.toml:2:3: error: syntax error in string: after a backslash in a multi-line string (and the "
            "whitespace it skips) write '\xC2\xA7' (U+00A7) as a \\u escape\n");
}

}  // namespace
}  // namespace aiopid::config
