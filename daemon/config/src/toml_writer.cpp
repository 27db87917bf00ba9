#include "aiopid/config/toml_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "aiopid/config/key_path.hpp"

namespace aiopid::config {

std::string toml_float(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  std::string text(buf, ec == std::errc{} ? end : buf);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

std::string toml_inline(const Node& value) {
  switch (value.kind()) {
    case Node::Kind::boolean:
      return value.as_bool() ? "true" : "false";
    case Node::Kind::integer:
      return std::to_string(value.as_int());
    case Node::Kind::floating:
      return toml_float(value.as_number());
    case Node::Kind::string:
      return toml_string(value.as_string());
    case Node::Kind::date_time:
      return value.as_string();
    case Node::Kind::time_of_day: {
      const TimeOfDay t = value.as_time();
      char buf[16];
      std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", t.hour, t.minute, t.second);
      return buf;
    }
    case Node::Kind::array: {
      std::string out = "[";
      for (std::size_t i = 0; i < value.items().size(); ++i) {
        if (i != 0) out += ", ";
        out += toml_inline(value.items()[i]);
      }
      return out + "]";
    }
    case Node::Kind::table: {
      if (value.members().empty()) return "{}";
      std::string out = "{ ";
      for (std::size_t i = 0; i < value.members().size(); ++i) {
        if (i != 0) out += ", ";
        out += toml_key(value.members()[i].key);
        out += " = ";
        out += toml_inline(value.members()[i].value);
      }
      return out + " }";
    }
  }
  return "";
}

}  // namespace aiopid::config
