// ADC channels on Linux through the Industrial I/O (IIO) sysfs interface: a converter's driver (ads1015,
// mcp320x, ...) makes /sys/bus/iio/devices/iio:deviceN with a `name` file and, per voltage channel,
// `in_voltageN_raw` (one conversion per read) and a scale (`in_voltageN_scale` or the shared
// `in_voltage_scale`, millivolts per count) and sometimes an offset.
//
//   auto adc = os_linux::IioAdc::open("ads1015", 0);          // by name, "iio:device0" or "0"
//   if (!adc) { std::fprintf(stderr, "%s\n", adc.error().message.c_str()); return 1; }
//   hal::IoResult<float> v = adc->read_volts();
//
// read_u16() scales the converter's count to 0..65535 by its resolution, which comes from
// scan_elements/in_voltageN_type ("le:s12/16>>4": 12 bits, signed) where the driver has buffer support, or
// from IioAdcOptions::bits. A signed converter's negative readings (differential inputs) read as 0 in
// read_u16; read_raw() and read_millivolts() give them. A read is one conversion: a plain call taking as long
// as the converter does (ms for an I2C ADC at low data rates), like MicroPython's ADC.read_u16().
//
// The sysfs root is a parameter so tests can run against a directory tree of their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/hal/adc.hpp"
#include "aiopi/linux/open_result.hpp"

namespace aiopi::os_linux {

/// One IIO device as listed: iio:deviceN, its name and voltage channels.
struct IioDeviceInfo {
  unsigned index = 0;
  std::string name;  // from the `name` file; empty when it has none
  std::string path;  // <sysfs>/bus/iio/devices/iio:deviceN
  std::vector<unsigned> voltage_channels;
};

/// Every IIO device under `sysfs_root`, in number order.
std::vector<IioDeviceInfo> list_iio_devices(std::string_view sysfs_root = "/sys");
/// "iio:device0 [ads1015] (voltage channels 0, 1, 2, 3)".
std::string describe(const IioDeviceInfo& device);

struct IioAdcOptions {
  std::string sysfs_root = "/sys";
  /// The converter's resolution in bits (1..32), when the driver does not say (no scan_elements); 0: ask
  /// the driver.
  unsigned bits = 0;
};

class IioAdc final : public hal::AdcChannel {
 public:
  /// Opens voltage channel `channel` of the IIO device named `device` (its `name`), "iio:deviceN" or N.
  static OpenResult<IioAdc> open(std::string_view device, unsigned channel,
                                 const IioAdcOptions& options = {});

  IioAdc(const IioAdc&) = delete;
  IioAdc& operator=(const IioAdc&) = delete;
  ~IioAdc() override;

  /// One conversion scaled to 0..65535.
  hal::IoResult<std::uint16_t> read_u16() override;
  /// Volts per unit of read_u16(): from the scale read when the channel was opened; nothing when the
  /// driver gives no scale or a non-zero offset (then read_millivolts() is exact).
  std::optional<float> volts_per_count() const noexcept override;

  /// One conversion, the converter's own count.
  hal::IoResult<std::int64_t> read_raw();
  /// One conversion in millivolts: (raw + offset) * scale; IoErrc::unsupported without a scale.
  hal::IoResult<double> read_millivolts();

  unsigned bits() const noexcept { return bits_; }
  bool is_signed() const noexcept { return signed_; }
  /// Millivolts per count (IIO's scale), when the driver gives one.
  std::optional<double> scale_mv() const noexcept { return scale_mv_; }
  double offset() const noexcept { return offset_; }
  /// "channel 0 of iio:device0 [ads1015]".
  const std::string& description() const noexcept { return description_; }

 private:
  IioAdc(int raw_fd, unsigned bits, bool is_signed, std::optional<double> scale_mv, double offset,
         std::string description) noexcept;

  int raw_fd_;
  unsigned bits_;
  bool signed_;
  std::optional<double> scale_mv_;
  double offset_;
  std::string description_;
};

}  // namespace aiopi::os_linux
