// The Linux GPIO backend (platform/linux, libgpiod 1.6, uAPI v1) against a real kernel: runs inside the qemu
// guest of tools/kernel-tests, where gpio-sim offers a chip labelled `aiopi-sim0` with 8 lines
// `sim0`..`sim7`. The far side is the simulator's sysfs: writing `pull-up` / `pull-down` to
// .../sim_gpioN/pull drives an input, .../sim_gpioN/value shows what an output drives. Every test leaves each
// line released and pulled down, as it found it (README.md).
//
// Kernel FIFO overflow, what a user sees (decided here, documented in gpio_line.hpp and docs/hardware.md):
// the v1 FIFO keeps the first 16 edges and drops later ones without a count; the backend counts a read that
// finds the FIFO full as one lost edge (dropped() + 1, a seq gap of one, kernel_overflows() + 1).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "../support/co_assert.hpp"
#include "aiopi/aiopi.hpp"
#include "aiopi/linux/gpio_chip.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "sysfs_attr.hpp"

namespace aiopi::kernel_testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using hal::Edge;
using hal::EdgeEvent;
using hal::EdgeMode;
using hal::IoErrc;
using hal::IoResult;
using os_linux::GpioChip;

constexpr const char* kLabel = "aiopi-sim0";
constexpr unsigned kLines = 8;
// Safety net only (nothing here measures time): one TCG CPU can be slow, but an edge that has not arrived
// after this long never will.
constexpr auto kEdgeLimit = 5s;

/// The simulator's sysfs directory of the chip labelled kLabel: the gpiochipN under
/// /sys/devices/platform/gpio-sim.*/ whose character device carries the label.
std::optional<fs::path> find_sim_chip_dir() {
  std::error_code ec;
  for (const auto& dev : fs::directory_iterator("/sys/devices/platform", ec)) {
    if (!dev.path().filename().string().starts_with("gpio-sim.")) continue;
    for (const auto& chip : fs::directory_iterator(dev.path(), ec)) {
      const std::string name = chip.path().filename().string();
      if (!name.starts_with("gpiochip")) continue;
      auto opened = GpioChip::open(name);
      if (opened && opened->info().label == kLabel) return chip.path();
    }
  }
  return std::nullopt;
}

class GpioKernel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sim_dir_ = find_sim_chip_dir(); }

  void SetUp() override {
    ASSERT_TRUE(sim_dir_.has_value())
        << "no gpio-sim chip labelled " << kLabel << " (run this program under tools/kernel-tests)";
    auto c = GpioChip::open(kLabel);
    ASSERT_TRUE(c.ok()) << c.error().message;
    chip = c.take();
    for (unsigned i = 0; i < kLines; ++i)
      ASSERT_TRUE(pull(i, false));
  }
  void TearDown() override {
    if (!sim_dir_) return;
    for (unsigned i = 0; i < kLines; ++i)
      pull(i, false);
  }

  fs::path line_dir(unsigned offset) const { return *sim_dir_ / ("sim_gpio" + std::to_string(offset)); }
  /// Drives input `offset` from the far side: pulled up (electrical 1) or down.
  bool pull(unsigned offset, bool up) {
    return write_attr(line_dir(offset) / "pull", up ? "pull-up" : "pull-down");
  }
  std::optional<std::string> pull_of(unsigned offset) const { return read_attr(line_dir(offset) / "pull"); }
  /// What the far side sees on the line ("0" / "1").
  std::optional<std::string> sim_value(unsigned offset) const {
    return read_attr(line_dir(offset) / "value");
  }
  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }

  static inline std::optional<fs::path> sim_dir_;
  os_linux::LinuxBackend backend;
  Loop loop{backend};
  std::unique_ptr<GpioChip> chip;
};

// ---- lookup ----------------------------------------------------------------------------------------------

TEST_F(GpioKernel, TheChipIsFoundByLabelNameAndPath) {
  EXPECT_EQ(chip->info().label, kLabel);
  EXPECT_EQ(chip->info().num_lines, kLines);
  EXPECT_EQ(chip->info().name, sim_dir_->filename().string());
  for (const std::string& other : {chip->info().name, chip->info().path}) {
    auto again = GpioChip::open(other);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->info().label, kLabel);
  }
  const auto chips = os_linux::list_gpio_chips();
  bool listed = false;
  for (const auto& c : chips)
    listed = listed || os_linux::describe(c) == chip->info().name + " [aiopi-sim0] (8 lines)";
  EXPECT_TRUE(listed) << os_linux::describe_chips(chips);
}

TEST_F(GpioKernel, LinesAreFoundByNameOrOffset) {
  auto lines = chip->lines();
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), kLines);
  for (unsigned i = 0; i < kLines; ++i) {
    EXPECT_EQ((*lines)[i].name, "sim" + std::to_string(i));
    EXPECT_FALSE((*lines)[i].used);
  }
  EXPECT_EQ(chip->find_line("sim3").offset, 3u);
  EXPECT_TRUE(chip->find_line("SIM3").found) << "a unique match without regard to case";
  EXPECT_EQ(chip->find_line("5").offset, 5u);
}

TEST_F(GpioKernel, AMissingChipListsTheChipsThatExist) {
  auto missing = GpioChip::open("pinctrl-bcm2711");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().error.kind, IoErrc::not_found);
  const std::string& m = missing.error().message;
  EXPECT_EQ(m.rfind("GPIO chip 'pinctrl-bcm2711' not found; chips here: ", 0), 0u) << m;
  EXPECT_NE(m.find(chip->info().name + " [aiopi-sim0] (8 lines)"), std::string::npos) << m;
}

TEST_F(GpioKernel, AMissingLineListsTheLineNames) {
  auto out = chip->request_output("GPIO17", {});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().error.kind, IoErrc::not_found);
  EXPECT_EQ(out.error().message,
            "GPIO line 'GPIO17' not found on " + chip->info().name +
                " [aiopi-sim0] (8 lines); line names there: sim0, sim1, sim2, sim3, sim4, "
                "sim5, sim6, sim7; or give an offset 0..7");
  auto beyond = chip->request_output("9", {});
  ASSERT_FALSE(beyond.ok());
  EXPECT_NE(beyond.error().message.find("offset 9 out of range"), std::string::npos)
      << beyond.error().message;
}

// ---- outputs and inputs ----------------------------------------------------------------------------------

TEST_F(GpioKernel, OutputLevelsAreWhatTheSimulatorSees) {
  auto out = chip->request_output("sim1", {.initial = true}, "aiopi-test");
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(sim_value(1), "1") << "the initial level is driven at once";
  ASSERT_TRUE(out->set(false).ok());
  EXPECT_EQ(sim_value(1), "0");
  ASSERT_TRUE(out->set(true).ok());
  EXPECT_EQ(sim_value(1), "1");
  EXPECT_TRUE(out->get().value_or(false));
  auto info = chip->line_info(1);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->used);
  EXPECT_TRUE(info->output);
  EXPECT_EQ(info->consumer, "aiopi-test");
  out->release();
  EXPECT_EQ(out->set(false).error().kind, IoErrc::closed);
  EXPECT_FALSE(chip->line_info(1)->used);
}

TEST_F(GpioKernel, AnActiveLowOutputInvertsTheElectricalLevel) {
  auto out = chip->request_output("sim2", {.initial = false, .active_low = true});
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(sim_value(2), "1") << "logical 0 of an active-low line is electrical 1";
  ASSERT_TRUE(out->set(true).ok());
  EXPECT_EQ(sim_value(2), "0");
}

TEST_F(GpioKernel, AnOpenDrainOutputIsRequestedAsSuchAndDrivesLow) {
  auto out = chip->request_output("sim2", {.initial = false, .drive = hal::Drive::open_drain});
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(chip->line_info(2)->drive, hal::Drive::open_drain);
  EXPECT_EQ(sim_value(2), "0");
  // High means "let go": gpiolib emulates that by making the line an input, which gpio-sim does not model
  // (its value keeps the last level driven), so only the request and the low level are checked here.
  EXPECT_TRUE(out->set(true).ok());
  EXPECT_TRUE(out->set(false).ok());
  EXPECT_EQ(sim_value(2), "0");
}

TEST_F(GpioKernel, InputValuesFollowTheSimulator) {
  auto in = chip->request_input(loop, "sim3", {});
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_FALSE(in->value().value_or(true));
  ASSERT_TRUE(pull(3, true));
  EXPECT_TRUE(in->value().value_or(false));
  ASSERT_TRUE(pull(3, false));
  EXPECT_FALSE(in->value().value_or(true));
  EXPECT_EQ(in->next_edge_nowait(), std::nullopt);
}

TEST_F(GpioKernel, AnActiveLowInputReadsTheInverse) {
  auto in = chip->request_input(loop, "sim3", {.active_low = true});
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_TRUE(in->value().value_or(false)) << "pulled down, active low: active";
  ASSERT_TRUE(pull(3, true));
  EXPECT_FALSE(in->value().value_or(true));
  EXPECT_TRUE(chip->line_info(3)->active_low);
}

TEST_F(GpioKernel, BiasAskedForIsAppliedToTheLine) {
  {
    auto in = chip->request_input(loop, "sim5", {.bias = hal::Bias::pull_up});
    ASSERT_TRUE(in.ok()) << in.error().message;
    EXPECT_TRUE(in->value().value_or(false)) << "the pull-up asked for lifts the line";
    EXPECT_EQ(pull_of(5), "pull-up") << "the simulator sees the bias";
    EXPECT_EQ(chip->line_info(5)->bias, hal::Bias::pull_up);
  }
  {
    auto in = chip->request_input(loop, "sim5", {.bias = hal::Bias::pull_down});
    ASSERT_TRUE(in.ok()) << in.error().message;
    EXPECT_FALSE(in->value().value_or(true));
    EXPECT_EQ(pull_of(5), "pull-down");
    EXPECT_EQ(chip->line_info(5)->bias, hal::Bias::pull_down);
  }
}

// ---- edges -----------------------------------------------------------------------------------------------

TEST_F(GpioKernel, EdgesOfEachModeWithKernelTimestampsAndSeq) {
  struct Case {
    EdgeMode mode;
    const char* name;
  };
  for (const Case c :
       {Case{EdgeMode::rising, "rising"}, Case{EdgeMode::falling, "falling"}, Case{EdgeMode::both, "both"}}) {
    SCOPED_TRACE(c.name);
    auto in = chip->request_input(loop, "sim4", {.edges = c.mode}, "aiopi-test");
    ASSERT_TRUE(in.ok()) << in.error().message;
    std::vector<EdgeEvent> got;
    std::vector<Edge> expected;
    auto body = [&]() -> Task<> {
      bool level = false;
      for (int i = 0; i < 4; ++i) {
        level = !level;
        const Edge edge = level ? Edge::rising : Edge::falling;
        const std::int64_t before = now_us();
        CO_ASSERT(pull(4, level));
        if (!hal::detects(c.mode, edge)) continue;
        expected.push_back(edge);
        auto e = co_await wait_for(in->next_edge(), kEdgeLimit);
        CO_ASSERT(!e.timed_out());
        CO_ASSERT(e->ok());
        const std::int64_t after = now_us();
        EXPECT_GE((*e)->timestamp_us, before) << "the kernel stamped the edge after the pull was written";
        EXPECT_LE((*e)->timestamp_us, after) << "and before the reader woke";
        got.push_back(**e);
      }
    };
    loop.run_until_complete(body());
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].edge, expected[i]) << i;
      EXPECT_EQ(got[i].seq, i + 1) << "seq numbers every edge from 1";
      if (i > 0) {
        EXPECT_GE(got[i].timestamp_us, got[i - 1].timestamp_us) << "monotonic";
      }
    }
    EXPECT_EQ(in->dropped(), 0u);
    EXPECT_EQ(in->kernel_overflows(), 0u);
    EXPECT_EQ(in->pending_edges(), 0u) << "no edge the mode does not detect";
    in->release();
    ASSERT_TRUE(pull(4, false));
  }
}

TEST_F(GpioKernel, ActiveLowEdgesAreLogical) {
  auto in = chip->request_input(loop, "sim4", {.edges = EdgeMode::both, .active_low = true});
  ASSERT_TRUE(in.ok()) << in.error().message;
  std::vector<Edge> got;
  auto body = [&]() -> Task<> {
    for (bool level : {true, false}) {
      CO_ASSERT(pull(4, level));
      auto e = co_await wait_for(in->next_edge(), kEdgeLimit);
      CO_ASSERT(!e.timed_out() && e->ok());
      got.push_back((*e)->edge);
    }
  };
  loop.run_until_complete(body());
  EXPECT_EQ(got, (std::vector<Edge>{Edge::falling, Edge::rising})) << "electrical up is logical down";
}

TEST_F(GpioKernel, MoreThan16UnreadEdgesAreCountedNotSilent) {
  auto in = chip->request_input(loop, "sim6", {.edges = EdgeMode::both});
  ASSERT_TRUE(in.ok()) << in.error().message;
  // 20 edges while nobody reads: the loop is not running, so nothing drains the kernel's FIFO (16 events).
  bool level = false;
  for (int i = 0; i < 20; ++i) {
    level = !level;
    ASSERT_TRUE(pull(6, level));
  }
  std::vector<EdgeEvent> got;
  std::optional<EdgeEvent> after;
  auto body = [&]() -> Task<> {
    auto first = co_await wait_for(in->next_edge(), kEdgeLimit);  // one wake-up drains the whole FIFO
    CO_ASSERT(!first.timed_out() && first->ok());
    got.push_back(**first);
    while (auto e = in->next_edge_nowait())
      got.push_back(*e);
    // The line carries on: the next edge arrives, numbered after the gap.
    level = !level;
    CO_ASSERT(pull(6, level));
    auto next = co_await wait_for(in->next_edge(), kEdgeLimit);
    CO_ASSERT(!next.timed_out() && next->ok());
    after = **next;
  };
  loop.run_until_complete(body());
  ASSERT_EQ(got.size(), 16u) << "the kernel kept the first 16";
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_EQ(got[i].seq, i + 1);
  EXPECT_EQ(got.front().edge, Edge::rising);
  EXPECT_EQ(in->kernel_overflows(), 1u);
  EXPECT_EQ(in->dropped(), 1u) << "one lost edge counted for the full FIFO (at least one was lost)";
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->seq, 18u) << "seq skips the number of the lost edge";
  EXPECT_EQ(after->edge, level ? Edge::rising : Edge::falling);
}

// ---- misuse ----------------------------------------------------------------------------------------------

TEST_F(GpioKernel, TwoRequestsForOneLineTheSecondIsBusyAndSaysByWhom) {
  auto first = chip->request_output("sim7", {}, "first-owner");
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = chip->request_input(loop, "sim7", {}, "second");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().error.kind, IoErrc::busy);
  EXPECT_EQ(second.error().error.sys_errno, EBUSY);
  EXPECT_NE(second.error().message.find("GPIO line 'sim7' (offset 7 of " + chip->info().name +
                                        " [aiopi-sim0]) is in use by 'first-owner'"),
            std::string::npos)
      << second.error().message;
  // Through another open of the chip the kernel itself refuses.
  auto other = GpioChip::open(kLabel);
  ASSERT_TRUE(other.ok());
  auto third = other->request_input(loop, "sim7", {.edges = EdgeMode::both}, "third");
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().error.kind, IoErrc::busy);
  EXPECT_NE(third.error().message.find("is in use by 'first-owner'"), std::string::npos)
      << third.error().message;
  first->release();
  auto now_free = other->request_input(loop, "sim7", {}, "third");
  EXPECT_TRUE(now_free.ok()) << now_free.error().message;
}

TEST_F(GpioKernel, ALineReleasedWhileATaskWaitsEndsTheWaitWithClosed) {
  auto in = chip->request_input(loop, "sim0", {.edges = EdgeMode::both});
  ASSERT_TRUE(in.ok()) << in.error().message;
  std::optional<IoResult<EdgeEvent>> waited;
  auto waiter = [&]() -> Task<> {
    auto r = co_await wait_for(in->next_edge(), 10s);
    CO_ASSERT(!r.timed_out());
    waited = *r;
  };
  auto body = [&]() -> Task<> {
    auto w = create_task(waiter(), "waiter");
    co_await sleep(1ms);  // the waiter is suspended in next_edge
    in->release();
    co_await w;
  };
  loop.run_until_complete(body());
  ASSERT_TRUE(waited.has_value());
  ASSERT_FALSE(waited->ok());
  EXPECT_EQ(waited->error().kind, IoErrc::closed);
  EXPECT_EQ(in->value().error().kind, IoErrc::closed);
  EXPECT_EQ(backend.watches(), 0) << "the event fd left the loop's epoll";
  auto again = chip->request_input(loop, "sim0", {.edges = EdgeMode::both});
  EXPECT_TRUE(again.ok()) << "released means free: " << again.error().message;
}

TEST_F(GpioKernel, EdgesQueuedBeforeTheReleaseAreStillDelivered) {
  auto in = chip->request_input(loop, "sim0", {.edges = EdgeMode::rising});
  ASSERT_TRUE(in.ok()) << in.error().message;
  std::vector<IoErrc> kinds;
  auto body = [&]() -> Task<> {
    CO_ASSERT(pull(0, true));
    auto e = co_await wait_for(in->next_edge(), kEdgeLimit);  // drained into the ring
    CO_ASSERT(!e.timed_out());
    kinds.push_back(e->error().kind);
    CO_ASSERT(pull(0, false));
    CO_ASSERT(pull(0, true));
    // The second rising edge reaches the ring at one of the loop's next polls.
    for (int i = 0; i < 5000 && in->pending_edges() == 0; ++i)
      co_await sleep(1ms);
    CO_ASSERT(in->pending_edges() == 1);
    in->release();
    auto queued = co_await in->next_edge();
    kinds.push_back(queued.error().kind);
    auto end = co_await in->next_edge();
    kinds.push_back(end.error().kind);
  };
  loop.run_until_complete(body());
  EXPECT_EQ(kinds, (std::vector<IoErrc>{IoErrc::ok, IoErrc::ok, IoErrc::closed}))
      << "an edge queued before the release is delivered, then closed";
}

}  // namespace
}  // namespace aiopi::kernel_testing
