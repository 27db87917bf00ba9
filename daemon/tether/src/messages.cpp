#include "aiopid/tether/messages.hpp"

namespace aiopid::tether {
namespace {

runtime::ReadingValue reading_value(const Json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return v.get<std::string>();
  return std::monostate{};
}

std::string default_unit(std::string_view type, std::string_view reading) {
  if (type == "htu21d") return reading == "temperature" ? "°C" : reading == "humidity" ? "%RH" : "";
  return "";
}

}  // namespace

Incoming decode_line(std::string_view line) {
  if (line.starts_with('#')) return Comment{std::string(line.substr(1))};
  Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Malformed{"not JSON"};
  if (!j.is_object()) return Malformed{"not a JSON object"};
  if (const auto method = j.find("method"); method != j.end()) {
    if (!method->is_string() || *method != "notify") return Malformed{"a request from the board"};
    const auto params = j.find("params");
    if (params == j.end() || !params->is_object()) return Malformed{"a notification without params"};
    const auto topic = params->find("topic");
    if (topic == params->end() || !topic->is_string()) return Malformed{"a notification without a topic"};
    const std::string& t = topic->get_ref<const std::string&>();
    // device.NAME.WHAT: names have no dots (letters, digits, '_', '-').
    const std::size_t first = t.find('.'), last = t.rfind('.');
    if (!t.starts_with("device.") || first == last || last == t.size() - 1 || last - first < 2)
      return Malformed{"a notification whose topic is not device.NAME.WHAT"};
    Notification n;
    n.device = t.substr(first + 1, last - first - 1);
    n.what = t.substr(last + 1);
    if (const auto mono = params->find("mono_us"); mono != params->end() && mono->is_number_integer())
      n.mono_us = mono->get<std::int64_t>();
    else
      return Malformed{"a notification without mono_us"};
    if (const auto data = params->find("data"); data != params->end()) n.data = *data;
    return n;
  }
  Response r;
  const auto id = j.find("id");
  if (id == j.end()) return Malformed{"neither a notification nor an answer (no id)"};
  if (id->is_number_integer())
    r.id = id->get<std::int64_t>();
  else if (!id->is_null())
    return Malformed{"an answer whose id is not an integer"};
  if (const auto result = j.find("result"); result != j.end()) {
    r.ok = true;
    r.result = *result;
    return r;
  }
  const auto error = j.find("error");
  if (error == j.end() || !error->is_object()) return Malformed{"an answer with neither result nor error"};
  if (const auto code = error->find("code"); code != error->end() && code->is_number_integer())
    r.code = code->get<int>();
  if (const auto message = error->find("message"); message != error->end() && message->is_string())
    r.message = message->get<std::string>();
  return r;
}

std::string encode_request(std::int64_t id, std::string_view method, const Json& params) {
  Json j{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) j["params"] = params;
  // ASCII only: the Pico passes \uXXXX escapes through and never has to decode UTF-8.
  std::string text = j.dump(-1, ' ', /*ensure_ascii=*/true);
  text += '\n';
  return text;
}

Json json_of(const config::Node& node) {
  using Kind = config::Node::Kind;
  switch (node.kind()) {
    case Kind::boolean:
      return node.as_bool();
    case Kind::integer:
      return node.as_int();
    case Kind::floating:
      return node.as_number();
    case Kind::string:
    case Kind::date_time:
      return node.as_string();
    case Kind::time_of_day:
      return nullptr;  // no board key takes one
    case Kind::array: {
      Json out = Json::array();
      for (const config::Node& item : node.items())
        out.push_back(json_of(item));
      return out;
    }
    case Kind::table: {
      Json out = Json::object();
      for (const config::Node::Member& m : node.members())
        out[m.key] = json_of(m.value);
      return out;
    }
  }
  return nullptr;
}

Json json_of(const runtime::SetValue& value) {
  if (const bool* b = std::get_if<bool>(&value)) return *b;
  if (const double* d = std::get_if<double>(&value)) return *d;
  return nullptr;  // registers and text are not written to a board
}

std::optional<runtime::DeviceReading> reading_of(const Json& value, const Json& unit, std::string_view type) {
  if (value.is_boolean()) return runtime::DeviceReading{value.get<bool>()};
  if (value.is_number()) return runtime::DeviceReading{value.get<double>()};
  if (!value.is_object()) return std::nullopt;
  std::vector<runtime::Reading> readings;
  for (const auto& [key, v] : value.items()) {
    runtime::Reading r{key, reading_value(v), default_unit(type, key)};
    if (unit.is_object()) {
      if (const auto u = unit.find(key); u != unit.end() && u->is_string()) r.unit = u->get<std::string>();
    }
    readings.push_back(std::move(r));
  }
  return runtime::DeviceReading{std::move(readings)};
}

std::vector<runtime::Reading> readings_of(const Json& data) {
  std::vector<runtime::Reading> out;
  if (!data.is_object()) return out;
  for (const auto& [key, v] : data.items()) {
    runtime::ReadingValue value = reading_value(v);
    if (std::holds_alternative<std::monostate>(value)) continue;
    out.push_back(runtime::Reading{key, std::move(value), ""});
  }
  return out;
}

}  // namespace aiopid::tether
