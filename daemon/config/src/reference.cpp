#include "aiopid/config/reference.hpp"

#include "aiopid/config/toml_writer.hpp"

namespace aiopid::config {
namespace {

std::string cell(std::string text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string code(const std::string& text) {
  return text.empty() ? "" : "`" + text + "`";
}

void field_table(const std::vector<Field>& fields, std::string& out) {
  if (fields.empty()) return;
  out += "| Key | Type | Default | Example | Description |\n";
  out += "|---|---|---|---|---|\n";
  for (const Field& f : fields) {
    std::string def = f.required ? "**required**" : describe_default(f);
    if (!f.required && !def.empty() && f.default_doc.empty()) def = code(def);
    if (def.empty()) def = "—";
    out += "| `" + f.key + "` | " + cell(describe_type(f)) + " | " + cell(def) + " | " +
           cell(code(f.example)) + " | " + cell(f.doc) + " |\n";
  }
  out += "\n";
}

std::string output_text(const DeviceType& t) {
  switch (t.output) {
    case OutputKind::none:
      return "not an output (`set`, `toggle` and `pulse` are refused)";
    case OutputKind::boolean:
      return std::string("`set` with `value = true | false`") +
             (t.pulsable ? "; `toggle` and `pulse` apply" : "");
    case OutputKind::level:
      return "`set` with `value = 0.0 .. 1.0` (duty cycle)";
    case OutputKind::register_value:
      return "`set` with `register = \"NAME\"` (a writable register) and an integer `value`";
    case OutputKind::text:
      return "`set` with a text `value` (its lines go to successive rows) and optionally `row = N` (the "
             "first "
             "row)";
  }
  return "";
}

}  // namespace

std::string config_reference_markdown(const ConfigSchema& schema, const DeviceTypeRegistry& registry) {
  std::string out;
  out += "### `[daemon]`\n\n" + schema.daemon.doc + "\n\n";
  field_table(schema.daemon.fields, out);
  out += "### `[api]`\n\n" + schema.api.doc + "\n\n";
  field_table(schema.api.fields, out);

  out += "### `[boards.NAME]`\n\n" + schema.board.doc + "\n\n";
  field_table(schema.board.fields, out);

  out += "### `[devices.NAME]`\n\n" + schema.device.doc +
         " Names are made of letters, digits, `_` and `-`. Keys of every device:\n\n";
  field_table(schema.device.fields, out);
  for (const DeviceType* t : registry.types()) {
    out += "#### `type = \"" + t->name + "\"`\n\n" + t->doc + "\n\n";
    field_table(t->params.fields, out);
    for (const Field& f : t->params.fields) {
      if ((f.type != FieldType::map && f.type != FieldType::table) || !f.table) continue;
      out += "Keys of each `" + f.key + (f.type == FieldType::map ? ".NAME`" : "`") + " (" + f.table->name +
             "):\n\n";
      field_table(f.table->fields, out);
    }
    if (!t->board_params.fields.empty()) {
      out += "On a board (`board = \"NAME\"`, a Pico: the keys of the tether protocol, " +
             std::string("docs/design/pico-tether.md), instead of the keys above:\n\n");
      field_table(t->board_params.fields, out);
    }
    out += "Output: " + output_text(*t) + ".\n\n";
    if (t->conditions.variants.empty()) {
      out += "Event conditions: none.\n\n";
      continue;
    }
    out += "Event conditions (keys of an `[events.NAME]` with `device` naming such a device):\n\n";
    out += "| Condition | Key | Type | Default | Example | Description |\n";
    out += "|---|---|---|---|---|---|\n";
    for (const Variant& v : t->conditions.variants) {
      bool first = true;
      for (const Field& f : v.schema->fields) {
        std::string def = f.required ? "**required**" : code(describe_default(f));
        if (def.empty()) def = "—";
        out += "| `" + v.tag + "`" + (first ? ": " + cell(v.doc) : std::string()) + " | `" + f.key + "` | " +
               cell(describe_type(f)) + " | " + cell(def) + " | " + cell(code(f.example)) + " | " +
               cell(f.doc) + " |\n";
        first = false;
      }
    }
    out += "\n";
  }

  out += "### `[events.NAME]`\n\n" + schema.event.doc + "\n\n";
  field_table(schema.event.fields, out);

  out += "### `[tasks.NAME]`\n\n" + schema.task.doc + "\n\n";
  field_table(schema.task.fields, out);

  out +=
      "### Actions\n\n" + schema.action.doc + " For example `{ pulse = \"led\", duration = \"200ms\" }`.\n\n";
  for (const Variant& v : schema.action.variants) {
    out += "#### `" + v.tag + "`\n\n" + v.doc + "\n\n";
    field_table(v.schema->fields, out);
  }

  out += "### `[schedules.NAME]`\n\n" + schema.schedule.doc + "\n\n";
  field_table(schema.schedule.fields, out);
  return out;
}

}  // namespace aiopid::config
