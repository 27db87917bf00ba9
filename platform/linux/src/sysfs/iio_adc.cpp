#include "aiopi/linux/iio_adc.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "sysfs_file.hpp"

namespace aiopi::os_linux {
namespace {

using hal::IoErrc;

std::string devices_dir(std::string_view root) {
  return sysfs::join(root, "bus/iio/devices");
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

IioDeviceInfo read_device(const std::string& dir, unsigned index) {
  IioDeviceInfo d;
  d.index = index;
  d.path = dir;
  (void)sysfs::read_text(sysfs::join(dir, "name"), d.name);
  for (const std::string& f : sysfs::list_dir(dir)) {
    unsigned ch = 0;
    if (sysfs::match_numbered(f, "in_voltage", "_raw", ch)) d.voltage_channels.push_back(ch);
  }
  std::sort(d.voltage_channels.begin(), d.voltage_channels.end());
  return d;
}

std::string describe_devices(const std::vector<IioDeviceInfo>& devices, std::string_view root) {
  if (devices.empty()) {
    return "no IIO devices found (nothing in " + devices_dir(root) +
           ": is the converter's driver loaded? On a Pi, an overlay in config.txt, e.g. dtoverlay=ads1015)";
  }
  std::string s = "IIO devices here: ";
  for (std::size_t i = 0; i < devices.size(); ++i) {
    if (i != 0) s += ", ";
    s += describe(devices[i]);
  }
  return s;
}

/// Parses IIO's scan type "le:s12/16>>4" (optionally "...X2>>4"): true, the bits and the sign.
bool parse_scan_type(std::string_view type, unsigned& bits, bool& is_signed) {
  const auto colon = type.find(':');
  if (colon == std::string_view::npos || colon + 2 >= type.size()) return false;
  const char sign = type[colon + 1];
  if (sign != 's' && sign != 'u') return false;
  const char* first = type.data() + colon + 2;
  const auto [end, ec] = std::from_chars(first, type.data() + type.size(), bits);
  if (ec != std::errc() || end == first || bits == 0 || bits > 64) return false;
  is_signed = sign == 's';
  return true;
}

/// The value of attribute `<prefix>N_<what>` or, shared by all channels, `<prefix>_<what>`.
bool read_channel_double(const std::string& dir, unsigned channel, std::string_view what, double& out) {
  std::string text;
  if (sysfs::read_text(sysfs::join(dir, "in_voltage" + std::to_string(channel) + "_" + std::string(what)),
                       text) == 0 &&
      sysfs::parse_double(text, out))
    return true;
  return sysfs::read_text(sysfs::join(dir, "in_voltage_" + std::string(what)), text) == 0 &&
         sysfs::parse_double(text, out);
}

unsigned magnitude_bits(unsigned bits, bool is_signed) noexcept {
  return is_signed && bits > 1 ? bits - 1 : bits;
}

}  // namespace

std::vector<IioDeviceInfo> list_iio_devices(std::string_view sysfs_root) {
  std::vector<std::pair<unsigned, std::string>> entries;
  const std::string dir = devices_dir(sysfs_root);
  for (const std::string& name : sysfs::list_dir(dir)) {
    unsigned n = 0;
    if (sysfs::match_numbered(name, "iio:device", "", n)) entries.emplace_back(n, name);
  }
  std::sort(entries.begin(), entries.end());
  std::vector<IioDeviceInfo> devices;
  for (const auto& [n, name] : entries)
    devices.push_back(read_device(sysfs::join(dir, name), n));
  return devices;
}

std::string describe(const IioDeviceInfo& device) {
  std::string s = "iio:device" + std::to_string(device.index);
  if (!device.name.empty()) s += " [" + device.name + "]";
  if (device.voltage_channels.empty()) {
    s += " (no voltage channels)";
  } else {
    s += device.voltage_channels.size() == 1 ? " (voltage channel " : " (voltage channels ";
    for (std::size_t i = 0; i < device.voltage_channels.size(); ++i) {
      if (i != 0) s += ", ";
      s += std::to_string(device.voltage_channels[i]);
    }
    s += ")";
  }
  return s;
}

OpenResult<IioAdc> IioAdc::open(std::string_view device, unsigned channel, const IioAdcOptions& options) {
  const std::vector<IioDeviceInfo> devices = list_iio_devices(options.sysfs_root);
  const IioDeviceInfo* found = nullptr;
  unsigned index = 0;
  std::string_view number = device;
  if (number.starts_with("iio:device")) number.remove_prefix(10);
  const bool by_number = sysfs::match_numbered(number, "", "", index);
  for (const IioDeviceInfo& d : devices) {
    if ((by_number && d.index == index) || (!by_number && d.name == device)) {
      found = &d;
      break;
    }
  }
  if (found == nullptr) {
    return open_error(
        IoErrc::not_found,
        "IIO device " + quoted(device) + " not found; " + describe_devices(devices, options.sysfs_root),
        ENOENT, "ADC: IIO device not found");
  }
  const std::string what = "channel " + std::to_string(channel) + " of iio:device" +
                           std::to_string(found->index) +
                           (found->name.empty() ? "" : " [" + found->name + "]");
  bool has_channel = false;
  for (unsigned c : found->voltage_channels)
    has_channel = has_channel || c == channel;
  if (!has_channel) {
    return open_error(
        IoErrc::not_found,
        "IIO " + what + " not found (no in_voltage" + std::to_string(channel) + "_raw); " + describe(*found),
        ENOENT, "ADC: no such channel");
  }

  const std::string raw_path = sysfs::join(found->path, "in_voltage" + std::to_string(channel) + "_raw");
  const int fd = ::open(raw_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == EACCES || err == EPERM) {
      return open_error(IoErrc::permission,
                        "IIO " + what + ": permission denied reading " + raw_path +
                            "; run as a user that may read it, or give a group access with a udev rule "
                            "(docs/hardware.md)",
                        err, "ADC: permission denied");
    }
    return open_error(errc_from_errno(err),
                      "IIO " + what + ": cannot open " + raw_path + ": " + sysfs::errno_text(err), err,
                      "ADC: open failed");
  }

  unsigned bits = options.bits;
  bool is_signed = false;
  std::string type;
  if (sysfs::read_text(
          sysfs::join(found->path, "scan_elements/in_voltage" + std::to_string(channel) + "_type"), type) ==
      0) {
    unsigned type_bits = 0;
    if (parse_scan_type(type, type_bits, is_signed) && options.bits == 0) bits = type_bits;
  }
  if (bits == 0 || bits > 32) {
    ::close(fd);
    return open_error(IoErrc::invalid_argument,
                      "IIO " + what +
                          (bits == 0 ? ": the converter's resolution is unknown (its driver has no "
                                       "scan_elements/in_voltage" +
                                           std::to_string(channel) + "_type); give it: IioAdcOptions::bits"
                                     : ": IioAdcOptions::bits must be 1..32"),
                      0, "ADC: resolution unknown");
  }

  std::optional<double> scale;
  double s = 0;
  if (read_channel_double(found->path, channel, "scale", s)) scale = s;
  double offset = 0;
  (void)read_channel_double(found->path, channel, "offset", offset);
  return std::unique_ptr<IioAdc>(new IioAdc(fd, bits, is_signed, scale, offset, std::move(what)));
}

IioAdc::IioAdc(int raw_fd, unsigned bits, bool is_signed, std::optional<double> scale_mv, double offset,
               std::string description) noexcept
    : raw_fd_(raw_fd),
      bits_(bits),
      signed_(is_signed),
      scale_mv_(scale_mv),
      offset_(offset),
      description_(std::move(description)) {}

IioAdc::~IioAdc() {
  if (raw_fd_ >= 0) ::close(raw_fd_);
}

hal::IoResult<std::int64_t> IioAdc::read_raw() {
  std::string text;
  const int err = sysfs::pread_text(raw_fd_, text);
  if (err != 0) return hal::io_error(errc_from_errno(err), "ADC read: reading in_voltageN_raw failed", err);
  std::int64_t raw = 0;
  if (!sysfs::parse_int(text, raw))
    return hal::io_error(IoErrc::io, "ADC read: in_voltageN_raw did not hold a number", EIO);
  return raw;
}

hal::IoResult<std::uint16_t> IioAdc::read_u16() {
  hal::IoResult<std::int64_t> raw = read_raw();
  if (!raw) return raw.error();
  std::int64_t v = *raw < 0 ? 0 : *raw;
  unsigned bits = magnitude_bits(bits_, signed_);
  if (bits > 16) {
    v >>= bits - 16;
    bits = 16;
  }
  return hal::AdcChannel::scale_to_u16(static_cast<std::uint32_t>(v), bits);
}

std::optional<float> IioAdc::volts_per_count() const noexcept {
  if (!scale_mv_ || offset_ != 0) return std::nullopt;
  const unsigned bits = magnitude_bits(bits_, signed_);
  const double max_raw = static_cast<double>((std::uint64_t{1} << bits) - 1);
  return static_cast<float>(max_raw * *scale_mv_ / 1000.0 / 65535.0);
}

hal::IoResult<double> IioAdc::read_millivolts() {
  if (!scale_mv_) return hal::io_error(IoErrc::unsupported, "ADC read_millivolts: the driver gives no scale");
  hal::IoResult<std::int64_t> raw = read_raw();
  if (!raw) return raw.error();
  return (static_cast<double>(*raw) + offset_) * *scale_mv_;
}

}  // namespace aiopi::os_linux
