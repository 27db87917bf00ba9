// The frame allocator rule (issue #8, defect 7): a block has no header naming the allocator it came from, so
// it is returned to whichever allocator is installed when it is freed. Changing the allocator while blocks of
// the installed one are alive would hand a pool blocks it never owned (or give the default allocator a pool's
// block), so set_frame_allocator() refuses it with a usage error.
#include <cstdint>
#include <cstdlib>
#include <set>

#include "sim_fixture.hpp"

namespace aiopi::testing {
namespace {

/// A pool that remembers every block it handed out and counts blocks it is given back but never owned.
class TrackingPool final : public FrameAllocator {
 public:
  void* allocate(std::size_t size) noexcept override {
    void* p = std::malloc(size);
    owned_.insert(p);
    ++allocations;
    return p;
  }
  void deallocate(void* block, std::size_t) noexcept override {
    if (owned_.erase(block) == 0) {
      ++foreign_blocks;  // not ours: leak it rather than corrupt anything
      return;
    }
    std::free(block);
  }
  std::size_t in_use() const noexcept { return owned_.size(); }

  int allocations = 0;
  int foreign_blocks = 0;

 private:
  std::set<void*> owned_;
};

/// Restores the default allocator whatever a test leaves installed (only possible with nothing alive).
struct RestoreDefault {
  ~RestoreDefault() {
    if (outstanding_frames() == 0) set_frame_allocator(nullptr);
  }
};

Task<int> value_after(Duration d, int v) {
  co_await sleep(d);
  co_return v;
}

TEST_F(SimTest, FrameAllocatorOutstandingFramesCountsBlocksOfTheInstalledAllocator) {
  const std::size_t before = outstanding_frames();
  {
    Task<int> t = value_after(1ms, 1);
    EXPECT_EQ(outstanding_frames(), before + 1);
  }
  EXPECT_EQ(outstanding_frames(), before);
}

TEST_F(SimTest, FrameAllocatorInstallingAPoolWhileATaskIsAliveIsRefused) {
  RestoreDefault restore;
  TrackingPool pool;
  ASSERT_EQ(outstanding_frames(), 0u) << "an earlier test left frames alive";
  // A task of the default allocator is alive (its block is held by the handle) ...
  TaskHandle<int> h = loop.create_task(value_after(1ms, 7));
  EXPECT_EQ(outstanding_frames(), 1u);
  // ... so installing a pool now would later give the pool that block: refused.
  EXPECT_USAGE_ERROR(set_frame_allocator(&pool), "still in use");
  EXPECT_EQ(&frame_allocator(), &detail::default_frame_allocator());
  EXPECT_EQ(loop.run_until_complete([&]() -> Task<int> { co_return co_await h; }()), 7);
  h = {};
  EXPECT_EQ(outstanding_frames(), 0u);
  EXPECT_EQ(pool.foreign_blocks, 0);
}

TEST_F(SimTest, FrameAllocatorAPoolInstalledWithNothingAliveGetsBackExactlyItsOwnBlocks) {
  RestoreDefault restore;
  TrackingPool pool;
  ASSERT_EQ(outstanding_frames(), 0u) << "an earlier test left frames alive";
  set_frame_allocator(&pool);
  EXPECT_EQ(&frame_allocator(), &pool);
  {
    auto main_task = []() -> Task<int> {
      TaskHandle<int> a = create_task(value_after(2ms, 1));
      TaskHandle<int> b = create_task(value_after(1ms, 2));
      co_return co_await a + co_await b;
    };
    EXPECT_EQ(run(main_task()), 3);
  }
  EXPECT_GE(pool.allocations, 3);
  EXPECT_EQ(pool.in_use(), 0u);
  EXPECT_EQ(pool.foreign_blocks, 0);
  EXPECT_EQ(outstanding_frames(), 0u);
  set_frame_allocator(nullptr);
  EXPECT_EQ(&frame_allocator(), &detail::default_frame_allocator());
}

TEST_F(SimTest, FrameAllocatorRestoringTheDefaultWhilePoolBlocksAreAliveIsRefused) {
  RestoreDefault restore;
  TrackingPool pool;
  ASSERT_EQ(outstanding_frames(), 0u) << "an earlier test left frames alive";
  set_frame_allocator(&pool);
  {
    Task<int> pending = value_after(1ms, 1);  // a block of the pool
    EXPECT_EQ(pool.in_use(), 1u);
    EXPECT_USAGE_ERROR(set_frame_allocator(nullptr), "still in use");
    EXPECT_EQ(&frame_allocator(), &pool);
    // Installing the allocator already installed changes nothing and is allowed.
    set_frame_allocator(&pool);
  }
  EXPECT_EQ(pool.in_use(), 0u);
  EXPECT_EQ(pool.foreign_blocks, 0);
  set_frame_allocator(nullptr);
  EXPECT_EQ(&frame_allocator(), &detail::default_frame_allocator());
}

TEST_F(SimTest, FrameAllocatorInstallingTheDefaultAgainIsANoOpWhileTasksLive) {
  Task<int> pending = value_after(1ms, 1);
  EXPECT_GE(outstanding_frames(), 1u);
  set_frame_allocator(nullptr);
  set_frame_allocator(&detail::default_frame_allocator());
  EXPECT_EQ(&frame_allocator(), &detail::default_frame_allocator());
}

TEST_F(SimTest, FrameAllocatorDefaultStatsCountBlocksInBothBuilds) {
  // With AIOPI_MALLOC_FRAMES (sanitizer presets) every block is a malloc; the figures stay the same.
  const FrameAllocatorStats before = default_frame_allocator_stats();
  {
    Task<int> t = value_after(1ms, 1);
    const FrameAllocatorStats during = default_frame_allocator_stats();
    EXPECT_EQ(during.blocks_in_use, before.blocks_in_use + 1);
    EXPECT_GT(during.bytes_in_use, before.bytes_in_use);
    EXPECT_EQ((during.bytes_in_use - before.bytes_in_use) % 16, 0u);
  }
  const FrameAllocatorStats after = default_frame_allocator_stats();
  EXPECT_EQ(after.blocks_in_use, before.blocks_in_use);
  EXPECT_EQ(after.bytes_in_use, before.bytes_in_use);
}

}  // namespace
}  // namespace aiopi::testing
