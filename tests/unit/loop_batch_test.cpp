// The ready queue's batches and what the loop keeps about them: a batch runs what was ready when it began,
// stop() ends it after the entry that called it, stats() counts resumptions exactly (callbacks, cancelled
// and retired entries are not resumptions) across the polls every kPollInterval entries, and no task is
// current while a callback runs, even right after a task that yielded in the same batch.
#include "sim_fixture.hpp"

namespace aiopi::testing {
namespace {

TEST_F(SimTest, StopFromATaskEndsTheBatchAfterThatTask) {
  std::string trace;
  auto worker = [&](char id, bool stops) -> Task<> {
    for (;;) {
      trace += id;
      if (stops) loop.stop();
      co_await yield_now();
    }
  };
  auto a = loop.create_task(worker('a', false));
  auto b = loop.create_task(worker('b', true));
  auto c = loop.create_task(worker('c', false));
  loop.run_forever();
  EXPECT_EQ(trace, "ab") << "c was ready in the same batch, after the stop";
  loop.run_forever();
  EXPECT_EQ(trace, "abcab") << "the next run goes on where the last one stopped";
  a.cancel();
  b.cancel();
  c.cancel();
}

TEST_F(SimTest, StopFromACallbackEndsTheBatchAfterIt) {
  std::string trace;
  auto worker = [&](char id) -> Task<> {
    for (;;) {
      trace += id;
      co_await yield_now();
    }
  };
  auto a = loop.create_task(worker('a'));
  (void)loop.call_soon([&] {
    trace += '!';
    loop.stop();
  });
  auto b = loop.create_task(worker('b'));
  loop.run_forever();
  EXPECT_EQ(trace, "a!");
  a.cancel();
  b.cancel();
}

TEST_F(SimTest, StatsCountResumptionsExactlyAcrossPolls) {
  constexpr int kYields = 100;  // over kPollInterval entries, so counts are folded at polls on the way
  static_assert(kYields > static_cast<int>(Loop::kPollInterval));
  const LoopStats before = loop.stats();
  auto yielder = []() -> Task<> {
    for (int i = 0; i < kYields; ++i)
      co_await yield_now();
  };
  auto never = []() -> Task<> { co_await sleep(1h); };
  int callbacks = 0;
  auto main_task = [&]() -> Task<> {
    auto y1 = create_task(yielder());
    auto y2 = create_task(yielder());
    auto cancelled =
        create_task(never());  // queued, then cancelled before its first step: unwound, not resumed
    cancelled.cancel();
    for (int i = 0; i < 3; ++i)
      (void)loop.call_soon([&] { ++callbacks; });
    co_await y1;
    co_await y2;
  };
  run(main_task());
  const LoopStats after = loop.stats();
  EXPECT_EQ(callbacks, 3);
  EXPECT_EQ(after.callbacks - before.callbacks, 3u);
  // Each yielder: its first step and one resumption per yield. main: its first step and one resumption per
  // await of a yielder that had not finished (y1 did not; y2 finished in the same batch as y1, so it had).
  const std::uint64_t resumes = after.resumes - before.resumes;
  EXPECT_EQ(resumes, 2u * (1 + kYields) + 2u);
  EXPECT_GE(after.io_polls - before.io_polls, resumes / Loop::kPollInterval);
  EXPECT_GT(after.batches, before.batches);
  EXPECT_LE(after.batches - before.batches, resumes + 3);
}

// The loop leaves current_ set after a task suspends (one store less per resumption) until something else
// runs: a callback queued right behind the task, in the same batch, must still see no current task.
void no_task_is_current_in_a_callback_right_after(Loop& loop, bool task_yields) {
  bool callback_ran = false;
  const TaskBase* seen = nullptr;
  TaskBase* in_task = nullptr;
  Event never_set;
  auto step = [&]() -> Task<> {
    in_task = loop.current_task();
    seen = in_task;
    if (task_yields) {
      co_await yield_now();
    } else {
      co_await never_set.wait();
    }
  };
  auto main_task = [&]() -> Task<> {
    auto t = create_task(step());
    (void)loop.call_soon([&] {  // queued behind t: the next batch is [t, this callback]
      callback_ran = true;
      seen = loop.current_task();
    });
    co_await sleep(1ms);
    t.cancel();
  };
  loop.run_until_complete(main_task());
  ASSERT_TRUE(callback_ran);
  EXPECT_NE(in_task, nullptr);
  EXPECT_EQ(seen, nullptr) << "the task that ran just before was still current in the callback";
  EXPECT_EQ(loop.current_task(), nullptr) << "and none once the loop has returned";
}

TEST_F(SimTest, NoTaskIsCurrentInACallbackRightAfterATaskYielded) {
  no_task_is_current_in_a_callback_right_after(loop, true);
}

TEST_F(SimTest, NoTaskIsCurrentInACallbackRightAfterATaskWaits) {
  no_task_is_current_in_a_callback_right_after(loop, false);
}

}  // namespace
}  // namespace aiopi::testing
