#include "aiopid/remote/api_reference.hpp"

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

}  // namespace

std::string api_reference_markdown(const api::MethodRegistry& methods) {
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
  }
  return out;
}

}  // namespace aiopid::remote
