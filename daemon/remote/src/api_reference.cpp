#include "aiopid/remote/api_reference.hpp"

#include <cctype>

namespace aiopid::remote {
namespace {

std::string type_name(const api::ParamSpec& p) {
  switch (p.type) {
    case api::ParamType::string:
      return "string";
    case api::ParamType::integer:
      return "integer";
    case api::ParamType::number:
      return "number";
    case api::ParamType::boolean:
      return "boolean";
    case api::ParamType::array_of_strings:
      return "array of strings";
    case api::ParamType::object:
      return "object";
    case api::ParamType::any:
      return "any";
  }
  return "any";
}

std::string range_text(const api::ParamSpec& p) {
  std::string out;
  auto number = [](double v) {
    std::string t = api::Json(v).dump();
    if (t.ends_with(".0")) t.resize(t.size() - 2);
    return t;
  };
  if (p.minimum && p.maximum) out = " (" + number(*p.minimum) + " to " + number(*p.maximum) + ")";
  if (!p.one_of.empty()) {
    out = " (one of";
    for (const std::string& v : p.one_of)
      out += " `" + v + "`";
    out += ")";
  }
  return out;
}

/// What a URL may carry unencoded in a path segment or a query value; everything else is %XX.
std::string percent_encoded(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

/// The curl command that makes the same call through the REST mirror: path params in the path, the others in
/// the query (GET) or a JSON body (POST).
std::string curl_command(const api::RestRoute& route, const api::Json& params) {
  api::Json rest = params.is_object() ? params : api::Json::object();
  std::string path;
  for (std::size_t at = 0; at < route.path.size();) {
    const std::size_t open = route.path.find('{', at);
    if (open == std::string::npos) {
      path += route.path.substr(at);
      break;
    }
    const std::size_t close = route.path.find('}', open);
    path += route.path.substr(at, open - at);
    const std::string key = route.path.substr(open + 1, close - open - 1);
    if (auto it = rest.find(key); it != rest.end()) {
      path += percent_encoded(it->is_string() ? it->get<std::string>() : it->dump());
      rest.erase(key);
    }
    at = close + 1;
  }
  std::string command = "curl -sS ";
  if (route.verb == api::HttpVerb::get) {
    char separator = '?';
    for (const auto& [key, value] : rest.items()) {
      path += separator + percent_encoded(key) + "=" +
              percent_encoded(value.is_string() ? value.get<std::string>() : value.dump());
      separator = '&';
    }
  } else {
    command += "-X POST ";
    if (!rest.empty()) command += "-H 'Content-Type: application/json' -d '" + rest.dump() + "' ";
  }
  const std::string url = "http://127.0.0.1:8765" + path;
  // A query's ? and & mean something to the shell.
  return command + (url.find('?') == std::string::npos ? url : "'" + url + "'");
}

std::string example_markdown(const api::MethodSpec& m, const api::Json& example) {
  std::string out = "\nExample (recorded from the daemon on the simulated board";
  if (example.contains("note")) out += "; " + example.at("note").get<std::string>();
  out += "):\n\n```text\n";
  out += "→ " + example.at("request").dump() + "\n← " + example.at("response").dump(2) + "\n```\n";
  if (m.rest) {
    const api::Json& request = example.at("request");
    out += "\nThe same through REST, answered with the `result` as the body:\n\n```sh\n" +
           curl_command(*m.rest, request.contains("params") ? request.at("params") : api::Json::object()) +
           "\n```\n";
  }
  return out;
}

}  // namespace

std::vector<std::string> methods_without_example(const api::MethodRegistry& methods,
                                                 const api::Json& examples) {
  std::vector<std::string> missing;
  for (const api::MethodSpec* m : methods.all())
    if (!examples.is_object() || !examples.contains(m->name)) missing.push_back(m->name);
  return missing;
}

std::string api_reference_markdown(const api::MethodRegistry& methods, const api::Json& examples) {
  std::string out;
  out += "| method | scope | REST |\n|---|---|---|\n";
  for (const api::MethodSpec* m : methods.all()) {
    std::string anchor;  // GitHub's anchor of the heading "`devices.set`": "devicesset"
    for (char c : m->name)
      if (c != '.') anchor += c;
    out += "| [`" + m->name + "`](#" + anchor + ") | " + std::string(api::scope_name(m->scope)) + " | ";
    if (m->rest)
      out +=
          std::string("`") + (m->rest->verb == api::HttpVerb::get ? "GET " : "POST ") + m->rest->path + "`";
    else
      out += m->websocket_only ? "WebSocket only" : "`POST /api/v1/rpc`";
    out += " |\n";
  }
  for (const api::MethodSpec* m : methods.all()) {
    out += "\n### `" + m->name + "`\n\n" + m->summary + "\n";
    if (!m->description.empty()) out += "\n" + m->description + "\n";
    out += "\nScope: `" + std::string(api::scope_name(m->scope)) + "`.";
    if (m->rest)
      out += std::string(" REST: `") + (m->rest->verb == api::HttpVerb::get ? "GET " : "POST ") +
             m->rest->path + "`.";
    else if (m->websocket_only)
      out += " WebSocket only.";
    out += "\n\n";
    if (m->params.empty()) {
      out += "No params.\n";
    } else {
      out += "| param | type | required | default | description |\n|---|---|---|---|---|\n";
      for (const api::ParamSpec& p : m->params) {
        out += "| `" + p.name + "` | " + type_name(p) + range_text(p) + " | " + (p.required ? "yes" : "no") +
               " | " + (p.default_value.is_null() ? std::string() : "`" + p.default_value.dump() + "`") +
               " | " + p.description + " |\n";
      }
    }
    if (!m->errors.empty()) {
      out += "\nErrors besides the common ones:";
      for (int code : m->errors)
        out += " " + std::to_string(code);
      out += ".\n";
    }
    if (examples.is_object() && examples.contains(m->name)) out += example_markdown(*m, examples.at(m->name));
  }
  return out;
}

}  // namespace aiopid::remote
