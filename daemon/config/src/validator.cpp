#include "aiopid/config/validator.hpp"

#include <cmath>
#include <utility>

#include "aiopi/cron/fixed_offset_zone.hpp"
#include "aiopi/cron/iana_zone.hpp"
#include "aiopi/cron/parse.hpp"
#include "aiopid/config/key_path.hpp"
#include "aiopid/config/suggest.hpp"
#include "aiopid/config/toml_writer.hpp"

namespace aiopid::config {
namespace {

std::string join(const std::vector<std::string>& words, std::string_view separator = ", ") {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i != 0) out += separator;
    out += words[i];
  }
  return out;
}

std::string number_text(const Node& n) {
  return n.is(Node::Kind::integer) ? std::to_string(n.as_int()) : toml_float(n.as_number());
}

std::string bound_text(double v, bool integer) {
  return integer ? std::to_string(static_cast<long long>(v)) : toml_float(v);
}

bool known_time_zone(std::string_view name) {
  if (name == "local") return true;
  if (aiopi::cron::parse_utc_offset(name)) return true;
  return aiopi::cron::IanaZone::locate(name).has_value();
}

}  // namespace

Location location_in_string(const Node& value, std::size_t offset) {
  const Location& where = value.where();
  if (!where.file || where.line == 0 || where.column == 0) return where;
  const std::string& text = where.file->text;
  std::size_t pos = 0;
  for (std::uint32_t line = 1; line < where.line; ++line) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return where;
    ++pos;
  }
  pos += where.column - 1;
  if (pos >= text.size()) return where;
  const char quote = text[pos];
  if (quote != '"' && quote != '\'') return where;
  if (text.compare(pos, 3, std::string(3, quote)) == 0) return where;  // multi-line string
  for (std::size_t i = 0; i < offset; ++i) {
    const std::size_t p = pos + 1 + i;
    if (p >= text.size() || text[p] == '\n' || text[p] == quote) return where;
    if (quote == '"' && text[p] == '\\') return where;  // escapes: the columns no longer match
  }
  Location inside = where;
  inside.column = where.column + 1 + static_cast<std::uint32_t>(offset);
  return inside;
}

void Validator::error(const Location& where, std::string path, std::string message) {
  ++errors_;
  out_->error(where, std::move(path), std::move(message));
}

void Validator::error_in_string(const Node& value, std::size_t offset, std::string path,
                                std::string message) {
  error(location_in_string(value, offset), std::move(path), std::move(message));
}

void Validator::type_error(const Node& value, std::string_view expected, std::string path) {
  error(value.where(), std::move(path),
        "expected " + std::string(expected) + ", found " + std::string(kind_name(value.kind(), true)));
}

void Validator::add_reference(RefKind kind, const Node& name, std::string path) {
  references_.push_back(Reference{kind, name.as_string(), name.where(), std::move(path)});
}

bool Validator::check_name(const Node::Member& member, const std::string& path) {
  if (is_bare_key(member.key)) return true;
  error(member.key_where, path,
        "invalid name " + toml_string(member.key) + ": names are made of letters, digits, '_' and '-'");
  return false;
}

bool Validator::reject_unknown_keys(const Node& table, const std::vector<std::string>& known,
                                    const std::string& path) {
  bool ok = true;
  for (const Node::Member& m : table.members()) {
    bool found = false;
    for (const std::string& k : known)
      found = found || k == m.key;
    if (found) continue;
    error(m.key_where, path, "unknown key '" + m.key + "'" + did_you_mean(m.key, known));
    ok = false;
  }
  return ok;
}

bool Validator::validate_table(Node& table, const TableSchema& schema, const std::string& path) {
  if (!table.is(Node::Kind::table)) {
    type_error(table, "a table", path);
    return false;
  }
  const std::size_t errors_before = errors_;

  // Which variant (if the schema has variants), and so which keys are allowed.
  const TableSchema* variant = nullptr;
  bool variant_unknown = false;
  if (!schema.tag_key.empty()) {
    const Node* tag = table.find(schema.tag_key);
    if (tag && tag->is(Node::Kind::string)) {
      if (const Variant* v = schema.variant(tag->as_string())) variant = v->schema;
    }
    variant_unknown = variant == nullptr;  // the tag field reports why
    const Node::Member* alternate = nullptr;
    if (!schema.alternate_key.empty()) {
      for (const Node::Member& m : table.members())
        if (m.key == schema.alternate_key) alternate = &m;
    }
    if (alternate && variant) {
      const Variant* v = schema.alternate_variant(tag->as_string());
      if (!v) {
        std::vector<std::string> tags;
        for (const Variant& a : schema.alternate_variants)
          tags.push_back(a.tag);
        error(alternate->key_where, join_key(path, alternate->key),
              "a " + tag->as_string() + " cannot be " + schema.alternate_what + " (only " + join(tags) + ")");
        return false;
      }
      variant = v->schema;
    }
  } else if (schema.tag_by_presence) {
    const Node::Member* first = nullptr;
    for (const Node::Member& m : table.members()) {
      const Variant* v = schema.variant(m.key);
      if (!v) continue;
      if (first) {
        error(m.key_where, path,
              "'" + m.key + "' cannot be combined with '" + first->key + "' in one " + schema.name);
        return false;
      }
      first = &m;
      variant = v->schema;
    }
    if (!variant) {
      const std::vector<std::string> tags = schema.variant_tags();
      for (const Node::Member& m : table.members()) {
        if (schema.field(m.key)) continue;
        if (closest(m.key, tags)) {
          error(m.key_where, path, "unknown key '" + m.key + "'" + did_you_mean(m.key, tags));
          return false;
        }
      }
      error(table.where(), path,
            "expected one of the keys " + join(tags) + " (which " + schema.name + " this is)");
      return false;
    }
  }

  std::vector<const Field*> fields;
  for (const Field& f : schema.fields)
    fields.push_back(&f);
  if (variant) {
    for (const Field& f : variant->fields)
      fields.push_back(&f);
  }
  const auto lookup = [&](std::string_view key) -> const Field* {
    for (const Field* f : fields)
      if (f->key == key) return f;
    return nullptr;
  };
  std::vector<std::string> known;
  for (const Field* f : fields)
    known.push_back(f->key);

  for (Node::Member& m : table.members()) {
    const Field* f = lookup(m.key);
    if (!f) {
      // With an unknown variant, the other keys cannot be judged: only the tag's error is reported.
      if (schema.open || (variant && variant->open) || variant_unknown) continue;
      error(m.key_where, path, "unknown key '" + m.key + "'" + did_you_mean(m.key, known));
      continue;
    }
    validate_value(m.value, *f, join_key(path, m.key));
  }
  for (const Field* f : fields) {
    if (table.contains(f->key)) continue;
    if (f->required) {
      std::string message = "missing required key '" + f->key + "'";
      if (f->type == FieldType::choice) message += " (one of " + join(f->choices) + ")";
      error(table.where(), path, std::move(message));
    } else if (f->default_value) {
      table.append(f->key, Location{}, *f->default_value);
    }
  }
  if (errors_ != errors_before || variant_unknown) return false;
  if (schema.check) schema.check(table, path, *this);
  if (variant && variant->check && errors_ == errors_before) variant->check(table, path, *this);
  return errors_ == errors_before;
}

bool Validator::validate_value(Node& value, const Field& f, const std::string& path) {
  const std::size_t errors_before = errors_;
  const auto range_check = [&](bool integer) {
    const double v = value.as_number();
    const bool low = f.min && v < *f.min, high = f.max && v > *f.max;
    if (!low && !high) return;
    if (f.min && f.max) {
      error(value.where(), path,
            number_text(value) + " is not in the range " + bound_text(*f.min, integer) + " to " +
                bound_text(*f.max, integer));
    } else if (low) {
      error(value.where(), path,
            number_text(value) + " is less than the minimum " + bound_text(*f.min, integer));
    } else {
      error(value.where(), path,
            number_text(value) + " is more than the maximum " + bound_text(*f.max, integer));
    }
  };

  switch (f.type) {
    case FieldType::boolean:
      if (!value.is(Node::Kind::boolean)) type_error(value, "a boolean (true or false)", path);
      break;
    case FieldType::integer:
      if (!value.is(Node::Kind::integer)) {
        type_error(value, "an integer", path);
      } else {
        range_check(true);
      }
      break;
    case FieldType::number:
      if (!value.is_number()) {
        type_error(value, "a number", path);
      } else {
        range_check(false);
      }
      break;
    case FieldType::string:
      if (!value.is(Node::Kind::string)) {
        type_error(value, "a string", path);
      } else if (f.non_empty && value.as_string().empty()) {
        error(value.where(), path, "must not be empty");
      }
      break;
    case FieldType::choice: {
      if (!value.is(Node::Kind::string)) {
        type_error(value, "a string (one of " + join(f.choices) + ")", path);
        break;
      }
      bool found = false;
      for (const std::string& c : f.choices)
        found = found || c == value.as_string();
      if (!found) {
        error(value.where(), path,
              toml_string(value.as_string()) + " is not one of " + join(f.choices) +
                  did_you_mean(value.as_string(), f.choices));
      }
      break;
    }
    case FieldType::duration: {
      if (!value.is(Node::Kind::string)) {
        type_error(value, "a duration: a string with a unit, such as \"250ms\"", path);
        break;
      }
      const auto d = parse_duration(value.as_string());
      if (!d) {
        error_in_string(value, d.error().offset, path, "bad duration: " + d.error().message);
      } else if (f.min_duration && *d < *f.min_duration) {
        error(value.where(), path, "must be at least " + format_duration(*f.min_duration));
      } else if (f.max_duration && *d > *f.max_duration) {
        error(value.where(), path, "must be at most " + format_duration(*f.max_duration));
      }
      break;
    }
    case FieldType::time_of_day: {
      if (value.is(Node::Kind::time_of_day)) break;
      if (!value.is(Node::Kind::string)) {
        type_error(value, "a time of day such as \"07:30\"", path);
        break;
      }
      const auto t = parse_time_of_day(value.as_string());
      if (!t) error_in_string(value, t.error().offset, path, "bad time: " + t.error().message);
      break;
    }
    case FieldType::cron: {
      if (!value.is(Node::Kind::string)) {
        type_error(value, "a cron string such as \"*/5 * * * *\" or \"hrs=4 mins=10\"", path);
        break;
      }
      const auto spec = aiopi::cron::parse_spec(value.as_string());
      if (!spec) {
        const aiopi::cron::ParseError& e = spec.error();
        std::string message = "bad cron spec";
        if (e.field != "spec") message += " (" + std::string(e.field) + ")";
        message += ": " + std::string(e.message);
        error_in_string(value, e.offset, path, std::move(message));
      }
      break;
    }
    case FieldType::time_zone:
      if (!value.is(Node::Kind::string)) {
        type_error(value, "a time zone name", path);
      } else if (!known_time_zone(value.as_string())) {
        error(
            value.where(), path,
            "unknown time zone " + toml_string(value.as_string()) +
                " (use an IANA name such as \"Europe/London\", a fixed offset such as \"+05:45\", \"UTC\" or "
                "\"local\")");
      }
      break;
    case FieldType::reference:
      if (!value.is(Node::Kind::string)) {
        type_error(value,
                   "the name of " + std::string(f.ref == RefKind::event ? "an " : "a ") +
                       std::string(ref_kind_name(f.ref)) + " (a string)",
                   path);
      } else if (value.as_string().empty()) {
        error(value.where(), path, "a name cannot be empty");
      } else {
        add_reference(f.ref, value, path);
      }
      break;
    case FieldType::table:
      if (f.table) validate_table(value, *f.table, path);
      break;
    case FieldType::map: {
      if (!value.is(Node::Kind::table)) {
        type_error(value, "a table of named tables", path);
        break;
      }
      for (Node::Member& m : value.members()) {
        if (!check_name(m, path)) continue;
        if (f.table) validate_table(m.value, *f.table, join_key(path, m.key));
      }
      break;
    }
    case FieldType::list: {
      if (!value.is(Node::Kind::array)) {
        if (!f.single_allowed) {
          type_error(value, "an array", path);
          break;
        }
        Node array = Node::array(value.where());
        array.push_back(std::move(value));
        value = std::move(array);
      }
      if (f.non_empty && value.items().empty()) {
        error(value.where(), path, "must not be empty");
        break;
      }
      if (f.element) {
        for (std::size_t i = 0; i < value.items().size(); ++i) {
          validate_value(value.items()[i], *f.element, join_index(path, i));
        }
      }
      break;
    }
    case FieldType::custom:
      break;
  }
  if (errors_ == errors_before && f.check) f.check(value, path, *this);
  return errors_ == errors_before;
}

}  // namespace aiopid::config
