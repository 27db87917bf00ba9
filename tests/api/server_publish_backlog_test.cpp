// The publish backlog between the core loop and the API thread, without sockets: one drain posted per burst,
// drop-oldest beyond the capacity with the count handed to the drain, and pushes from another thread while
// the drain takes (ThreadSanitizer checks the locking).
#include "server_publish_backlog.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace aiopid::api::detail {
namespace {

Notification note(int i) {
  return Notification{"device.n.value", Json{{"i", i}}, i, 0};
}

TEST(PublishBacklog, OneDrainPerBurst) {
  PublishBacklog backlog(8);
  EXPECT_TRUE(backlog.push(note(0)).post_drain);  // idle → non-empty: the caller posts a drain
  EXPECT_FALSE(backlog.push(note(1)).post_drain);
  EXPECT_FALSE(backlog.push(note(2)).post_drain);
  std::deque<Notification> batch;
  EXPECT_EQ(backlog.take(batch), 0u);
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[0].data["i"], 0);
  EXPECT_EQ(batch[2].data["i"], 2);
  EXPECT_EQ(backlog.size(), 0u);
  EXPECT_TRUE(backlog.push(note(3)).post_drain);  // the drain took everything: the next push posts again
}

TEST(PublishBacklog, DropsTheOldestBeyondTheCapacityAndCountsThemForTheDrain) {
  PublishBacklog backlog(4);
  int dropped = 0;
  for (int i = 0; i < 10; ++i) {
    if (backlog.push(note(i)).dropped) ++dropped;
    EXPECT_LE(backlog.size(), 4u);
  }
  EXPECT_EQ(dropped, 6);
  std::deque<Notification> batch;
  EXPECT_EQ(backlog.take(batch), 6u);
  ASSERT_EQ(batch.size(), 4u);
  for (int k = 0; k < 4; ++k)
    EXPECT_EQ(batch[k].data["i"], 6 + k);  // the newest are kept, in order
  batch.clear();
  EXPECT_EQ(backlog.take(batch), 0u);  // reported once
  EXPECT_TRUE(batch.empty());
}

TEST(PublishBacklog, ZeroCapacityKeepsOneAndClearForgetsEverything) {
  PublishBacklog backlog(0);
  EXPECT_EQ(backlog.capacity(), 1u);
  EXPECT_FALSE(backlog.push(note(0)).dropped);
  EXPECT_TRUE(backlog.push(note(1)).dropped);
  backlog.clear();
  EXPECT_EQ(backlog.size(), 0u);
  std::deque<Notification> batch;
  EXPECT_EQ(backlog.take(batch), 0u);
  EXPECT_TRUE(backlog.push(note(2)).post_drain);
}

TEST(PublishBacklog, NothingIsLostOrDuplicatedBetweenAPublisherThreadAndTheDrain) {
  PublishBacklog backlog(64);
  constexpr int total = 20'000;
  std::atomic<int> drains_posted{0}, dropped{0};
  std::thread publisher([&] {
    for (int i = 0; i < total; ++i) {
      const auto pushed = backlog.push(note(i));
      if (pushed.post_drain) drains_posted.fetch_add(1);
      if (pushed.dropped) dropped.fetch_add(1);
    }
  });
  // Every notification pushed is either taken by a drain or counted as dropped: drain until all are.
  std::deque<Notification> batch;
  std::uint64_t taken = 0, reported = 0;
  int last = -1;
  while (taken + reported < static_cast<std::uint64_t>(total)) {
    reported += backlog.take(batch);
    for (const Notification& n : batch) {
      const int i = n.data["i"].get<int>();
      EXPECT_GT(i, last);  // in order, never twice
      last = i;
    }
    taken += batch.size();
    batch.clear();
  }
  publisher.join();
  EXPECT_EQ(taken + reported, static_cast<std::uint64_t>(total));
  EXPECT_EQ(reported, static_cast<std::uint64_t>(dropped.load()));
  EXPECT_GE(drains_posted.load(), 1);
}

}  // namespace
}  // namespace aiopid::api::detail
