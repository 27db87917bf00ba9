// MethodRegistry: adding methods, params validation and REST routing. The documents (OpenRPC, OpenAPI) are in
// api_documents.cpp.
#include "aiopid/api/method_registry.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>

#include "aiopi/panic.hpp"
#include "aiopid/api/url_query.hpp"

namespace aiopid::api {
namespace {

[[noreturn]] void registry_error(const std::string& message) {
  const std::string text = "aiopid::api::MethodRegistry: " + message;
  aiopi::panic(text.c_str());
}

bool is_param_segment(std::string_view segment) noexcept {
  return segment.size() >= 3 && segment.front() == '{' && segment.back() == '}';
}
std::string_view param_of(std::string_view segment) noexcept {
  return segment.substr(1, segment.size() - 2);
}

/// "/api/v1/devices/{name}" → {"api", "v1", "devices", "{name}"}; the leading "/" is required.
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    segments.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

const char* verb_name(HttpVerb verb) noexcept {
  return verb == HttpVerb::get ? "GET" : "POST";
}

/// A reference token of a JSON Pointer (RFC 6901): `~` → `~0`, `/` → `~1`.
std::string pointer_token(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_number(double v) {
  if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  return Json(v).dump();
}

const char* expected_text(ParamType type) noexcept {
  switch (type) {
    case ParamType::string:
      return "a string";
    case ParamType::integer:
      return "an integer";
    case ParamType::number:
      return "a number";
    case ParamType::boolean:
      return "true or false";
    case ParamType::array_of_strings:
      return "an array of strings";
    case ParamType::object:
      return "an object";
    case ParamType::any:
      return "a value";
  }
  return "a value";
}

const char* json_type_text(const Json& v) noexcept {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "an integer";
    case Json::value_t::number_float:
      return "a number";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    default:
      return "a value";
  }
}

std::optional<RpcError> mistyped(const std::string& pointer, const ParamSpec& spec, const Json& value) {
  return RpcError::invalid_params(
      pointer, spec.name + ": expected " + expected_text(spec.type) + ", got " + json_type_text(value));
}

std::optional<RpcError> check_range(const std::string& pointer, const ParamSpec& spec, double v) {
  if (spec.minimum && v < *spec.minimum)
    return RpcError::invalid_params(pointer,
                                    spec.name + ": must be at least " + format_number(*spec.minimum));
  if (spec.maximum && v > *spec.maximum)
    return RpcError::invalid_params(pointer, spec.name + ": must be at most " + format_number(*spec.maximum));
  return std::nullopt;
}

/// Checks one value against its spec; normalises an integral float given for an integer.
std::optional<RpcError> check_value(const std::string& pointer, const ParamSpec& spec, Json& value) {
  switch (spec.type) {
    case ParamType::string: {
      if (!value.is_string()) return mistyped(pointer, spec, value);
      if (!spec.one_of.empty()) {
        const auto& s = value.get_ref<const std::string&>();
        bool found = false;
        for (const auto& allowed : spec.one_of)
          found = found || allowed == s;
        if (!found) {
          std::string list;
          for (const auto& allowed : spec.one_of)
            list += (list.empty() ? "" : ", ") + allowed;
          return RpcError::invalid_params(pointer, spec.name + ": must be one of " + list);
        }
      }
      return std::nullopt;
    }
    case ParamType::integer: {
      if (value.is_number_unsigned()) {
        if (value.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
          return RpcError::invalid_params(pointer, spec.name + ": integer out of range");
        value = static_cast<std::int64_t>(value.get<std::uint64_t>());
      } else if (value.is_number_float()) {
        const double d = value.get<double>();
        if (!std::isfinite(d) || d != std::trunc(d)) return mistyped(pointer, spec, value);
        if (d < -9.2233720368547758e18 || d >= 9.2233720368547758e18)
          return RpcError::invalid_params(pointer, spec.name + ": integer out of range");
        value = static_cast<std::int64_t>(d);
      } else if (!value.is_number_integer()) {
        return mistyped(pointer, spec, value);
      }
      return check_range(pointer, spec, static_cast<double>(value.get<std::int64_t>()));
    }
    case ParamType::number:
      if (!value.is_number()) return mistyped(pointer, spec, value);
      return check_range(pointer, spec, value.get<double>());
    case ParamType::boolean:
      if (!value.is_boolean()) return mistyped(pointer, spec, value);
      return std::nullopt;
    case ParamType::array_of_strings:
      if (!value.is_array()) return mistyped(pointer, spec, value);
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string()) {
          return RpcError::invalid_params(
              pointer + "/" + std::to_string(i),
              spec.name + "[" + std::to_string(i) + "]: expected a string, got " + json_type_text(value[i]));
        }
      }
      return std::nullopt;
    case ParamType::object:
      if (!value.is_object()) return mistyped(pointer, spec, value);
      return std::nullopt;
    case ParamType::any:
      return std::nullopt;
  }
  return std::nullopt;
}

const ParamSpec* find_param(const MethodSpec& method, std::string_view name) noexcept {
  for (const auto& p : method.params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

/// A value from the URL (path segment or query) typed by its param: integers, numbers and booleans are
/// parsed; objects and `any` are parsed as JSON when they are JSON (`any`: else kept as the string); lists
/// of strings are comma-separated. Unknown params stay strings (validation then names them).
std::variant<Json, RpcError> typed_from_text(const ParamSpec* spec, const std::string& text,
                                             const std::string& pointer) {
  if (spec == nullptr) return Json(text);
  switch (spec->type) {
    case ParamType::string:
      return Json(text);
    case ParamType::integer: {
      std::int64_t v = 0;
      const char* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(text.data(), end, v);
      if (text.empty() || ec != std::errc() || ptr != end)
        return RpcError::invalid_params(pointer, spec->name + ": expected an integer, got \"" + text + "\"");
      return Json(v);
    }
    case ParamType::number: {
      double v = 0;
      const char* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(text.data(), end, v);
      if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v))
        return RpcError::invalid_params(pointer, spec->name + ": expected a number, got \"" + text + "\"");
      return Json(v);
    }
    case ParamType::boolean:
      if (text == "true") return Json(true);
      if (text == "false") return Json(false);
      return RpcError::invalid_params(pointer, spec->name + ": expected true or false, got \"" + text + "\"");
    case ParamType::array_of_strings: {
      Json list = Json::array();
      std::string_view rest = text;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        list.push_back(std::string(rest.substr(0, comma)));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
      return list;
    }
    case ParamType::object:
    case ParamType::any: {
      Json parsed = Json::parse(text, nullptr, false);
      if (parsed.is_discarded()) {
        if (spec->type == ParamType::any) return Json(text);
        return RpcError::invalid_params(pointer, spec->name + ": expected a JSON object");
      }
      return parsed;
    }
  }
  return Json(text);
}

}  // namespace

void MethodRegistry::add(MethodSpec spec) {
  if (spec.name.empty()) registry_error("a method needs a name");
  if (methods_.contains(spec.name)) registry_error("method \"" + spec.name + "\" added twice");
  if (!spec.handler) registry_error("method \"" + spec.name + "\" has no handler");
  std::set<std::string_view> names;
  for (const auto& p : spec.params) {
    if (p.name.empty()) registry_error("method \"" + spec.name + "\": a param without a name");
    if (!names.insert(p.name).second)
      registry_error("method \"" + spec.name + "\": param \"" + p.name + "\" declared twice");
  }
  std::optional<Route> route;
  if (spec.rest) {
    const std::string& path = spec.rest->path;
    if (path.empty() || path.front() != '/')
      registry_error("method \"" + spec.name + "\": route \"" + path + "\" does not start with /");
    Route r{spec.rest->verb, split_path(path), nullptr};
    std::set<std::string_view> path_params;
    for (const auto& segment : r.segments) {
      if (segment.empty())
        registry_error("method \"" + spec.name + "\": route \"" + path + "\" has an empty segment");
      if (is_param_segment(segment)) {
        const std::string_view name = param_of(segment);
        if (find_param(spec, name) == nullptr)
          registry_error("method \"" + spec.name + "\": route \"" + path + "\" names {" + std::string(name) +
                         "}, which is not a param");
        if (!path_params.insert(name).second)
          registry_error("method \"" + spec.name + "\": route \"" + path + "\" names {" + std::string(name) +
                         "} twice");
      }
    }
    for (const Route& other : routes_) {
      if (other.verb != r.verb || other.segments.size() != r.segments.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < r.segments.size() && same; ++i) {
        const bool a = is_param_segment(r.segments[i]), b = is_param_segment(other.segments[i]);
        same = a == b && (a || r.segments[i] == other.segments[i]);
      }
      if (same)
        registry_error("method \"" + spec.name + "\": route " + verb_name(r.verb) + " " + path +
                       " is already the route of \"" + other.method->name + "\"");
    }
    route = std::move(r);
  }
  auto [it, inserted] = methods_.emplace(spec.name, std::move(spec));
  ordered_.push_back(&it->second);
  if (route) {
    route->method = &it->second;
    routes_.push_back(std::move(*route));
  }
}

const MethodSpec* MethodRegistry::find(std::string_view name) const {
  const auto it = methods_.find(name);
  return it == methods_.end() ? nullptr : &it->second;
}

std::variant<Json, RpcError> MethodRegistry::validate(const MethodSpec& method, const Json* params) const {
  const bool positional = params != nullptr && params->is_array();
  const bool named = params != nullptr && params->is_object();
  if (params != nullptr && !params->is_null() && !positional && !named)
    return RpcError::invalid_params("/params", "params must be an object or an array");
  if (positional && params->size() > method.params.size()) {
    return RpcError::invalid_params("/params/" + std::to_string(method.params.size()),
                                    method.name + " takes at most " + std::to_string(method.params.size()) +
                                        " params, got " + std::to_string(params->size()));
  }
  if (named) {
    for (auto it = params->begin(); it != params->end(); ++it) {
      if (find_param(method, it.key()) == nullptr)
        return RpcError::invalid_params("/params/" + pointer_token(it.key()),
                                        "unknown param \"" + it.key() + "\"");
    }
  }

  Json out = Json::object();
  for (std::size_t i = 0; i < method.params.size(); ++i) {
    const ParamSpec& spec = method.params[i];
    // By position, element i is the declared param i, and pointers stay positional.
    const Json* given = nullptr;
    std::string pointer;
    if (positional) {
      if (i < params->size()) {
        given = &(*params)[i];
        pointer = "/params/" + std::to_string(i);
      }
    } else if (named) {
      if (auto it = params->find(spec.name); it != params->end()) given = &*it;
    }
    if (pointer.empty()) pointer = "/params/" + pointer_token(spec.name);
    if (given == nullptr) {
      if (!spec.default_value.is_null()) {
        out[spec.name] = spec.default_value;
      } else if (spec.required) {
        return RpcError::invalid_params(pointer, "missing param \"" + spec.name + "\"");
      }
      continue;
    }
    Json value = *given;
    if (auto error = check_value(pointer, spec, value)) return std::move(*error);
    out[spec.name] = std::move(value);
  }
  return out;
}

std::variant<RoutedCall, RpcError> MethodRegistry::route(HttpVerb verb, std::string_view target,
                                                         const Json& body) const {
  if (target.empty() || target.front() != '/')
    return RpcError{rpc_code::invalid_request, "invalid request: the target must be a path", nullptr};
  const auto question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  const std::string_view raw_query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

  std::vector<std::string> segments;
  for (std::string& raw : split_path(raw_path)) {
    auto decoded = percent_decode(raw);
    if (!decoded)
      return RpcError{rpc_code::invalid_request, "invalid request: bad percent-encoding in the path",
                      nullptr};
    segments.push_back(std::move(*decoded));
  }

  // The most specific route wins: at the first segment where two matching routes differ, a literal beats a
  // param.
  auto more_specific = [](const Route& a, const Route& b) {
    for (std::size_t i = 0; i < a.segments.size(); ++i) {
      const bool la = !is_param_segment(a.segments[i]), lb = !is_param_segment(b.segments[i]);
      if (la != lb) return la;
    }
    return false;
  };
  const Route* best = nullptr;
  bool other_verb[2] = {false, false};
  for (const Route& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      match = is_param_segment(r.segments[i]) ? !segments[i].empty() : r.segments[i] == segments[i];
    }
    if (!match) continue;
    if (r.verb != verb) {
      other_verb[static_cast<int>(r.verb)] = true;
      continue;
    }
    if (best == nullptr || more_specific(r, *best)) best = &r;
  }
  if (best == nullptr) {
    const std::string path(raw_path);
    if (other_verb[0] || other_verb[1]) {
      std::string allow;
      if (other_verb[static_cast<int>(HttpVerb::get)]) allow = "GET";
      if (other_verb[static_cast<int>(HttpVerb::post)]) allow += allow.empty() ? "POST" : ", POST";
      Json data = Json::object();
      data["allow"] = allow;
      return RpcError{
          rpc_code::method_not_found,
          std::string("method not allowed: ") + verb_name(verb) + " " + path + " (allowed: " + allow + ")",
          std::move(data)};
    }
    return RpcError{rpc_code::method_not_found, std::string("no route: ") + verb_name(verb) + " " + path,
                    nullptr};
  }

  const MethodSpec& method = *best->method;
  Json params = Json::object();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (!is_param_segment(best->segments[i])) continue;
    const std::string name(param_of(best->segments[i]));
    const std::string pointer = "/params/" + pointer_token(name);
    auto typed = typed_from_text(find_param(method, name), segments[i], pointer);
    if (auto* error = std::get_if<RpcError>(&typed)) return std::move(*error);
    params[name] = std::move(std::get<Json>(typed));
  }
  auto pairs = parse_query(raw_query);
  if (!pairs) return RpcError::invalid_params("/params", "bad percent-encoding in the query");
  for (auto& [key, value] : *pairs) {
    const std::string pointer = "/params/" + pointer_token(key);
    if (key.empty()) return RpcError::invalid_params("/params", "a query parameter without a name");
    if (params.contains(key)) return RpcError::invalid_params(pointer, "\"" + key + "\" given twice");
    auto typed = typed_from_text(find_param(method, key), value, pointer);
    if (auto* error = std::get_if<RpcError>(&typed)) return std::move(*error);
    params[key] = std::move(std::get<Json>(typed));
  }
  if (!body.is_null()) {
    if (!body.is_object()) return RpcError::invalid_params("/params", "the body must be a JSON object");
    for (auto it = body.begin(); it != body.end(); ++it) {
      if (params.contains(it.key()))
        return RpcError::invalid_params("/params/" + pointer_token(it.key()),
                                        "\"" + it.key() + "\" given twice");
      params[it.key()] = it.value();
    }
  }
  auto validated = validate(method, &params);
  if (auto* error = std::get_if<RpcError>(&validated)) return std::move(*error);
  return RoutedCall{&method, std::move(std::get<Json>(validated))};
}

}  // namespace aiopid::api
