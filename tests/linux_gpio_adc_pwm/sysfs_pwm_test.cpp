// The sysfs PWM backend against a stand-in sysfs tree: lookup, export, what is written where, the HAL's
// rules checked before writing, polarity, and the messages a user sees when something is missing.
#include <gtest/gtest.h>

#include "aiopi/linux/sysfs_pwm.hpp"
#include "temp_tree.hpp"

namespace aiopi::linux_io_testing {
namespace {

using namespace std::chrono_literals;
using hal::IoErrc;
using os_linux::SysfsPwm;
using os_linux::SysfsPwmOptions;

class SysfsPwmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(tree.root().empty());
    // pwmchip0: two channels of a Pi 5-like device, channel 0 already exported. pwmchip3: one channel.
    tree.mkdir("devices/platform/axi/1f00098000.pwm");
    tree.write("class/pwm/pwmchip0/npwm", "2\n");
    tree.write("class/pwm/pwmchip0/export", "");
    tree.write("class/pwm/pwmchip0/unexport", "");
    tree.symlink("../../../devices/platform/axi/1f00098000.pwm", "class/pwm/pwmchip0/device");
    tree.write("class/pwm/pwmchip0/pwm0/period", "0\n");
    tree.write("class/pwm/pwmchip0/pwm0/duty_cycle", "0\n");
    tree.write("class/pwm/pwmchip0/pwm0/enable", "0\n");
    tree.write("class/pwm/pwmchip0/pwm0/polarity", "normal\n");
    tree.write("class/pwm/pwmchip3/npwm", "1\n");
    tree.write("class/pwm/pwmchip3/export", "");
  }
  SysfsPwmOptions opts() const { return SysfsPwmOptions{.sysfs_root = tree.root(), .export_wait = 0ms}; }
  std::string attr(const char* name) const {
    return tree.read(std::string("class/pwm/pwmchip0/pwm0/") + name);
  }

  TempTree tree;
};

TEST_F(SysfsPwmTest, FindsAChipByNameNumberOrDevice) {
  for (const char* which : {"pwmchip0", "0", "1f00098000.pwm"}) {
    SCOPED_TRACE(which);
    auto pwm = SysfsPwm::open(which, 0, opts());
    ASSERT_TRUE(pwm.ok()) << pwm.error().message;
    EXPECT_EQ(pwm->description(), "channel 0 of pwmchip0 (device 1f00098000.pwm)");
    EXPECT_FALSE(pwm->exported_by_open()) << "pwm0/ was there already";
  }
}

TEST_F(SysfsPwmTest, ListsChipsWithChannelsAndDevice) {
  const auto chips = os_linux::list_pwm_chips(tree.root());
  ASSERT_EQ(chips.size(), 2u);
  EXPECT_EQ(os_linux::describe(chips[0]), "pwmchip0 (2 channels, device 1f00098000.pwm)");
  EXPECT_EQ(os_linux::describe(chips[1]), "pwmchip3 (1 channel)");
}

TEST_F(SysfsPwmTest, ReadsTheChannelsStateWhenOpened) {
  tree.write("class/pwm/pwmchip0/pwm0/period", "20000000\n");
  tree.write("class/pwm/pwmchip0/pwm0/duty_cycle", "1500000\n");
  tree.write("class/pwm/pwmchip0/pwm0/enable", "1\n");
  tree.write("class/pwm/pwmchip0/pwm0/polarity", "inversed\n");
  auto pwm = SysfsPwm::open("pwmchip0", 0, opts());
  ASSERT_TRUE(pwm.ok()) << pwm.error().message;
  EXPECT_EQ(pwm->period_ns(), 20'000'000u);
  EXPECT_EQ(pwm->duty_ns(), 1'500'000u);
  EXPECT_TRUE(pwm->enabled());
  EXPECT_TRUE(pwm->has_polarity());
  EXPECT_TRUE(pwm->inversed());
}

TEST_F(SysfsPwmTest, WritesPeriodDutyAndEnable) {
  auto pwm = SysfsPwm::open("pwmchip0", 0, opts());
  ASSERT_TRUE(pwm.ok());
  ASSERT_TRUE(pwm->set_freq(1000).ok());
  ASSERT_TRUE(pwm->set_duty_u16(32768).ok());
  ASSERT_TRUE(pwm->enable(true).ok());
  EXPECT_EQ(attr("period"), "1000000");
  EXPECT_EQ(attr("duty_cycle"), "500007");
  EXPECT_EQ(attr("enable"), "1");
  EXPECT_EQ(pwm->period_ns(), 1'000'000u);
  EXPECT_EQ(pwm->duty_ns(), 500'007u);
  EXPECT_TRUE(pwm->enabled());
  ASSERT_TRUE(pwm->enable(false).ok());
  EXPECT_EQ(attr("enable"), "0");
}

TEST_F(SysfsPwmTest, TheHalRulesAreCheckedBeforeAnythingIsWritten) {
  auto pwm = SysfsPwm::open("pwmchip0", 0, opts());
  ASSERT_TRUE(pwm.ok());
  EXPECT_EQ(pwm->enable(true).error().kind, IoErrc::invalid_argument) << "no period yet";
  EXPECT_EQ(pwm->set_period_ns(0).error().kind, IoErrc::invalid_argument);
  ASSERT_TRUE(pwm->set_period_ns(1000).ok());
  EXPECT_EQ(pwm->set_duty_ns(1001).error().kind, IoErrc::invalid_argument);
  EXPECT_EQ(attr("duty_cycle"), "0\n") << "a refused duty is not written";
  ASSERT_TRUE(pwm->set_duty_ns(800).ok());
  EXPECT_EQ(pwm->set_period_ns(500).error().kind, IoErrc::invalid_argument) << "lower the duty first";
  EXPECT_EQ(attr("period"), "1000");
  EXPECT_EQ(pwm->period_ns(), 1000u);
  ASSERT_TRUE(pwm->set_freq(2'000'000).ok()) << "set_freq lowers the duty before the period";
  EXPECT_EQ(pwm->period_ns(), 500u);
  EXPECT_EQ(pwm->duty_ns(), 400u);
}

TEST_F(SysfsPwmTest, PolarityOnlyWhileDisabledAndOnlyWhereTheDriverHasIt) {
  auto pwm = SysfsPwm::open("pwmchip0", 0, opts());
  ASSERT_TRUE(pwm.ok());
  ASSERT_TRUE(pwm->set_inversed(true).ok());
  EXPECT_EQ(attr("polarity"), "inversed");
  EXPECT_TRUE(pwm->inversed());
  ASSERT_TRUE(pwm->set_period_ns(1000).ok());
  ASSERT_TRUE(pwm->enable(true).ok());
  EXPECT_EQ(pwm->set_inversed(false).error().kind, IoErrc::invalid_argument);

  tree.write("class/pwm/pwmchip3/pwm0/period", "0\n");
  tree.write("class/pwm/pwmchip3/pwm0/duty_cycle", "0\n");
  tree.write("class/pwm/pwmchip3/pwm0/enable", "0\n");
  auto plain = SysfsPwm::open("pwmchip3", 0, opts());
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_FALSE(plain->has_polarity());
  EXPECT_EQ(plain->set_inversed(true).error().kind, IoErrc::unsupported);
}

TEST_F(SysfsPwmTest, AnUnexportedChannelIsExportedAndWaitedFor) {
  auto pwm = SysfsPwm::open("pwmchip0", 1, opts());  // no pwm1/ here, and no kernel to make it
  ASSERT_FALSE(pwm.ok());
  EXPECT_EQ(tree.read("class/pwm/pwmchip0/export"), "1") << "the channel number was written to export";
  EXPECT_EQ(pwm.error().error.kind, IoErrc::not_found);
  EXPECT_NE(pwm.error().message.find("pwm1 did not appear after exporting the channel"), std::string::npos)
      << pwm.error().message;
}

TEST_F(SysfsPwmTest, UnexportDisablesAndHandsTheChannelBack) {
  auto pwm = SysfsPwm::open("pwmchip0", 0, opts());
  ASSERT_TRUE(pwm.ok());
  ASSERT_TRUE(pwm->set_period_ns(1000).ok());
  ASSERT_TRUE(pwm->enable(true).ok());
  ASSERT_TRUE(pwm->unexport().ok());
  EXPECT_EQ(attr("enable"), "0");
  EXPECT_EQ(tree.read("class/pwm/pwmchip0/unexport"), "0");
  EXPECT_EQ(pwm->set_duty_ns(10).error().kind, IoErrc::closed);
  EXPECT_EQ(pwm->enable(true).error().kind, IoErrc::closed);
}

TEST_F(SysfsPwmTest, AMissingChipNamesWhatWasAskedAndListsWhatExists) {
  auto pwm = SysfsPwm::open("pwmchip2", 0, opts());
  ASSERT_FALSE(pwm.ok());
  EXPECT_EQ(pwm.error().error.kind, IoErrc::not_found);
  EXPECT_EQ(pwm.error().message,
            "PWM chip 'pwmchip2' not found; PWM chips here: pwmchip0 (2 channels, device 1f00098000.pwm), "
            "pwmchip3 (1 channel)");
}

TEST_F(SysfsPwmTest, NoChipsAtAllPointsAtTheOverlay) {
  TempTree empty;
  auto pwm = SysfsPwm::open("pwmchip0", 0, SysfsPwmOptions{.sysfs_root = empty.root(), .export_wait = 0ms});
  ASSERT_FALSE(pwm.ok());
  EXPECT_NE(pwm.error().message.find("PWM chip 'pwmchip0' not found; no PWM chips found"), std::string::npos)
      << pwm.error().message;
  EXPECT_NE(pwm.error().message.find("dtoverlay=pwm-2chan"), std::string::npos);
}

TEST_F(SysfsPwmTest, AMissingChannelSaysHowManyThereAre) {
  auto pwm = SysfsPwm::open("pwmchip0", 2, opts());
  ASSERT_FALSE(pwm.ok());
  EXPECT_EQ(pwm.error().error.kind, IoErrc::not_found);
  EXPECT_EQ(pwm.error().message,
            "PWM channel 2 of pwmchip0 (device 1f00098000.pwm) not found: pwmchip0 (2 channels, device "
            "1f00098000.pwm), channels 0..1");
}

TEST_F(SysfsPwmTest, PermissionDeniedOnExportNamesTheGpioGroup) {
  tree.chmod_file("class/pwm/pwmchip0/export", 0600);
  const std::string root = tree.root();
  const std::string got = run_as_nobody([&] {
    auto pwm = SysfsPwm::open("pwmchip0", 1, SysfsPwmOptions{.sysfs_root = root, .export_wait = 0ms});
    return pwm.ok() ? std::string("opened")
                    : std::string(hal::to_string(pwm.error().error.kind)) + ": " + pwm.error().message;
  });
  if (got == "<child failed>") GTEST_SKIP() << "cannot run a child as nobody here";
  EXPECT_EQ(
      got.rfind("permission: PWM channel 1 of pwmchip0 (device 1f00098000.pwm): permission denied writing ",
                0),
      0u)
      << got;
  EXPECT_NE(got.find("'gpio' group"), std::string::npos) << got;
}

TEST_F(SysfsPwmTest, ChannelFilesStillRootsAfterTheWaitAreAPermissionError) {
  // udev has not (yet) given the exported channel's files to the group: reading works, writing does not.
  for (const char* f : {"period", "duty_cycle", "enable", "polarity"})
    tree.chmod_file(std::string("class/pwm/pwmchip0/pwm0/") + f, 0644);
  const std::string root = tree.root();
  const std::string got = run_as_nobody([&] {
    auto pwm = SysfsPwm::open("pwmchip0", 0, SysfsPwmOptions{.sysfs_root = root, .export_wait = 20ms});
    return pwm.ok() ? std::string("opened")
                    : std::string(hal::to_string(pwm.error().error.kind)) + ": " + pwm.error().message;
  });
  if (got == "<child failed>") GTEST_SKIP() << "cannot run a child as nobody here";
  EXPECT_EQ(got.rfind("permission: PWM channel 0 of pwmchip0", 0), 0u) << got;
}

}  // namespace
}  // namespace aiopi::linux_io_testing
