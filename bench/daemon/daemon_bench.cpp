// aiopid as a service manager sees it: the daemon is started as a child with NOTIFY_SOCKET pointing at a
// datagram socket this program listens on (as systemd does for Type=notify), and the figures are read from
// outside, from its notifications and /proc:
//
//   daemon_start_ready  fork+exec → READY=1, the median of several starts (goal ≤ 100 ms)
//   daemon_idle_rss     VmRSS once started and settled (goal ≤ 8 MB)
//   daemon_running_wakeups  context switches per second of all its threads with CONFIG (its tasks run),
//                       beside the watchdog pings per second it sent in that window
//   daemon_idle_wakeups the same with a configuration where nothing runs (goal: the pings' rate, no more)
//   daemon_reload       SIGHUP → RELOADING=1 → READY=1, the median of several reloads
//   daemon_stop         SIGTERM → exit (with STOPPING=1 seen)
//
//   bench_daemon AIOPID CONFIG [BOARD]     e.g. bench_daemon build/default/daemon/aiopid config/aiopid.toml
//   sim
//
// When aiopid does not run as a daemon yet (it exits, or never sends READY=1), one line says so with an
// "error" field, and the program exits 0 so bench/run goes on.
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/bench_util.hpp"

namespace {

using aiopi::bench::Json;
using aiopi::bench::mono_ns;

constexpr int kStarts = 5;
constexpr int kReloads = 5;
constexpr int kIdleSeconds = 5;
// What the unit sets (WatchdogSec=10s): the daemon pings every 5 s.
constexpr const char* kWatchdogUsec = "10000000";
constexpr int kSafetyNetMs =
    10'000;  // no figure depends on it: a daemon that hangs is reported, not waited for

struct Listener {
  int fd = -1;
  std::string name;  // "@..." abstract

  Listener() {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const std::string id = "aiopid-bench-" + std::to_string(getpid());
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path + 1, id.data(), id.size());
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address),
                         static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + id.size())) != 0) {
      aiopi::bench::die("cannot bind the notification socket");
    }
    name = "@" + id;
  }
  ~Listener() { ::close(fd); }

  // The next datagram within `timeout_ms`, nullopt if none.
  std::optional<std::string> receive(int timeout_ms) const {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return std::nullopt;
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0) return std::nullopt;
    return std::string(buffer, static_cast<std::size_t>(n));
  }
};

bool has_line(const std::string& message, const char* line) {
  std::istringstream in(message);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

struct Daemon {
  pid_t pid = -1;
  int exit_status = -1;  // once it has ended

  bool running() {
    if (pid < 0) return false;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      exit_status = status;
      pid = -1;
      return false;
    }
    return true;
  }
  void kill_and_reap() {
    if (pid < 0) return;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    pid = -1;
  }
};

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return "ended";
}

Daemon spawn(const Listener& listener, const char* aiopid, const char* config, const char* board,
             const std::string& state_dir) {
  Daemon daemon;
  daemon.pid = ::fork();
  if (daemon.pid == 0) {
    ::setenv("NOTIFY_SOCKET", listener.name.c_str(), 1);
    ::setenv("WATCHDOG_USEC", kWatchdogUsec, 1);
    ::unsetenv("WATCHDOG_PID");
    // Its log is not what is measured; keep it out of the JSON and off the terminal.
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
    }
    ::execl(aiopid, aiopid, "--config", config, "--board", board, "--state-dir", state_dir.c_str(),
            static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  return daemon;
}

// Waits for a datagram with `line`, counting the WATCHDOG=1 pings seen on the way. An error text if the
// daemon ended or nothing came in time.
std::optional<std::string> wait_for(const Listener& listener, Daemon& daemon, const char* line,
                                    int* pings = nullptr) {
  const std::int64_t deadline = mono_ns() + std::int64_t{kSafetyNetMs} * 1'000'000;
  while (mono_ns() < deadline) {
    if (auto message = listener.receive(20)) {
      if (pings != nullptr && has_line(*message, "WATCHDOG=1")) ++*pings;
      if (has_line(*message, line)) return std::nullopt;
      continue;
    }
    if (!daemon.running()) return "aiopid " + describe_exit(daemon.exit_status) + " before sending " + line;
  }
  return std::string("aiopid sent no ") + line + " within " + std::to_string(kSafetyNetMs / 1000) + " s";
}

// Receives for `ms`, counting the WATCHDOG=1 pings.
void drain(const Listener& listener, int ms, int* pings) {
  const std::int64_t deadline = mono_ns() + std::int64_t{ms} * 1'000'000;
  for (std::int64_t now = mono_ns(); now < deadline; now = mono_ns()) {
    const auto message = listener.receive(static_cast<int>((deadline - now) / 1'000'000) + 1);
    if (message && has_line(*message, "WATCHDOG=1")) ++*pings;
  }
}

std::int64_t rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

// Voluntary + involuntary context switches of every thread: each is a wake-up (or a preemption).
std::int64_t context_switches(pid_t pid) {
  std::int64_t total = 0;
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = ::opendir(tasks.c_str());
  if (dir == nullptr) return -1;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream in(tasks + "/" + entry->d_name + "/status");
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0) total += std::stoll(line.substr(24));
      if (line.rfind("nonvoluntary_ctxt_switches:", 0) == 0) total += std::stoll(line.substr(27));
    }
  }
  ::closedir(dir);
  return total;
}

int thread_count(pid_t pid) {
  int n = 0;
  DIR* dir = ::opendir(("/proc/" + std::to_string(pid) + "/task").c_str());
  if (dir == nullptr) return 0;
  while (dirent* entry = ::readdir(dir))
    n += entry->d_name[0] != '.';
  ::closedir(dir);
  return n;
}

double median_ms(std::vector<std::int64_t> ns) {
  std::sort(ns.begin(), ns.end());
  return static_cast<double>(ns[ns.size() / 2]) / 1e6;
}

struct Wakeups {
  double per_s = 0;
  double pings_per_s = 0;
  double window_s = 0;
};

// Context switches of the daemon's threads over kIdleSeconds, and the watchdog pings it sent meanwhile.
Wakeups measure_wakeups(const Listener& listener, pid_t pid) {
  int pings = 0;
  const std::int64_t before = context_switches(pid);
  const std::int64_t t0 = mono_ns();
  drain(listener, kIdleSeconds * 1000, &pings);
  Wakeups w;
  w.window_s = static_cast<double>(mono_ns() - t0) / 1e9;
  w.per_s = static_cast<double>(context_switches(pid) - before) / w.window_s;
  w.pings_per_s = static_cast<double>(pings) / w.window_s;
  return w;
}

void print_wakeups(const char* name, const char* config, const Wakeups& w) {
  Json(name, "aiopi")
      .num("wakeups_per_s", w.per_s, 2)
      .str("unit", "1/s")
      .num("watchdog_pings_per_s", w.pings_per_s, 2)
      .num("window_s", w.window_s, 1)
      .str("config", config)
      .str("watchdog_usec", kWatchdogUsec)
      .raw("allocs_per_op", "null")
      .print();
}

// SIGTERM, then wait for the exit (SIGKILL after the safety net). Whether STOPPING=1 came.
bool stop(const Listener& listener, Daemon& daemon) {
  ::kill(daemon.pid, SIGTERM);
  const bool stopping_seen = !wait_for(listener, daemon, "STOPPING=1").has_value();
  const std::int64_t deadline = mono_ns() + std::int64_t{kSafetyNetMs} * 1'000'000;
  while (daemon.running() && mono_ns() < deadline)
    ::usleep(500);
  if (daemon.running()) daemon.kill_and_reap();
  while (listener.receive(0)) {
  }
  return stopping_seen;
}

// The configuration of the idle figure: one output, no task, event or schedule; all that should wake the
// daemon is the watchdog.
constexpr const char* kIdleConfig = R"(# bench_daemon's idle configuration
[daemon]
board = "sim"
log_level = "warn"

[devices.led]
type = "digital_out"
chip = "sim"
line = 17
)";

void report_not_ready(const std::string& why) {
  Json("daemon_start_ready", "aiopi")
      .str("error", (why + " (aiopid does not run as a daemon yet?)").c_str())
      .raw("allocs_per_op", "null")
      .print();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_daemon AIOPID CONFIG [BOARD]\n");
    return 64;
  }
  const char* aiopid = argv[1];
  const char* config = argv[2];
  const char* board = argc > 3 ? argv[3] : "sim";
  ::signal(SIGPIPE, SIG_IGN);
  Listener listener;
  // A state directory of its own (the daemon saves there at stop), and the idle configuration.
  std::string scratch = (std::filesystem::temp_directory_path() / "aiopid-bench-XXXXXX").string();
  if (::mkdtemp(scratch.data()) == nullptr) aiopi::bench::die("cannot make a temporary directory");
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } cleanup{scratch};
  const std::string state_dir = scratch;
  const std::string idle_config = scratch + "/idle.toml";
  std::ofstream(idle_config) << kIdleConfig;

  // Start → READY=1, several times (each a fresh process; the last one stays for the other figures).
  std::vector<std::int64_t> starts;
  Daemon daemon;
  for (int i = 0; i < kStarts; ++i) {
    const std::int64_t t0 = mono_ns();
    daemon = spawn(listener, aiopid, config, board, state_dir);
    if (auto error = wait_for(listener, daemon, "READY=1")) {
      daemon.kill_and_reap();
      report_not_ready(*error);
      return 0;
    }
    starts.push_back(mono_ns() - t0);
    if (i + 1 < kStarts) stop(listener, daemon);
  }
  std::sort(starts.begin(), starts.end());
  Json("daemon_start_ready", "aiopi")
      .num("ms", median_ms(starts), 1)
      .str("unit", "ms")
      .num("min_ms", static_cast<double>(starts.front()) / 1e6, 1)
      .num("max_ms", static_cast<double>(starts.back()) / 1e6, 1)
      .integer("starts", kStarts)
      .integer("goal_ms", 100)
      .str("config", config)
      .str("board", board)
      .raw("allocs_per_op", "null")
      .print();

  // RSS once settled, and the wake-ups of this configuration (its tasks and schedules run).
  int pings = 0;
  drain(listener, 1000, &pings);
  Json("daemon_idle_rss", "aiopi")
      .num("mb", static_cast<double>(rss_kb(daemon.pid)) / 1024.0, 2)
      .str("unit", "MB")
      .integer("threads", thread_count(daemon.pid))
      .num("goal_mb", 8, 0)
      .str("config", config)
      .raw("allocs_per_op", "null")
      .print();
  print_wakeups("daemon_running_wakeups", config, measure_wakeups(listener, daemon.pid));

  // Reload: SIGHUP → RELOADING=1 → READY=1 (the same, unchanged configuration).
  std::vector<std::int64_t> reloads;
  for (int i = 0; i < kReloads; ++i) {
    const std::int64_t t0 = mono_ns();
    ::kill(daemon.pid, SIGHUP);
    auto error = wait_for(listener, daemon, "RELOADING=1");
    if (!error) error = wait_for(listener, daemon, "READY=1");
    if (error) {
      Json("daemon_reload", "aiopi").str("error", error->c_str()).raw("allocs_per_op", "null").print();
      daemon.kill_and_reap();
      return 0;
    }
    reloads.push_back(mono_ns() - t0);
  }
  std::sort(reloads.begin(), reloads.end());
  Json("daemon_reload", "aiopi")
      .num("ms", median_ms(reloads), 2)
      .str("unit", "ms")
      .num("min_ms", static_cast<double>(reloads.front()) / 1e6, 2)
      .num("max_ms", static_cast<double>(reloads.back()) / 1e6, 2)
      .integer("reloads", kReloads)
      .raw("allocs_per_op", "null")
      .print();

  // Stop: SIGTERM → exit (outputs to their safe state, state saved).
  const std::int64_t t_stop = mono_ns();
  const bool stopping_seen = stop(listener, daemon);
  Json("daemon_stop", "aiopi")
      .num("ms", static_cast<double>(mono_ns() - t_stop) / 1e6, 1)
      .str("unit", "ms")
      .boolean("stopping_sent", stopping_seen)
      .str("exit", describe_exit(daemon.exit_status).c_str())
      .raw("allocs_per_op", "null")
      .print();

  // Idle: nothing declared that runs, so only the watchdog should wake it.
  daemon = spawn(listener, aiopid, idle_config.c_str(), board, state_dir);
  if (auto error = wait_for(listener, daemon, "READY=1")) {
    daemon.kill_and_reap();
    Json("daemon_idle_wakeups", "aiopi").str("error", error->c_str()).raw("allocs_per_op", "null").print();
    return 0;
  }
  drain(listener, 1000, &pings);
  print_wakeups("daemon_idle_wakeups", "one output, no tasks or schedules",
                measure_wakeups(listener, daemon.pid));
  stop(listener, daemon);
  return 0;
}
