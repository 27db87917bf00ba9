// aiopid: the daemon. This slice of issue #10 has its configuration layer only:
//
//   aiopid [--config PATH] --check-config   validate; exit 0, or 78 (EX_CONFIG) with every error on stderr
//   aiopid [--config PATH] --print-config   the merged, effective configuration as TOML on stdout
//   aiopid --help | --version
//
// Errors are printed one per line as FILE:LINE:COL: error: KEY.PATH: MESSAGE (daemon/config/README.md).
#include <cstdio>
#include <string>
#include <string_view>

#include "aiopid/config/builtin_device_types.hpp"
#include "aiopid/config/load.hpp"
#include "aiopid/config/print.hpp"

namespace {

// sysexits.h values, spelt out so that the exit codes are visible where they are chosen.
constexpr int kExitOk = 0;
constexpr int kExitUsage = 64;  // EX_USAGE: bad command line
constexpr int kExitConfig =
    78;  // EX_CONFIG: the configuration has errors (systemd: RestartPreventExitStatus=78)

void print_usage(std::FILE* to) {
  std::fputs(
      "usage: aiopid [--config PATH] --check-config\n"
      "       aiopid [--config PATH] --print-config\n"
      "       aiopid --help | --version\n"
      "\n"
      "  --config PATH    main configuration file (default /etc/aiopi/aiopid.toml); the *.toml files of\n"
      "                   conf.d/ beside it are merged in name order\n"
      "  --check-config   validate the configuration: exit 0, or 78 with every error on stderr as\n"
      "                   FILE:LINE:COL: error: KEY.PATH: MESSAGE\n"
      "  --print-config   print the merged, effective configuration (defaults filled in) as TOML\n",
      to);
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "aiopid: %s\n\n", message.c_str());
  print_usage(stderr);
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = aiopid::config::kDefaultConfigPath;
  enum class Mode { none, check, print } mode = Mode::none;

  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      print_usage(stdout);
      return kExitOk;
    }
    if (arg == "--version") {
      std::printf("aiopid %s\n", AIOPID_VERSION);
      return kExitOk;
    }
    if (arg == "--check-config" || arg == "-t") {
      mode = Mode::check;
    } else if (arg == "--print-config") {
      mode = Mode::print;
    } else if (arg == "--config" || arg == "-c") {
      if (i + 1 >= argc) return usage_error("--config needs a path");
      config_path = argv[++i];
    } else if (arg.starts_with("--config=")) {
      config_path = std::string(arg.substr(9));
    } else {
      return usage_error("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (mode == Mode::none) {
    return usage_error("running the daemon is not built yet: use --check-config or --print-config");
  }

  const aiopid::config::DeviceTypeRegistry registry = aiopid::config::builtin_device_registry();
  const aiopid::config::LoadResult result = aiopid::config::load_config(config_path, registry);
  if (!result.config) {
    const std::string errors = result.diagnostics.to_string();
    std::fwrite(errors.data(), 1, errors.size(), stderr);
    const std::size_t n = result.diagnostics.size();
    std::fprintf(stderr, "aiopid: the configuration has %zu error%s\n", n, n == 1 ? "" : "s");
    return kExitConfig;
  }
  const aiopid::config::Config& config = *result.config;
  if (mode == Mode::print) {
    const std::string text = aiopid::config::print_config(config);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  std::printf("aiopid: configuration OK: %zu file%s, %zu device%s, %zu event%s, %zu task%s, %zu schedule%s\n",
              config.files.size(), config.files.size() == 1 ? "" : "s", config.devices.size(),
              config.devices.size() == 1 ? "" : "s", config.events.size(),
              config.events.size() == 1 ? "" : "s", config.tasks.size(), config.tasks.size() == 1 ? "" : "s",
              config.schedules.size(), config.schedules.size() == 1 ? "" : "s");
  return kExitOk;
}
