// aiopictl: --url.
#include "url.hpp"

#include <gtest/gtest.h>

namespace aiopictl {
namespace {

ServerUrl ok(std::string_view text) {
  auto parsed = parse_url(text);
  if (auto* message = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << *message;
    return {};
  }
  return std::get<ServerUrl>(parsed);
}

bool refused(std::string_view text) {
  return std::holds_alternative<std::string>(parse_url(text));
}

TEST(AiopictlUrl, DefaultIsPlainLoopback) {
  const ServerUrl u = ok("http://127.0.0.1:8765");
  EXPECT_FALSE(u.tls);
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, "8765");
  EXPECT_EQ(u.target("/api/v1/rpc"), "/api/v1/rpc");
  EXPECT_EQ(u.host_header(), "127.0.0.1:8765");
}

TEST(AiopictlUrl, SchemesPortsPrefixesAndIpv6) {
  EXPECT_EQ(ok("https://pi.local").port, "443");
  EXPECT_TRUE(ok("https://pi.local").tls);
  EXPECT_TRUE(ok("wss://pi.local:9000").tls);
  EXPECT_FALSE(ok("ws://pi.local").tls);
  EXPECT_EQ(ok("http://pi.local").port, "80");
  const ServerUrl proxied = ok("https://example.org/aiopi/");
  EXPECT_EQ(proxied.prefix, "/aiopi");
  EXPECT_EQ(proxied.target("/api/v1/ws"), "/aiopi/api/v1/ws");
  const ServerUrl v6 = ok("http://[::1]:8765");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.host_header(), "[::1]:8765");
  EXPECT_EQ(ok("http://[::1]").port, "80");
}

TEST(AiopictlUrl, RefusedWithAReason) {
  EXPECT_TRUE(refused("127.0.0.1:8765"));
  EXPECT_TRUE(refused("ftp://h"));
  EXPECT_TRUE(refused("http://"));
  EXPECT_TRUE(refused("http://h:"));
  EXPECT_TRUE(refused("http://h:0"));
  EXPECT_TRUE(refused("http://h:65536"));
  EXPECT_TRUE(refused("http://h:80x"));
  EXPECT_TRUE(refused("http://[::1"));
  EXPECT_TRUE(refused("http://[::1]x"));
  EXPECT_TRUE(refused("http://user:pw@h"));
  EXPECT_TRUE(refused("http://h/?q=1"));
  EXPECT_NE(std::get<std::string>(parse_url("ftp://h")).find("ftp"), std::string::npos);
}

}  // namespace
}  // namespace aiopictl
