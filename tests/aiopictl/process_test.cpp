// The real aiopictl binary against the fake server (fake_server.hpp): exit statuses (0 ok, 1 method error,
// 2 usage, 3 connection, 4 auth), what goes on the wire, `watch --count`, and TLS (a self-signed certificate
// made for the test: --cacert, verification failure, --insecure, wss).
#include <gtest/gtest.h>

#include <unistd.h>

#include <sstream>

#include "aiopid/api/token_store.hpp"
#include "fake_server.hpp"
#include "run_process.hpp"

namespace aiopictl::testing {
namespace {

ProcessResult aiopictl(std::vector<std::string> args, const std::vector<std::string>& env = {},
                       const std::string& stdin_text = {}) {
  args.insert(args.begin(), AIOPICTL_BINARY);
  return run_process(args, env, stdin_text);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

class AiopictlProcess : public ::testing::Test {
 protected:
  FakeServer server_;
  std::string url_ = server_.url();
};

TEST_F(AiopictlProcess, DevicesPrintsTheTableAndSendsTheTokenFromTheEnvironment) {
  const auto r = aiopictl({"--url", url_, "devices"}, {"AIOPI_TOKEN=good"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "NAME         TYPE         STATE  VALUE\n"
            "porch_light  digital_out  open   false\n"
            "door         digital_in   open   true\n");
  EXPECT_EQ(r.err, "");
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].transport, "http");
  EXPECT_EQ(requests[0].target, "/api/v1/rpc");
  EXPECT_EQ(requests[0].authorization, "Bearer good");
  EXPECT_EQ(requests[0].body, Json::parse(R"({"jsonrpc":"2.0","id":1,"method":"devices.list","params":{}})"));
}

TEST_F(AiopictlProcess, UrlFromTheEnvironmentAndTokenFileOverTheEnvironmentsToken) {
  const std::string file = ::testing::TempDir() + "aiopictl-token-" + std::to_string(::getpid());
  std::FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("from-file\n", f);
  std::fclose(f);
  const auto r = aiopictl({"tasks", "--token-file", file}, {"AIOPI_URL=" + url_, "AIOPI_TOKEN=from-env"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "NAME       STATE    RUNS\n"
            "heartbeat  running  3\n");
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].authorization, "Bearer from-file");
  std::remove(file.c_str());
}

TEST_F(AiopictlProcess, SetSendsTheTypedValueAndJsonPrintsTheResult) {
  const auto r = aiopictl({"--url", url_, "--json", "set", "porch_light", "on"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out), (Json{{"name", "porch_light"}, {"value", true}}));
  const auto r2 = aiopictl({"--url", url_, "set", "dimmer", "0.75"});
  EXPECT_EQ(r2.status, 0) << r2.err;
  EXPECT_EQ(r2.out, "name:   dimmer\nvalue:  0.75\n");
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body["params"], (Json{{"name", "porch_light"}, {"value", true}}));
  EXPECT_EQ(requests[1].body["params"], (Json{{"name", "dimmer"}, {"value", 0.75}}));
  EXPECT_EQ(requests[0].authorization, "");  // no token given, none sent
}

TEST_F(AiopictlProcess, MethodErrorExitsOneWithTheMessage) {
  const auto r = aiopictl({"--url", url_, "set", "porch", "on"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "aiopictl: devices.set: device porch is an input (-32005)\n");
}

TEST_F(AiopictlProcess, FailedReloadListsTheConfigErrors) {
  const auto r = aiopictl({"--url", url_, "reload"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "aiopictl: daemon.reload: the new config has errors (-32007)\n"
            "  aiopid.toml:3: unknown key 'pni'\n"
            "  aiopid.toml:9: pin 99 out of range\n");
}

TEST_F(AiopictlProcess, UnknownTokenExitsFour) {
  const auto r = aiopictl({"--url", url_, "devices"}, {"AIOPI_TOKEN=wrong"});
  EXPECT_EQ(r.status, 4);
  EXPECT_EQ(r.err, "aiopictl: devices.list: unauthorized: unknown token (-32001)\n");
}

TEST_F(AiopictlProcess, ForbiddenAnswerExitsFour) {
  const auto r = aiopictl({"--url", url_, "raise", "locked"});
  EXPECT_EQ(r.status, 4);
  EXPECT_EQ(r.err, "aiopictl: events.set: forbidden: needs control (-32002)\n");
}

TEST(AiopictlProcessNoServer, ConnectionRefusedExitsThreeNamingTheUrl) {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port());
  const auto r = aiopictl({"--url", url, "devices"});
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("aiopictl: cannot reach " + url + ": "), std::string::npos) << r.err;
  const auto w = aiopictl({"--url", url, "watch", "door.*"});
  EXPECT_EQ(w.status, 3);
}

TEST_F(AiopictlProcess, NoAnswerInTimeExitsThree) {
  const auto r = aiopictl({"--url", url_ + "/slow", "--timeout", "0.2", "info"});
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.err, "aiopictl: cannot reach " + url_ + "/slow: timed out after 200 ms\n");
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].target, "/slow/api/v1/rpc");  // the URL's path is a prefix
}

TEST_F(AiopictlProcess, AnAnswerThatIsNotJsonRpcExitsThree) {
  const auto r = aiopictl({"--url", url_ + "/html", "info"});
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.err.find("HTTP 200 OK, not a JSON-RPC answer"), std::string::npos) << r.err;
}

TEST_F(AiopictlProcess, WatchCountTwoPrintsTwoNotificationsAndTheDropNotice) {
  const auto r = aiopictl({"--url", url_, "watch", "door.*", "--count", "2"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "2026-12-06T10:15:01.000000Z device.door.edge {\"level\":true}\n"
            "2026-12-06T10:15:02.000000Z dropped 17\n"
            "2026-12-06T10:15:03.000000Z event.door.set {}\n");
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].transport, "websocket");
  EXPECT_EQ(requests[0].target, "/api/v1/ws");
  EXPECT_EQ(requests[0].body["method"], "subscribe");
  EXPECT_EQ(requests[0].body["params"], (Json{{"topics", {"door.*"}}}));
}

TEST_F(AiopictlProcess, WatchJsonPrintsOneNotificationPerLine) {
  const auto r = aiopictl({"--url", url_, "--json", "watch", "**", "--count", "1", "--level", "debug"},
                          {"AIOPI_TOKEN=good"});
  EXPECT_EQ(r.status, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 1u);
  const Json first = Json::parse(lines[0]);
  EXPECT_EQ(first["seq"], 1);
  EXPECT_EQ(first["topic"], "device.door.edge");
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].authorization, "Bearer good");
  EXPECT_EQ(server_.requests()[0].body["params"]["level"], "debug");
}

TEST_F(AiopictlProcess, RefusedWebSocketUpgradeExitsFour) {
  const auto r = aiopictl({"--url", url_, "watch", "door.*"}, {"AIOPI_TOKEN=wrong"});
  EXPECT_EQ(r.status, 4);
  EXPECT_EQ(r.err, "aiopictl: WebSocket upgrade refused: HTTP 401 Unauthorized\n");
}

TEST_F(AiopictlProcess, CallGoesOverTheWebSocketAndPrintsTheResult) {
  const auto r = aiopictl({"--url", url_, "call", "devices.get", R"({"name":"door"})"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out), (Json{{"name", "door"}, {"type", "digital_in"}, {"value", true}}));
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].transport, "websocket");
  const auto missing = aiopictl({"--url", url_, "call", "no.such"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "aiopictl: no.such: method not found: no.such (-32601)\n");
}

TEST_F(AiopictlProcess, UsageErrorsExitTwoWithoutConnecting) {
  EXPECT_EQ(aiopictl({"--url", url_}).status, 2);
  EXPECT_EQ(aiopictl({"--url", url_, "set", "only_name"}).status, 2);
  EXPECT_EQ(aiopictl({"--url", url_, "call", "x", "{not json"}).status, 2);
  EXPECT_EQ(aiopictl({"--url", "ftp://x", "devices"}).status, 2);
  EXPECT_EQ(aiopictl({"--url", url_, "--timeout", "-1", "devices"}).status, 2);
  EXPECT_EQ(aiopictl({"--url", url_, "--token-file", "/nonexistent/token", "devices"}).status, 2);
  EXPECT_EQ(aiopictl({"--url", url_, "no-such-command"}).status, 2);
  EXPECT_TRUE(server_.requests().empty());
  const auto help = aiopictl({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("Exit status"), std::string::npos);
}

TEST(AiopictlProcessNoServer, TokenHashFromStdinAndGenerated) {
  const auto r = aiopictl({"token-hash", "alice", "admin"}, {}, "mytoken\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "alice admin sha256:1a17ea3569204d6c4114794ca73fa257457fc0612928c7bf024801659b77dba8\n");
  EXPECT_EQ(r.err, "");

  const auto g = aiopictl({"token-hash", "--generate", "bob", "control"});
  EXPECT_EQ(g.status, 0) << g.err;
  const auto token_lines = lines_of(g.err);
  ASSERT_EQ(token_lines.size(), 1u);
  auto parsed = aiopid::api::TokenStore::parse(g.out, "out");
  ASSERT_TRUE(std::holds_alternative<aiopid::api::TokenStore>(parsed));
  const auto principal = std::get<aiopid::api::TokenStore>(parsed).authenticate(token_lines[0]);
  ASSERT_TRUE(principal.has_value());
  EXPECT_EQ(principal->token_name, "bob");

  EXPECT_EQ(aiopictl({"token-hash", "alice", "root"}, {}, "t\n").status, 2);
  EXPECT_EQ(aiopictl({"token-hash", "alice", "read"}, {}, "").status, 2);
}

class AiopictlTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Per process: ctest runs each test as its own process, several at once.
    const std::string stem = ::testing::TempDir() + "aiopictl-test-" + std::to_string(::getpid());
    certificate_ = stem + "-cert.pem";
    key_ = stem + "-key.pem";
    write_self_signed_certificate(certificate_, key_);
  }
  static void TearDownTestSuite() {
    std::remove(certificate_.c_str());
    std::remove(key_.c_str());
  }
  static inline std::string certificate_, key_;
  FakeServer server_{certificate_, key_};
};

TEST_F(AiopictlTls, VerifiesTheCertificateAgainstCacertByAddressAndByName) {
  const auto by_address = aiopictl({"--url", server_.url(), "--cacert", certificate_, "devices"});
  EXPECT_EQ(by_address.status, 0) << by_address.err;
  EXPECT_EQ(lines_of(by_address.out).size(), 3u);
  const std::string by_name_url = "https://localhost:" + std::to_string(server_.port());
  const auto by_name = aiopictl({"--url", by_name_url, "--cacert", certificate_, "tasks"});
  EXPECT_EQ(by_name.status, 0) << by_name.err;
  EXPECT_EQ(server_.requests().size(), 2u);
}

TEST_F(AiopictlTls, AnUntrustedCertificateExitsThreeUnlessInsecure) {
  const auto untrusted = aiopictl({"--url", server_.url(), "devices"});
  EXPECT_EQ(untrusted.status, 3);
  EXPECT_NE(untrusted.err.find("cannot reach " + server_.url() + ": TLS: certificate verify failed"),
            std::string::npos)
      << untrusted.err;
  EXPECT_TRUE(server_.requests().empty());
  const auto insecure = aiopictl({"--url", server_.url(), "-k", "devices"});
  EXPECT_EQ(insecure.status, 0) << insecure.err;
}

TEST_F(AiopictlTls, WatchOverWss) {
  const std::string wss = "wss://127.0.0.1:" + std::to_string(server_.port());
  const auto r = aiopictl({"--url", wss, "--cacert", certificate_, "watch", "door.*", "--count", "2"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), 3u);
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].transport, "websocket");
}

}  // namespace
}  // namespace aiopictl::testing
