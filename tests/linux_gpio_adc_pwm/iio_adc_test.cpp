// The IIO sysfs ADC backend against a stand-in sysfs tree: lookup by name and number, scaling by the
// converter's resolution and scale, and the messages a user sees when something is missing.
#include <gtest/gtest.h>

#include <cmath>

#include "aiopi/linux/iio_adc.hpp"
#include "temp_tree.hpp"

namespace aiopi::linux_io_testing {
namespace {

using hal::IoErrc;
using os_linux::IioAdc;
using os_linux::IioAdcOptions;

class IioAdcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(tree.root().empty());
    // An ads1015-like 12-bit signed converter with a shared scale, and an unsigned 10-bit one with
    // per-channel scales.
    tree.write("bus/iio/devices/iio:device0/name", "ads1015\n");
    tree.write("bus/iio/devices/iio:device0/in_voltage0_raw", "1000\n");
    tree.write("bus/iio/devices/iio:device0/in_voltage1_raw", "-5\n");
    tree.write("bus/iio/devices/iio:device0/in_voltage_scale", "3.000000000\n");
    tree.write("bus/iio/devices/iio:device0/scan_elements/in_voltage0_type", "le:s12/16>>4\n");
    tree.write("bus/iio/devices/iio:device0/scan_elements/in_voltage1_type", "le:s12/16>>4\n");
    tree.write("bus/iio/devices/iio:device2/name", "mcp3004\n");
    tree.write("bus/iio/devices/iio:device2/in_voltage3_raw", "1023\n");
    tree.write("bus/iio/devices/iio:device2/in_voltage3_scale", "3.222656250\n");
    tree.write("bus/iio/devices/iio:device2/scan_elements/in_voltage3_type", "be:u10/16>>0\n");
  }
  IioAdcOptions opts() const { return IioAdcOptions{.sysfs_root = tree.root(), .bits = 0}; }

  TempTree tree;
};

TEST_F(IioAdcTest, FindsADeviceByNameNumberOrIioDeviceN) {
  for (const char* which : {"ads1015", "0", "iio:device0"}) {
    SCOPED_TRACE(which);
    auto adc = IioAdc::open(which, 0, opts());
    ASSERT_TRUE(adc.ok()) << adc.error().message;
    EXPECT_EQ(adc->description(), "channel 0 of iio:device0 [ads1015]");
    EXPECT_EQ(adc->bits(), 12u);
    EXPECT_TRUE(adc->is_signed());
  }
  auto other = IioAdc::open("mcp3004", 3, opts());
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_EQ(other->description(), "channel 3 of iio:device2 [mcp3004]");
}

TEST_F(IioAdcTest, ListsDevicesInNumberOrderWithTheirVoltageChannels) {
  tree.write("bus/iio/devices/iio:device10/name", "later\n");
  const auto devices = os_linux::list_iio_devices(tree.root());
  ASSERT_EQ(devices.size(), 3u);
  EXPECT_EQ(devices[0].index, 0u);
  EXPECT_EQ(devices[1].index, 2u);
  EXPECT_EQ(devices[2].index, 10u) << "numeric order, not iio:device10 before iio:device2";
  EXPECT_EQ(os_linux::describe(devices[0]), "iio:device0 [ads1015] (voltage channels 0, 1)");
  EXPECT_EQ(os_linux::describe(devices[1]), "iio:device2 [mcp3004] (voltage channel 3)");
  EXPECT_EQ(os_linux::describe(devices[2]), "iio:device10 [later] (no voltage channels)");
}

TEST_F(IioAdcTest, ReadU16ScalesByTheResolution) {
  auto adc = IioAdc::open("mcp3004", 3, opts());  // unsigned 10 bits
  ASSERT_TRUE(adc.ok()) << adc.error().message;
  EXPECT_EQ(adc->read_u16().value_or(0), 65535) << "full scale 1023 reads as 65535";
  tree.write("bus/iio/devices/iio:device2/in_voltage3_raw", "512\n");
  EXPECT_EQ(adc->read_u16().value_or(0), hal::AdcChannel::scale_to_u16(512, 10))
      << "every read converts anew";
  tree.write("bus/iio/devices/iio:device2/in_voltage3_raw", "0\n");
  EXPECT_EQ(adc->read_u16().value_or(1), 0);
}

TEST_F(IioAdcTest, ASignedConverterScalesItsPositiveRangeAndReadsNegativeAsZero) {
  auto adc = IioAdc::open("ads1015", 0, opts());  // s12: 0..2047 positive
  ASSERT_TRUE(adc.ok());
  tree.write("bus/iio/devices/iio:device0/in_voltage0_raw", "2047\n");
  EXPECT_EQ(adc->read_u16().value_or(0), 65535);
  auto neg = IioAdc::open("ads1015", 1, opts());
  ASSERT_TRUE(neg.ok());
  EXPECT_EQ(neg->read_u16().value_or(1), 0);
  EXPECT_EQ(neg->read_raw().value_or(0), -5) << "read_raw keeps the sign";
  EXPECT_NEAR(neg->read_millivolts().value_or(0), -15.0, 1e-9);
}

TEST_F(IioAdcTest, VoltsFromTheScale) {
  auto adc = IioAdc::open("ads1015", 0, opts());  // shared scale 3 mV per count
  ASSERT_TRUE(adc.ok());
  ASSERT_TRUE(adc->scale_mv().has_value());
  EXPECT_DOUBLE_EQ(*adc->scale_mv(), 3.0);
  EXPECT_NEAR(adc->read_millivolts().value_or(0), 3000.0, 1e-9);
  auto v = adc->read_volts();
  ASSERT_TRUE(v.ok()) << v.error().what;
  EXPECT_NEAR(*v, 3.0f, 0.003f) << "1000 counts of 3 mV, through read_u16 and volts_per_count";

  auto per_channel = IioAdc::open("mcp3004", 3, opts());
  ASSERT_TRUE(per_channel.ok());
  EXPECT_DOUBLE_EQ(per_channel->scale_mv().value_or(0), 3.22265625);
  EXPECT_NEAR(per_channel->read_volts().value_or(0), 3.29678f, 0.0005f) << "1023 * 3300/1024 mV";
}

TEST_F(IioAdcTest, AChannelScaleWinsOverTheSharedOne) {
  tree.write("bus/iio/devices/iio:device0/in_voltage0_scale", "0.5\n");
  auto adc = IioAdc::open("ads1015", 0, opts());
  ASSERT_TRUE(adc.ok());
  EXPECT_DOUBLE_EQ(adc->scale_mv().value_or(0), 0.5);
}

TEST_F(IioAdcTest, AnOffsetLeavesVoltsPerCountUnknownButMillivoltsExact) {
  tree.write("bus/iio/devices/iio:device2/in_voltage3_offset", "-100\n");
  auto adc = IioAdc::open("mcp3004", 3, opts());
  ASSERT_TRUE(adc.ok());
  EXPECT_FALSE(adc->volts_per_count().has_value());
  EXPECT_EQ(adc->read_volts().error().kind, IoErrc::unsupported);
  EXPECT_NEAR(adc->read_millivolts().value_or(0), (1023 - 100) * 3.22265625, 1e-9);
}

TEST_F(IioAdcTest, NoScaleMeansNoVolts) {
  tree.write("bus/iio/devices/iio:device4/name", "bare\n");
  tree.write("bus/iio/devices/iio:device4/in_voltage0_raw", "7\n");
  auto adc = IioAdc::open("bare", 0, IioAdcOptions{.sysfs_root = tree.root(), .bits = 8});
  ASSERT_TRUE(adc.ok()) << adc.error().message;
  EXPECT_FALSE(adc->volts_per_count().has_value());
  EXPECT_EQ(adc->read_millivolts().error().kind, IoErrc::unsupported);
  EXPECT_EQ(adc->read_u16().value_or(0), hal::AdcChannel::scale_to_u16(7, 8));
}

TEST_F(IioAdcTest, ResolutionUnknownWithoutScanElementsUnlessGiven) {
  tree.write("bus/iio/devices/iio:device4/name", "bare\n");
  tree.write("bus/iio/devices/iio:device4/in_voltage0_raw", "7\n");
  auto unknown = IioAdc::open("bare", 0, opts());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().error.kind, IoErrc::invalid_argument);
  EXPECT_NE(unknown.error().message.find("resolution is unknown"), std::string::npos)
      << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("IioAdcOptions::bits"), std::string::npos);
}

TEST_F(IioAdcTest, ConvertersWiderThan16BitsKeepTheirTopBits) {
  tree.write("bus/iio/devices/iio:device5/name", "ads1256\n");
  tree.write("bus/iio/devices/iio:device5/in_voltage0_raw", "8388607\n");  // 2^23 - 1
  tree.write("bus/iio/devices/iio:device5/scan_elements/in_voltage0_type", "be:s24/32>>8\n");
  auto adc = IioAdc::open("ads1256", 0, opts());
  ASSERT_TRUE(adc.ok());
  EXPECT_EQ(adc->read_u16().value_or(0), 65535);
  tree.write("bus/iio/devices/iio:device5/in_voltage0_raw", "4194304\n");  // half
  EXPECT_EQ(adc->read_u16().value_or(0), 32768);
}

TEST_F(IioAdcTest, AMissingDeviceNamesWhatWasAskedAndListsWhatExists) {
  auto adc = IioAdc::open("mcp3008", 0, opts());
  ASSERT_FALSE(adc.ok());
  EXPECT_EQ(adc.error().error.kind, IoErrc::not_found);
  EXPECT_EQ(
      adc.error().message,
      "IIO device 'mcp3008' not found; IIO devices here: iio:device0 [ads1015] (voltage channels 0, 1), "
      "iio:device2 [mcp3004] (voltage channel 3)");
  auto by_number = IioAdc::open("7", 0, opts());
  ASSERT_FALSE(by_number.ok());
  EXPECT_NE(by_number.error().message.find("IIO device '7' not found"), std::string::npos);
}

TEST_F(IioAdcTest, NoDevicesAtAllSaysSoAndWhatToCheck) {
  TempTree empty;
  auto adc = IioAdc::open("ads1015", 0, IioAdcOptions{.sysfs_root = empty.root(), .bits = 0});
  ASSERT_FALSE(adc.ok());
  EXPECT_EQ(adc.error().error.kind, IoErrc::not_found);
  EXPECT_NE(adc.error().message.find("IIO device 'ads1015' not found; no IIO devices found (nothing in " +
                                     empty.root() + "/bus/iio/devices"),
            std::string::npos)
      << adc.error().message;
  EXPECT_NE(adc.error().message.find("dtoverlay="), std::string::npos);
}

TEST_F(IioAdcTest, AMissingChannelListsTheDevicesChannels) {
  auto adc = IioAdc::open("ads1015", 5, opts());
  ASSERT_FALSE(adc.ok());
  EXPECT_EQ(adc.error().error.kind, IoErrc::not_found);
  EXPECT_EQ(adc.error().message,
            "IIO channel 5 of iio:device0 [ads1015] not found (no in_voltage5_raw); iio:device0 [ads1015] "
            "(voltage channels 0, 1)");
}

TEST_F(IioAdcTest, AReadThatIsNotANumberIsAnIoError) {
  auto adc = IioAdc::open("ads1015", 0, opts());
  ASSERT_TRUE(adc.ok());
  tree.write("bus/iio/devices/iio:device0/in_voltage0_raw", "garbage\n");
  auto r = adc->read_u16();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, IoErrc::io);
}

TEST_F(IioAdcTest, PermissionDeniedSaysWhatToDo) {
  tree.chmod_file("bus/iio/devices/iio:device0/in_voltage0_raw", 0600);
  const std::string root = tree.root();
  const std::string got = run_as_nobody([&] {
    auto adc = IioAdc::open("ads1015", 0, IioAdcOptions{.sysfs_root = root, .bits = 0});
    return adc.ok() ? std::string("opened")
                    : std::string(hal::to_string(adc.error().error.kind)) + ": " + adc.error().message;
  });
  if (got == "<child failed>") GTEST_SKIP() << "cannot run a child as nobody here";
  EXPECT_EQ(got.rfind("permission: IIO channel 0 of iio:device0 [ads1015]: permission denied reading ", 0),
            0u)
      << got;
  EXPECT_NE(got.find("udev rule"), std::string::npos) << got;
}

}  // namespace
}  // namespace aiopi::linux_io_testing
