#include "format.hpp"

#include <initializer_list>
#include <optional>
#include <vector>

#include "table.hpp"

namespace aiopictl {

namespace {

/// A column: its header, the keys that may hold its value (first present wins), whether it is shown only when
/// some row has it, and how a boolean reads in it.
struct Column {
  std::string header;
  std::vector<std::string> keys;
  bool optional = false;
  const char* when_true = "true";
  const char* when_false = "false";
};

std::optional<Json> field(const Json& item, const Column& column) {
  if (!item.is_object()) return std::nullopt;
  for (const auto& key : column.keys) {
    if (auto it = item.find(key); it != item.end()) return *it;
  }
  return std::nullopt;
}

std::string column_cell(const Json& item, const Column& column) {
  auto value = field(item, column);
  if (!value) return "-";
  if (value->is_boolean()) return value->get<bool>() ? column.when_true : column.when_false;
  return cell_text(*value);
}

/// The list's items: an array as is; {"plural": [...]} (or an object with one array member); {NAME: {...}}
/// with the name put in. nullopt: not a list.
std::optional<std::vector<Json>> items_of(const Json& result, std::string_view plural) {
  if (result.is_array()) return std::vector<Json>(result.begin(), result.end());
  if (!result.is_object()) return std::nullopt;
  if (auto it = result.find(std::string(plural)); it != result.end() && it->is_array()) {
    return std::vector<Json>(it->begin(), it->end());
  }
  std::vector<Json> items;
  for (const auto& [name, value] : result.items()) {
    if (!value.is_object()) return std::nullopt;
    Json item = Json{{"name", name}};
    item.update(value);
    items.push_back(std::move(item));
  }
  return items;
}

std::string list_table(const std::vector<Json>& items, std::vector<Column> columns,
                       const Column* multi_row = nullptr) {
  std::vector<Column> shown;
  for (auto& c : columns) {
    bool present = !c.optional;
    for (const auto& item : items)
      present = present || field(item, c).has_value();
    if (present) shown.push_back(std::move(c));
  }
  std::vector<std::string> headers;
  for (const auto& c : shown)
    headers.push_back(c.header);
  if (multi_row) headers.push_back(multi_row->header);
  Table table(std::move(headers));
  for (const auto& item : items) {
    std::vector<std::string> row;
    for (const auto& c : shown)
      row.push_back(column_cell(item, c));
    if (!multi_row) {
      table.add_row(std::move(row));
      continue;
    }
    // One row per element of the multi-row column (a schedule's next fire times), the others left blank.
    auto values = field(item, *multi_row);
    if (!values || !values->is_array() || values->empty()) {
      row.push_back(values && !values->is_array() ? cell_text(*values) : "-");
      table.add_row(std::move(row));
      continue;
    }
    bool first = true;
    for (const auto& v : *values) {
      std::vector<std::string> line = first ? row : std::vector<std::string>(row.size());
      // A fire time may be a string or {"time": …, …}.
      line.push_back(v.is_object() && v.contains("time") ? cell_text(v["time"]) : cell_text(v));
      table.add_row(std::move(line));
      first = false;
    }
  }
  return table.render();
}

void flatten(const Json& value, const std::string& prefix, Table& table) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [key, member] : value.items()) {
      flatten(member, prefix.empty() ? key : prefix + "." + key, table);
    }
    return;
  }
  table.add_row({prefix + ":", cell_text(value)});
}

std::string object_lines(const Json& result) {
  if (result.is_null()) return {};
  if (!result.is_object()) return cell_text(result) + "\n";
  Table table({"", ""});
  flatten(result, "", table);
  // Drop the (empty) header line.
  std::string text = table.render();
  return text.substr(text.find('\n') + 1);
}

Column name_column() {
  return Column{"NAME", {"name"}};
}

}  // namespace

std::string cell_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "-";
  return value.dump();
}

std::string format_json(const Json& result) {
  return result.dump(2) + "\n";
}

std::string format_result(std::string_view command, const Json& result) {
  std::optional<std::vector<Json>> items;
  if (command == "devices" && (items = items_of(result, "devices"))) {
    return list_table(*items, {name_column(), Column{"TYPE", {"type", "kind"}}, Column{"STATE", {"state"}},
                               Column{"VALUE", {"value"}}});
  }
  if (command == "events" && (items = items_of(result, "events"))) {
    return list_table(*items,
                      {name_column(), Column{"STATE", {"state", "set", "active"}, false, "set", "clear"}});
  }
  if (command == "tasks" && (items = items_of(result, "tasks"))) {
    return list_table(
        *items, {name_column(), Column{"STATE", {"state"}}, Column{"RUNS", {"runs", "run_count", "starts"}}});
  }
  if (command == "schedules" && (items = items_of(result, "schedules"))) {
    const Column next{"NEXT", {"next", "next_fires", "next_fire"}};
    return list_table(*items,
                      {name_column(), Column{"STATE", {"state", "enabled"}, false, "enabled", "disabled"},
                       Column{"SPEC", {"spec", "cron", "when"}, true},
                       Column{"ZONE", {"time_zone", "zone", "tz"}, true}, Column{"TASK", {"task"}, true}},
                      &next);
  }
  if (command == "devices" || command == "events" || command == "tasks" || command == "schedules") {
    return format_json(result);  // a shape this version does not know: show it whole
  }
  return object_lines(result);
}

long long dropped_count(const Json& params) {
  if (!params.is_object() || params.value("topic", "") != "dropped") return 0;
  const auto data = params.find("data");
  if (data == params.end() || !data->is_object()) return 0;
  const auto n = data->find("dropped");
  return n != data->end() && n->is_number_integer() ? n->get<long long>() : 0;
}

std::string format_notification(const Json& params) {
  if (!params.is_object()) return cell_text(params) + "\n";
  std::string time = "-";
  if (auto t = params.find("time"); t != params.end() && t->is_string()) {
    time = t->get<std::string>();
  } else if (auto m = params.find("mono_us"); m != params.end() && m->is_number()) {
    time = m->dump();
  }
  const std::string topic = params.contains("topic") ? cell_text(params["topic"]) : "-";
  if (topic == "dropped") return time + " dropped " + std::to_string(dropped_count(params)) + "\n";
  const auto data = params.find("data");
  return time + " " + topic + " " + (data == params.end() ? std::string("null") : data->dump()) + "\n";
}

}  // namespace aiopictl
