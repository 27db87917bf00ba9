// aiopictl token-hash: the line the daemon's TokenStore accepts, and random tokens.
#include "token_hash.hpp"

#include <gtest/gtest.h>

#include <set>

#include "aiopid/api/token_store.hpp"
#include "failure.hpp"

namespace aiopictl {
namespace {

using aiopid::api::TokenStore;

TEST(AiopictlTokenHash, LineIsAcceptedByTheDaemonAndAuthenticatesTheToken) {
  const std::string line = credentials_line("alice", "control", "s3cret-token");
  EXPECT_EQ(line.rfind("alice control sha256:", 0), 0u);
  EXPECT_EQ(line.size(), std::string("alice control sha256:").size() + 64);
  auto parsed = TokenStore::parse(line + "\n", "creds");
  ASSERT_TRUE(std::holds_alternative<TokenStore>(parsed));
  const auto principal = std::get<TokenStore>(parsed).authenticate("s3cret-token");
  ASSERT_TRUE(principal.has_value());
  EXPECT_EQ(principal->token_name, "alice");
  EXPECT_EQ(principal->scope, aiopid::api::Scope::control);
  EXPECT_FALSE(std::get<TokenStore>(parsed).authenticate("s3cret-tokem").has_value());
}

TEST(AiopictlTokenHash, KnownDigest) {
  // sha256("mytoken"), as `printf mytoken | sha256sum` prints it.
  EXPECT_EQ(credentials_line("a", "admin", "mytoken"),
            "a admin sha256:1a17ea3569204d6c4114794ca73fa257457fc0612928c7bf024801659b77dba8");
}

ExitCode failure(std::string_view name, std::string_view scope, std::string_view token) {
  try {
    (void)credentials_line(name, scope, token);
  } catch (const Failure& f) {
    return f.code();
  }
  return ExitCode::ok;
}

TEST(AiopictlTokenHash, BadInputsAreUsageErrors) {
  EXPECT_EQ(failure("", "read", "t"), ExitCode::usage);
  EXPECT_EQ(failure("two words", "read", "t"), ExitCode::usage);
  EXPECT_EQ(failure("semi;colon", "read", "t"), ExitCode::usage);  // the daemon's name rule
  EXPECT_EQ(failure("a", "root", "t"), ExitCode::usage);
  EXPECT_EQ(failure("a", "read", ""), ExitCode::usage);
  EXPECT_EQ(failure("a", "read", "has space"), ExitCode::usage);
}

TEST(AiopictlTokenHash, GeneratedTokensAre43Base64urlCharactersAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    const std::string token = generate_token();
    EXPECT_EQ(token.size(), 43u);
    EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST(AiopictlTokenHash, TokenFromTextIsTheTrimmedFirstLine) {
  EXPECT_EQ(token_from_text("  abc \r\nsecond\n"), "abc");
  EXPECT_EQ(token_from_text("\n"), "");
  EXPECT_EQ(token_from_text("xyz"), "xyz");
}

}  // namespace
}  // namespace aiopictl
