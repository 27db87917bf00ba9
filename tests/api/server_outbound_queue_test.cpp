// The server's per-connection outbound queue and its request rate limit, without sockets.
#include <gtest/gtest.h>

#include "server_outbound_queue.hpp"
#include "server_rate_limiter.hpp"

namespace aiopid::api::detail {
namespace {

using namespace std::chrono_literals;
using Kind = OutboundMessage::Kind;

std::shared_ptr<const NotificationText> note(std::string topic) {
  return std::make_shared<const NotificationText>(
      notification_text(Notification{std::move(topic), Json::object(), 1, 0}));
}

std::string topic_of(const OutboundMessage& m) {
  return Json::parse(m.note->with_seq(1))["params"]["topic"].get<std::string>();
}

TEST(OutboundQueue, KeepsArrivalOrder) {
  OutboundQueue q(4);
  const auto t = OutboundQueue::Clock::now();
  q.push_answer("a1");
  q.push_notification(note("n.1.x"), t);
  q.push_answer("a2");
  auto m1 = q.pop(), m2 = q.pop(), m3 = q.pop();
  ASSERT_TRUE(m1 && m2 && m3);
  EXPECT_EQ(m1->kind, Kind::answer);
  EXPECT_EQ(m1->text, "a1");
  EXPECT_EQ(m2->kind, Kind::notification);
  EXPECT_EQ(m3->text, "a2");
  EXPECT_FALSE(q.pop());
}

TEST(OutboundQueue, DropsOldestNotificationsNeverAnswersAndReportsBeforeTheNextNotification) {
  OutboundQueue q(2);
  const auto t = OutboundQueue::Clock::now();
  EXPECT_EQ(q.push_notification(note("n.1.x"), t), 0u);
  q.push_answer("answer");
  EXPECT_EQ(q.push_notification(note("n.2.x"), t), 0u);
  EXPECT_EQ(q.push_notification(note("n.3.x"), t), 1u);  // n.1 goes
  EXPECT_EQ(q.push_notification(note("n.4.x"), t), 1u);  // n.2 goes
  EXPECT_EQ(q.notifications(), 2u);
  EXPECT_EQ(q.answers(), 1u);
  EXPECT_EQ(q.unreported_drops(), 2u);

  auto a = q.pop();  // the answer survives, and goes first (it was queued before n.3)
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, Kind::answer);
  auto report = q.pop();  // before the next notification: how many were dropped
  ASSERT_TRUE(report);
  EXPECT_EQ(report->kind, Kind::dropped);
  EXPECT_EQ(report->dropped, 2u);
  auto n3 = q.pop(), n4 = q.pop();
  ASSERT_TRUE(n3 && n4);
  EXPECT_EQ(topic_of(*n3), "n.3.x");
  EXPECT_EQ(topic_of(*n4), "n.4.x");
  EXPECT_FALSE(q.pop());
  EXPECT_EQ(q.unreported_drops(), 0u);
}

TEST(OutboundQueue, DropsFromBeforeTheQueueAreReportedAtOnceWhenNothingIsQueued) {
  OutboundQueue q(4);
  q.add_dropped(5);              // the server's publish backlog overflowed
  EXPECT_FALSE(q.full_since());  // not this client's stall
  auto report = q.pop();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->kind, Kind::dropped);
  EXPECT_EQ(report->dropped, 5u);
  EXPECT_FALSE(q.pop());
}

TEST(OutboundQueue, DropsFromBeforeTheQueueAddUpWithItsOwnAndWaitForQueuedAnswers) {
  OutboundQueue q(1);
  const auto t = OutboundQueue::Clock::now();
  q.push_answer("answer");
  q.push_notification(note("n.1.x"), t);
  q.push_notification(note("n.2.x"), t);  // n.1 goes
  q.add_dropped(3);
  EXPECT_EQ(q.unreported_drops(), 4u);
  EXPECT_EQ(q.pop()->kind, Kind::answer);  // answers queued before go first
  auto report = q.pop();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->kind, Kind::dropped);
  EXPECT_EQ(report->dropped, 4u);
  auto n2 = q.pop();
  ASSERT_TRUE(n2);
  EXPECT_EQ(topic_of(*n2), "n.2.x");
}

TEST(OutboundQueue, AnswersAreNeverDroppedEvenBeyondTheLimit) {
  OutboundQueue q(1);
  for (int i = 0; i < 10; ++i)
    q.push_answer("a" + std::to_string(i));
  EXPECT_EQ(q.answers(), 10u);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(q.pop()->text, "a" + std::to_string(i));
}

TEST(OutboundQueue, StallsWhenFullWithoutProgress) {
  OutboundQueue q(1);
  const auto t0 = OutboundQueue::Clock::time_point{} + 100s;
  q.push_notification(note("n.1.x"), t0);
  EXPECT_FALSE(q.full_since());  // full but nothing dropped yet
  q.push_notification(note("n.2.x"), t0 + 1ms);
  ASSERT_TRUE(q.full_since());
  EXPECT_FALSE(q.stalled(t0 + 100ms, 200ms));
  EXPECT_TRUE(q.stalled(t0 + 201ms, 200ms));
  q.push_notification(note("n.3.x"), t0 + 150ms);  // a later drop does not move the start of the stall
  EXPECT_TRUE(q.stalled(t0 + 201ms, 200ms));
  q.on_progress();
  EXPECT_FALSE(q.stalled(t0 + 10s, 200ms));
  q.push_notification(note("n.4.x"), t0 + 10s);
  EXPECT_FALSE(q.stalled(t0 + 10s + 100ms, 200ms));
  EXPECT_TRUE(q.stalled(t0 + 10s + 200ms, 200ms));
}

TEST(OutboundQueue, ZeroCapacityDropsEveryNotification) {
  OutboundQueue q(0);
  EXPECT_EQ(q.push_notification(note("n.1.x"), OutboundQueue::Clock::now()), 1u);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.unreported_drops(), 1u);
}

TEST(TokenBucket, AllowsTheBurstThenTheRate) {
  const auto t0 = TokenBucket::Clock::time_point{} + 1000s;
  TokenBucket b(10, 3, t0);
  EXPECT_TRUE(b.try_take(t0));
  EXPECT_TRUE(b.try_take(t0));
  EXPECT_TRUE(b.try_take(t0));
  EXPECT_FALSE(b.try_take(t0));
  EXPECT_FALSE(b.try_take(t0 + 50ms));  // half a token
  EXPECT_TRUE(b.try_take(t0 + 100ms));  // one token back
  EXPECT_FALSE(b.try_take(t0 + 100ms));
  // Never more than the burst, however long it waited.
  EXPECT_TRUE(b.try_take(t0 + 1h));
  EXPECT_TRUE(b.try_take(t0 + 1h));
  EXPECT_TRUE(b.try_take(t0 + 1h));
  EXPECT_FALSE(b.try_take(t0 + 1h));
}

TEST(TokenBucket, ZeroRateMeansNoLimit) {
  const auto t0 = TokenBucket::Clock::now();
  TokenBucket b(0, 1, t0);
  for (int i = 0; i < 1000; ++i)
    EXPECT_TRUE(b.try_take(t0));
}

}  // namespace
}  // namespace aiopid::api::detail
