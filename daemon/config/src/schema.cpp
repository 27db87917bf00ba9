#include "aiopid/config/schema.hpp"

#include "aiopid/config/toml_writer.hpp"

namespace aiopid::config {

std::string_view ref_kind_name(RefKind kind) noexcept {
  switch (kind) {
    case RefKind::device:
      return "device";
    case RefKind::event:
      return "event";
    case RefKind::task:
      return "task";
    case RefKind::board:
      return "board";
    case RefKind::none:
      break;
  }
  return "thing";
}

const Field* TableSchema::field(std::string_view key) const noexcept {
  for (const Field& f : fields)
    if (f.key == key) return &f;
  return nullptr;
}

const Variant* TableSchema::alternate_variant(std::string_view tag) const noexcept {
  for (const Variant& v : alternate_variants)
    if (v.tag == tag) return &v;
  return nullptr;
}

const Variant* TableSchema::variant(std::string_view tag) const noexcept {
  for (const Variant& v : variants)
    if (v.tag == tag) return &v;
  return nullptr;
}

std::vector<std::string> TableSchema::keys() const {
  std::vector<std::string> out;
  for (const Field& f : fields)
    out.push_back(f.key);
  return out;
}

std::vector<std::string> TableSchema::variant_tags() const {
  std::vector<std::string> out;
  for (const Variant& v : variants)
    out.push_back(v.tag);
  return out;
}

namespace {

std::string number_text(double v, bool integer) {
  return integer ? std::to_string(static_cast<long long>(v)) : toml_float(v);
}

std::string range_text(const Field& f, bool integer) {
  if (f.min && f.max)
    return " (" + number_text(*f.min, integer) + " to " + number_text(*f.max, integer) + ")";
  if (f.min) return " (at least " + number_text(*f.min, integer) + ")";
  if (f.max) return " (at most " + number_text(*f.max, integer) + ")";
  return "";
}

}  // namespace

std::string describe_type(const Field& f) {
  switch (f.type) {
    case FieldType::boolean:
      return "boolean";
    case FieldType::integer:
      return "integer" + range_text(f, true);
    case FieldType::number:
      return "number" + range_text(f, false);
    case FieldType::string:
      return "string";
    case FieldType::choice: {
      std::string out = "one of ";
      for (std::size_t i = 0; i < f.choices.size(); ++i) {
        if (i != 0) out += ", ";
        out += "`" + f.choices[i] + "`";
      }
      return out;
    }
    case FieldType::duration: {
      std::string out = "duration";
      if (f.min_duration && f.max_duration) {
        out += " (" + format_duration(*f.min_duration) + " to " + format_duration(*f.max_duration) + ")";
      } else if (f.min_duration) {
        out += " (at least " + format_duration(*f.min_duration) + ")";
      } else if (f.max_duration) {
        out += " (at most " + format_duration(*f.max_duration) + ")";
      }
      return out;
    }
    case FieldType::time_of_day:
      return "time of day";
    case FieldType::cron:
      return "cron spec";
    case FieldType::time_zone:
      return "time zone";
    case FieldType::reference:
      return std::string(ref_kind_name(f.ref)) + " name";
    case FieldType::table:
      return f.table ? "table (" + f.table->name + ")" : "table";
    case FieldType::map:
      return f.table ? "tables by name (" + f.table->name + ")" : "tables by name";
    case FieldType::list: {
      std::string element = f.element ? describe_type(*f.element) : "values";
      if (f.element && f.element->type == FieldType::table && f.element->table)
        element = f.element->table->name + "s";
      return f.single_allowed ? element + " or array of them" : "array of " + element;
    }
    case FieldType::custom:
      return f.type_name;
  }
  return "";
}

std::string describe_default(const Field& f) {
  if (!f.default_doc.empty()) return f.default_doc;
  if (f.default_value) return toml_inline(*f.default_value);
  return "";
}

}  // namespace aiopid::config
