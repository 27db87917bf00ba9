// aiopid: the daemon.
//
//   aiopid [--config PATH] [--board sim|linux] [--state-dir DIR] [--trace-outputs FILE]   run it
//   aiopid [--config PATH] --check-config        validate; exit 0, or 78 (EX_CONFIG) with every error
//   aiopid [--config PATH] --print-config        the merged, effective configuration as TOML
//   aiopid [--config PATH] --next-runs [NAME] [--count N]   each schedule's next fires, in its zone
//   aiopid [--config PATH] [--board B] --list-hardware      what the board offers
//   aiopid --help | --version
//
// Errors are printed one per line as FILE:LINE:COL: error: KEY.PATH: MESSAGE (daemon/config/README.md).
// Signals (read from a signalfd in the loop): SIGTERM / SIGINT stop (tasks cancelled, outputs to their safe
// state, exit 0); SIGHUP reloads the configuration and applies the difference (a bad one keeps the old).
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aiopi/linux/linux_backend.hpp"
#include "aiopi/loop.hpp"
#include "aiopid/config/driver_device_types.hpp"
#include "aiopid/config/load.hpp"
#include "aiopid/config/print.hpp"
#include "aiopid/runtime/linux_board.hpp"
#include "aiopid/runtime/logging.hpp"
#include "aiopid/runtime/next_runs.hpp"
#include "aiopid/runtime/runtime.hpp"
#include "aiopid/runtime/signal_fd.hpp"
#include "aiopid/runtime/sim_board.hpp"
#include "aiopid/runtime/state_file_store.hpp"
#include "aiopid/runtime/systemd_notifier.hpp"
#include "spdlog/spdlog.h"

#ifdef AIOPID_TETHER
#include "aiopid/tether/tether_boards.hpp"
#endif
#ifdef AIOPID_REMOTE_API
#include "aiopid/api/builtin_methods.hpp"
#include "aiopid/api/dispatcher.hpp"
#include "aiopid/api/loop_endpoint.hpp"
#include "aiopid/api/method_registry.hpp"
#include "aiopid/api/server.hpp"
#include "aiopid/remote/log_publisher.hpp"
#include "aiopid/remote/methods.hpp"
#include "aiopid/remote/publisher.hpp"
#include "aiopid/remote/server_settings.hpp"
#endif

namespace {

// sysexits.h values, spelt out so that the exit codes are visible where they are chosen.
constexpr int kExitOk = 0;
constexpr int kExitUsage = 64;                         // EX_USAGE: bad command line
[[maybe_unused]] constexpr int kExitUnavailable = 69;  // EX_UNAVAILABLE: the API cannot listen (port in use)
constexpr int kExitConfig =
    78;  // EX_CONFIG: the configuration has errors (systemd: RestartPreventExitStatus=78)

void print_usage(std::FILE* to) {
  std::fputs(
      "usage: aiopid [--config PATH] [--board sim|linux] [--state-dir DIR] [--trace-outputs FILE]\n"
      "       aiopid [--config PATH] --check-config\n"
      "       aiopid [--config PATH] --print-config\n"
      "       aiopid [--config PATH] --next-runs [NAME] [--count N]\n"
      "       aiopid [--config PATH] [--board sim|linux] --list-hardware\n"
      "       aiopid --help | --version\n"
      "\n"
      "  --config PATH    main configuration file (default /etc/aiopi/aiopid.toml); the *.toml files of\n"
      "                   conf.d/ beside it are merged in name order\n"
      "  --board B        run on board B (sim or linux) instead of the configuration's [daemon] board\n"
      "  --state-dir DIR  keep the state file in DIR instead of the configuration's [daemon] state_dir\n"
      "  --trace-outputs FILE  append every output write as 'DEVICE 0|1' to FILE (tests, demos)\n"
      "  --check-config   validate the configuration: exit 0, or 78 with every error on stderr as\n"
      "                   FILE:LINE:COL: error: KEY.PATH: MESSAGE\n"
      "  --print-config   print the merged, effective configuration (defaults filled in) as TOML\n"
      "  --next-runs      print the next fires of every schedule (or of NAME) in its time zone\n"
      "  --count N        how many fires --next-runs prints (default 5)\n"
      "  --list-hardware  list what the board offers (GPIO chips, I2C buses, serial ports, ...)\n"
      "\n"
      "Running, SIGTERM/SIGINT stop (exit 0) and SIGHUP reloads the configuration. docs/daemon.md.\n",
      to);
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "aiopid: %s\n\n", message.c_str());
  print_usage(stderr);
  return kExitUsage;
}

void print_diagnostics(const aiopid::config::LoadResult& result) {
  const std::string errors = result.diagnostics.to_string();
  std::fwrite(errors.data(), 1, errors.size(), stderr);
  const std::size_t n = result.diagnostics.size();
  std::fprintf(stderr, "aiopid: the configuration has %zu error%s\n", n, n == 1 ? "" : "s");
}

/// Reads the configuration again and applies it: SIGHUP and the remote API's `daemon.reload` (through
/// RuntimeOptions::reload and Runtime::reload, which runs one reload at a time) take this one path. A
/// configuration with errors keeps the running one; the errors come back one per line.
class Reloader {
 public:
  Reloader(std::string config_path, const aiopid::config::DeviceTypeRegistry& types,
           aiopid::runtime::Notifier& notifier)
      : config_path_(std::move(config_path)), types_(types), notifier_(notifier) {}

  aiopi::Task<aiopid::runtime::ReloadOutcome> reload(aiopid::runtime::Runtime& runtime) {
    using aiopid::runtime::OpErrc;
    aiopid::runtime::ReloadOutcome out;
    spdlog::info("reloading {}", config_path_);
    notifier_.reloading();
    aiopid::config::LoadResult next = aiopid::config::load_config(config_path_, types_);
    if (!next.config) {
      const std::string text = next.diagnostics.to_string();
      std::size_t start = 0;
      while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        out.errors.push_back(text.substr(start, end == std::string::npos ? end : end - start));
        spdlog::error("reload: {}", out.errors.back());
        if (end == std::string::npos) break;
        start = end + 1;
      }
      const std::size_t n = next.diagnostics.size();
      spdlog::error("reload failed: the new configuration has {} error{}; the running one is kept", n,
                    n == 1 ? "" : "s");
      out.status = aiopid::runtime::OpResult::fail(
          OpErrc::reload_failed, "the new configuration has " + std::to_string(n) + " error" +
                                     (n == 1 ? "" : "s") + "; the running one is kept");
      notifier_.status("reload failed (" + std::to_string(n) +
                       " configuration errors), running the previous "
                       "configuration: " +
                       runtime.summary());
      notifier_.reloaded();
      co_return out;
    }
    if (next.config->daemon.board != runtime.config().daemon.board)
      spdlog::warn("reload: [daemon] board changed: it takes effect at the next start");
    const aiopid::runtime::ApplySummary sum = co_await runtime.apply(std::move(*next.config));
    spdlog::info("reloaded: {} added, {} changed, {} removed, {} unchanged; {}", sum.added, sum.changed,
                 sum.removed, sum.kept, runtime.summary());
    out.added = sum.added;
    out.changed = sum.changed;
    out.removed = sum.removed;
    out.kept = sum.kept;
    notifier_.status(runtime.summary());
    notifier_.reloaded();
    co_return out;
  }

 private:
  std::string config_path_;
  const aiopid::config::DeviceTypeRegistry& types_;
  aiopid::runtime::Notifier& notifier_;
};

/// The running daemon: apply the configuration, then serve signals until told to stop.
aiopi::Task<int> serve(aiopid::runtime::Runtime& runtime, aiopid::runtime::SignalFd& signals,
                       aiopid::config::Config config, aiopid::runtime::Notifier& notifier) {
  co_await runtime.apply(std::move(config));
  spdlog::info("running: {}", runtime.summary());
  notifier.status(runtime.summary());
  notifier.ready();
  for (;;) {
    const int signal = co_await signals.next();
    if (signal != SIGHUP) {
      spdlog::info("{}: stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");
      break;
    }
    spdlog::info("SIGHUP: reload");
    co_await runtime.reload();
  }
  notifier.stopping();
  co_await runtime.shutdown();
  spdlog::info("stopped");
  co_return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = aiopid::config::kDefaultConfigPath;
  enum class Mode { run, check, print, next_runs, list_hardware } mode = Mode::run;
  std::optional<std::string> board_name;
  std::string next_runs_name;
  std::string trace_path;
  std::optional<std::string> state_dir;
  int count = 5;

  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](const char* what) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)what;
      return argv[++i];
    };
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
    } else if (arg == "--list-hardware") {
      mode = Mode::list_hardware;
    } else if (arg == "--next-runs") {
      mode = Mode::next_runs;
      if (i + 1 < argc && argv[i + 1][0] != '-') next_runs_name = argv[++i];
    } else if (arg == "--count") {
      const char* v = value("--count");
      char* end = nullptr;
      const long n = v ? std::strtol(v, &end, 10) : 0;
      if (!v || *end != '\0' || n < 1 || n > 1000)
        return usage_error("--count needs a number from 1 to 1000");
      count = static_cast<int>(n);
    } else if (arg == "--board") {
      const char* v = value("--board");
      if (!v || (std::string_view(v) != "sim" && std::string_view(v) != "linux"))
        return usage_error("--board needs 'sim' or 'linux'");
      board_name = v;
    } else if (arg == "--trace-outputs") {
      const char* v = value("--trace-outputs");
      if (!v) return usage_error("--trace-outputs needs a path");
      trace_path = v;
    } else if (arg == "--state-dir") {
      const char* v = value("--state-dir");
      if (!v) return usage_error("--state-dir needs a directory");
      state_dir = v;
    } else if (arg == "--config" || arg == "-c") {
      const char* v = value("--config");
      if (!v) return usage_error("--config needs a path");
      config_path = v;
    } else if (arg.starts_with("--config=")) {
      config_path = std::string(arg.substr(9));
    } else {
      return usage_error("unknown argument '" + std::string(arg) + "'");
    }
  }

  const aiopid::config::DeviceTypeRegistry types = aiopid::config::aiopid_device_registry();
  aiopid::config::LoadResult result = aiopid::config::load_config(config_path, types);
  if (!result.config) {
    print_diagnostics(result);
    return kExitConfig;
  }
  aiopid::config::Config& config = *result.config;
  if (mode == Mode::print) {
    const std::string text = aiopid::config::print_config(config);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
#ifdef AIOPID_REMOTE_API
  // The remote API's settings are checked with the rest (--check-config too, so systemd's ExecStartPre
  // catches them): a listener beyond loopback without tokens, a broken tokens file or half a TLS setup is a
  // configuration error (exit 78), like any other.
  std::optional<aiopid::api::ServerConfig> api_config;
  if (config.api.enabled) {
    const std::string tokens = aiopid::remote::tokens_path(config.api, std::getenv("CREDENTIALS_DIRECTORY"));
    auto settings = aiopid::remote::server_config(config.api, tokens, AIOPID_VERSION);
    if (auto* errors = std::get_if<std::vector<std::string>>(&settings)) {
      for (const std::string& e : *errors)
        std::fprintf(stderr, "aiopid: %s\n", e.c_str());
      return kExitConfig;
    }
    api_config = std::move(std::get<aiopid::api::ServerConfig>(settings));
    if (!tokens.empty()) spdlog::debug("API tokens from {}", tokens);
  }
#endif
  if (mode == Mode::check) {
    std::printf(
        "aiopid: configuration OK: %zu file%s, %zu device%s, %zu event%s, %zu task%s, %zu schedule%s\n",
        config.files.size(), config.files.size() == 1 ? "" : "s", config.devices.size(),
        config.devices.size() == 1 ? "" : "s", config.events.size(), config.events.size() == 1 ? "" : "s",
        config.tasks.size(), config.tasks.size() == 1 ? "" : "s", config.schedules.size(),
        config.schedules.size() == 1 ? "" : "s");
    return kExitOk;
  }
  if (mode == Mode::next_runs) {
    if (!aiopid::runtime::print_next_runs(config, next_runs_name, count, stdout)) {
      std::fprintf(stderr, "aiopid: no schedule named '%s'\n", next_runs_name.c_str());
      return kExitUsage;
    }
    return kExitOk;
  }

  const bool sim = board_name ? *board_name == "sim" : config.daemon.board == aiopid::config::Board::sim;
  std::unique_ptr<aiopid::runtime::Board> board =
      sim ? aiopid::runtime::make_sim_board() : aiopid::runtime::make_linux_board();
  if (mode == Mode::list_hardware) {
    board->list_hardware(stdout);
    return kExitOk;
  }

  // Running. Signals are blocked before anything could start a thread.
  aiopid::runtime::SignalFd signals;
  aiopid::runtime::setup_logging(aiopid::runtime::detect_log_target(), config.daemon.log_level);
  std::FILE* trace = nullptr;
  if (!trace_path.empty()) {
    trace = std::fopen(trace_path.c_str(), "a");
    if (trace == nullptr) return usage_error("cannot open --trace-outputs file '" + trace_path + "'");
  }
  spdlog::info("aiopid {} starting on board {} with {}", AIOPID_VERSION, board->name(), config_path);

  aiopid::runtime::SystemdNotifier notifier(aiopid::notify::Notifier::from_environment());
  aiopid::runtime::StateFileStore state(state_dir ? *state_dir : config.daemon.state_dir);
  aiopi::os_linux::LinuxBackend backend;
  aiopi::Loop loop(backend);
  Reloader reloader(config_path, types, notifier);
#ifdef AIOPID_REMOTE_API
  aiopid::remote::Publisher publisher;
#endif
#ifdef AIOPID_TETHER
  aiopid::tether::TetherBoards remote_boards(loop);  // [boards.NAME]: devices on a Pico over a UART
#endif
  aiopid::runtime::Runtime runtime(
      loop, *board,
      {
          .output_trace = trace,
          .notifier = &notifier,
          .state = &state,
#ifdef AIOPID_REMOTE_API
          .observer = &publisher,
#endif
          .reload = [&reloader](aiopid::runtime::Runtime& rt) { return reloader.reload(rt); },
#ifdef AIOPID_TETHER
          .remote_boards = &remote_boards,
#endif
      });
#ifdef AIOPID_REMOTE_API
  // The API: its own thread (Boost.Beast), calls into this loop through the LoopEndpoint, notifications out
  // through the Publisher (runtime changes) and the LogPublisher (log lines). Declared after the runtime, so
  // destroyed (stopped) before it.
  aiopid::api::MethodRegistry methods;
  const aiopid::remote::DaemonFacts facts{AIOPID_VERSION};
  aiopid::api::add_builtin_methods(methods, "aiopid", AIOPID_VERSION);
  aiopid::remote::add_daemon_methods(methods, runtime, facts);
  aiopid::api::Dispatcher dispatcher(methods);
  aiopid::api::LoopEndpoint endpoint(loop, dispatcher);
  std::unique_ptr<aiopid::api::Server> server;
  auto log_publisher = std::make_shared<aiopid::remote::LogPublisher>();
  if (api_config) {
    server = std::make_unique<aiopid::api::Server>(std::move(*api_config), methods, endpoint);
    const std::vector<std::string> errors = server->start();
    if (!errors.empty()) {
      for (const std::string& e : errors)
        spdlog::critical("API: {}", e);
      if (trace) std::fclose(trace);
      return kExitUnavailable;
    }
    spdlog::default_logger()->sinks().push_back(log_publisher);  // before any other thread logs
    log_publisher->set_sink(server.get());
    publisher.set_sink(server.get());
    spdlog::info(
        "API: listening on {} (try: curl {}/api/v1/devices; aiopictl --url {} devices; "
        "aiopictl --url {} watch '*')",
        server->url(), server->url(), server->url(), server->url());
  } else {
    spdlog::info("API: disabled ([api] enabled = false)");
  }
#endif
  const int code = loop.run_until_complete(serve(runtime, signals, std::move(config), notifier));
#ifdef AIOPID_REMOTE_API
  publisher.set_sink(nullptr);
  log_publisher->set_sink(nullptr);
  if (server) server->stop();
#endif
  if (trace) std::fclose(trace);
  return code;
}
