#include "request.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "failure.hpp"

namespace aiopictl {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::optional<Json> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t integer = 0;
  const char* end = text.data() + text.size();
  if (auto [p, ec] = std::from_chars(text.data(), end, integer); ec == std::errc{} && p == end)
    return integer;
  // strtod accepts what from_chars for double does not need to (and the reverse for "inf", "nan", hex):
  // only plain decimal forms count as numbers.
  if (text.find_first_not_of("0123456789+-.eE") != std::string_view::npos) return std::nullopt;
  const std::string copy(text);
  char* stop = nullptr;
  const double value = std::strtod(copy.c_str(), &stop);
  if (stop != copy.c_str() + copy.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string expect_args(const Invocation& inv, std::size_t n, std::string_view what) {
  if (inv.args.size() == n) return {};
  return inv.command + ": expected " + std::string(what) + ", got " + std::to_string(inv.args.size()) +
         " argument" + (inv.args.size() == 1 ? "" : "s");
}

struct NamedCommand {
  std::string_view command;
  std::string_view method;
};

// Commands that take exactly one NAME and send {"name": NAME}.
constexpr NamedCommand kNamedCommands[] = {
    {"get", "devices.get"},           {"read", "devices.read"},         {"raise", "events.set"},
    {"clear", "events.clear"},        {"start", "tasks.start"},         {"cancel", "tasks.cancel"},
    {"restart", "tasks.restart"},     {"run-now", "schedules.run_now"}, {"enable", "schedules.enable"},
    {"disable", "schedules.disable"},
};

// Commands that take nothing and send {}.
constexpr NamedCommand kListCommands[] = {
    {"devices", "devices.list"}, {"events", "events.list"},   {"tasks", "tasks.list"},
    {"info", "daemon.info"},     {"reload", "daemon.reload"},
};

}  // namespace

Json parse_value(std::string_view text) {
  const std::string word = lower(text);
  if (word == "on" || word == "true" || word == "1") return true;
  if (word == "off" || word == "false" || word == "0") return false;
  if (auto number = parse_number(text)) return *number;
  return std::string(text);
}

std::variant<RpcCall, std::string> to_rpc_call(const Invocation& inv) {
  for (const auto& c : kListCommands) {
    if (inv.command != c.command) continue;
    if (auto e = expect_args(inv, 0, "no arguments"); !e.empty()) return e;
    return RpcCall{std::string(c.method), Json::object()};
  }
  for (const auto& c : kNamedCommands) {
    if (inv.command != c.command) continue;
    if (auto e = expect_args(inv, 1, "NAME"); !e.empty()) return e;
    return RpcCall{std::string(c.method), Json{{"name", inv.args[0]}}};
  }
  if (inv.command == "set") {
    if (auto e = expect_args(inv, 2, "NAME VALUE"); !e.empty()) return e;
    return RpcCall{"devices.set", Json{{"name", inv.args[0]}, {"value", parse_value(inv.args[1])}}};
  }
  if (inv.command == "schedules") {
    if (auto e = expect_args(inv, 0, "no arguments"); !e.empty()) return e;
    const int next = inv.next.value_or(1);
    if (next < 0) return std::string("schedules: --next must be 0 or more");
    return RpcCall{"schedules.list", Json{{"next", next}}};
  }
  if (inv.command == "watch") {
    if (inv.args.empty()) return std::string("watch: expected at least one PATTERN");
    Json params{{"topics", inv.args}};
    if (inv.level) params["level"] = *inv.level;
    return RpcCall{"subscribe", std::move(params)};
  }
  if (inv.command == "call") {
    if (inv.args.empty() || inv.args.size() > 2) {
      return std::string("call: expected METHOD ['{JSON params}']");
    }
    if (inv.args[0].empty()) return std::string("call: empty METHOD");
    RpcCall call{inv.args[0], nullptr};
    if (inv.args.size() == 2) {
      Json params = Json::parse(inv.args[1], nullptr, /*allow_exceptions=*/false);
      if (params.is_discarded()) return "call: params are not valid JSON: " + inv.args[1];
      if (!params.is_object() && !params.is_array()) {
        return std::string("call: params must be a JSON object or array");
      }
      call.params = std::move(params);
    }
    return call;
  }
  return "no method for command '" + inv.command + "'";
}

Json make_request(const RpcCall& call, std::int64_t id) {
  Json request{{"jsonrpc", "2.0"}, {"id", id}, {"method", call.method}};
  if (!call.params.is_null()) request["params"] = call.params;
  return request;
}

Json result_of(const Json& answer, std::int64_t id, std::string_view method, std::string_view url) {
  if (!answer.is_object()) throw Failure::connection(url, "the answer is not a JSON-RPC response object");
  if (auto error = answer.find("error"); error != answer.end()) throw Failure::from_rpc_error(method, *error);
  const auto answer_id = answer.find("id");
  if (answer_id == answer.end() || !answer_id->is_number_integer() || answer_id->get<std::int64_t>() != id) {
    throw Failure::connection(url, "the answer is not for the request sent (id " + std::to_string(id) + ")");
  }
  const auto result = answer.find("result");
  if (result == answer.end()) throw Failure::connection(url, "the answer has neither result nor error");
  return *result;
}

}  // namespace aiopictl
