// The server's HTTP side on real loopback sockets: the REST mirror, POST /api/v1/rpc, the documents, errors
// and limits, authentication, start() refusals, driven by Beast's synchronous client and by curl.
#include <gtest/gtest.h>

#include "server_test_support.hpp"

namespace aiopid::api::test {
namespace {

TEST(ServerHttp, RestGetAndPostGoThroughTheRegistryToTheEndpoint) {
  Harness h;
  ASSERT_TRUE(h.start()) << h.errors.front();
  const auto get = http_get(h.server->port(), "/api/v1/devices/porch");
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.headers[http::field::content_type], "application/json");
  EXPECT_EQ(get.headers[http::field::server], "aiopid");
  EXPECT_EQ(get.json()["method"], "devices.get");
  EXPECT_EQ(get.json()["params"]["name"], "porch");
  EXPECT_EQ(get.json()["caller"], "local");

  const auto post = http_post(h.server->port(), "/api/v1/devices/porch", R"({"value": true})");
  EXPECT_EQ(post.status, 200);
  EXPECT_EQ(post.json()["method"], "devices.set");
  EXPECT_EQ(post.json()["params"]["value"], true);
  EXPECT_GE(h.server->stats().requests, 2u);
}

TEST(ServerHttp, KeepAliveServesSeveralRequestsOnOneConnection) {
  Harness h;
  ASSERT_TRUE(h.start());
  HttpClient c(h.server->port());
  for (int i = 0; i < 3; ++i) {
    const auto r = c.request(http::verb::get, "/api/v1/devices/d" + std::to_string(i));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.json()["params"]["name"], "d" + std::to_string(i));
  }
  EXPECT_EQ(h.server->stats().connections_total, 1u);
}

TEST(ServerHttp, ErrorsHaveTheirStatusAndTheJsonError) {
  Harness h;
  ASSERT_TRUE(h.start());
  const auto port = h.server->port();
  const auto unknown = http_get(port, "/api/v1/nothing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json()["error"]["code"], rpc_code::method_not_found);
  const auto outside = http_get(port, "/index.html");
  EXPECT_EQ(outside.status, 404);
  EXPECT_EQ(outside.json()["error"]["code"], rpc_code::method_not_found);
  const auto not_json = http_post(port, "/api/v1/devices/porch", "{value: yes");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(not_json.json()["error"]["code"], rpc_code::parse_error);
  const auto wrong_verb = http_post(port, "/api/v1/devices", "{}");
  EXPECT_EQ(wrong_verb.status, 405);
  EXPECT_EQ(wrong_verb.headers[http::field::allow], "GET");
  const auto rpc_get = http_get(port, "/api/v1/rpc");
  EXPECT_EQ(rpc_get.status, 405);
  const auto missing = http_post(port, "/api/v1/devices/porch", "{}");  // no value
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json()["error"]["code"], rpc_code::invalid_params);
}

TEST(ServerHttp, RpcEndpointAnswersJsonRpcAnd204ForNotifications) {
  Harness h;
  ASSERT_TRUE(h.start());
  const auto port = h.server->port();
  const auto answer =
      http_post(port, "/api/v1/rpc", R"({"jsonrpc":"2.0","id":7,"method":"echo","params":{"x":1}})");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.json()["id"], 7);
  EXPECT_EQ(answer.json()["result"]["x"], 1);
  const auto batch = http_post(
      port, "/api/v1/rpc", R"([{"jsonrpc":"2.0","id":1,"method":"echo"},{"jsonrpc":"2.0","method":"echo"}])");
  EXPECT_EQ(batch.status, 200);
  ASSERT_TRUE(batch.json().is_array());
  EXPECT_EQ(batch.json().size(), 1u);
  const auto notification = http_post(port, "/api/v1/rpc", R"({"jsonrpc":"2.0","method":"echo"})");
  EXPECT_EQ(notification.status, 204);
  EXPECT_TRUE(notification.body.empty());
  const auto garbage = http_post(port, "/api/v1/rpc", "]]");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.json()["error"]["code"], rpc_code::parse_error);
  EXPECT_TRUE(garbage.json()["id"].is_null());
}

TEST(ServerHttp, ServesTheOpenRpcAndOpenApiDocumentsOfTheRegistry) {
  Harness h;
  ASSERT_TRUE(h.start());
  const auto rpc = http_get(h.server->port(), "/api/v1/openrpc.json");
  EXPECT_EQ(rpc.status, 200);
  EXPECT_EQ(rpc.json(), h.registry->openrpc("aiopid", "test"));
  const auto openapi = http_get(h.server->port(), "/api/v1/openapi.json");
  EXPECT_EQ(openapi.status, 200);
  EXPECT_EQ(openapi.json(), h.registry->openapi("aiopid", "test"));
}

TEST(ServerHttp, BodyAndHeaderLimits) {
  ServerConfig config = loopback_config();
  config.limits.max_message_bytes = 1024;
  config.limits.max_header_bytes = 1024;
  Harness h(config);
  ASSERT_TRUE(h.start());
  const auto big_body = http_post(h.server->port(), "/api/v1/devices/porch",
                                  R"({"value":")" + std::string(4000, 'x') + R"("})");
  EXPECT_EQ(big_body.status, 413);
  EXPECT_EQ(big_body.json()["error"]["code"], rpc_code::invalid_request);
  const auto big_header =
      http_get(h.server->port(), "/api/v1/devices", {{http::field::user_agent, std::string(4000, 'u')}});
  EXPECT_EQ(big_header.status, 431);
  EXPECT_EQ(h.server->stats().rejected_limits, 2u);
  // The server goes on.
  EXPECT_EQ(http_get(h.server->port(), "/api/v1/devices").status, 200);
}

TEST(ServerHttp, NestingDeeperThanTheLimitIsRefusedOnBothBodyPaths) {
  Harness h;
  ASSERT_TRUE(h.start());
  const auto port = h.server->port();
  const std::size_t limit = default_max_json_depth;
  // {"value": [[…]]}: the body object is the first level.
  auto value_of_depth = [](std::size_t levels) {
    return R"({"value":)" + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
  };
  const auto at_limit = http_post(port, "/api/v1/devices/porch", value_of_depth(limit));
  EXPECT_EQ(at_limit.status, 200);
  EXPECT_EQ(at_limit.json()["method"], "devices.set");
  const auto too_deep = http_post(port, "/api/v1/devices/porch", value_of_depth(limit + 1));
  EXPECT_EQ(too_deep.status, 400);
  EXPECT_EQ(too_deep.json()["error"]["code"], rpc_code::invalid_request);
  EXPECT_EQ(too_deep.json()["error"]["data"]["max_depth"], 32);
  const auto in_a_string =
      http_post(port, "/api/v1/devices/porch", R"({"value":")" + std::string(500, '[') + R"("})");
  EXPECT_EQ(in_a_string.status, 200);

  const std::string deep_batch = std::string(limit + 1, '[') + std::string(limit + 1, ']');
  const auto rpc = http_post(port, "/api/v1/rpc", deep_batch);
  EXPECT_EQ(rpc.status, 400);
  EXPECT_EQ(rpc.json()["jsonrpc"], "2.0");
  EXPECT_EQ(rpc.json()["error"]["code"], rpc_code::invalid_request);
  EXPECT_TRUE(rpc.json()["id"].is_null());
  const auto rpc_ok =
      http_post(port, "/api/v1/rpc", R"({"jsonrpc":"2.0","id":3,"method":"echo","params":[[[1]]]})");
  EXPECT_EQ(rpc_ok.status, 200);
  EXPECT_EQ(rpc_ok.json()["id"], 3);
}

TEST(ServerHttp, TokensAreRequiredWhenConfigured) {
  ServerConfig config = loopback_config();
  config.tokens = tokens_with("panel", Scope::control, "s3cret");
  Harness h(config);
  ASSERT_TRUE(h.start());
  const auto port = h.server->port();
  const auto none = http_get(port, "/api/v1/devices");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.json()["error"]["code"], rpc_code::unauthorized);
  EXPECT_EQ(none.headers[http::field::www_authenticate], "Bearer");
  EXPECT_EQ(http_get(port, "/api/v1/devices", {{http::field::authorization, "Bearer wrong"}}).status, 401);
  const auto ok = http_get(port, "/api/v1/devices/porch", {{http::field::authorization, "Bearer s3cret"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.json()["caller"], "panel");
  // The query parameter works too and never reaches the method's params.
  const auto query = http_get(port, "/api/v1/devices/porch?access_token=s3cret");
  EXPECT_EQ(query.status, 200);
  EXPECT_EQ(query.json()["params"], Json({{"name", "porch"}}));
  EXPECT_EQ(h.server->stats().rejected_auth, 2u);
}

TEST(ServerHttp, ConnectionsBeyondTheLimitGet503) {
  ServerConfig config = loopback_config();
  config.limits.max_connections = 2;
  Harness h(config);
  ASSERT_TRUE(h.start());
  HttpClient a(h.server->port()), b(h.server->port());
  EXPECT_EQ(a.request(http::verb::get, "/api/v1/devices").status, 200);
  EXPECT_EQ(b.request(http::verb::get, "/api/v1/devices").status, 200);
  const auto refused = http_get(h.server->port(), "/api/v1/devices");
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.json()["error"]["code"], rpc_code::unavailable);
  EXPECT_EQ(h.server->stats().connections_open, 2u);
}

TEST(ServerHttp, RateLimitAnswers429) {
  ServerConfig config = loopback_config();
  config.limits.requests_per_second = 0.001;  // no refill within the test
  config.limits.request_burst = 3;
  Harness h(config);
  ASSERT_TRUE(h.start());
  HttpClient c(h.server->port());
  int ok = 0, limited = 0;
  for (int i = 0; i < 5; ++i) {
    const auto r = c.request(http::verb::get, "/api/v1/devices");
    if (r.status == 200) ++ok;
    if (r.status == 429 && r.json()["error"]["code"] == rpc_code::rate_limited) ++limited;
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(limited, 2);
}

TEST(ServerHttp, CurlAsARealClient) {
  ServerConfig config = loopback_config();
  config.limits.max_message_bytes = 2048;
  config.tokens = tokens_with("panel", Scope::admin, "tok");
  Harness h(config);
  ASSERT_TRUE(h.start());
  const std::string base = h.server->url();
  const std::string auth = "Authorization: Bearer tok";
  const auto get = curl({"-H", auth, base + "/api/v1/devices/porch"});
  EXPECT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(Json::parse(get.body)["params"]["name"], "porch");
  const auto post = curl({"-H", auth, "-H", "Content-Type: application/json", "-d", R"({"value":42})",
                          base + "/api/v1/devices/porch"});
  EXPECT_EQ(post.status, 200) << post.body;
  EXPECT_EQ(Json::parse(post.body)["params"]["value"], 42);
  EXPECT_EQ(curl({"-H", auth, base + "/api/v1/nothing"}).status, 404);
  const auto unauthorized = curl({base + "/api/v1/devices"});
  EXPECT_EQ(unauthorized.status, 401);
  EXPECT_EQ(Json::parse(unauthorized.body)["error"]["code"], rpc_code::unauthorized);
  EXPECT_EQ(
      curl({"-H", auth, "-d", R"({"value":")" + std::string(5000, 'v') + R"("})", base + "/api/v1/devices/x"})
          .status,
      413);
  const auto doc = curl({"-H", auth, base + "/api/v1/openrpc.json"});
  EXPECT_EQ(doc.status, 200);
  EXPECT_TRUE(Json::parse(doc.body).contains("openrpc"));
  const auto rpc =
      curl({"-H", auth, "-d", R"({"jsonrpc":"2.0","id":1,"method":"whoami"})", base + "/api/v1/rpc"});
  EXPECT_EQ(rpc.status, 200);
  EXPECT_EQ(Json::parse(rpc.body)["result"]["name"], "panel");
}

TEST(ServerStart, RefusesANonLoopbackAddressWithoutTokens) {
  ServerConfig config = loopback_config();
  config.listen = {"0.0.0.0"};
  Harness h(config);
  EXPECT_FALSE(h.start());
  ASSERT_EQ(h.errors.size(), 1u);
  EXPECT_NE(h.errors.front().find("0.0.0.0"), std::string::npos);
  EXPECT_NE(h.errors.front().find("tokens file"), std::string::npos);
  h.server->stop();  // nothing to stop

  config.tokens = tokens_with("remote", Scope::read, "t");
  Harness with_tokens(config);
  EXPECT_TRUE(with_tokens.start()) << with_tokens.errors.front();
}

TEST(ServerStart, ReportsBadAddressesBusyPortsAndBadTlsFiles) {
  ServerConfig bad = loopback_config();
  bad.listen = {"localhost-ish"};
  Harness h1(bad);
  EXPECT_FALSE(h1.start());
  EXPECT_NE(h1.errors.front().find("not an IP address"), std::string::npos);

  Harness first;
  ASSERT_TRUE(first.start());
  ServerConfig same = loopback_config();
  same.port = first.server->port();
  Harness second(same);
  EXPECT_FALSE(second.start());
  EXPECT_NE(second.errors.front().find("cannot listen"), std::string::npos);

  ServerConfig tls = loopback_config();
  tls.tls_certificate = "/nonexistent/cert.pem";
  tls.tls_key = "/nonexistent/key.pem";
  Harness third(tls);
  EXPECT_FALSE(third.start());
  EXPECT_NE(third.errors.front().find("/nonexistent/cert.pem"), std::string::npos);
  third.server->stop();  // a failed start left nothing running
}

TEST(ServerStart, ListensOnIpv4AndIpv6WithOneEphemeralPort) {
  ServerConfig config = loopback_config();
  config.listen = {"127.0.0.1", "::1"};
  Harness h(config);
  ASSERT_TRUE(h.start()) << h.errors.front();
  EXPECT_NE(h.server->port(), 0);
  EXPECT_EQ(h.server->url(), "http://127.0.0.1:" + std::to_string(h.server->port()));
  HttpClient v6(h.server->port(), "::1");
  EXPECT_EQ(v6.request(http::verb::get, "/api/v1/devices").status, 200);
  EXPECT_EQ(http_get(h.server->port(), "/api/v1/devices").status, 200);
  h.server->stop();
  h.server->stop();  // idempotent
}

TEST(ServerStop, StopsWithRestCallsStillInTheEndpoint) {
  Harness h;
  ASSERT_TRUE(h.start());
  h.endpoint.hold_calls = true;
  HttpClient c(h.server->port());
  http::request<http::string_body> req{http::verb::get, "/api/v1/devices/porch", 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(c.socket(), req);
  ASSERT_TRUE(h.endpoint.wait_held(1));
  h.server->stop();
  h.endpoint.release_held();  // the answer comes after stop(): dropped
  beast::error_code ec;
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(c.socket(), buffer, res, ec);
  EXPECT_TRUE(ec);  // closed without an answer
}

}  // namespace
}  // namespace aiopid::api::test
