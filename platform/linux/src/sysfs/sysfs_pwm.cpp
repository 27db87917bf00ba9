#include "aiopi/linux/sysfs_pwm.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "sysfs_file.hpp"

namespace aiopi::os_linux {
namespace {

using hal::IoErrc;

std::string class_dir(std::string_view root) {
  return sysfs::join(root, "class/pwm");
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

std::string describe_chips(const std::vector<PwmChipInfo>& chips, std::string_view root) {
  if (chips.empty()) {
    return "no PWM chips found (nothing in " + class_dir(root) +
           ": on a Pi, enable PWM with an overlay in config.txt, e.g. dtoverlay=pwm-2chan, and reboot)";
  }
  std::string s = "PWM chips here: ";
  for (std::size_t i = 0; i < chips.size(); ++i) {
    if (i != 0) s += ", ";
    s += describe(chips[i]);
  }
  return s;
}

std::string permission_hint() {
  return "add the user to the 'gpio' group (sudo usermod -aG gpio $USER, then log in again); Raspberry Pi "
         "OS's udev rules give that group /sys/class/pwm, elsewhere a udev rule must (docs/hardware.md)";
}

void sleep_ms(long ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1'000'000};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

}  // namespace

std::vector<PwmChipInfo> list_pwm_chips(std::string_view sysfs_root) {
  std::vector<PwmChipInfo> chips;
  const std::string dir = class_dir(sysfs_root);
  for (const std::string& name : sysfs::list_dir(dir)) {
    unsigned n = 0;
    if (!sysfs::match_numbered(name, "pwmchip", "", n)) continue;
    PwmChipInfo c;
    c.index = n;
    c.path = sysfs::join(dir, name);
    std::string text;
    std::uint64_t npwm = 0;
    if (sysfs::read_text(sysfs::join(c.path, "npwm"), text) == 0 && sysfs::parse_uint(text, npwm))
      c.channels = static_cast<unsigned>(npwm);
    c.device = sysfs::link_basename(sysfs::join(c.path, "device"));
    chips.push_back(std::move(c));
  }
  std::sort(chips.begin(), chips.end(),
            [](const PwmChipInfo& a, const PwmChipInfo& b) { return a.index < b.index; });
  return chips;
}

std::string describe(const PwmChipInfo& chip) {
  std::string s = "pwmchip" + std::to_string(chip.index) + " (" + std::to_string(chip.channels) +
                  (chip.channels == 1 ? " channel" : " channels");
  if (!chip.device.empty()) s += ", device " + chip.device;
  return s + ")";
}

OpenResult<SysfsPwm> SysfsPwm::open(std::string_view chip, unsigned channel, const SysfsPwmOptions& options) {
  const std::vector<PwmChipInfo> chips = list_pwm_chips(options.sysfs_root);
  std::string_view number = chip;
  if (number.starts_with("pwmchip")) number.remove_prefix(7);
  unsigned index = 0;
  const bool by_number = sysfs::match_numbered(number, "", "", index);
  const PwmChipInfo* found = nullptr;
  for (const PwmChipInfo& c : chips) {
    if ((by_number && c.index == index) || (!by_number && !c.device.empty() && c.device == chip)) {
      found = &c;
      break;
    }
  }
  if (found == nullptr) {
    return open_error(IoErrc::not_found,
                      "PWM chip " + quoted(chip) + " not found; " + describe_chips(chips, options.sysfs_root),
                      ENOENT, "PWM chip not found");
  }
  std::string description =
      "channel " + std::to_string(channel) + " of pwmchip" + std::to_string(found->index);
  if (!found->device.empty()) description += " (device " + found->device + ")";
  if (channel >= found->channels) {
    return open_error(
        IoErrc::not_found,
        "PWM " + description + " not found: " + describe(*found) +
            (found->channels == 0 ? "" : ", channels 0.." + std::to_string(found->channels - 1)),
        ENOENT, "PWM channel not found");
  }

  std::unique_ptr<SysfsPwm> pwm(new SysfsPwm(found->path, channel, description));
  if (!sysfs::is_dir(pwm->dir_)) {
    const std::string export_path = sysfs::join(found->path, "export");
    const int err = sysfs::write_text(export_path, std::to_string(channel));
    if (err == EACCES || err == EPERM) {
      return open_error(
          IoErrc::permission,
          "PWM " + description + ": permission denied writing " + export_path + "; " + permission_hint(), err,
          "PWM: permission denied");
    }
    if (err != 0 && err != EBUSY) {  // EBUSY: exported meanwhile by someone else
      return open_error(
          errc_from_errno(err),
          "PWM " + description + ": exporting failed (" + export_path + "): " + sysfs::errno_text(err), err,
          "PWM: export failed");
    }
    pwm->exported_by_open_ = err == 0;
  }

  // After an export the kernel makes pwmN/ at once, but udev gives its files to the gpio group a moment
  // later: until then they are root's. Wait for both, briefly (this is start-up, not the loop).
  const long wait_ms = static_cast<long>(options.export_wait.count());
  long waited = 0;
  int err = 0;
  for (;;) {
    err = sysfs::is_dir(pwm->dir_) ? pwm->load() : ENOENT;
    if (err == 0) {
      // Reading works for everybody; writing is what udev's rule grants.
      if (::access(sysfs::join(pwm->dir_, "period").c_str(), W_OK) != 0) err = errno;
    }
    if ((err != ENOENT && err != EACCES && err != EPERM) || waited >= wait_ms) break;
    sleep_ms(10);
    waited += 10;
  }
  if (err == ENOENT) {
    return open_error(IoErrc::not_found,
                      "PWM " + description + ": " + pwm->dir_ + " did not appear" +
                          (pwm->exported_by_open_ ? " after exporting the channel" : "") + " (waited " +
                          std::to_string(wait_ms) + " ms)",
                      err, "PWM: channel did not appear");
  }
  if (err == EACCES || err == EPERM) {
    return open_error(IoErrc::permission,
                      "PWM " + description + ": permission denied on " + pwm->dir_ + "; " + permission_hint(),
                      err, "PWM: permission denied");
  }
  if (err != 0) {
    return open_error(errc_from_errno(err),
                      "PWM " + description + ": reading its state failed: " + sysfs::errno_text(err), err,
                      "PWM: open failed");
  }
  return pwm;
}

SysfsPwm::SysfsPwm(std::string chip_dir, unsigned channel, std::string description) noexcept
    : chip_dir_(std::move(chip_dir)),
      dir_(sysfs::join(chip_dir_, "pwm" + std::to_string(channel))),
      channel_(channel),
      description_(std::move(description)) {}

int SysfsPwm::load() {
  std::string text;
  std::uint64_t v = 0;
  const struct {
    const char* name;
    std::uint64_t* into;
  } numbers[] = {{"period", &period_}, {"duty_cycle", &duty_}};
  for (const auto& n : numbers) {
    if (const int err = sysfs::read_text(sysfs::join(dir_, n.name), text); err != 0) return err;
    if (!sysfs::parse_uint(text, v)) return EIO;
    *n.into = v;
  }
  if (const int err = sysfs::read_text(sysfs::join(dir_, "enable"), text); err != 0) return err;
  if (!sysfs::parse_uint(text, v)) return EIO;
  enabled_ = v != 0;
  has_polarity_ = sysfs::read_text(sysfs::join(dir_, "polarity"), text) == 0;
  inversed_ = has_polarity_ && text == "inversed";
  return 0;
}

hal::IoResult<void> SysfsPwm::write(const char* attribute, std::uint64_t value, const char* what) {
  if (unexported_) return hal::io_error(IoErrc::closed, "PWM: the channel was unexported");
  const std::string path = sysfs::join(dir_, attribute);
  if (const int err = sysfs::write_text(path, std::to_string(value)); err != 0) {
    // EINVAL: outside what the driver can do. EACCES: the gpio group is missing.
    return hal::io_error(err == EINVAL ? IoErrc::invalid_argument : errc_from_errno(err), what, err);
  }
  return {};
}

hal::IoResult<void> SysfsPwm::set_period_ns(std::uint64_t period_ns) {
  if (period_ns == 0)
    return hal::io_error(IoErrc::invalid_argument, "PWM set_period_ns: the period must be > 0");
  if (period_ns < duty_)
    return hal::io_error(IoErrc::invalid_argument,
                         "PWM set_period_ns: below the current duty (lower the duty first)");
  hal::IoResult<void> r = write("period", period_ns, "PWM set_period_ns: the driver refused the period");
  if (!r) return r;
  std::string text;
  std::uint64_t kept = period_ns;
  if (sysfs::read_text(sysfs::join(dir_, "period"), text) == 0) (void)sysfs::parse_uint(text, kept);
  period_ = kept;
  return {};
}

hal::IoResult<void> SysfsPwm::set_duty_ns(std::uint64_t duty_ns) {
  if (duty_ns > period_)
    return hal::io_error(IoErrc::invalid_argument, "PWM set_duty_ns: the duty exceeds the period");
  hal::IoResult<void> r = write("duty_cycle", duty_ns, "PWM set_duty_ns: the driver refused the duty");
  if (!r) return r;
  std::string text;
  std::uint64_t kept = duty_ns;
  if (sysfs::read_text(sysfs::join(dir_, "duty_cycle"), text) == 0) (void)sysfs::parse_uint(text, kept);
  duty_ = kept;
  return {};
}

hal::IoResult<void> SysfsPwm::enable(bool on) {
  if (on && period_ == 0) return hal::io_error(IoErrc::invalid_argument, "PWM enable: no period set");
  hal::IoResult<void> r = write("enable", on ? 1 : 0, "PWM enable: the driver refused");
  if (!r) return r;
  enabled_ = on;
  return {};
}

hal::IoResult<void> SysfsPwm::set_inversed(bool inversed) {
  if (unexported_) return hal::io_error(IoErrc::closed, "PWM: the channel was unexported");
  if (!has_polarity_)
    return hal::io_error(IoErrc::unsupported, "PWM set_inversed: the driver has no polarity setting");
  if (enabled_) return hal::io_error(IoErrc::invalid_argument, "PWM set_inversed: disable the output first");
  const std::string path = sysfs::join(dir_, "polarity");
  if (const int err = sysfs::write_text(path, inversed ? "inversed" : "normal"); err != 0) {
    return hal::io_error(err == EINVAL ? IoErrc::unsupported : errc_from_errno(err),
                         "PWM set_inversed: the driver refused the polarity", err);
  }
  inversed_ = inversed;
  return {};
}

hal::IoResult<void> SysfsPwm::unexport() {
  if (unexported_) return {};
  if (enabled_) {
    hal::IoResult<void> r = enable(false);
    if (!r) return r;
  }
  const int err = sysfs::write_text(sysfs::join(chip_dir_, "unexport"), std::to_string(channel_));
  if (err != 0) return hal::io_error(errc_from_errno(err), "PWM unexport: the kernel refused", err);
  unexported_ = true;
  return {};
}

}  // namespace aiopi::os_linux
