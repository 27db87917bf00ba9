// TokenStore: the credentials file (every bad line reported as FILE:LINE), SHA-256 through OpenSSL, and
// authentication against every entry.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "aiopid/api/token_store.hpp"

namespace aiopid::api {
namespace {

std::string hex(const Sha256& h) {
  std::string out;
  char b[3];
  for (std::uint8_t x : h) {
    std::snprintf(b, sizeof b, "%02x", x);
    out += b;
  }
  return out;
}

TEST(TokenStore, Sha256KnownVectors) {
  EXPECT_EQ(hex(TokenStore::sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(TokenStore::sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(TokenStore, LineForIsWhatParseReads) {
  const std::string line = TokenStore::line_for("alice", Scope::control, "s3cret");
  EXPECT_EQ(line, "alice control sha256:" + hex(TokenStore::sha256("s3cret")));
  auto parsed = TokenStore::parse(line + "\n", "tokens");
  ASSERT_TRUE(std::holds_alternative<TokenStore>(parsed));
  const auto principal = std::get<TokenStore>(parsed).authenticate("s3cret");
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->token_name, "alice");
  EXPECT_EQ(principal->scope, Scope::control);
}

TEST(TokenStore, ParsesCommentsBlankLinesAndEveryScope) {
  const std::string text = "# aiopid tokens\n\n" + TokenStore::line_for("viewer", Scope::read, "r-token") +
                           "\n" + "   # indented comment\n" +
                           TokenStore::line_for("op", Scope::control, "c-token") + "\r\n\t" +
                           TokenStore::line_for("root@host", Scope::admin, "a-token");
  auto parsed = TokenStore::parse(text, "tokens");
  ASSERT_TRUE(std::holds_alternative<TokenStore>(parsed)) << std::get<std::vector<std::string>>(parsed)[0];
  const TokenStore& store = std::get<TokenStore>(parsed);
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.authenticate("r-token")->scope, Scope::read);
  EXPECT_EQ(store.authenticate("c-token")->scope, Scope::control);
  EXPECT_EQ(store.authenticate("a-token")->token_name, "root@host");
  EXPECT_EQ(store.authenticate("a-token")->scope, Scope::admin);
}

TEST(TokenStore, WrongTokensAreRefused) {
  auto parsed = TokenStore::parse(TokenStore::line_for("alice", Scope::admin, "right"), "t");
  const TokenStore& store = std::get<TokenStore>(parsed);
  EXPECT_FALSE(store.authenticate("wrong"));
  EXPECT_FALSE(store.authenticate(""));
  EXPECT_FALSE(store.authenticate("righ"));
  EXPECT_FALSE(store.authenticate("right "));
  EXPECT_FALSE(store.authenticate(hex(TokenStore::sha256("right"))));  // the hash is not the token
  EXPECT_TRUE(store.authenticate("right"));
  EXPECT_FALSE(TokenStore{}.authenticate("right"));
  EXPECT_TRUE(TokenStore{}.empty());
}

TEST(TokenStore, EveryBadLineIsReportedWithItsNumber) {
  const std::string good = TokenStore::line_for("ok", Scope::read, "t1");
  const std::string text =
      "# header\n"    // 1
      "alice read\n"  // 2
      "bob superuser sha256:" +
      std::string(64, 'a') + "\n" +  // 3
      "carol read sha256:abc\n"      // 4
      "dave read md5:" +
      std::string(32, 'a') + "\n" +                               // 5
      "eve read sha256:" + std::string(63, 'a') + "g\n" +         // 6
      "bad/name read sha256:" + std::string(64, 'b') + "\n" +     // 7
      good + "\n" +                                               // 8
      "ok admin sha256:" + std::string(64, 'c') + "\n" +          // 9: name again
      TokenStore::line_for("other", Scope::admin, "t1") + "\n" +  // 10: same token
      "x read sha256:" + std::string(64, 'd') + " trailing\n";    // 11
  auto parsed = TokenStore::parse(text, "/run/credentials/aiopid.service/aiopid-tokens");
  ASSERT_TRUE(std::holds_alternative<std::vector<std::string>>(parsed));
  const auto& errors = std::get<std::vector<std::string>>(parsed);
  ASSERT_EQ(errors.size(), 9u);
  const std::string file = "/run/credentials/aiopid.service/aiopid-tokens:";
  const int lines[] = {2, 3, 4, 5, 6, 7, 9, 10, 11};
  for (std::size_t i = 0; i < errors.size(); ++i) {
    EXPECT_EQ(errors[i].rfind(file + std::to_string(lines[i]) + ": ", 0), 0u) << errors[i];
  }
  EXPECT_NE(errors[0].find("found 2 fields"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("unknown scope \"superuser\""), std::string::npos) << errors[1];
  EXPECT_NE(errors[2].find("64 hex digits"), std::string::npos) << errors[2];
  EXPECT_NE(errors[5].find("invalid token name"), std::string::npos) << errors[5];
  EXPECT_NE(errors[6].find("already defined on line 8"), std::string::npos) << errors[6];
  EXPECT_NE(errors[7].find("same token as on line 8"), std::string::npos) << errors[7];
}

TEST(TokenStore, AnEmptyFileHasNoTokens) {
  auto parsed = TokenStore::parse("# nothing yet\n\n", "t");
  ASSERT_TRUE(std::holds_alternative<TokenStore>(parsed));
  EXPECT_TRUE(std::get<TokenStore>(parsed).empty());
}

TEST(TokenStore, LoadReadsAFileAndNamesAMissingOne) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("aiopid-tokens-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "tokens").string();
  {
    std::ofstream out(path);
    out << TokenStore::line_for("ci", Scope::read, "ci-token") << "\n";
  }
  auto loaded = TokenStore::load(path);
  ASSERT_TRUE(std::holds_alternative<TokenStore>(loaded));
  EXPECT_EQ(std::get<TokenStore>(loaded).authenticate("ci-token")->token_name, "ci");

  auto missing = TokenStore::load((dir / "missing").string());
  ASSERT_TRUE(std::holds_alternative<std::vector<std::string>>(missing));
  const std::string& error = std::get<std::vector<std::string>>(missing).at(0);
  EXPECT_EQ(error.rfind((dir / "missing").string() + ": ", 0), 0u) << error;
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace aiopid::api
