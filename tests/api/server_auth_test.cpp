// How the server finds the caller's token (header or query) and checks it, without sockets.
#include <gtest/gtest.h>

#include "server_auth.hpp"

namespace aiopid::api::detail {
namespace {

TokenStore one_token() {
  TokenStore s;
  s.add(TokenEntry{"panel", Scope::control, TokenStore::sha256("s3cret")});
  return s;
}

TEST(ServerAuth, BearerToken) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("bearer  abc "), "abc");
  EXPECT_EQ(bearer_token("Basic abc"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer "), std::nullopt);
  EXPECT_EQ(bearer_token("Bearerabc"), std::nullopt);
}

TEST(ServerAuth, QueryParameter) {
  EXPECT_EQ(query_parameter("/api/v1/ws?access_token=a%2Bb", "access_token"), "a+b");
  EXPECT_EQ(query_parameter("/api/v1/ws?x=1&access_token=t&y", "access_token"), "t");
  EXPECT_EQ(query_parameter("/api/v1/ws", "access_token"), std::nullopt);
  EXPECT_EQ(query_parameter("/api/v1/ws?access_tokenx=1", "access_token"), std::nullopt);
}

TEST(ServerAuth, WithoutQueryParameter) {
  EXPECT_EQ(without_query_parameter("/a?access_token=t", "access_token"), "/a");
  EXPECT_EQ(without_query_parameter("/a?next=5&access_token=t&x=1", "access_token"), "/a?next=5&x=1");
  EXPECT_EQ(without_query_parameter("/a?next=5", "access_token"), "/a?next=5");
  EXPECT_EQ(without_query_parameter("/a", "access_token"), "/a");
}

TEST(ServerAuth, NoTokensMeansLocalAdmin) {
  auto who = authenticate(TokenStore{}, "", "/api/v1/devices");
  ASSERT_TRUE(std::holds_alternative<Principal>(who));
  EXPECT_EQ(std::get<Principal>(who).token_name, "local");
  EXPECT_EQ(std::get<Principal>(who).scope, Scope::admin);
}

TEST(ServerAuth, TokenFromHeaderOrQuery) {
  const TokenStore tokens = one_token();
  auto header = authenticate(tokens, "Bearer s3cret", "/api/v1/devices");
  ASSERT_TRUE(std::holds_alternative<Principal>(header));
  EXPECT_EQ(std::get<Principal>(header).token_name, "panel");
  EXPECT_EQ(std::get<Principal>(header).scope, Scope::control);
  auto query = authenticate(tokens, "", "/api/v1/ws?access_token=s3cret");
  ASSERT_TRUE(std::holds_alternative<Principal>(query));
  EXPECT_EQ(std::get<Principal>(query).token_name, "panel");
}

TEST(ServerAuth, MissingOrUnknownTokenIsUnauthorized) {
  const TokenStore tokens = one_token();
  for (auto [authorization, target] :
       {std::pair{"", "/api/v1/devices"}, std::pair{"Bearer nope", "/x"}, std::pair{"Basic czNjcmV0", "/x"},
        std::pair{"", "/x?access_token=nope"}}) {
    auto who = authenticate(tokens, authorization, target);
    ASSERT_TRUE(std::holds_alternative<RpcError>(who)) << authorization << " " << target;
    EXPECT_EQ(std::get<RpcError>(who).code, rpc_code::unauthorized);
    EXPECT_EQ(std::get<RpcError>(who).http_status(), 401);
  }
}

}  // namespace
}  // namespace aiopid::api::detail
