// PWM outputs on Linux through the sysfs pwmchip interface: /sys/class/pwm/pwmchipN with `npwm` channels;
// writing N to `export` makes pwmN/ with `period`, `duty_cycle` (nanoseconds), `enable` and, where the driver
// has it, `polarity`.
//
//   auto pwm = os_linux::SysfsPwm::open("pwmchip0", 0);   // or "0", or the device: "1f00098000.pwm"
//   if (!pwm) { std::fprintf(stderr, "%s\n", pwm.error().message.c_str()); return 1; }
//   (void)pwm->set_freq(1000);
//   (void)pwm->set_duty_u16(32768);
//   (void)pwm->enable(true);
//
// The HAL's rules (hal/pwm.hpp) are checked before anything is written: a duty above the period, a period
// below the duty, enabling without a period fail with IoErrc::invalid_argument and change nothing. After a
// write the value is read back, so period_ns() / duty_ns() report what the driver kept.
//
// On a Pi the PWM channels appear once an overlay enables them (dtoverlay=pwm or pwm-2chan in config.txt;
// on the Pi 5 the header's PWM is pwmchip2 with pwm-2chan in current kernels — find it by its device
// name rather than the number). Destroying a SysfsPwm leaves the channel as it is (exported, running or
// not): call enable(false) first to stop it, unexport() to hand it back.
//
// The sysfs root is a parameter so tests can run against a directory tree of their own.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/hal/pwm.hpp"
#include "aiopi/linux/open_result.hpp"

namespace aiopi::os_linux {

/// One PWM chip as listed.
struct PwmChipInfo {
  unsigned index = 0;  // N of pwmchipN
  std::string path;    // <sysfs>/class/pwm/pwmchipN
  unsigned channels = 0;
  std::string device;  // the name of the device it belongs to ("1f00098000.pwm"); empty when unknown
};

/// Every PWM chip under `sysfs_root`, in number order.
std::vector<PwmChipInfo> list_pwm_chips(std::string_view sysfs_root = "/sys");
/// "pwmchip0 (2 channels, device 1f00098000.pwm)".
std::string describe(const PwmChipInfo& chip);

struct SysfsPwmOptions {
  std::string sysfs_root = "/sys";
  /// How long open() waits for pwmN/ to appear, and for udev to give its files to the user's group, after
  /// exporting a channel.
  std::chrono::milliseconds export_wait{1000};
};

class SysfsPwm final : public hal::PwmOutput {
 public:
  /// Opens (exporting where needed) channel `channel` of the chip named "pwmchipN", N, or by its device's
  /// name.
  static OpenResult<SysfsPwm> open(std::string_view chip, unsigned channel,
                                   const SysfsPwmOptions& options = {});

  SysfsPwm(const SysfsPwm&) = delete;
  SysfsPwm& operator=(const SysfsPwm&) = delete;
  ~SysfsPwm() override = default;

  hal::IoResult<void> set_period_ns(std::uint64_t period_ns) override;
  hal::IoResult<void> set_duty_ns(std::uint64_t duty_ns) override;
  hal::IoResult<void> enable(bool on) override;
  std::uint64_t period_ns() const noexcept override { return period_; }
  std::uint64_t duty_ns() const noexcept override { return duty_; }
  bool enabled() const noexcept override { return enabled_; }

  /// Whether the driver lets the polarity be chosen.
  bool has_polarity() const noexcept { return has_polarity_; }
  bool inversed() const noexcept { return inversed_; }
  /// Inverted output (the duty is the low time); only while disabled. IoErrc::unsupported without polarity.
  hal::IoResult<void> set_inversed(bool inversed);

  /// Disables the channel and hands it back (unexport); afterwards every setter fails with IoErrc::closed.
  hal::IoResult<void> unexport();
  /// True when open() exported the channel (it was not exported before).
  bool exported_by_open() const noexcept { return exported_by_open_; }
  /// "channel 0 of pwmchip0 (device 1f00098000.pwm)".
  const std::string& description() const noexcept { return description_; }

 private:
  SysfsPwm(std::string chip_dir, unsigned channel, std::string description) noexcept;
  /// Reads period, duty_cycle, enable and polarity: 0 or an errno.
  int load();
  hal::IoResult<void> write(const char* attribute, std::uint64_t value, const char* what);

  std::string chip_dir_;
  std::string dir_;  // chip_dir_/pwmN
  unsigned channel_;
  std::string description_;
  std::uint64_t period_ = 0;
  std::uint64_t duty_ = 0;
  bool enabled_ = false;
  bool has_polarity_ = false;
  bool inversed_ = false;
  bool exported_by_open_ = false;
  bool unexported_ = false;
};

}  // namespace aiopi::os_linux
