// The nesting-depth scan that refuses deep requests before nlohmann/json builds them: what counts as a level,
// strings (with escapes) not counted, the limit itself accepted and one beyond refused with -32600.
#include "aiopid/api/json_depth.hpp"

#include <gtest/gtest.h>

#include <string>

namespace aiopid::api {
namespace {

std::string arrays(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

/// A request whose params nest `levels` levels in all (the request object is the first).
std::string request_of_depth(std::size_t levels) {
  std::string params;
  for (std::size_t i = 2; i < levels; ++i)
    params += R"({"a":)";
  params += levels >= 2 ? "{}" : "";
  for (std::size_t i = 2; i < levels; ++i)
    params += "}";
  return R"({"jsonrpc":"2.0","id":1,"method":"echo")" + (levels >= 2 ? R"(,"params":)" + params : "") + "}";
}

TEST(JsonDepth, CountsOpenArraysAndObjects) {
  EXPECT_EQ(json_depth("1", 32), 0u);
  EXPECT_EQ(json_depth("\"x\"", 32), 0u);
  EXPECT_EQ(json_depth("{}", 32), 1u);
  EXPECT_EQ(json_depth("[1,2,3]", 32), 1u);
  EXPECT_EQ(json_depth(R"({"params":{"a":[1]}})", 32), 3u);
  EXPECT_EQ(json_depth(R"([{"a":1},{"b":[[2]]},{}])", 32), 4u);  // the deepest element counts
  EXPECT_EQ(json_depth(request_of_depth(32), 64), 32u);
}

TEST(JsonDepth, BracketsInsideStringsDoNotCount) {
  EXPECT_EQ(json_depth(R"({"a":"[[[[{{{{"})", 2), 1u);
  EXPECT_EQ(json_depth(R"({"a":"\"[[[[\\"})", 2), 1u);  // escaped quote, then an escaped backslash
  EXPECT_EQ(json_depth(R"(["\\",[[]]])", 8), 3u);       // "\\" ends the string: the brackets after count
  const std::string deep_string = R"({"params":{"text":")" + arrays(5000) + R"("}})";
  EXPECT_EQ(json_depth(deep_string, 32), 2u);
  EXPECT_FALSE(check_json_depth(deep_string, 32));
}

TEST(JsonDepth, StopsScanningOneLevelBeyondTheLimit) {
  EXPECT_EQ(json_depth(arrays(100'000), 32), 33u);
  EXPECT_EQ(json_depth("[[[[", 2), 3u);  // not a validator: unbalanced text gets a number too
}

TEST(JsonDepth, TheLimitIsAcceptedOneBeyondIsRefusedWithInvalidRequest) {
  const std::size_t limit = default_max_json_depth;
  EXPECT_EQ(limit, 32u);
  EXPECT_FALSE(check_json_depth(request_of_depth(limit - 1), limit));
  EXPECT_FALSE(check_json_depth(request_of_depth(limit), limit));
  EXPECT_FALSE(check_json_depth(arrays(limit), limit));
  const auto refused = check_json_depth(request_of_depth(limit + 1), limit);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, rpc_code::invalid_request);
  EXPECT_EQ(refused->message, "invalid request: JSON nested deeper than 32 levels");
  EXPECT_EQ(refused->data["max_depth"], 32);
  EXPECT_EQ(refused->http_status(), 400);
  EXPECT_TRUE(check_json_depth(arrays(5000), limit));
  EXPECT_TRUE(check_json_depth(arrays(3), 2));
  EXPECT_FALSE(check_json_depth(arrays(2), 2));
}

}  // namespace
}  // namespace aiopid::api
