// Percent-decoding and query strings (used by REST routing and by the server's access_token).
#include <gtest/gtest.h>

#include "aiopid/api/url_query.hpp"

namespace aiopid::api {
namespace {

TEST(UrlQuery, PercentDecode) {
  EXPECT_EQ(percent_decode("a%20b"), "a b");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%2f%2F"), "//");
  EXPECT_EQ(percent_decode("%e2%82%ac"), "\xE2\x82\xAC");
  EXPECT_EQ(percent_decode(""), "");
  for (const char* bad : {"%", "%2", "a%g0", "%0g", "%FF", "%C0%AF", "%ED%A0%80"}) {
    EXPECT_EQ(percent_decode(bad), std::nullopt) << bad;
  }
}

TEST(UrlQuery, ParseQuery) {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(parse_query("a=1&b=x%20y&flag&&c="), (Pairs{{"a", "1"}, {"b", "x y"}, {"flag", ""}, {"c", ""}}));
  EXPECT_EQ(parse_query("access_token=abc%2Bdef"), (Pairs{{"access_token", "abc+def"}}));
  EXPECT_EQ(parse_query("k=v=w"), (Pairs{{"k", "v=w"}}));
  EXPECT_EQ(parse_query(""), Pairs{});
  EXPECT_EQ(parse_query("a=%zz"), std::nullopt);
}

TEST(UrlQuery, Utf8) {
  EXPECT_TRUE(valid_utf8("plain"));
  EXPECT_TRUE(valid_utf8("\xF0\x9F\x98\x80"));
  EXPECT_FALSE(valid_utf8("\xF0\x9F\x98"));
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\x80"));
}

}  // namespace
}  // namespace aiopid::api
