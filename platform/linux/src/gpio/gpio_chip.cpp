#include "aiopi/linux/gpio_chip.hpp"

#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>

#include "gpio_driver.hpp"

namespace aiopi::os_linux {
namespace {

// The kernel's "operation not supported" of drivers (ENOTSUPP), which is not a userspace errno and
// reaches programs as 524 when a chip cannot do a bias or drive asked for.
constexpr int kKernelEnotsupp = 524;

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool parse_unsigned(std::string_view s, unsigned& out) noexcept {
  if (!all_digits(s)) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool iequal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

/// The gpiochipN entries of `dir`, in number order.
std::vector<std::pair<unsigned, std::string>> chip_entries(std::string_view dir) {
  std::vector<std::pair<unsigned, std::string>> found;
  DIR* d = opendir(std::string(dir).c_str());
  if (d == nullptr) return found;
  while (dirent* e = readdir(d)) {
    const std::string_view name = e->d_name;
    unsigned n = 0;
    if (name.starts_with("gpiochip") && parse_unsigned(name.substr(8), n)) found.emplace_back(n, name);
  }
  closedir(d);
  std::sort(found.begin(), found.end());
  return found;
}

std::string join_path(std::string_view dir, std::string_view name) {
  std::string p(dir);
  if (p.empty() || p.back() != '/') p += '/';
  p += name;
  return p;
}

std::string permission_hint() {
  return "add the user to the 'gpio' group (sudo usermod -aG gpio $USER, then log in again). Raspberry Pi "
         "OS gives that group the GPIO chips; elsewhere add a udev rule, e.g. /etc/udev/rules.d/"
         "90-gpio.rules: SUBSYSTEM==\"gpio\", KERNEL==\"gpiochip*\", GROUP=\"gpio\", MODE=\"0660\" "
         "(sudo groupadd -f gpio; sudo udevadm trigger)";
}

OpenError chip_open_failure(std::string_view asked, const std::string& path, int err,
                            std::string_view dev_dir) {
  using hal::IoErrc;
  const std::string what = "GPIO chip " + quoted(asked);
  switch (err) {
    case ENOENT:
      return open_error(
          IoErrc::not_found,
          what + " not found (no " + path + "); " + describe_chips(list_gpio_chips(dev_dir), dev_dir), err,
          "GPIO chip not found");
    case EACCES:
    case EPERM:
      return open_error(IoErrc::permission,
                        what + ": permission denied opening " + path + "; " + permission_hint(), err,
                        "GPIO chip: permission denied");
    case ENOTTY:
    case ENODEV:
      return open_error(
          IoErrc::not_found,
          what + ": " + path + " is not a GPIO chip; " + describe_chips(list_gpio_chips(dev_dir), dev_dir),
          err, "GPIO chip not found");
    default:
      return open_error(hal::IoErrc::io, what + ": cannot open " + path + ": " + std::strerror(err), err,
                        "GPIO chip: open failed");
  }
}

const char* edges_text(hal::EdgeMode m) noexcept {
  switch (m) {
    case hal::EdgeMode::none:
      return "no edge detection";
    case hal::EdgeMode::rising:
      return "rising edges";
    case hal::EdgeMode::falling:
      return "falling edges";
    case hal::EdgeMode::both:
      return "both edges";
  }
  return "?";
}

const char* bias_text(hal::Bias b) noexcept {
  switch (b) {
    case hal::Bias::as_is:
      return "bias as is";
    case hal::Bias::off:
      return "bias off";
    case hal::Bias::pull_up:
      return "pull-up";
    case hal::Bias::pull_down:
      return "pull-down";
  }
  return "?";
}

const char* drive_text(hal::Drive d) noexcept {
  switch (d) {
    case hal::Drive::push_pull:
      return "push-pull";
    case hal::Drive::open_drain:
      return "open-drain";
    case hal::Drive::open_source:
      return "open-source";
  }
  return "?";
}

}  // namespace

GpioChip::GpioChip(std::shared_ptr<gpio_driver::Chip> chip, GpioChipInfo info) noexcept
    : chip_(std::move(chip)), info_(std::move(info)) {}

GpioChip::~GpioChip() = default;

std::vector<GpioChipListing> list_gpio_chips(std::string_view dev_dir) {
  std::vector<GpioChipListing> chips;
  for (const auto& [number, name] : chip_entries(dev_dir)) {
    GpioChipListing entry;
    entry.info.name = name;
    entry.info.path = join_path(dev_dir, name);
    std::shared_ptr<gpio_driver::Chip> chip;
    entry.open_errno = gpio_driver::open_chip(entry.info.path, chip);
    if (entry.open_errno == 0) {
      entry.info = chip->info();
      entry.info.path = join_path(dev_dir, name);
    }
    chips.push_back(std::move(entry));
  }
  return chips;
}

std::optional<unsigned> pi_bcm_gpio_offset(std::string_view chip_label, std::string_view line) {
  if (chip_label != "pinctrl-bcm2835" && chip_label != "pinctrl-bcm2711" && chip_label != "pinctrl-rp1")
    return std::nullopt;
  unsigned n = 0;
  if (line.size() < 5 || !iequal(line.substr(0, 4), "GPIO") || !parse_unsigned(line.substr(4), n))
    return std::nullopt;
  return n;
}

std::string gpio_backend_name() {
  return gpio_driver::backend_name();
}

OpenResult<GpioChip> GpioChip::open(std::string_view which, std::string_view dev_dir) {
  if (which.empty()) {
    return open_error(
        hal::IoErrc::invalid_argument,
        "GPIO chip: none named (give a label such as pinctrl-bcm2711, a name such as gpiochip0, "
        "a path or a number)",
        0, "GPIO chip: none named");
  }
  std::string path;
  unsigned number = 0;
  if (which.find('/') != std::string_view::npos) {
    path = which;
  } else if (parse_unsigned(which, number)) {
    path = join_path(dev_dir, "gpiochip" + std::string(which));
  } else if (which.starts_with("gpiochip") && parse_unsigned(which.substr(8), number)) {
    path = join_path(dev_dir, which);
  }
  std::shared_ptr<gpio_driver::Chip> chip;
  if (!path.empty()) {
    const int err = gpio_driver::open_chip(path, chip);
    if (err != 0) return chip_open_failure(which, path, err, dev_dir);
    GpioChipInfo info = chip->info();
    return std::unique_ptr<GpioChip>(new GpioChip(std::move(chip), std::move(info)));
  }

  // A label: open every chip until one carries it.
  std::vector<GpioChipListing> seen;
  int refused = 0;
  for (const auto& [number_, name] : chip_entries(dev_dir)) {
    GpioChipListing entry;
    entry.info.name = name;
    entry.info.path = join_path(dev_dir, name);
    entry.open_errno = gpio_driver::open_chip(entry.info.path, chip);
    if (entry.open_errno == 0) {
      if (chip->info().label == which) {
        GpioChipInfo info = chip->info();
        info.path = entry.info.path;
        return std::unique_ptr<GpioChip>(new GpioChip(std::move(chip), std::move(info)));
      }
      entry.info = chip->info();
      entry.info.path = join_path(dev_dir, name);
      chip.reset();
    } else if (entry.open_errno == EACCES || entry.open_errno == EPERM) {
      ++refused;
    }
    seen.push_back(std::move(entry));
  }
  const std::string what = "GPIO chip " + quoted(which) + " not found";
  if (refused > 0) {
    return open_error(hal::IoErrc::permission,
                      what + ": " + std::to_string(refused) + " of " + std::to_string(seen.size()) +
                          " chips could not be opened to read their labels (permission denied); " +
                          permission_hint() + ". " + describe_chips(seen, dev_dir),
                      EACCES, "GPIO chip: permission denied");
  }
  return open_error(hal::IoErrc::not_found, what + "; " + describe_chips(seen, dev_dir), ENOENT,
                    "GPIO chip not found");
}

std::string GpioChip::display_name() const {
  return info_.name + " [" + info_.label + "]";
}

hal::IoResult<GpioLineInfo> GpioChip::line_info(unsigned offset) const {
  GpioLineInfo info;
  const int err = chip_->line_info(offset, info);
  if (err != 0)
    return hal::io_error(err == EINVAL ? hal::IoErrc::invalid_argument : errc_from_errno(err),
                         "GPIO line info: the kernel refused (offset out of range?)", err);
  return info;
}

hal::IoResult<std::vector<GpioLineInfo>> GpioChip::lines() const {
  std::vector<GpioLineInfo> all;
  all.reserve(info_.num_lines);
  for (unsigned i = 0; i < info_.num_lines; ++i) {
    hal::IoResult<GpioLineInfo> one = line_info(i);
    if (!one) return one.error();
    all.push_back(std::move(*one));
  }
  return all;
}

GpioLineLookup GpioChip::find_line(std::string_view line) const {
  GpioLineLookup r;
  const std::string where = " on " + display_name() + " (" + std::to_string(info_.num_lines) + " lines)";
  if (line.empty()) {
    r.error = open_error(hal::IoErrc::invalid_argument, "GPIO line: none named" + where, 0,
                         "GPIO line: none named");
    return r;
  }
  hal::IoResult<std::vector<GpioLineInfo>> all = lines();
  if (!all) {
    r.error = open_error(all.error().kind,
                         "GPIO line " + quoted(line) + where +
                             ": reading the line names failed: " + std::strerror(all.error().sys_errno),
                         all.error().sys_errno, "GPIO line: reading line info failed");
    return r;
  }
  for (const GpioLineInfo& l : *all) {
    if (l.name == line) {
      r.offset = l.offset;
      r.found = true;
      return r;
    }
  }
  int folded = 0;
  for (const GpioLineInfo& l : *all) {
    if (iequal(l.name, line)) {
      ++folded;
      r.offset = l.offset;
    }
  }
  if (folded == 1) {
    r.found = true;
    return r;
  }
  if (const std::optional<unsigned> bcm = pi_bcm_gpio_offset(info_.label, line);
      bcm && *bcm < info_.num_lines) {
    r.offset = *bcm;
    r.found = true;
    return r;
  }
  unsigned offset = 0;
  if (parse_unsigned(line, offset)) {
    if (offset < info_.num_lines) {
      r.offset = offset;
      r.found = true;
      return r;
    }
    r.error =
        open_error(hal::IoErrc::not_found,
                   "GPIO line offset " + std::string(line) + " out of range" + where + "; offsets are 0.." +
                       std::to_string(info_.num_lines == 0 ? 0 : info_.num_lines - 1),
                   0, "GPIO line not found");
    return r;
  }
  std::string message = "GPIO line " + quoted(line) + " not found" + where;
  constexpr std::size_t kShown = 12;
  std::vector<std::string_view> names;
  for (const GpioLineInfo& l : *all)
    if (!l.name.empty()) names.push_back(l.name);
  if (names.empty()) {
    message += "; its lines have no names: give an offset";
  } else {
    message += "; line names there: ";
    for (std::size_t i = 0; i < names.size() && i < kShown; ++i) {
      if (i != 0) message += ", ";
      message += names[i];
    }
    if (names.size() > kShown)
      message += ", ... (" + std::to_string(names.size() - kShown) + " more; `aiopi-io lines " + info_.name +
                 "` lists them all)";
    message += "; or give an offset";
  }
  if (info_.num_lines > 0) message += " 0.." + std::to_string(info_.num_lines - 1);
  r.error = open_error(hal::IoErrc::not_found, std::move(message), 0, "GPIO line not found");
  return r;
}

std::string GpioChip::line_description(unsigned offset, std::string_view asked) const {
  std::string name;
  GpioLineInfo info;
  if (chip_->line_info(offset, info) == 0) name = info.name;
  if (name.empty() && !all_digits(asked)) name = asked;
  std::string s = name.empty() ? std::string() : quoted(name) + " (";
  s += "offset " + std::to_string(offset) + " of " + display_name();
  if (!name.empty()) s += ")";
  return s;
}

OpenError GpioChip::request_error(int err, unsigned offset, std::string_view asked, const char* what) const {
  using hal::IoErrc;
  const std::string line = "GPIO line " + line_description(offset, asked);
  switch (err) {
    case EBUSY: {
      GpioLineInfo info;
      std::string by;
      if (chip_->line_info(offset, info) == 0 && !info.consumer.empty())
        by = "by " + quoted(info.consumer);
      else
        by = "by a consumer without a name (or reserved by the kernel)";
      return open_error(IoErrc::busy,
                        line + " is in use " + by +
                            ": a line has one owner at a time; release it there first or pick another line "
                            "(`aiopi-io lines " +
                            info_.name + "` shows who holds which)",
                        err, "GPIO line: in use (busy)");
    }
    case EACCES:
    case EPERM:
      return open_error(IoErrc::permission, line + ": permission denied; " + permission_hint(), err,
                        "GPIO line: permission denied");
    case EINVAL:
      return open_error(
          IoErrc::invalid_argument,
          line +
              ": the kernel refused the settings (bias needs Linux 5.5 or later; open-drain and "
              "open-source only apply to outputs)",
          err, what);
    case EOPNOTSUPP:
    case kKernelEnotsupp:
      return open_error(IoErrc::unsupported,
                        line + ": the chip's driver cannot do the bias or drive asked for", err, what);
    default:
      return open_error(errc_from_errno(err), line + ": request failed: " + std::strerror(err), err, what);
  }
}

OpenResult<GpioInput> GpioChip::request_input(Loop& loop, std::string_view line,
                                              const hal::InputConfig& config, std::string_view consumer) {
  GpioLineLookup found = find_line(line);
  if (!found) return std::move(found.error);
  LinuxBackend* backend = nullptr;
  if (config.edges != hal::EdgeMode::none) {
    backend = LinuxBackend::of(loop);
    if (backend == nullptr) {
      return open_error(
          hal::IoErrc::unsupported,
          "GPIO line " + line_description(found.offset, line) +
              ": edge detection needs a loop on the Linux backend (its events are read in epoll)",
          0, "GPIO request_input: not a Linux loop");
    }
  }
  std::unique_ptr<gpio_driver::Line> requested;
  const int err = chip_->request_input(found.offset, config, std::string(consumer), requested);
  if (err != 0) {
    OpenError e = request_error(err, found.offset, line, "GPIO request_input failed");
    e.message += std::string(" [asked: input, ") + edges_text(config.edges) + ", " + bias_text(config.bias) +
                 (config.active_low ? ", active-low]" : "]");
    return e;
  }
  std::unique_ptr<GpioInput> input(
      new GpioInput(config, std::move(requested), found.offset, line_description(found.offset, line)));
  if (backend != nullptr) {
    const int watch_err = input->start_watch(*backend);
    if (watch_err != 0) {
      return open_error(hal::IoErrc::io,
                        "GPIO line " + input->description() +
                            ": cannot watch its event fd in epoll: " + std::strerror(watch_err),
                        watch_err, "GPIO request_input: epoll registration failed");
    }
  }
  return input;
}

OpenResult<GpioOutput> GpioChip::request_output(std::string_view line, const hal::OutputConfig& config,
                                                std::string_view consumer) {
  GpioLineLookup found = find_line(line);
  if (!found) return std::move(found.error);
  std::unique_ptr<gpio_driver::Line> requested;
  const int err = chip_->request_output(found.offset, config, std::string(consumer), requested);
  if (err != 0) {
    OpenError e = request_error(err, found.offset, line, "GPIO request_output failed");
    e.message += std::string(" [asked: output, ") + drive_text(config.drive) +
                 (config.active_low ? ", active-low]" : "]");
    return e;
  }
  return std::unique_ptr<GpioOutput>(
      new GpioOutput(config, std::move(requested), found.offset, line_description(found.offset, line)));
}

}  // namespace aiopi::os_linux
