// The server's WebSocket side on real loopback sockets: JSON-RPC request / answer and batches, notification
// fan-out with per-connection seq and pattern matching, Origin and token checks before the upgrade, slow
// clients (drop-oldest with the "dropped" report, disconnect after stall_timeout), the bounded publish
// backlog, the nesting-depth limit, the limits, stop() with requests still in the endpoint or publishes
// racing it, and TLS.
#include <gtest/gtest.h>

#include "server_test_support.hpp"

namespace aiopid::api::test {
namespace {

Notification notification(std::string topic, Json data = Json::object()) {
  return Notification{std::move(topic), std::move(data), 123, 1'765'016'102'123'456};
}

TEST(ServerWebSocket, RequestAnswerParseErrorAndBatch) {
  Harness h;
  ASSERT_TRUE(h.start());
  WsClient c(h.server->port(), "/api/v1/ws", {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.status, 101);
  const Json answer = c.call("echo", {{"x", 1}}, 5);
  EXPECT_EQ(answer["id"], 5);
  EXPECT_EQ(answer["result"]["x"], 1);
  EXPECT_EQ(c.call("whoami")["result"]["name"], "local");

  c.send(std::string("{not json"));
  const Json parse_error = c.receive();
  EXPECT_EQ(parse_error["error"]["code"], rpc_code::parse_error);
  EXPECT_TRUE(parse_error["id"].is_null());

  c.send(Json::parse(R"([{"jsonrpc":"2.0","id":1,"method":"echo","params":{"a":1}},
                         {"jsonrpc":"2.0","method":"echo"},
                         {"jsonrpc":"2.0","id":2,"method":"nope"}])"));
  const Json batch = c.receive();
  ASSERT_TRUE(batch.is_array());
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0]["result"]["a"], 1);
  EXPECT_EQ(batch[1]["error"]["code"], rpc_code::method_not_found);
}

TEST(ServerWebSocket, NotificationsFanOutByPatternWithASeqPerConnection) {
  Harness h;
  ASSERT_TRUE(h.start());
  const auto port = h.server->port();
  WsClient door(port, "/api/v1/ws", {}), devices(port, "/api/v1/ws", {}), sets(port, "/api/v1/ws", {});
  ASSERT_TRUE(door.ok() && devices.ok() && sets.ok());
  EXPECT_EQ(door.call("subscribe", {{"topics", {"door.*"}}})["result"]["subscribed"], 1);
  EXPECT_EQ(devices.call("subscribe", {{"topics", {"device.**"}}})["result"]["subscribed"], 1);
  EXPECT_EQ(sets.call("subscribe", {{"topics", {"event.*.set"}}})["result"]["subscribed"], 1);

  h.server->publish(notification("device.door.edge", {{"level", true}}));
  h.server->publish(notification("event.door.set"));
  h.server->publish(notification("device.porch.value", {{"value", 3}}));

  auto expect = [](Json m, std::uint64_t seq, const char* topic) {
    EXPECT_EQ(m["jsonrpc"], "2.0");
    EXPECT_EQ(m["method"], "notify");
    EXPECT_EQ(m["params"]["seq"], seq);
    EXPECT_EQ(m["params"]["topic"], topic);
    EXPECT_EQ(m["params"]["mono_us"], 123);
    EXPECT_EQ(m["params"]["time"], "2025-12-06T10:15:02.123456Z");
  };
  const Json d1 = door.receive();
  expect(d1, 1, "device.door.edge");
  EXPECT_EQ(d1["params"]["data"]["level"], true);
  expect(door.receive(), 2, "event.door.set");
  expect(devices.receive(), 1, "device.door.edge");
  expect(devices.receive(), 2, "device.porch.value");
  expect(sets.receive(), 1, "event.door.set");
  // Nothing else was queued before the answers to these requests.
  EXPECT_EQ(door.call("echo", {}, 9)["id"], 9);
  EXPECT_EQ(sets.call("echo", {}, 9)["id"], 9);
  EXPECT_TRUE(eventually([&] { return h.server->stats().notifications_sent == 5; }));
}

TEST(ServerWebSocket, HttpClientsAndUnsubscribedSocketsGetNoNotifications) {
  Harness h;
  ASSERT_TRUE(h.start());
  WsClient quiet(h.server->port(), "/api/v1/ws", {});
  ASSERT_TRUE(quiet.ok());
  h.server->publish(notification("device.door.edge"));
  EXPECT_EQ(quiet.call("echo", {}, 3)["id"], 3);  // the answer is the first message
  EXPECT_EQ(h.server->stats().notifications_sent, 0u);
}

TEST(ServerWebSocket, OriginIsCheckedBeforeTheUpgrade) {
  ServerConfig config = loopback_config();
  config.allowed_origins = {"https://panel.example"};
  Harness h(config);
  ASSERT_TRUE(h.start());
  WsClient evil(h.server->port(), "/api/v1/ws", {{http::field::origin, "https://evil.example"}});
  EXPECT_FALSE(evil.ok());
  EXPECT_EQ(evil.status, 403);
  WsClient panel(h.server->port(), "/api/v1/ws", {{http::field::origin, "https://panel.example"}});
  EXPECT_TRUE(panel.ok());
  WsClient cli(h.server->port(), "/api/v1/ws", {});  // command-line clients send no Origin
  EXPECT_TRUE(cli.ok());
  WsClient elsewhere(h.server->port(), "/api/v1/other", {});
  EXPECT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.status, 404);
}

TEST(ServerWebSocket, TokenRefusedBeforeTheUpgradeAcceptedByHeaderOrQuery) {
  ServerConfig config = loopback_config();
  config.tokens = tokens_with("panel", Scope::read, "s3cret");
  Harness h(config);
  ASSERT_TRUE(h.start());
  const auto port = h.server->port();
  WsClient none(port, "/api/v1/ws", {});
  EXPECT_FALSE(none.ok());
  EXPECT_EQ(none.status, 401);
  WsClient wrong(port, "/api/v1/ws?access_token=nope", {});
  EXPECT_EQ(wrong.status, 401);
  WsClient query(port, "/api/v1/ws?access_token=s3cret", {});
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query.call("whoami")["result"], Json({{"name", "panel"}, {"scope", "read"}}));
  WsClient header(port, "/api/v1/ws", {{http::field::authorization, "Bearer s3cret"}});
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(h.server->stats().rejected_auth, 2u);
}

TEST(ServerWebSocket, RateLimitAndInflightLimitAnswer32003) {
  ServerConfig config = loopback_config();
  config.limits.requests_per_second = 0.001;
  config.limits.request_burst = 3;
  Harness h(config);
  ASSERT_TRUE(h.start());
  WsClient c(h.server->port(), "/api/v1/ws", {});
  ASSERT_TRUE(c.ok());
  int ok = 0, limited = 0;
  for (int i = 0; i < 5; ++i) {
    const Json a = c.call("echo", {}, i);
    EXPECT_EQ(a["id"], i);
    if (a.contains("result")) ++ok;
    if (a.contains("error") && a["error"]["code"] == rpc_code::rate_limited) ++limited;
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(limited, 2);

  ServerConfig inflight = loopback_config();
  inflight.limits.max_inflight = 2;
  Harness h2(inflight);
  ASSERT_TRUE(h2.start());
  WsClient d(h2.server->port(), "/api/v1/ws", {});
  ASSERT_TRUE(d.ok());
  for (int id = 1; id <= 2; ++id)
    d.send(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "hold"}});
  ASSERT_TRUE(h2.endpoint.wait_held(2));
  d.send(Json{{"jsonrpc", "2.0"}, {"id", 3}, {"method", "echo"}});
  const Json refused = d.receive();
  EXPECT_EQ(refused["id"], 3);
  EXPECT_EQ(refused["error"]["code"], rpc_code::rate_limited);
  h2.endpoint.release_held();
  const Json r1 = d.receive(), r2 = d.receive();
  EXPECT_EQ(r1["result"], "released");
  EXPECT_EQ(r2["result"], "released");
  EXPECT_EQ(d.call("echo", {}, 4)["id"], 4);  // room again
  EXPECT_EQ(h2.server->stats().rejected_limits, 1u);
}

TEST(ServerWebSocket, ConnectionLimitRefusesFurtherUpgrades) {
  ServerConfig config = loopback_config();
  config.limits.max_connections = 1;
  Harness h(config);
  ASSERT_TRUE(h.start());
  WsClient first(h.server->port(), "/api/v1/ws", {});
  ASSERT_TRUE(first.ok());
  WsClient second(h.server->port(), "/api/v1/ws", {});
  EXPECT_FALSE(second.ok());
  EXPECT_EQ(second.status, 503);
  EXPECT_EQ(first.call("echo", {}, 1)["id"], 1);
}

TEST(ServerWebSocket, SlowReaderGetsTheDroppedReportAndNoGapInSeq) {
  ServerConfig config = loopback_config();
  config.limits.max_queued = 4;
  config.limits.stall_timeout = std::chrono::minutes(10);  // this client is slow, not gone
  Harness h(config);
  ASSERT_TRUE(h.start());
  WsClient c(h.server->port(), "/api/v1/ws", {}), pacer(h.server->port(), "/api/v1/ws", {});
  ASSERT_TRUE(c.ok() && pacer.ok());
  c.call("subscribe", {{"topics", {"device.**"}}});
  pacer.call("subscribe", {{"topics", {"pace.**"}}});
  // Big notifications fill the socket buffers while the client does not read. After each one the pacer's
  // tick is awaited, so the publisher never runs ahead of the API thread.
  const Json payload = {{"blob", std::string(64 * 1024, 'x')}};
  int published = 0;
  while (h.server->stats().notifications_dropped == 0 && published < 100'000) {
    h.server->publish(notification("device.big.value", payload));
    ++published;
    h.server->publish(notification("pace.tick.set"));
    pacer.receive();
  }
  ASSERT_GT(h.server->stats().notifications_dropped, 0u);
  for (int i = 0; i < 10; ++i)
    h.server->publish(notification("device.big.value", payload));
  published += 10;
  // Now read everything: seqs are gapless, the report says how many were dropped, and they all add up.
  std::uint64_t expected_seq = 1, received = 0, dropped = 0;
  bool report_seen = false;
  while (received + dropped < static_cast<std::uint64_t>(published)) {
    const Json m = c.receive();
    ASSERT_EQ(m["params"]["seq"], expected_seq);
    ++expected_seq;
    if (m["params"]["topic"] == "dropped") {
      report_seen = true;
      dropped += m["params"]["data"]["dropped"].get<std::uint64_t>();
    } else {
      ++received;
    }
  }
  EXPECT_TRUE(report_seen);
  EXPECT_EQ(dropped, h.server->stats().notifications_dropped);
  EXPECT_EQ(h.server->stats().clients_disconnected_slow, 0u);
}

TEST(ServerWebSocket, PublishBacklogKeepsTheNewestWhileTheApiThreadIsBusyAndTellsSubscribers) {
  ServerConfig config = loopback_config();
  config.limits.max_publish_backlog = 16;
  Harness h(config);
  ASSERT_TRUE(h.start());
  const auto port = h.server->port();
  WsClient devices(port, "/api/v1/ws", {}), events(port, "/api/v1/ws", {}), quiet(port, "/api/v1/ws", {}),
      blocker(port, "/api/v1/ws", {});
  ASSERT_TRUE(devices.ok() && events.ok() && quiet.ok() && blocker.ok());
  devices.call("subscribe", {{"topics", {"device.**"}}});
  events.call("subscribe", {{"topics", {"event.**"}}});

  // The API thread is held inside the endpoint's submit(); everything published meanwhile waits for it.
  blocker.send(Json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "block"}});
  ASSERT_TRUE(h.endpoint.wait_api_thread_blocked());
  constexpr int published = 50, kept = 16;
  for (int i = 0; i < published; ++i)
    h.server->publish(notification("device.n.value", {{"i", i}}));
  // The backlog holds at most its capacity: the 34 oldest were dropped as they were published.
  EXPECT_EQ(h.server->stats().notifications_dropped, static_cast<std::uint64_t>(published - kept));
  h.endpoint.unblock_api_thread();
  EXPECT_EQ(blocker.receive()["id"], 1);

  // The subscriber hears of the drops first, then gets the newest ones with consecutive seqs.
  const Json report = devices.receive();
  EXPECT_EQ(report["params"]["topic"], "dropped");
  EXPECT_EQ(report["params"]["seq"], 1);
  EXPECT_EQ(report["params"]["data"]["dropped"], published - kept);
  for (int k = 0; k < kept; ++k) {
    const Json m = devices.receive();
    ASSERT_EQ(m["params"]["seq"], 2 + k);
    EXPECT_EQ(m["params"]["data"]["i"], published - kept + k);
  }
  h.server->publish(notification("device.n.value", {{"i", published}}));
  const Json later = devices.receive();
  EXPECT_EQ(later["params"]["seq"], 2 + kept);
  EXPECT_EQ(later["params"]["data"]["i"], published);

  // Every subscribed connection is told (the dropped topics are not kept); an unsubscribed one is not.
  const Json events_report = events.receive();
  EXPECT_EQ(events_report["params"]["topic"], "dropped");
  EXPECT_EQ(events_report["params"]["data"]["dropped"], published - kept);
  h.server->publish(notification("event.door.set"));
  EXPECT_EQ(events.receive()["params"]["seq"], 2);
  quiet.send(Json{{"jsonrpc", "2.0"}, {"id", 7}, {"method", "echo"}});
  EXPECT_EQ(quiet.receive()["id"], 7);  // the first thing it gets: no report, no notification
  EXPECT_TRUE(eventually([&] { return h.server->stats().notifications_sent == kept + 2; }));
  EXPECT_EQ(h.server->stats().notifications_dropped, static_cast<std::uint64_t>(published - kept));
}

TEST(ServerWebSocket, NestingDeeperThanTheLimitIsRefusedBeforeParsing) {
  Harness h;
  ASSERT_TRUE(h.start());
  WsClient c(h.server->port(), "/api/v1/ws", {});
  ASSERT_TRUE(c.ok());
  // params nested so that the whole message is `levels` deep (the request object is the first level)
  auto request = [](std::size_t levels, int id) {
    std::string params;
    for (std::size_t i = 2; i < levels; ++i)
      params += R"({"a":)";
    params += "{}";
    for (std::size_t i = 2; i < levels; ++i)
      params += "}";
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"echo","params":)" + params + "}";
  };
  const std::size_t limit = default_max_json_depth;
  c.send(request(limit - 1, 1));
  EXPECT_EQ(c.receive()["id"], 1);
  c.send(request(limit, 2));
  EXPECT_EQ(c.receive()["id"], 2);
  c.send(request(limit + 1, 3));
  const Json refused = c.receive();
  EXPECT_EQ(refused["error"]["code"], rpc_code::invalid_request);
  EXPECT_EQ(refused["error"]["message"], "invalid request: JSON nested deeper than 32 levels");
  EXPECT_EQ(refused["error"]["data"]["max_depth"], 32);
  EXPECT_TRUE(refused["id"].is_null());  // never parsed, so its id is unknown
  c.send(std::string(5000, '[') + std::string(5000, ']'));
  EXPECT_EQ(c.receive()["error"]["code"], rpc_code::invalid_request);
  // Brackets inside a string are text, not nesting.
  const std::string deep_text = std::string(100, '[') + std::string(100, '{');
  const Json echoed = c.call("echo", {{"text", deep_text}}, 4);
  EXPECT_EQ(echoed["result"]["text"], deep_text);
}

TEST(ServerWebSocket, StalledClientIsDisconnectedAndOthersAreServed) {
  ServerConfig config = loopback_config();
  config.limits.max_queued = 4;
  config.limits.stall_timeout = std::chrono::milliseconds(200);
  Harness h(config);
  ASSERT_TRUE(h.start());
  WsClient stalled(h.server->port(), "/api/v1/ws", {}), other(h.server->port(), "/api/v1/ws", {});
  ASSERT_TRUE(stalled.ok() && other.ok());
  stalled.call("subscribe", {{"topics", {"device.**"}}});
  other.call("subscribe", {{"topics", {"event.**"}}});
  const Json payload = {{"blob", std::string(64 * 1024, 'x')}};
  // Keep publishing (the stall needs a full queue) until the server gives up on the client. Each round also
  // sends the other client a tick and waits for it: the publisher keeps the API thread's pace (a slow build,
  // e.g. under ThreadSanitizer, would otherwise pile up posted fan-outs), and the other client is served all
  // along.
  std::uint64_t other_seq = 0;
  const bool disconnected = eventually([&] {
    h.server->publish(notification("device.big.value", payload));
    h.server->publish(notification("event.tick.set"));
    const Json tick = other.receive();
    EXPECT_EQ(tick["params"]["seq"], ++other_seq);
    return h.server->stats().clients_disconnected_slow == 1;
  });
  ASSERT_TRUE(disconnected);
  EXPECT_GT(h.server->stats().notifications_dropped, 0u);
  h.server->publish(notification("event.door.set"));
  const Json n = other.receive();
  EXPECT_EQ(n["params"]["topic"], "event.door.set");
  EXPECT_EQ(n["params"]["seq"], other_seq + 1);
  EXPECT_EQ(other.call("echo", {}, 2)["id"], 2);
  EXPECT_TRUE(eventually([&] { return h.server->stats().connections_open == 1; }));
}

TEST(ServerWebSocket, BinaryMessagesCloseTheConnectionWithUnknownData) {
  Harness h;
  ASSERT_TRUE(h.start());
  WsClient c(h.server->port(), "/api/v1/ws", {});
  ASSERT_TRUE(c.ok());
  c.stream().binary(true);
  c.stream().write(asio::buffer(std::string("\x01\x02")));
  const auto ec = c.read_until_closed();
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(c.stream().reason().code, websocket::close_code::unknown_data);
}

TEST(ServerWebSocket, OversizedMessageClosesWithTooBig) {
  ServerConfig config = loopback_config();
  config.limits.max_message_bytes = 1024;
  Harness h(config);
  ASSERT_TRUE(h.start());
  WsClient c(h.server->port(), "/api/v1/ws", {});
  ASSERT_TRUE(c.ok());
  c.send(std::string(4096, ' '));
  // The server fails the connection after its close frame, so the client's close reply may meet a closed
  // socket (EPIPE instead of `closed`); the close frame's code is what counts.
  EXPECT_TRUE(c.read_until_closed());
  EXPECT_EQ(c.stream().reason().code, websocket::close_code::too_big);
}

TEST(ServerStop, ClosesWebSocketsWithGoingAwayWhileRequestsArePending) {
  auto h = std::make_unique<Harness>();
  ASSERT_TRUE(h->start());
  WsClient c(h->server->port(), "/api/v1/ws", {});
  ASSERT_TRUE(c.ok());
  c.call("subscribe", {{"topics", {"**"}}});
  c.send(Json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "hold"}});
  ASSERT_TRUE(h->endpoint.wait_held(1));
  std::thread reader([&] {
    const auto ec = c.read_until_closed();
    EXPECT_EQ(ec, websocket::error::closed);
    EXPECT_EQ(c.stream().reason().code, websocket::close_code::going_away);
  });
  h->server->stop();
  reader.join();
  h->server->publish(notification("device.door.edge"));  // after stop: dropped
  h->endpoint.release_held();                            // the answer comes after stop: dropped
  h->server->stop();
  EXPECT_EQ(h->server->stats().connections_open, 0u);
  h.reset();
}

TEST(ServerStop, PublishingWhileStoppingAndAfterIsHarmless) {
  ServerConfig config = loopback_config();
  config.limits.max_publish_backlog = 8;
  auto h = std::make_unique<Harness>(config);
  ASSERT_TRUE(h->start());
  WsClient c(h->server->port(), "/api/v1/ws", {}), blocker(h->server->port(), "/api/v1/ws", {});
  ASSERT_TRUE(c.ok() && blocker.ok());
  c.call("subscribe", {{"topics", {"**"}}});
  blocker.send(Json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "block"}});
  ASSERT_TRUE(h->endpoint.wait_api_thread_blocked());
  // (EXPECT, not ASSERT, from here on: the threads must be joined whatever happens.)
  std::thread c_reader([&] { c.read_until_closed(); });
  std::thread blocker_reader([&] { blocker.read_until_closed(); });
  // A publisher on its own thread (the core loop's): while the API thread is held, during stop() and after,
  // with notifications still in the backlog when the API thread ends.
  std::atomic<bool> publishing{true};
  std::atomic<int> published{0};
  std::thread publisher([&] {
    while (publishing.load()) {
      h->server->publish(notification("device.door.edge"));
      published.fetch_add(1);
    }
  });
  EXPECT_TRUE(eventually([&] { return h->server->stats().notifications_dropped > 0; }));
  std::thread stopper([&] { h->server->stop(); });
  h->endpoint.unblock_api_thread();
  stopper.join();
  const int after_stop = published.load();
  EXPECT_TRUE(eventually([&] { return published.load() > after_stop + 100; }));
  publishing.store(false);
  publisher.join();
  c_reader.join();
  blocker_reader.join();
  const ServerStats stats = h->server->stats();
  EXPECT_EQ(stats.connections_open, 0u);
  EXPECT_LE(stats.notifications_sent + stats.notifications_dropped, static_cast<std::uint64_t>(published));
  h->server->publish(notification("device.door.edge"));
  EXPECT_EQ(h->server->stats().notifications_dropped, stats.notifications_dropped);  // closed: not counted
  h.reset();
}

TEST(ServerTls, RestAndWebSocketOverTls) {
  SelfSignedCert cert;
  ASSERT_TRUE(cert.ok) << "openssl req failed";
  ServerConfig config = loopback_config();
  config.tls_certificate = cert.cert.string();
  config.tls_key = cert.key.string();
  Harness h(config);
  ASSERT_TRUE(h.start()) << h.errors.front();
  EXPECT_EQ(h.server->url().rfind("https://", 0), 0u);
  const auto get = curl({"--cacert", cert.cert.string(), h.server->url() + "/api/v1/devices/porch"});
  EXPECT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(Json::parse(get.body)["params"]["name"], "porch");
  EXPECT_NE(curl({"http://127.0.0.1:" + std::to_string(h.server->port()) + "/api/v1/devices"}).status, 200);

  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(cert.cert.string());
  ctx.set_verify_mode(asio::ssl::verify_peer);
  WssClient c(h.server->port(), "/api/v1/ws", {}, ctx);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.call("echo", {{"tls", true}}, 1)["result"]["tls"], true);
  c.call("subscribe", {{"topics", {"**"}}});
  h.server->publish(notification("device.door.edge"));
  EXPECT_EQ(c.receive()["params"]["topic"], "device.door.edge");
}

}  // namespace
}  // namespace aiopid::api::test
