#include "aiopid/config/print.hpp"

#include "aiopid/config/config_schema.hpp"
#include "aiopid/config/key_path.hpp"
#include "aiopid/config/toml_writer.hpp"

namespace aiopid::config {
namespace {

bool is_array_of_tables(const Node& n) {
  if (!n.is(Node::Kind::array) || n.items().empty()) return false;
  for (const Node& item : n.items())
    if (!item.is(Node::Kind::table)) return false;
  return true;
}

void print_members(const Node& table, std::string& out) {
  for (const Node::Member& m : table.members()) {
    out += toml_key(m.key);
    out += " = ";
    if (is_array_of_tables(m.value)) {
      // One table per line, so that long action lists stay readable.
      out += "[\n";
      for (const Node& item : m.value.items()) {
        out += "  ";
        out += toml_inline(item);
        out += ",\n";
      }
      out += "]\n";
    } else {
      out += toml_inline(m.value);
      out += '\n';
    }
  }
}

std::string origin(const Location& where) {
  return where.from_file() ? "  # " + where.to_string() : "";
}

}  // namespace

std::string print_config(const Config& config) {
  std::string out = "# aiopid: the effective configuration, every default filled in, merged from\n";
  for (const std::string& file : config.files)
    out += "#   " + file + "\n";
  const Node& doc = config.document;
  if (const Node* daemon = doc.find(kDaemonSection)) {
    out += "\n[daemon]\n";
    print_members(*daemon, out);
  }
  if (const Node* api = doc.find(kApiSection)) {
    out += "\n[api]\n";
    print_members(*api, out);
  }
  for (const std::string_view section :
       {kBoardsSection, kDevicesSection, kEventsSection, kTasksSection, kSchedulesSection}) {
    const Node* named = doc.find(section);
    if (!named) continue;
    for (const Node::Member& entry : named->members()) {
      out += "\n[" + std::string(section) + "." + toml_key(entry.key) + "]" + origin(entry.key_where) + "\n";
      print_members(entry.value, out);
    }
  }
  return out;
}

}  // namespace aiopid::config
