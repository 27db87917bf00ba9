// What of the Linux GPIO backend can be tested without a GPIO chip (the kernel tests in tests/kernel/ do the
// rest under gpio-sim): the messages for missing chips, listing, the event clock conversion, and the HAL
// edge ring's count of edges lost upstream (which the backend uses for kernel FIFO overflows).
#include <gtest/gtest.h>

#include "aiopi/aiopi.hpp"
#include "aiopi/linux/gpio_chip.hpp"
#include "aiopi/linux/gpio_event_clock.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "temp_tree.hpp"

namespace aiopi::linux_io_testing {
namespace {

using hal::IoErrc;
using os_linux::GpioChip;
using os_linux::GpioChipListing;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(GpioEventClock, MonotonicStampsBecomeLoopMicroseconds) {
  constexpr std::int64_t mono_now = 5'000'000'000;              // 5 s of uptime
  constexpr std::int64_t real_now = 1'700'000'000'000'000'000;  // 2023
  EXPECT_EQ(os_linux::gpio_event_time_us(4'999'123'456, mono_now, real_now), 4'999'123);
  EXPECT_EQ(os_linux::gpio_event_time_us(0, mono_now, real_now), 0);
}

TEST(GpioEventClock, RealtimeStampsOfOldKernelsAreMovedOntoTheMonotonicClock) {
  constexpr std::int64_t mono_now = 5'000'000'000;
  constexpr std::int64_t real_now = 1'700'000'000'000'000'000;
  // An edge 1 ms ago on CLOCK_REALTIME (Linux < 5.7 stamped uAPI v1 events so).
  EXPECT_EQ(os_linux::gpio_event_time_us(real_now - 1'000'000, mono_now, real_now), 4'999'000);
}

TEST(GpioEventClock, TheLinuxLoopRunsOnTheMonotonicClockTheStampsUse) {
  os_linux::LinuxBackend backend;
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const std::int64_t before = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
  const std::int64_t loop_now = backend.now().time_since_epoch().count();
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const std::int64_t after = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
  EXPECT_LE(before, loop_now);
  EXPECT_LE(loop_now, after);
}

TEST(EdgeQueueLostEdges, CountInDroppedAndLeaveASeqGap) {
  hal::EdgeQueue q;
  q.push(hal::Edge::rising, 10);
  q.push_lost(1);
  q.push(hal::Edge::falling, 20);
  EXPECT_EQ(q.dropped(), 1u);
  auto a = q.try_pop();
  auto b = q.try_pop();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->seq, 1u);
  EXPECT_EQ(b->seq, 3u) << "the lost edge took seq 2";
  q.close();
  q.push_lost(5);
  EXPECT_EQ(q.dropped(), 1u) << "ignored once closed";
}

TEST(GpioListing, DescribesChipsAsAUserNamesThem) {
  GpioChipListing ok;
  ok.info = {"gpiochip0", "pinctrl-bcm2711", "/dev/gpiochip0", 58};
  EXPECT_EQ(os_linux::describe(ok), "gpiochip0 [pinctrl-bcm2711] (58 lines)");
  GpioChipListing denied;
  denied.info.name = "gpiochip1";
  denied.open_errno = EACCES;
  EXPECT_EQ(os_linux::describe(denied), "gpiochip1 (cannot open: permission denied)");
  EXPECT_EQ(os_linux::describe_chips({ok, denied}),
            "chips here: gpiochip0 [pinctrl-bcm2711] (58 lines), gpiochip1 (cannot open: permission denied)");
  EXPECT_TRUE(contains(os_linux::describe_chips({}), "no GPIO chips found (no gpiochip* in /dev"));
}

TEST(GpioLineNames, GpioNIsTheBcmNumberOnThePisHeaderChips) {
  EXPECT_EQ(os_linux::pi_bcm_gpio_offset("pinctrl-bcm2711", "GPIO2"), 2u) << "a Pi 4 names that line SDA1";
  EXPECT_EQ(os_linux::pi_bcm_gpio_offset("pinctrl-bcm2835", "gpio17"), 17u);
  EXPECT_EQ(os_linux::pi_bcm_gpio_offset("pinctrl-rp1", "GPIO27"), 27u);
  EXPECT_EQ(os_linux::pi_bcm_gpio_offset("aiopi-sim0", "GPIO2"), std::nullopt) << "only the Pi's chips";
  EXPECT_EQ(os_linux::pi_bcm_gpio_offset("pinctrl-bcm2711", "GPIO"), std::nullopt);
  EXPECT_EQ(os_linux::pi_bcm_gpio_offset("pinctrl-bcm2711", "GPIO_GCLK"), std::nullopt);
  EXPECT_EQ(os_linux::pi_bcm_gpio_offset("pinctrl-bcm2711", "SDA1"), std::nullopt);
}

TEST(GpioListing, TheBackendSaysWhichLibraryItIsBuiltOn) {
  EXPECT_EQ(os_linux::gpio_backend_name().rfind("libgpiod 1.", 0), 0u) << os_linux::gpio_backend_name();
}

class GpioNoChips : public ::testing::Test {
 protected:
  TempTree dev;  // stands in for /dev
};

TEST_F(GpioNoChips, ListingAnEmptyDevFindsNothing) {
  EXPECT_TRUE(os_linux::list_gpio_chips(dev.root()).empty());
}

TEST_F(GpioNoChips, AMissingChipByLabelSaysThereAreNone) {
  auto chip = GpioChip::open("pinctrl-bcm2711", dev.root());
  ASSERT_FALSE(chip.ok());
  EXPECT_EQ(chip.error().error.kind, IoErrc::not_found);
  EXPECT_EQ(
      chip.error().message.rfind(
          "GPIO chip 'pinctrl-bcm2711' not found; no GPIO chips found (no gpiochip* in " + dev.root(), 0),
      0u)
      << chip.error().message;
}

TEST_F(GpioNoChips, AMissingChipByNameOrNumberNamesThePathTried) {
  auto by_name = GpioChip::open("gpiochip4", dev.root());
  ASSERT_FALSE(by_name.ok());
  EXPECT_EQ(by_name.error().error.kind, IoErrc::not_found);
  EXPECT_TRUE(
      contains(by_name.error().message, "GPIO chip 'gpiochip4' not found (no " + dev.root() + "/gpiochip4)"))
      << by_name.error().message;
  auto by_number = GpioChip::open("4", dev.root());
  ASSERT_FALSE(by_number.ok());
  EXPECT_TRUE(
      contains(by_number.error().message, "GPIO chip '4' not found (no " + dev.root() + "/gpiochip4)"));
  auto by_path = GpioChip::open(dev.path("nothing"), dev.root());
  ASSERT_FALSE(by_path.ok());
  EXPECT_EQ(by_path.error().error.kind, IoErrc::not_found);
}

TEST_F(GpioNoChips, NothingNamedIsAUsageError) {
  auto chip = GpioChip::open("", dev.root());
  ASSERT_FALSE(chip.ok());
  EXPECT_EQ(chip.error().error.kind, IoErrc::invalid_argument);
}

TEST_F(GpioNoChips, AFileThatIsNotAGpioChipIsListedAsSuch) {
  dev.write("gpiochip0", "not a device\n");
  dev.write("gpiochip10", "not a device\n");
  dev.write("gpiochipX", "ignored: not gpiochip<number>\n");
  const auto chips = os_linux::list_gpio_chips(dev.root());
  ASSERT_EQ(chips.size(), 2u);
  EXPECT_EQ(chips[0].info.name, "gpiochip0");
  EXPECT_EQ(chips[1].info.name, "gpiochip10");
  EXPECT_EQ(os_linux::describe(chips[0]), "gpiochip0 (not a GPIO chip)");

  auto by_label = GpioChip::open("aiopi-sim0", dev.root());
  ASSERT_FALSE(by_label.ok());
  EXPECT_EQ(by_label.error().message,
            "GPIO chip 'aiopi-sim0' not found; chips here: gpiochip0 (not a GPIO chip), gpiochip10 (not a "
            "GPIO chip)");
  auto by_name = GpioChip::open("gpiochip0", dev.root());
  ASSERT_FALSE(by_name.ok());
  EXPECT_TRUE(contains(by_name.error().message, dev.root() + "/gpiochip0 is not a GPIO chip"))
      << by_name.error().message;
}

TEST_F(GpioNoChips, PermissionDeniedNamesTheGpioGroupAndTheUdevRule) {
  dev.write("gpiochip0", "");
  dev.chmod_file("gpiochip0", 0600);
  const std::string root = dev.root();
  auto attempt = [root](const char* which) {
    return [root, which] {
      auto chip = GpioChip::open(which, root);
      return chip.ok() ? std::string("opened")
                       : std::string(hal::to_string(chip.error().error.kind)) + ": " + chip.error().message;
    };
  };
  const std::string by_label = run_as_nobody(attempt("pinctrl-bcm2711"));
  if (by_label == "<child failed>") GTEST_SKIP() << "cannot run a child as nobody here";
  EXPECT_EQ(
      by_label.rfind("permission: GPIO chip 'pinctrl-bcm2711' not found: 1 of 1 chips could not be opened to "
                     "read their labels (permission denied); add the user to the 'gpio' group",
                     0),
      0u)
      << by_label;
  EXPECT_TRUE(contains(by_label, "KERNEL==\"gpiochip*\", GROUP=\"gpio\", MODE=\"0660\"")) << by_label;
  const std::string by_name = run_as_nobody(attempt("gpiochip0"));
  EXPECT_EQ(by_name.rfind("permission: GPIO chip 'gpiochip0': permission denied opening " + root +
                              "/gpiochip0; add "
                              "the user to the 'gpio' group",
                          0),
            0u)
      << by_name;
}

TEST(GpioOnThisMachine, TheRealDevIsListedWithoutFailing) {
  // Machines without GPIO (CI) list nothing; a Pi lists its chips. Either way nothing crashes or throws.
  const auto chips = os_linux::list_gpio_chips();
  for (const auto& c : chips)
    EXPECT_FALSE(os_linux::describe(c).empty());
}

}  // namespace
}  // namespace aiopi::linux_io_testing
