// The remote API's WebSocket notifications measured against the real aiopid on the sim board. aiopid runs as
// a child with a generated config; the clients are Boost.Beast WebSockets, all on this program's one thread
// with asynchronous I/O (a client per connection would measure the client). One JSON line per figure:
//
//   api_edge_to_ws            a simulated pin edge → its notification read by the one subscribed client:
//                             client's CLOCK_MONOTONIC at the read − the notification's mono_us (the edge's
//                             time on the daemon's loop clock, also CLOCK_MONOTONIC). Goal p99 ≤ 2 ms.
//   api_edge_to_ws_100clients the same with 100 clients subscribed to ten of the buttons' edges (about 60
//                             edges/s, 6,000 notifications/s); every client's samples.
//   api_ws_fanout             one event fanned out to 100 subscribed clients, the source kept ahead of the
//                             delivery: notifications read per second across the clients. Goal ≥ 100,000/s.
//   api_ws_fanout_paced       the same source paced at the goal (1,000 events/s, 100,000 notifications/s
//                             offered): what was delivered, dropped, and the publish → read latency.
//
//   bench_api_ws AIOPID [--seconds S]     S: each measuring window (default 2)
//
// The edges come from the sim board's sim_press_every (50 buttons pressed every 200 to 249 ms, each held
// 100 ms: about 300 edges/s, one every 3 ms on average; 200 ms is the least period the config allows); the
// fan-out's events from a control connection sending batches of events.set (JSON-RPC notifications: no
// answers). The fan-out source is flow-controlled by what the slowest client has read: at most kWindowEvents
// events are outstanding per client, below the server's per-connection queue (max_queued, default 256), so
// the server always has work queued and nothing should be dropped; drops are counted anyway (the server's
// "dropped" reports). When aiopid does not start, one line says so with an "error" field and the program
// exits 0, so bench/run goes on.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "support/bench_util.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using aiopi::bench::Json;
using namespace std::chrono_literals;

constexpr int kFanoutClients = 100;
constexpr int kButtons = 50;        // ~300 edges/s: presses every 200 to 249 ms (the least allowed is 200)
constexpr int kButtonsFor100 = 10;  // ~60 edges/s × 100 clients
constexpr std::int64_t kWindowEvents = 192;     // outstanding events per client (< max_queued 256)
constexpr std::int64_t kBatchEvents = 48;       // events.set per WebSocket message of the control connection
constexpr double kPacedEventsPerSecond = 1000;  // × 100 clients = the goal
constexpr auto kSettle = 300ms;                 // after subscribing / starting a source, before a window
constexpr auto kSafetyNet = 10s;                // no figure depends on it: a stuck wait is an error

std::int64_t mono_us() noexcept {
  return aiopi::bench::mono_ns() / 1000;
}

double loadavg_1m() {
  std::ifstream in("/proc/loadavg");
  double load = -1;
  in >> load;
  return load;
}

/// A JSON string's content: the few characters JSON does not allow raw are replaced (messages are ours).
std::string json_safe(std::string text) {
  for (char& c : text) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = '\'';
  }
  return text;
}

/// From /proc/PID/task/TID/schedstat: time on a CPU and time runnable but waiting for one (ns).
struct SchedTimes {
  std::int64_t run_ns = 0, wait_ns = 0;
};

SchedTimes sched_times(const std::filesystem::path& task) {
  std::ifstream in(task / "schedstat");
  SchedTimes t;
  in >> t.run_ns >> t.wait_ns;
  return t;
}

/// Every thread of process `pid` by thread id.
std::map<long, SchedTimes> thread_sched_times(pid_t pid) {
  std::map<long, SchedTimes> times;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec))
    times[std::atol(entry.path().filename().c_str())] = sched_times(entry.path());
  return times;
}

// ------------------------------------------------------------------------------------------------ the daemon

std::string config_text() {
  std::string text = R"([daemon]
board = "sim"
log_level = "info"   # the API's "listening on" line is info

# Raised for the benchmark: 101 WebSocket connections (default 64), and the control connection's batches
# (default 50 messages/s per connection). max_queued stays at its default (256 per connection).
[api]
listen = ["127.0.0.1"]
port = 0
max_connections = 128
requests_per_second = 100000

[events.tick]
description = "set by the benchmark's control connection"
)";
  for (int i = 0; i < kButtons; ++i) {
    text += "\n[devices.button" + std::to_string(i) +
            "]\ntype = \"digital_in\"\nchip = \"sim\"\nline = " + std::to_string(4 + i) +
            "\nbias = \"pull_up\"\nactive_low = true\nsim_press_every = \"" + std::to_string(200 + i) +
            "ms\"\n";
  }
  return text;
}

class Daemon {
 public:
  ~Daemon() {
    stop();
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  /// Starts aiopid and waits for its API's port; an error text when it does not come.
  std::optional<std::string> start(const char* aiopid) {
    char templ[] = "/tmp/bench-api-ws-XXXXXX";
    if (::mkdtemp(templ) == nullptr) return "cannot make a temporary directory";
    dir_ = templ;
    const std::string config = dir_ + "/aiopid.toml", log = dir_ + "/log";
    std::ofstream(config) << config_text();
    pid_ = ::fork();
    if (pid_ < 0) return "fork failed";
    if (pid_ == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd >= 0) {
        ::dup2(fd, STDOUT_FILENO);
        ::dup2(fd, STDERR_FILENO);
      }
      ::execl(aiopid, aiopid, "--config", config.c_str(), "--state-dir", dir_.c_str(),
              static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    const std::string marker = "API: listening on http://127.0.0.1:";
    const std::int64_t deadline = mono_us() + 20'000'000;
    while (mono_us() < deadline) {
      std::ifstream in(log);
      std::stringstream text;
      text << in.rdbuf();
      const std::string s = text.str();
      if (const auto at = s.find(marker); at != std::string::npos) {
        port_ = static_cast<std::uint16_t>(std::atoi(s.c_str() + at + marker.size()));
        if (port_ != 0) return std::nullopt;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        std::fprintf(stderr, "bench_api_ws: aiopid's log:\n%s", s.c_str());
        // Its first error line says most (the last one may only count them).
        std::istringstream lines(s);
        std::string line, first_error;
        while (std::getline(lines, line) && first_error.empty()) {
          if (line.find("error") != std::string::npos) first_error = line;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return std::string(aiopid) + " could not be run";
        return "aiopid " +
               (WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                  : std::string("was killed by signal ") + strsignal(WTERMSIG(status))) +
               " before its API listened" + (first_error.empty() ? "" : ": " + first_error);
      }
      ::usleep(20'000);
    }
    return "aiopid's API did not listen within 20 s (no \"API: listening\" in its log)";
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 500; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      ::usleep(10'000);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// ----------------------------------------------------------------------------------------------- the clients

/// What is being measured right now: which notifications count, and their latencies inside the window.
struct Recording {
  enum class Kind { none, edges, ticks };
  Kind latency_of = Kind::none;
  std::int64_t window_start_us = std::numeric_limits<std::int64_t>::max(), window_end_us = 0;
  std::vector<std::int64_t> latencies_us;

  [[nodiscard]] bool in_window(std::int64_t t) const noexcept {
    return t >= window_start_us && t < window_end_us;
  }
};

struct Client {
  explicit Client(const asio::any_io_executor& executor) : ws(executor) {}

  websocket::stream<tcp::socket> ws;
  beast::flat_buffer buffer;
  std::deque<std::string> outbox;  // one write at a time; the front is being written
  bool open = false;
  std::string failure;  // why the connection ended (empty: it did not)
  std::uint64_t answers = 0, expected_answers = 0;
  std::string last_answer;
  std::int64_t edges = 0, ticks = 0, ticks_in_window = 0, dropped = 0;
  std::vector<std::int64_t> edge_latencies_us;  // this client's share of recording.latencies_us (edges)
};

Recording recording;

std::optional<std::int64_t> integer_after(std::string_view text, std::string_view key) {
  const auto at = text.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  std::int64_t value = 0;
  const char* first = text.data() + at + key.size();
  const auto [end, ec] = std::from_chars(first, text.data() + text.size(), value);
  if (ec != std::errc{} || end == first) return std::nullopt;
  return value;
}

// {"jsonrpc":"2.0","method":"notify","params":{"seq":N,"topic":"T","mono_us":M,"time":...,"data":{...}}}
void on_message(Client& c, std::string_view text, std::int64_t now) {
  if (text.substr(0, 48).find(R"("method":"notify")") == std::string_view::npos) {
    ++c.answers;
    c.last_answer.assign(text);
    return;
  }
  constexpr std::string_view topic_key = R"("topic":")";
  const auto at = text.find(topic_key);
  if (at == std::string_view::npos) return;
  const std::string_view rest = text.substr(at + topic_key.size());
  const std::string_view topic = rest.substr(0, rest.find('"'));
  if (topic == "event.tick.set") {
    ++c.ticks;
    if (recording.in_window(now)) {
      ++c.ticks_in_window;
      if (recording.latency_of == Recording::Kind::ticks)
        if (auto at_us = integer_after(rest, R"("mono_us":)")) recording.latencies_us.push_back(now - *at_us);
    }
  } else if (topic.starts_with("device.") && topic.ends_with(".edge")) {
    ++c.edges;
    if (recording.latency_of == Recording::Kind::edges && recording.in_window(now))
      if (auto at_us = integer_after(rest, R"("mono_us":)")) {
        recording.latencies_us.push_back(now - *at_us);
        c.edge_latencies_us.push_back(now - *at_us);
      }
  } else if (topic == "dropped") {
    c.dropped += integer_after(rest, R"("dropped":)").value_or(0);
  }
}

void read(Client& c) {
  c.ws.async_read(c.buffer, [&c](beast::error_code ec, std::size_t) {
    const std::int64_t now = mono_us();  // before anything else: the time the message was read
    if (ec) {
      c.open = false;
      c.failure = ec.message();
      return;
    }
    const auto data = c.buffer.data();
    on_message(c, std::string_view(static_cast<const char*>(data.data()), data.size()), now);
    c.buffer.consume(c.buffer.size());
    read(c);
  });
}

void write_next(Client& c) {
  c.ws.text(true);
  c.ws.async_write(asio::buffer(c.outbox.front()), [&c](beast::error_code ec, std::size_t) {
    c.outbox.pop_front();
    if (ec) {
      c.open = false;
      c.failure = ec.message();
      c.outbox.clear();
      return;
    }
    if (!c.outbox.empty()) write_next(c);
  });
}

void send(Client& c, std::string text) {
  c.outbox.push_back(std::move(text));
  if (c.outbox.size() == 1) write_next(c);
}

/// A request with an id: its answer is counted when it arrives (see wait_answers).
void request(Client& c, std::string_view method, std::string_view params_json) {
  ++c.expected_answers;
  send(c, R"({"jsonrpc":"2.0","method":")" + std::string(method) + R"(","params":)" +
              std::string(params_json) + R"(,"id":)" + std::to_string(c.expected_answers) + "}");
}

// ---------------------------------------------------------------------------------------- the measurement

using Clients = std::vector<std::unique_ptr<Client>>;

asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

/// Polls (1 ms) until `done` holds; throws what `what` says after the safety net.
asio::awaitable<void> wait_until(const std::function<bool()>& done, const char* what) {
  const auto deadline = std::chrono::steady_clock::now() + kSafetyNet;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error(std::string("timed out: ") + what);
    co_await sleep_for(1ms);
  }
}

void check_open(const Clients& clients) {
  for (const auto& c : clients) {
    if (!c->open) throw std::runtime_error("a client's connection ended: " + c->failure);
  }
}

asio::awaitable<void> wait_answers(const Clients& clients) {
  co_await wait_until(
      [&] {
        check_open(clients);
        return std::all_of(clients.begin(), clients.end(),
                           [](const auto& c) { return c->answers >= c->expected_answers; });
      },
      "answers to the requests");
}

asio::awaitable<void> connect(Clients& clients, std::size_t count, std::uint16_t port) {
  const auto executor = co_await asio::this_coro::executor;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  for (std::size_t i = 0; i < count; ++i) {
    auto c = std::make_unique<Client>(executor);
    co_await c->ws.next_layer().async_connect(endpoint, asio::use_awaitable);
    c->ws.next_layer().set_option(tcp::no_delay(true));
    co_await c->ws.async_handshake("127.0.0.1:" + std::to_string(port), "/api/v1/ws", asio::use_awaitable);
    c->open = true;
    read(*c);
    clients.push_back(std::move(c));
  }
}

asio::awaitable<std::int64_t> tick_set_count(Client& control) {
  request(control, "events.get", R"(["tick"])");
  co_await wait_until([&] { return control.answers >= control.expected_answers; }, "events.get");
  if (auto n = integer_after(control.last_answer, R"("set_count":)")) co_return *n;
  throw std::runtime_error("events.get answered without set_count: " + control.last_answer);
}

/// CPU use over a window, in % of one core: on a CPU ("cpu") and runnable but waiting for one ("runq", what
/// the other load on the machine costs), for this program's thread (the clients) and each of the daemon's
/// threads, the busiest first ("main" runs the loop; the API server's thread is another).
class CpuWindow {
 public:
  explicit CpuWindow(const Daemon& d)
      : daemon_(d),
        t0_(mono_us()),
        self_("/proc/self/task/" + std::to_string(::gettid())),
        client0_(sched_times(self_)),
        d0_(thread_sched_times(d.pid())) {}

  struct Used {
    double client_cpu_s = 0, daemon_cpu_s = 0;
  };

  /// The window ends (finish() reports it later).
  void stop() {
    t1_ = mono_us();
    client1_ = sched_times(self_);
    d1_ = thread_sched_times(daemon_.pid());
  }

  Used finish(Json& line) {
    if (t1_ == 0) stop();
    const double wall_ns = static_cast<double>(t1_ - t0_) * 1e3;
    auto pct = [wall_ns](std::int64_t ns) { return static_cast<double>(ns) / wall_ns * 100; };
    const SchedTimes client = client1_;
    std::vector<std::pair<SchedTimes, long>> threads;
    double total = 0;
    for (const auto& [tid, t] : d1_) {
      const auto before = d0_.find(tid);
      const SchedTimes b = before == d0_.end() ? SchedTimes{} : before->second;
      threads.push_back({SchedTimes{t.run_ns - b.run_ns, t.wait_ns - b.wait_ns}, tid});
      total += pct(t.run_ns - b.run_ns);
    }
    std::sort(threads.begin(), threads.end(),
              [](const auto& x, const auto& y) { return x.first.run_ns > y.first.run_ns; });
    std::string shares = "{";
    for (const auto& [t, tid] : threads) {
      if (pct(t.run_ns) < 0.5) continue;
      char item[96];
      std::snprintf(item, sizeof item, "%s\"%s%ld\":{\"cpu\":%.0f,\"runq\":%.0f}",
                    shares.size() > 1 ? "," : "", tid == daemon_.pid() ? "main " : "", tid, pct(t.run_ns),
                    pct(t.wait_ns));
      shares += item;
    }
    shares += "}";
    line.num("client_cpu_pct", pct(client.run_ns - client0_.run_ns), 0)
        .num("client_runq_pct", pct(client.wait_ns - client0_.wait_ns), 0)
        .num("daemon_cpu_pct", total, 0)
        .raw("daemon_threads_pct", shares.c_str());
    return {static_cast<double>(client.run_ns - client0_.run_ns) / 1e9, total / 100 * wall_ns / 1e9};
  }

 private:
  const Daemon& daemon_;
  std::int64_t t0_, t1_ = 0;
  std::filesystem::path self_;
  SchedTimes client0_, client1_;
  std::map<long, SchedTimes> d0_, d1_;
};

void latency_fields(Json& line, std::vector<std::int64_t>& us) {
  if (us.empty()) throw std::runtime_error("no latency samples in the window");
  const auto d = aiopi::bench::distribution(us);
  line.integer("samples", static_cast<std::int64_t>(us.size()))
      .integer("p50_us", d.p50)
      .integer("p99_us", d.p99)
      .integer("max_us", d.max)
      .num("mean_us", d.mean_ns, 0)
      .integer("min_us", d.min);
}

/// `buttons` subscribed (the first ones): 50 give about 300 edges/s, 10 about 60 (one every 16 ms).
asio::awaitable<void> edge_latency(const char* name, Clients& clients, const Daemon& daemon, double seconds,
                                   int buttons) {
  std::string topics;
  for (int i = 0; i < buttons; ++i)
    topics += (i > 0 ? ",\"device.button" : "\"device.button") + std::to_string(i) + ".edge\"";
  for (auto& c : clients) {
    request(*c, "unsubscribe", "{\"topics\":[]}");
    request(*c, "subscribe", "{\"topics\":[" + topics + "]}");
  }
  co_await wait_answers(clients);
  co_await sleep_for(kSettle);
  recording = Recording{};
  for (auto& c : clients)
    c->edge_latencies_us.clear();
  recording.latency_of = Recording::Kind::edges;
  const double load = loadavg_1m();
  CpuWindow cpu(daemon);
  recording.window_start_us = mono_us();
  recording.window_end_us = recording.window_start_us + static_cast<std::int64_t>(seconds * 1e6);
  co_await sleep_for(std::chrono::microseconds(recording.window_end_us - mono_us()));
  check_open(clients);
  Json line(name, "aiopi");
  line.integer("clients", static_cast<std::int64_t>(clients.size()))
      .num("edges_per_s",
           static_cast<double>(recording.latencies_us.size()) / seconds / static_cast<double>(clients.size()),
           0);
  latency_fields(line, recording.latencies_us);
  if (clients.size() > 1) {
    // The server writes to its connections in the order they were made: the first client hears of an edge
    // first, the last after the writes to all the others (and this thread reads them in turn).
    auto median = [](std::vector<std::int64_t>& v) {
      return v.empty() ? 0 : aiopi::bench::distribution(v).p50;
    };
    line.integer("first_client_p50_us", median(clients.front()->edge_latencies_us))
        .integer("last_client_p50_us", median(clients.back()->edge_latencies_us));
  }
  line.str("unit", "us").num("seconds", seconds, 1).num("loadavg_1m", load);
  cpu.finish(line);
  line.raw("allocs_per_op", "null").print();
  recording = Recording{};
}

std::string events_set_batch(std::int64_t n) {
  std::string text = "[";
  for (std::int64_t i = 0; i < n; ++i) {
    if (i > 0) text += ',';
    text += R"({"jsonrpc":"2.0","method":"events.set","params":["tick"]})";
  }
  return text + "]";
}

/// Fan-out: `paced_rate` 0 keeps the source kWindowEvents ahead of the slowest client; otherwise events are
/// sent at that rate (open loop).
asio::awaitable<void> fanout(const char* name, Clients& clients, Client& control, const Daemon& daemon,
                             double seconds, double paced_rate) {
  const std::int64_t set_before = co_await tick_set_count(control);
  for (auto& c : clients) {
    c->ticks = c->ticks_in_window = c->dropped = 0;
  }
  recording = Recording{};
  recording.latency_of = paced_rate > 0 ? Recording::Kind::ticks : Recording::Kind::none;
  const std::int64_t start = mono_us();
  const std::int64_t window_start = start + std::chrono::microseconds(kSettle).count();
  const std::int64_t window_end = window_start + static_cast<std::int64_t>(seconds * 1e6);
  recording.window_start_us = window_start;
  recording.window_end_us = window_end;
  const double load = loadavg_1m();
  std::optional<CpuWindow> cpu;
  std::int64_t sent = 0;
  const std::string batch = events_set_batch(kBatchEvents);
  for (std::int64_t now = mono_us(); now < window_end; now = mono_us()) {
    if (!cpu && now >= window_start) cpu.emplace(daemon);
    if (control.outbox.empty()) {
      std::int64_t allowed = 0;
      if (paced_rate > 0) {
        allowed = static_cast<std::int64_t>(paced_rate * static_cast<double>(now - start) / 1e6) - sent;
      } else {
        std::int64_t slowest = std::numeric_limits<std::int64_t>::max();
        for (const auto& c : clients)
          slowest = std::min(slowest, c->ticks + c->dropped);
        allowed = kWindowEvents - (sent - slowest);
      }
      if (allowed >= kBatchEvents) {
        send(control, batch);
        sent += kBatchEvents;
      } else if (paced_rate > 0 && allowed > 0) {
        send(control, events_set_batch(allowed));
        sent += allowed;
      }
    }
    co_await sleep_for(paced_rate > 0 ? 5ms : 200us);  // paced: 5 events a message
  }
  if (cpu) cpu->stop();
  // Every event set (the answer to events.get follows the batches sent before it) arrives, or is reported
  // dropped, at every client.
  const std::int64_t produced = co_await tick_set_count(control) - set_before;
  co_await wait_until(
      [&] {
        check_open(clients);
        return std::all_of(clients.begin(), clients.end(),
                           [&](const auto& c) { return c->ticks + c->dropped >= produced; });
      },
      "the fan-out's last notifications");
  std::int64_t in_window = 0, delivered = 0, dropped = 0;
  for (const auto& c : clients) {
    in_window += c->ticks_in_window;
    delivered += c->ticks;
    dropped += c->dropped;
  }
  Json line(name, "aiopi");
  line.num("notifications_per_s", static_cast<double>(in_window) / seconds, 0)
      .str("unit", "notifications/s")
      .integer("clients", static_cast<std::int64_t>(clients.size()));
  if (paced_rate > 0) line.num("offered_per_s", paced_rate * static_cast<double>(clients.size()), 0);
  line.integer("events", produced)
      .integer("delivered", delivered)
      .integer("dropped", dropped)
      .integer("missing", produced * static_cast<std::int64_t>(clients.size()) - delivered - dropped);
  if (paced_rate > 0 && !recording.latencies_us.empty()) {
    auto d = aiopi::bench::distribution(recording.latencies_us);
    line.integer("p50_us", d.p50).integer("p99_us", d.p99).integer("max_us", d.max);
  }
  line.num("seconds", seconds, 1).num("loadavg_1m", load);
  if (cpu) {
    // What one core would deliver if the daemon (its API thread, nearly all of it) had it to itself: the
    // figure to compare when the machine is loaded.
    const CpuWindow::Used used = cpu->finish(line);
    if (used.daemon_cpu_s > 0)
      line.num("per_daemon_cpu_s", static_cast<double>(in_window) / used.daemon_cpu_s, 0);
    if (used.client_cpu_s > 0)
      line.num("per_client_cpu_s", static_cast<double>(in_window) / used.client_cpu_s, 0);
  }
  line.raw("allocs_per_op", "null").print();
  if (produced != sent) {
    std::fprintf(stderr, "bench_api_ws: %s: %lld events sent, %lld set (requests refused?)\n", name,
                 static_cast<long long>(sent), static_cast<long long>(produced));
  }
  recording = Recording{};
}

/// The connections outlive the measurement's coroutine: their handlers refer to them until they end.
struct Connections {
  Clients control, clients;

  void close_all() {
    for (auto* group : {&clients, &control}) {
      for (auto& c : *group) {
        beast::error_code ignored;
        c->ws.next_layer().close(ignored);
      }
    }
  }
};

asio::awaitable<void> run(const Daemon& daemon, double seconds, Connections& connections) {
  const std::uint16_t port = daemon.port();
  Clients& control = connections.control;
  Clients& clients = connections.clients;
  co_await connect(control, 1, port);
  co_await connect(clients, 1, port);
  co_await edge_latency("api_edge_to_ws", clients, daemon, seconds, kButtons);
  co_await connect(clients, kFanoutClients - 1, port);
  co_await edge_latency("api_edge_to_ws_100clients", clients, daemon, seconds, kButtonsFor100);
  for (auto& c : clients) {
    request(*c, "unsubscribe", R"({"topics":[]})");
    request(*c, "subscribe", R"({"topics":["event.tick.set"]})");
  }
  co_await wait_answers(clients);
  co_await fanout("api_ws_fanout", clients, *control.front(), daemon, seconds, 0);
  co_await fanout("api_ws_fanout_paced", clients, *control.front(), daemon, seconds, kPacedEventsPerSecond);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s AIOPID [--seconds S]\n", argv[0]);
    return 64;
  }
  double seconds = 2;
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
  }
  ::signal(SIGPIPE, SIG_IGN);
  Daemon daemon;
  if (auto error = daemon.start(argv[1])) {
    Json("api_ws_fanout", "aiopi")
        .str("error", json_safe(*error).c_str())
        .raw("allocs_per_op", "null")
        .print();
    return 0;
  }
  asio::io_context ioc(1);
  Connections connections;
  std::string failure;
  asio::co_spawn(ioc, run(daemon, seconds, connections), [&](std::exception_ptr e) {
    // Ends the reads still pending, so that run() returns (the clients are still there for their handlers).
    connections.close_all();
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      failure = x.what();
    }
  });
  ioc.run();
  if (!failure.empty()) {
    Json("api_ws_bench", "aiopi")
        .str("error", json_safe(failure).c_str())
        .raw("allocs_per_op", "null")
        .print();
  }
  daemon.stop();
  return 0;
}
