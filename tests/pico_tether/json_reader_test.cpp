// The tether's JSON reader: every kind of value, escapes (\uXXXX and surrogate pairs), the depth limit,
// error offsets, and random bytes that must never crash it.
#include "aiopi/pico/json_reader.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>

namespace aiopi::pico {
namespace {

std::string decoded(JsonValue v) {
  std::array<char, 256> buf{};
  std::optional<std::size_t> n = v.decode(buf);
  return n ? std::string(buf.data(), *n) : std::string("<not decoded>");
}

TEST(JsonReader, ParsesARequestAndFindsItsMembers) {
  const std::string line = R"({"jsonrpc":"2.0","id":7,"method":"devices.get","params":{"name":"led"}})";
  JsonParse p = parse_json(line);
  ASSERT_TRUE(p.ok()) << p.error.what;
  EXPECT_EQ(p.root.type(), JsonType::object);
  EXPECT_EQ(p.root.size(), 4u);
  EXPECT_EQ(p.root.find("id").as_int(), 7);
  EXPECT_TRUE(p.root.find("method").equals("devices.get"));
  EXPECT_FALSE(p.root.find("method").equals("devices.ge"));
  EXPECT_FALSE(p.root.find("method").equals("devices.gett"));
  EXPECT_TRUE(p.root.find("params").find("name").equals("led"));
  EXPECT_FALSE(p.root.find("missing"));
  EXPECT_FALSE(p.root.find("params").find("missing"));
  EXPECT_FALSE(p.root.find("id").find("x"));  // not an object
  EXPECT_EQ(p.root.find("params").offset(), line.find("{\"name\""));
}

TEST(JsonReader, EveryKindOfValue) {
  JsonParse p = parse_json(R"( [null, true, false, 0, -12, 3.25, 1e3, -2.5E-2, "s", [], {}, [1,[2]]] )");
  ASSERT_TRUE(p.ok()) << p.error.what << " at " << p.error.offset;
  JsonValue a = p.root;
  ASSERT_EQ(a.size(), 12u);
  EXPECT_TRUE(a.at(0).is_null());
  EXPECT_EQ(a.at(1).as_bool(), true);
  EXPECT_EQ(a.at(2).as_bool(), false);
  EXPECT_EQ(a.at(3).as_int(), 0);
  EXPECT_EQ(a.at(4).as_int(), -12);
  EXPECT_FALSE(a.at(5).as_int());  // a fraction is not an integer
  EXPECT_DOUBLE_EQ(*a.at(5).as_number(), 3.25);
  EXPECT_FALSE(a.at(6).as_int());
  EXPECT_DOUBLE_EQ(*a.at(6).as_number(), 1000.0);
  EXPECT_NEAR(*a.at(7).as_number(), -0.025, 1e-15);
  EXPECT_EQ(decoded(a.at(8)), "s");
  EXPECT_EQ(a.at(9).type(), JsonType::array);
  EXPECT_EQ(a.at(9).size(), 0u);
  EXPECT_EQ(a.at(10).type(), JsonType::object);
  EXPECT_EQ(a.at(11).at(1).at(0).as_int(), 2);
  EXPECT_FALSE(a.at(12));
  EXPECT_FALSE(a.at(1).as_int());  // wrong types give nothing
  EXPECT_FALSE(a.at(3).as_bool());
  EXPECT_STREQ(to_string(a.at(10).type()), "object");
}

TEST(JsonReader, IntegersAtTheLimitsOf64Bits) {
  EXPECT_EQ(parse_json("9223372036854775807").root.as_int(), INT64_MAX);
  EXPECT_EQ(parse_json("-9223372036854775808").root.as_int(), INT64_MIN);
  EXPECT_FALSE(parse_json("9223372036854775808").root.as_int());
  EXPECT_FALSE(parse_json("99999999999999999999999").root.as_int());
  EXPECT_NEAR(*parse_json("99999999999999999999999").root.as_number(), 1e23, 1e9);
  EXPECT_NEAR(*parse_json("0.000001").root.as_number(), 1e-6, 1e-20);
  EXPECT_NEAR(*parse_json("3.3").root.as_number(), 3.3, 1e-15);
  EXPECT_EQ(*parse_json("-0").root.as_int(), 0);
}

TEST(JsonReader, EscapesDecodeToUtf8) {
  JsonParse p = parse_json(R"("a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00")");
  ASSERT_TRUE(p.ok()) << p.error.what;
  EXPECT_EQ(decoded(p.root), "a\"b\\c/d\b\f\n\r\tA\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_TRUE(parse_json(R"("caf\u00e9")").root.equals("caf\xC3\xA9"));
  EXPECT_TRUE(parse_json(R"("\u006ced")").root.equals("led"));
  // A key written with escapes is found by its decoded name.
  EXPECT_EQ(parse_json(R"({"n\u0061me":1})").root.find("name").as_int(), 1);
}

TEST(JsonReader, DecodeRefusesASmallBufferAndNonStrings) {
  JsonParse p = parse_json(R"("abcdef")");
  std::array<char, 5> small{};
  EXPECT_FALSE(p.root.decode(small));
  std::array<char, 6> exact{};
  EXPECT_EQ(p.root.decode(exact), 6u);
  EXPECT_FALSE(parse_json("12").root.decode(exact));
  EXPECT_FALSE(parse_json("12").root.equals("12"));
}

struct Bad {
  const char* text;
  std::size_t offset;
  const char* what;
};

class JsonReaderInvalid : public ::testing::TestWithParam<Bad> {};

TEST_P(JsonReaderInvalid, IsRefusedWithItsPosition) {
  const Bad& bad = GetParam();
  JsonParse p = parse_json(bad.text);
  EXPECT_FALSE(p.ok());
  EXPECT_FALSE(p.root);
  EXPECT_EQ(p.error.offset, bad.offset) << bad.text;
  EXPECT_STREQ(p.error.what, bad.what) << bad.text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonReaderInvalid,
    ::testing::Values(
        Bad{"", 0, "expected a value, found the end of the line"},
        Bad{"   ", 3, "expected a value, found the end of the line"},
        Bad{"{\"a\":1", 6, "unterminated object"}, Bad{"{\"a\" 1}", 5, "expected ':' after a member name"},
        Bad{"{a:1}", 1, "expected a member name (a string)"},
        Bad{"{\"a\":1,}", 7, "expected a member name (a string)"}, Bad{"[1,2", 4, "unterminated array"},
        Bad{"[1 2]", 3, "expected ',' or ']' in an array"}, Bad{"[1,]", 3, "expected a value"},
        Bad{"{\"a\":1 \"b\":2}", 7, "expected ',' or '}' in an object"},
        Bad{"tru", 0, "invalid literal (true, false or null)"},
        Bad{"nul", 0, "invalid literal (true, false or null)"}, Bad{"01", 1, "leading zero in a number"},
        Bad{"-", 0, "a number needs a digit"}, Bad{"1.", 2, "a fraction needs a digit"},
        Bad{"1e", 2, "an exponent needs a digit"}, Bad{"+1", 0, "expected a value"},
        Bad{"\"abc", 4, "unterminated string"}, Bad{"\"a\tb\"", 2, "control character in a string"},
        Bad{"\"caf\xC3\xA9\"", 4, "byte above 0x7F in a string (the tether is ASCII: use \\uXXXX)"},
        Bad{"\"\\x\"", 1, "unknown escape"}, Bad{"\"\\u12\"", 1, "\\u needs four hex digits"},
        Bad{"\"\\u12g4\"", 1, "\\u needs four hex digits"}, Bad{"\"\\udc00\"", 1, "lone low surrogate"},
        Bad{"\"\\ud83d\"", 1, "high surrogate without its low half"},
        Bad{"\"\\ud83d\\u0041\"", 1, "high surrogate without its low half"},
        Bad{"\"\\", 1, "unterminated escape"}, Bad{"{} {}", 3, "text after the value"},
        Bad{"1 2", 2, "text after the value"}));

TEST(JsonReader, NestingDepthIsBounded) {
  std::string ok(kJsonMaxDepth, '[');
  ok += std::string(kJsonMaxDepth, ']');
  EXPECT_TRUE(parse_json(ok).ok());
  std::string deep(kJsonMaxDepth + 1, '[');
  deep += std::string(kJsonMaxDepth + 1, ']');
  JsonParse p = parse_json(deep);
  EXPECT_FALSE(p.ok());
  EXPECT_STREQ(p.error.what, "nested too deep");
  EXPECT_EQ(p.error.offset, static_cast<std::size_t>(kJsonMaxDepth));
  // Far deeper than the limit: refused without going deeper (no stack exhaustion).
  std::string very(100000, '{');
  EXPECT_FALSE(parse_json(very).ok());
}

TEST(JsonReader, CursorWalksMembersInOrder) {
  JsonParse p = parse_json(R"({ "a" : 1 , "b" : [ 2 , 3 ] , "c" : { "d" : "e" } })");
  ASSERT_TRUE(p.ok());
  std::string keys;
  int n = 0;
  for (JsonValue::Cursor c = p.root.items(); c.next(); ++n)
    keys += decoded(c.key());
  EXPECT_EQ(keys, "abc");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(p.root.find("b").at(1).as_int(), 3);
  EXPECT_TRUE(p.root.find("c").find("d").equals("e"));
  EXPECT_EQ(p.root.find("c").raw(), R"({ "d" : "e" })");
}

TEST(JsonReader, StringsHoldingBracketsAndQuotesDoNotConfuseSkipping) {
  JsonParse p = parse_json(R"({"a":"}]\"[{","b":["]",{"x":"\\"}],"c":3})");
  ASSERT_TRUE(p.ok()) << p.error.what;
  EXPECT_EQ(p.root.find("c").as_int(), 3);
  EXPECT_EQ(decoded(p.root.find("a")), "}]\"[{");
  EXPECT_EQ(decoded(p.root.find("b").at(1).find("x")), "\\");
}

TEST(JsonReader, RandomBytesNeverCrash) {
  // Random bytes, and random mutations of a valid request: every outcome is an error or a value whose
  // members can all be walked and decoded.
  std::mt19937 rng(1234);
  const std::string seed =
      R"({"jsonrpc":"2.0","id":12,"method":"devices.open","params":{"name":"b\u00e9","type":"pushbutton","params":{"pin":14,"x":[1,2.5e3,true,null]}}})";
  std::array<char, 512> buf{};
  int valid = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    if (round % 2 == 0) {
      const std::size_t len = rng() % 64;
      for (std::size_t i = 0; i < len; ++i)
        text += static_cast<char>("{}[]\":,\\u0123456789abcdefe.-+ tnrl\xff"[rng() % 36]);
    } else {
      text = seed;
      for (int k = static_cast<int>(rng() % 4); k >= 0; --k) {
        const std::size_t at = rng() % text.size();
        switch (rng() % 3) {
          case 0:
            text[at] = static_cast<char>(rng() % 256);
            break;
          case 1:
            text.erase(at, 1);
            break;
          default:
            text.insert(at, 1, static_cast<char>(rng() % 256));
        }
        if (text.empty()) text = "x";
      }
    }
    JsonParse p = parse_json(text);
    if (!p.ok()) {
      EXPECT_LE(p.error.offset, text.size());
      continue;
    }
    ++valid;
    // Walk everything two levels down.
    for (JsonValue::Cursor c = p.root.items(); c.next();) {
      (void)c.key().decode(buf);
      (void)c.value().decode(buf);
      (void)c.value().as_number();
      (void)c.value().as_int();
      for (JsonValue::Cursor d = c.value().items(); d.next();) {
        (void)d.value().decode(buf);
        (void)d.value().size();
      }
    }
  }
  EXPECT_GT(valid, 100);  // the mutations kept some requests valid
}

}  // namespace
}  // namespace aiopi::pico
