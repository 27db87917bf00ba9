// The tether's JSON writer: structure and commas, escaping to ASCII, numbers, overflow.
#include "aiopi/pico/json_writer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "aiopi/pico/json_reader.hpp"

namespace aiopi::pico {
namespace {

std::string write(void (*fn)(JsonWriter&)) {
  std::array<char, 512> buf{};
  JsonWriter w(buf);
  fn(w);
  EXPECT_TRUE(w.ok());
  return std::string(w.text());
}

TEST(JsonWriter, ObjectsArraysAndCommas) {
  EXPECT_EQ(write([](JsonWriter& w) {
              w.begin_object().key("a").integer(1).key("b").begin_array().boolean(true).null().str("x");
              w.begin_object().end_object().begin_array().end_array().end_array();
              w.key("c").begin_object().key("d").integer(-5).end_object().end_object();
            }),
            R"({"a":1,"b":[true,null,"x",{},[]],"c":{"d":-5}})");
  EXPECT_EQ(write([](JsonWriter& w) { w.begin_array().integer(1).integer(2).end_array().raw("\n"); }),
            "[1,2]\n");
  EXPECT_EQ(write([](JsonWriter& w) { w.begin_object().key("r").raw_value("[1, 2]").end_object(); }),
            R"({"r":[1, 2]})");
}

TEST(JsonWriter, IntegersAtTheLimits) {
  EXPECT_EQ(write([](JsonWriter& w) {
              w.begin_array().integer(INT64_MIN).integer(INT64_MAX).integer(0).end_array();
            }),
            "[-9223372036854775808,9223372036854775807,0]");
}

TEST(JsonWriter, NumbersAreTrimmedAndRounded) {
  EXPECT_EQ(write([](JsonWriter& w) {
              w.begin_array().number(0.5).number(24.69, 2).number(1.0).number(-0.025).number(3.3, 4);
              w.number(0.00001, 4).number(1.23456789, 3).number(-0.0).number(1e20).end_array();
            }),
            "[0.5,24.69,1,-0.025,3.3,0,1.235,0,1.000000e20]");
  EXPECT_EQ(
      write([](JsonWriter& w) {
        w.begin_array().number(0.0 / 0.0).number(1e308 * 10).number(0.05, 2).number(1.005, 1).end_array();
      }),
      "[null,null,0.05,1]");
}

TEST(JsonWriter, StringsAreEscapedToAscii) {
  EXPECT_EQ(write([](JsonWriter& w) { w.str("a\"b\\c\n\r\t\x01\x7f"); }), R"("a\"b\\c\n\r\t\u0001\u007f")");
  EXPECT_EQ(write([](JsonWriter& w) { w.str("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"); }),
            R"("caf\u00e9 \u20ac \ud83d\ude00")");
  // Invalid UTF-8: each bad byte becomes U+FFFD, never raw bytes on the wire.
  EXPECT_EQ(write([](JsonWriter& w) { w.str("\xff\xC3"); }), R"("\ufffd\ufffd")");
  EXPECT_EQ(write([](JsonWriter& w) { w.str("\xED\xA0\x80"); }), R"("\ufffd\ufffd\ufffd")");  // a surrogate
  EXPECT_EQ(write([](JsonWriter& w) { w.key("\xC2\xB0").str("x"); }), R"("\u00b0":"x")");
}

TEST(JsonWriter, WhatItWritesReadsBackTheSame) {
  const std::string name = "n\xC3\xA9\"\\\x01\xF0\x9F\x98\x80";
  std::array<char, 128> buf{};
  JsonWriter w(buf);
  w.begin_object().key("name").str(name).key("v").number(-12.5).end_object();
  JsonParse p = parse_json(w.text());
  ASSERT_TRUE(p.ok()) << p.error.what;
  EXPECT_TRUE(p.root.find("name").equals(name));
  EXPECT_DOUBLE_EQ(*p.root.find("v").as_number(), -12.5);
}

TEST(JsonWriter, OverflowIsStickyAndNothingIsWrittenPastTheEnd) {
  std::array<char, 12> buf{};
  buf.fill('#');
  JsonWriter w(std::span<char>(buf).first(10));
  w.begin_object().key("abc").str("defghij");
  EXPECT_FALSE(w.ok());
  EXPECT_TRUE(w.overflowed());
  EXPECT_LE(w.size(), 10u);
  w.integer(5).end_object();
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(buf[10], '#');
  EXPECT_EQ(buf[11], '#');
  w.clear();
  w.integer(42);
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(w.text(), "42");
}

}  // namespace
}  // namespace aiopi::pico
