#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "failure.hpp"
#include "format.hpp"
#include "request.hpp"
#include "rpc_client.hpp"
#include "token_hash.hpp"
#include "url.hpp"

#ifndef AIOPICTL_VERSION
#define AIOPICTL_VERSION "0"
#endif

namespace aiopictl {

namespace {

struct Positional {
  const char* name;
  const char* help;
  bool required = true;
  bool many = false;  ///< takes the rest of the arguments (the last one only)
};

struct CommandSpec {
  const char* name;
  const char* help;
  std::vector<Positional> positionals;
};

const std::vector<CommandSpec>& command_specs() {
  static const std::vector<CommandSpec> specs = {
      {"devices", "list the devices: name, type, state, value (devices.list)", {}},
      {"get", "one device's state (devices.get)", {{"NAME", "the device"}}},
      {"set",
       "write an output (devices.set): on/off/true/false/1/0 are booleans, numbers are numbers",
       {{"NAME", "the output device"}, {"VALUE", "the value"}}},
      {"read", "take a reading from a sensor (devices.read)", {{"NAME", "the device"}}},
      {"events", "list the events and whether they are set (events.list)", {}},
      {"raise", "set an event (events.set)", {{"EVENT", "the event"}}},
      {"clear", "clear an event (events.clear)", {{"EVENT", "the event"}}},
      {"tasks", "list the tasks: name, state, runs (tasks.list)", {}},
      {"start", "start a declared task (tasks.start)", {{"TASK", "the task"}}},
      {"cancel", "cancel a running task (tasks.cancel)", {{"TASK", "the task"}}},
      {"restart", "cancel and start a task (tasks.restart)", {{"TASK", "the task"}}},
      {"schedules", "list the schedules with their next fire times (schedules.list)", {}},
      {"run-now", "fire a schedule now (schedules.run_now)", {{"SCHEDULE", "the schedule"}}},
      {"enable", "enable a schedule (schedules.enable)", {{"SCHEDULE", "the schedule"}}},
      {"disable", "disable a schedule (schedules.disable)", {{"SCHEDULE", "the schedule"}}},
      {"info", "the daemon's version, board, uptime and loop lag (daemon.info)", {}},
      {"reload", "reload the daemon's configuration (daemon.reload)", {}},
      {"watch",
       "subscribe and print notifications as they come (WebSocket): TIME TOPIC DATA",
       {{"PATTERN", "topic patterns: door.* device.*.edge task.** ('*' one segment, '**' any)", true, true}}},
      {"call",
       "call any method over the WebSocket and print its result as JSON",
       {{"METHOD", "the method, e.g. devices.get"}, {"PARAMS", "params as a JSON object or array", false}}},
      {"token-hash",
       "print a credentials-file line (NAME SCOPE sha256:HEX) for a token read from stdin",
       {{"NAME", "the token's name"}, {"SCOPE", "read, control or admin"}}},
  };
  return specs;
}

std::string read_token_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw Failure::usage("--token-file " + path + ": cannot read it");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::string token = token_from_text(text);
  if (token.empty()) throw Failure::usage("--token-file " + path + ": no token in it");
  return token;
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err, std::istream& in) {
  CLI::App app{"aiopictl: the command-line client of aiopid's remote API (docs/remote-api.md)", "aiopictl"};
  app.require_subcommand(1, 1);
  app.fallthrough();  // global options may also come after the command
  app.set_version_flag("--version", AIOPICTL_VERSION);
  app.footer(
      "Exit status: 0 ok, 1 the method failed, 2 usage, 3 cannot reach the daemon (connection, TLS, "
      "timeout),\n"
      "4 not authorised (no, unknown or insufficient token).");

  std::string url_text = "http://127.0.0.1:8765";
  std::string token_file;
  bool json = false;
  double timeout_s = 10;
  bool insecure = false;
  std::string ca_file;
  app.add_option("--url", url_text, "the daemon: http[s]://HOST[:PORT][/PREFIX]")
      ->envname("AIOPI_URL")
      ->capture_default_str();
  app.add_option("--token-file", token_file,
                 "read the token from FILE (first line); otherwise from $AIOPI_TOKEN; sent as Bearer");
  app.add_flag("--json", json, "print results as JSON (watch: one notification per line)");
  app.add_option("--timeout", timeout_s, "seconds for connecting and for each answer (0: none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_flag("-k,--insecure", insecure, "TLS: do not verify the server's certificate or host name");
  app.add_option("--cacert", ca_file, "TLS: trust the PEM certificate(s) in FILE instead of the system's")
      ->check(CLI::ExistingFile);

  Invocation inv;
  std::deque<std::string> single_values;  // stable addresses for CLI11
  std::vector<std::string> many_values;
  struct Bound {
    std::string name;
    std::vector<std::string*> singles;
    bool many = false;
  };
  std::vector<Bound> bound;
  int next = 1;
  int count = 0;
  std::string level;
  bool generate = false;
  for (const auto& spec : command_specs()) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.help);
    Bound b{spec.name, {}, false};
    for (const auto& p : spec.positionals) {
      CLI::Option* opt = nullptr;
      if (p.many) {
        opt = sub->add_option(p.name, many_values, p.help);
        b.many = true;
      } else {
        single_values.emplace_back();
        b.singles.push_back(&single_values.back());
        opt = sub->add_option(p.name, single_values.back(), p.help);
      }
      if (p.required) opt->required();
    }
    const std::string name = spec.name;
    if (name == "schedules") {
      sub->add_option("--next", next, "how many next fire times to show per schedule")
          ->check(CLI::Range(0, 1000))
          ->capture_default_str();
    } else if (name == "watch") {
      sub->add_option("--count", count, "exit (0) after N notifications (0: never)")
          ->check(CLI::NonNegativeNumber);
      sub->add_option("--level", level, "least severe log level sent for log.* topics (trace … critical)");
    } else if (name == "token-hash") {
      sub->add_flag("--generate", generate,
                    "make a random token (32 bytes, base64url) and print it on stderr");
    }
    bound.push_back(std::move(b));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? 0 : to_int(ExitCode::usage);
  }

  try {
    for (const auto& b : bound) {
      if (!app.got_subcommand(b.name)) continue;
      inv.command = b.name;
      for (const std::string* v : b.singles) {
        if (!v->empty() || inv.command != "call") inv.args.push_back(*v);
      }
      if (b.many) inv.args.insert(inv.args.end(), many_values.begin(), many_values.end());
    }
    if (inv.command == "schedules" && app.get_subcommand("schedules")->count("--next") > 0) inv.next = next;
    if (!level.empty()) inv.level = level;

    if (inv.command == "token-hash") {
      std::string token;
      if (generate) {
        token = generate_token();
      } else {
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        token = token_from_text(text);
      }
      const std::string line = credentials_line(inv.args.at(0), inv.args.at(1), token);
      if (generate) err << token << '\n' << std::flush;  // the only time it is shown
      out << line << '\n';
      return to_int(ExitCode::ok);
    }

    auto parsed = parse_url(url_text);
    if (auto* message = std::get_if<std::string>(&parsed)) throw Failure::usage("--url: " + *message);
    ClientOptions options;
    options.url = std::get<ServerUrl>(std::move(parsed));
    // Beyond a day is as good as none (and keeps the milliseconds in range).
    options.timeout = std::chrono::milliseconds(timeout_s > 86400 ? 0 : std::llround(timeout_s * 1000));
    options.insecure = insecure;
    options.ca_file = ca_file;
    if (!token_file.empty()) {
      options.token = read_token_file(token_file);
    } else if (const char* env = std::getenv("AIOPI_TOKEN"); env && *env) {
      options.token = token_from_text(env);
    }

    auto mapped = to_rpc_call(inv);
    if (auto* message = std::get_if<std::string>(&mapped)) throw Failure::usage(*message);
    const RpcCall& call = std::get<RpcCall>(mapped);

    if (inv.command == "watch") {
      int seen = 0;
      watch(options, call, [&](const Json& params) {
        const bool dropped = params.is_object() && params.value("topic", "") == "dropped";
        out << (json ? params.dump() + "\n" : format_notification(params)) << std::flush;
        if (!dropped) ++seen;
        return count == 0 || seen < count;
      });
      return to_int(ExitCode::ok);
    }
    if (inv.command == "call") {
      out << format_json(call_websocket(options, call));
      return to_int(ExitCode::ok);
    }
    const Json result = call_http(options, call);
    out << (json ? format_json(result) : format_result(inv.command, result));
    return to_int(ExitCode::ok);
  } catch (const Failure& f) {
    err << "aiopictl: " << f.what() << '\n';
    for (const auto& line : f.details())
      err << "  " << line << '\n';
    return to_int(f.code());
  } catch (const std::exception& e) {
    err << "aiopictl: " << e.what() << '\n';
    return to_int(ExitCode::method_error);
  }
}

}  // namespace aiopictl
