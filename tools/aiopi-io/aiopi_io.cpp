// aiopi-io: what a user runs first on a new Pi — list the GPIO chips and lines, read and set a line, watch
// its edges with timestamps, list ADCs, PWM chips, I2C buses and serial ports, scan an I2C bus. Everything
// goes through aiopi's HAL and its Linux backends, so what works here works in a program.
//
//   aiopi-io chips
//   aiopi-io lines pinctrl-bcm2711
//   aiopi-io get pinctrl-bcm2711 GPIO17 --bias pull-up
//   aiopi-io set pinctrl-bcm2711 GPIO27 1 --hold
//   aiopi-io watch pinctrl-bcm2711 GPIO17 falling
//   aiopi-io i2c-scan 1
//
// Exit status: 0 done; 1 the device said no (not found, permission, busy, I/O error) or there was nothing to
// list; 2 bad usage.
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/linux/fd_wait.hpp"
#include "aiopi/linux/i2c_bus.hpp"
#include "aiopi/linux/i2c_lookup.hpp"
#include "aiopi/linux/iio_adc.hpp"
#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/linux/sysfs_pwm.hpp"
#include "aiopi_io.hpp"
#include "serial_ports.hpp"
#ifdef AIOPI_IO_HAVE_GPIO
#include "aiopi/linux/gpio_chip.hpp"
#endif

namespace {

using namespace std::chrono_literals;
namespace hal = aiopi::hal;
namespace os_linux = aiopi::os_linux;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

constexpr const char* kUsage =
    "usage: aiopi-io COMMAND [ARGS] [OPTIONS]\n"
    "\n"
    "GPIO (chips by label such as pinctrl-bcm2711, name gpiochip0, path or number; lines by name GPIO17 or "
    "offset):\n"
    "  chips                          list the GPIO chips\n"
    "  lines [CHIP]                   list the lines of CHIP (of every chip without CHIP)\n"
    "  get CHIP LINE                  read a line as an input: prints 0 or 1\n"
    "      [--bias pull-up|pull-down|off] [--active-low]\n"
    "  set CHIP LINE 0|1              drive a line as an output\n"
    "      [--drive push-pull|open-drain|open-source] [--active-low] [--hold: keep it until Ctrl-C]\n"
    "  watch CHIP LINE [rising|falling|both]   print edges with their timestamps until Ctrl-C (default "
    "both)\n"
    "      [--bias ...] [--active-low] [--count N: stop after N edges]\n"
    "ADC and PWM (sysfs):\n"
    "  adc-devices                    list the IIO devices and their voltage channels\n"
    "  adc-read DEVICE CHANNEL [--bits N]   one conversion: raw count, 0..65535 and volts where known\n"
    "  pwm-chips                      list the PWM chips\n"
    "I2C and serial:\n"
    "  i2c-buses                      list the I2C buses\n"
    "  i2c-scan BUS                   find the devices on a bus (an SMBus read at 0x03..0x77, as i2cdetect "
    "-r)\n"
    "  serial-ports                   list the serial ports\n"
    "\n"
    "Options: --consumer NAME (the name other programs see a line used by; default aiopi-io),\n"
    "  --dev DIR and --sysfs DIR (where /dev and /sys are; for tests).\n"
    "Exit status: 0 done, 1 the device said no or nothing was found, 2 bad usage.\n";

struct Options {
  std::vector<std::string_view> args;  // the command and its positional arguments
  std::string dev = "/dev";
  std::string sysfs = "/sys";
  std::string consumer = "aiopi-io";
  hal::Bias bias = hal::Bias::as_is;
  hal::Drive drive = hal::Drive::push_pull;
  bool active_low = false;
  bool hold = false;
  long count = 0;
  unsigned bits = 0;
};

int bad_usage(const std::string& message) {
  std::fprintf(stderr, "aiopi-io: %s\n\n%s", message.c_str(), kUsage);
  return kExitUsage;
}

int failed(const std::string& message) {
  std::fprintf(stderr, "aiopi-io: %s\n", message.c_str());
  return kExitFailed;
}

bool parse_long(std::string_view s, long& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

/// Parses the command line: false (and a message) on a bad option.
bool parse(int argc, char** argv, Options& o, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (!arg.starts_with("--") || arg == "--") {
      o.args.push_back(arg);
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string_view> value;
    if (const auto eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    auto take_value = [&]() -> std::optional<std::string_view> {
      if (value) return value;
      if (i + 1 < argc) return std::string_view(argv[++i]);
      error = "option " + std::string(name) + " needs a value";
      return std::nullopt;
    };
    if (name == "--active-low" && !value) {
      o.active_low = true;
    } else if (name == "--hold" && !value) {
      o.hold = true;
    } else if (name == "--help") {
      o.args.insert(o.args.begin(), "help");
    } else if (name == "--dev" || name == "--sysfs" || name == "--consumer" || name == "--bias" ||
               name == "--drive" || name == "--count" || name == "--bits") {
      auto v = take_value();
      if (!v) return false;
      if (name == "--dev") {
        o.dev = *v;
      } else if (name == "--sysfs") {
        o.sysfs = *v;
      } else if (name == "--consumer") {
        o.consumer = *v;
      } else if (name == "--bias") {
        if (*v == "pull-up")
          o.bias = hal::Bias::pull_up;
        else if (*v == "pull-down")
          o.bias = hal::Bias::pull_down;
        else if (*v == "off" || *v == "disabled")
          o.bias = hal::Bias::off;
        else if (*v == "as-is")
          o.bias = hal::Bias::as_is;
        else {
          error = "bad --bias '" + std::string(*v) + "' (pull-up, pull-down, off or as-is)";
          return false;
        }
      } else if (name == "--drive") {
        if (*v == "push-pull")
          o.drive = hal::Drive::push_pull;
        else if (*v == "open-drain")
          o.drive = hal::Drive::open_drain;
        else if (*v == "open-source")
          o.drive = hal::Drive::open_source;
        else {
          error = "bad --drive '" + std::string(*v) + "' (push-pull, open-drain or open-source)";
          return false;
        }
      } else if (name == "--count") {
        if (!parse_long(*v, o.count) || o.count <= 0) {
          error = "bad --count '" + std::string(*v) + "' (a positive number)";
          return false;
        }
      } else {
        long bits = 0;
        if (!parse_long(*v, bits) || bits < 1 || bits > 32) {
          error = "bad --bits '" + std::string(*v) + "' (1..32)";
          return false;
        }
        o.bits = static_cast<unsigned>(bits);
      }
    } else {
      error = "unknown option " + std::string(arg);
      return false;
    }
  }
  return true;
}

/// SIGINT and SIGTERM as a readable fd while it lives (so Ctrl-C ends a watch through the loop, cleanly):
/// blocks them in the calling thread, and on destruction takes any still pending and restores the mask.
class SignalCatcher {
 public:
  SignalCatcher() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &set_, &old_) == 0) {
      blocked_ = true;
      fd_ = signalfd(-1, &set_, SFD_NONBLOCK | SFD_CLOEXEC);
    }
  }
  SignalCatcher(const SignalCatcher&) = delete;
  SignalCatcher& operator=(const SignalCatcher&) = delete;
  ~SignalCatcher() {
    if (fd_ >= 0) {
      signalfd_siginfo info{};
      while (read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      }
      close(fd_);
    }
    if (blocked_) pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  int fd() const noexcept { return fd_; }

 private:
  sigset_t set_{};
  sigset_t old_{};
  bool blocked_ = false;
  int fd_ = -1;
};

aiopi::Task<> wait_for_signal(int sfd) {
  (void)co_await os_linux::wait_readable(sfd);
  signalfd_siginfo info{};
  [[maybe_unused]] auto n = read(sfd, &info, sizeof info);
}

// ---- GPIO
// --------------------------------------------------------------------------------------------------

#ifdef AIOPI_IO_HAVE_GPIO

const char* bias_name(hal::Bias b) {
  switch (b) {
    case hal::Bias::pull_up:
      return "pull-up";
    case hal::Bias::pull_down:
      return "pull-down";
    case hal::Bias::off:
      return "bias-off";
    case hal::Bias::as_is:
      break;
  }
  return "";
}

int cmd_chips(const Options& o) {
  const auto chips = os_linux::list_gpio_chips(o.dev);
  if (chips.empty()) return failed(os_linux::describe_chips(chips, o.dev));
  for (const auto& c : chips)
    std::printf("%s\n", os_linux::describe(c).c_str());
  return kExitOk;
}

int print_lines(os_linux::GpioChip& chip) {
  auto lines = chip.lines();
  if (!lines) return failed(chip.display_name() + ": reading the lines failed: " + lines.error().what);
  std::printf("%s (%u lines)\n", chip.display_name().c_str(), chip.info().num_lines);
  for (const auto& l : *lines) {
    std::string flags;
    if (l.active_low) flags += " active-low";
    if (const char* b = bias_name(l.bias); b[0] != '\0') flags += std::string(" ") + b;
    if (l.drive == hal::Drive::open_drain) flags += " open-drain";
    if (l.drive == hal::Drive::open_source) flags += " open-source";
    std::string used;
    if (l.used) used = l.consumer.empty() ? " used" : " used by \"" + l.consumer + "\"";
    std::printf("  %3u  %-16s %-6s%s%s\n", l.offset, l.name.empty() ? "-" : l.name.c_str(),
                l.output ? "output" : "input", used.c_str(), flags.c_str());
  }
  return kExitOk;
}

int cmd_lines(const Options& o) {
  if (o.args.size() > 2) return bad_usage("lines takes at most one CHIP");
  if (o.args.size() == 2) {
    auto chip = os_linux::GpioChip::open(o.args[1], o.dev);
    if (!chip) return failed(chip.error().message);
    return print_lines(*chip);
  }
  const auto chips = os_linux::list_gpio_chips(o.dev);
  if (chips.empty()) return failed(os_linux::describe_chips(chips, o.dev));
  int rc = kExitOk;
  for (const auto& c : chips) {
    if (!c.ok()) {
      rc = failed(os_linux::describe(c));
      continue;
    }
    auto chip = os_linux::GpioChip::open(c.info.path, o.dev);
    if (!chip) {
      rc = failed(chip.error().message);
      continue;
    }
    if (print_lines(*chip) != kExitOk) rc = kExitFailed;
  }
  return rc;
}

int cmd_get(const Options& o, aiopi::Loop& loop) {
  if (o.args.size() != 3) return bad_usage("get needs CHIP and LINE");
  auto chip = os_linux::GpioChip::open(o.args[1], o.dev);
  if (!chip) return failed(chip.error().message);
  auto in = chip->request_input(loop, o.args[2],
                                {.edges = hal::EdgeMode::none, .bias = o.bias, .active_low = o.active_low},
                                o.consumer);
  if (!in) return failed(in.error().message);
  auto v = in->value();
  if (!v) return failed(in->description() + ": " + v.error().what);
  std::printf("%d\n", *v ? 1 : 0);
  return kExitOk;
}

int cmd_set(const Options& o, aiopi::Loop& loop) {
  if (o.args.size() != 4) return bad_usage("set needs CHIP, LINE and 0 or 1");
  if (o.args[3] != "0" && o.args[3] != "1")
    return bad_usage("set: the level must be 0 or 1, not '" + std::string(o.args[3]) + "'");
  const bool level = o.args[3] == "1";
  auto chip = os_linux::GpioChip::open(o.args[1], o.dev);
  if (!chip) return failed(chip.error().message);
  std::optional<SignalCatcher> signals;
  if (o.hold) {
    signals.emplace();
    if (signals->fd() < 0)
      return failed(std::string("cannot catch Ctrl-C (signalfd): ") + std::strerror(errno));
  }
  auto out = chip->request_output(o.args[2], {.initial = level, .drive = o.drive, .active_low = o.active_low},
                                  o.consumer);
  if (!out) return failed(out.error().message);
  if (o.hold) {
    std::fprintf(stderr, "holding %s at %d; Ctrl-C releases it\n", out->description().c_str(), level ? 1 : 0);
    loop.run_until_complete(wait_for_signal(signals->fd()));
  }
  return kExitOk;
}

struct WatchResult {
  long edges = 0;
  int rc = kExitOk;
};

aiopi::Task<WatchResult> watch_edges(os_linux::GpioInput& in, int sfd, long count) {
  // Ctrl-C releases the line; the reader then ends with IoErrc::closed once the queued edges are printed.
  auto stopper = aiopi::create_task(
      [](int fd, os_linux::GpioInput& line) -> aiopi::Task<> {
        co_await wait_for_signal(fd);
        line.release();
      }(sfd, in),
      "signal");
  WatchResult r;
  std::uint32_t last_seq = 0;
  std::int64_t last_us = 0;
  for (;;) {
    hal::IoResult<hal::EdgeEvent> e = co_await in.next_edge();
    if (!e) {
      if (e.error().kind != hal::IoErrc::closed) {
        std::fprintf(stderr, "aiopi-io: %s: %s\n", in.description().c_str(), e.error().what);
        r.rc = kExitFailed;
      }
      break;
    }
    const std::int64_t t = e->timestamp_us;
    std::printf("%8" PRIu32 "  %-7s  %" PRId64 ".%06" PRId64 " s", e->seq, hal::to_string(e->edge),
                t / 1'000'000, t % 1'000'000);
    if (last_seq != 0) std::printf("  +%" PRId64 " us", t - last_us);
    if (last_seq != 0 && e->seq != last_seq + 1)
      std::printf("  (%" PRIu32 " edges lost before this one)", e->seq - last_seq - 1);
    std::printf("\n");
    std::fflush(stdout);
    last_seq = e->seq;
    last_us = t;
    ++r.edges;
    if (count > 0 && r.edges >= count) break;
  }
  if (!stopper.done()) {
    stopper.cancel();
    (void)co_await stopper.wait_outcome();
  }
  co_return r;
}

int cmd_watch(const Options& o, aiopi::Loop& loop) {
  if (o.args.size() != 3 && o.args.size() != 4)
    return bad_usage("watch needs CHIP and LINE, then rising, falling or both");
  hal::EdgeMode mode = hal::EdgeMode::both;
  if (o.args.size() == 4) {
    if (o.args[3] == "rising")
      mode = hal::EdgeMode::rising;
    else if (o.args[3] == "falling")
      mode = hal::EdgeMode::falling;
    else if (o.args[3] != "both")
      return bad_usage("watch: the edges are rising, falling or both, not '" + std::string(o.args[3]) + "'");
  }
  auto chip = os_linux::GpioChip::open(o.args[1], o.dev);
  if (!chip) return failed(chip.error().message);
  SignalCatcher signals;
  const int sfd = signals.fd();
  if (sfd < 0) return failed(std::string("cannot catch Ctrl-C (signalfd): ") + std::strerror(errno));
  auto in = chip->request_input(loop, o.args[2], {.edges = mode, .bias = o.bias, .active_low = o.active_low},
                                o.consumer);
  if (!in) return failed(in.error().message);
  std::fprintf(stderr, "watching %s for %s edges; Ctrl-C stops\n", in->description().c_str(),
               mode == hal::EdgeMode::both     ? "both"
               : mode == hal::EdgeMode::rising ? "rising"
                                               : "falling");
  const WatchResult r = loop.run_until_complete(watch_edges(*in, sfd, o.count));
  std::fprintf(stderr, "%ld edges, %" PRIu32 " lost\n", r.edges, in->dropped());
  return r.rc;
}

#else  // no GPIO backend in this build

int no_gpio() {
  return failed(
      "this aiopi-io was built without the GPIO backend (it needs libgpiod 1.6 at build time: "
      "libgpiod-dev on Debian 12 / Raspberry Pi OS bookworm)");
}
int cmd_chips(const Options&) {
  return no_gpio();
}
int cmd_lines(const Options&) {
  return no_gpio();
}
int cmd_get(const Options&, aiopi::Loop&) {
  return no_gpio();
}
int cmd_set(const Options&, aiopi::Loop&) {
  return no_gpio();
}
int cmd_watch(const Options&, aiopi::Loop&) {
  return no_gpio();
}

#endif

// ---- ADC and PWM
// ---------------------------------------------------------------------------------------------

int cmd_adc_devices(const Options& o) {
  const auto devices = os_linux::list_iio_devices(o.sysfs);
  if (devices.empty()) {
    return failed(
        "no IIO devices found (nothing in " + o.sysfs +
        "/bus/iio/devices: is the converter's driver loaded? On a Pi, an overlay in config.txt, e.g. "
        "dtoverlay=ads1015)");
  }
  for (const auto& d : devices)
    std::printf("%s\n", os_linux::describe(d).c_str());
  return kExitOk;
}

int cmd_adc_read(const Options& o) {
  if (o.args.size() != 3) return bad_usage("adc-read needs DEVICE and CHANNEL");
  long channel = 0;
  if (!parse_long(o.args[2], channel) || channel < 0)
    return bad_usage("adc-read: bad CHANNEL '" + std::string(o.args[2]) + "'");
  auto adc = os_linux::IioAdc::open(o.args[1], static_cast<unsigned>(channel),
                                    {.sysfs_root = o.sysfs, .bits = o.bits});
  if (!adc) return failed(adc.error().message);
  auto raw = adc->read_raw();
  if (!raw) return failed(adc->description() + ": " + raw.error().what);
  auto u16 = adc->read_u16();
  if (!u16) return failed(adc->description() + ": " + u16.error().what);
  std::printf("raw %" PRId64 "  u16 %u", *raw, static_cast<unsigned>(*u16));
  if (auto mv = adc->read_millivolts()) std::printf("  %.4f V", *mv / 1000.0);
  std::printf("\n");
  return kExitOk;
}

int cmd_pwm_chips(const Options& o) {
  const auto chips = os_linux::list_pwm_chips(o.sysfs);
  if (chips.empty()) {
    return failed(
        "no PWM chips found (nothing in " + o.sysfs +
        "/class/pwm: on a Pi, enable PWM with an overlay in config.txt, e.g. dtoverlay=pwm-2chan, and "
        "reboot)");
  }
  for (const auto& c : chips)
    std::printf("%s\n", os_linux::describe(c).c_str());
  return kExitOk;
}

// ---- I2C and serial
// ------------------------------------------------------------------------------------------

int cmd_i2c_buses(const Options& o) {
  const os_linux::I2cRoots roots{o.sysfs, o.dev};
  const auto buses = os_linux::list_i2c_buses(roots);
  if (buses.empty()) {
    // find_i2c_bus's not-found message says why there are none and how to enable I2C: "I2C bus '1' not
    // found: <why>".
    auto none = os_linux::find_i2c_bus("1", roots);
    const std::string why = none ? std::string() : none.error().message;
    const auto colon = why.find(": ");
    return failed("no I2C buses found" + (colon == std::string::npos ? std::string() : why.substr(colon)));
  }
  for (const auto& b : buses)
    std::printf("i2c-%d  %-32s %s\n", b.number, b.name.empty() ? "-" : b.name.c_str(), b.dev_path.c_str());
  return kExitOk;
}

aiopi::Task<int> scan(hal::I2cBus& bus) {
  std::printf("     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f\n");
  std::vector<unsigned> found;
  int trouble = 0;
  for (unsigned row = 0; row < 0x80; row += 16) {
    std::printf("%02x:", row);
    for (unsigned addr = row; addr < row + 16; ++addr) {
      if (addr < 0x03 || addr > 0x77) {
        std::printf("   ");
        continue;
      }
      auto r = co_await bus.read_byte(static_cast<std::uint16_t>(addr)).timeout(100ms);
      if (r) {
        std::printf(" %02x", addr);
        found.push_back(addr);
      } else if (r.error().kind == hal::IoErrc::nack) {
        std::printf(" --");
      } else if (r.error().kind == hal::IoErrc::busy) {
        std::printf(" UU");  // a kernel driver owns the address
      } else {
        std::printf(" XX");
        ++trouble;
      }
    }
    std::printf("\n");
  }
  if (found.empty()) {
    std::printf("no device answered\n");
  } else {
    std::printf("found:");
    for (unsigned a : found)
      std::printf(" 0x%02x", a);
    std::printf("\n");
  }
  if (trouble > 0)
    std::fprintf(stderr, "aiopi-io: %d addresses gave an error other than NACK (XX): bus error or timeout\n",
                 trouble);
  co_return trouble > 0 ? kExitFailed : kExitOk;
}

int cmd_i2c_scan(const Options& o, aiopi::Loop& loop) {
  if (o.args.size() != 2) return bad_usage("i2c-scan needs BUS (a number, i2c-N or the adapter's name)");
  auto bus = os_linux::LinuxI2cBus::open(loop, o.args[1], os_linux::I2cRoots{o.sysfs, o.dev});
  if (!bus) return failed(bus.error().message);
  std::fprintf(stderr, "scanning i2c-%d [%s] with SMBus reads\n", bus->info().number,
               bus->info().name.c_str());
  return loop.run_until_complete(scan(*bus));
}

int cmd_serial_ports(const Options& o) {
  const auto ports = aiopi::tools::list_serial_ports(o.sysfs, o.dev);
  if (ports.empty()) {
    return failed(
        "no serial ports found (on a Pi, enable the UART with raspi-config or enable_uart=1 in "
        "config.txt; a USB adapter appears as ttyUSB* or ttyACM*)");
  }
  for (const auto& p : ports) {
    std::string aliases;
    for (const auto& a : p.aliases)
      aliases += (aliases.empty() ? "  (" : ", ") + a;
    if (!aliases.empty()) aliases += ")";
    std::printf("%-16s %-14s%s\n", p.dev.c_str(), p.driver.empty() ? "-" : p.driver.c_str(), aliases.c_str());
  }
  return kExitOk;
}

}  // namespace

namespace aiopi::tools {

int aiopi_io_main(int argc, char** argv) {
  Options o;
  std::string error;
  if (!parse(argc, argv, o, error)) return bad_usage(error);
  if (o.args.empty()) return bad_usage("no COMMAND");
  const std::string_view cmd = o.args[0];
  if (cmd == "help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  os_linux::LinuxBackend backend;
  aiopi::Loop loop{backend};
  auto no_args = [&](int (*fn)(const Options&)) {
    return o.args.size() == 1 ? fn(o) : bad_usage(std::string(cmd) + " takes no arguments");
  };
  if (cmd == "chips") return no_args(cmd_chips);
  if (cmd == "lines") return cmd_lines(o);
  if (cmd == "get") return cmd_get(o, loop);
  if (cmd == "set") return cmd_set(o, loop);
  if (cmd == "watch") return cmd_watch(o, loop);
  if (cmd == "adc-devices") return no_args(cmd_adc_devices);
  if (cmd == "adc-read") return cmd_adc_read(o);
  if (cmd == "pwm-chips") return no_args(cmd_pwm_chips);
  if (cmd == "i2c-buses") return no_args(cmd_i2c_buses);
  if (cmd == "i2c-scan") return cmd_i2c_scan(o, loop);
  if (cmd == "serial-ports") return no_args(cmd_serial_ports);
  return bad_usage("unknown command '" + std::string(cmd) + "'");
}

}  // namespace aiopi::tools
